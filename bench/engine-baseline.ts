// The engine's own cost: one stack of n trivial dynamic resources (one provider instance, packaged
// by reference like ours: module.exports of a file in node_modules), on the real Pulumi CLI with a
// temporary file backend. Prints and returns the wall time of `up`, `refresh` and `destroy`.
//
//   npx ts-node --transpile-only bench/engine-baseline.ts [n] [--short]     (default 400; short mode 5)
//
// Needs the Pulumi CLI (scripts/setup-pulumi.sh; `source scripts/env.sh && pzm_ensure_pulumi`).
import * as path from "path";
import { addLocalPackage, createConsumerProject, makeTempDir, removeDir, withStack } from "../test/e2e/harness";
import { byMode } from "./mode";

export interface EngineBaseline {
  up: number;
  refresh: number;
  destroy: number;
  /** Resources in the stack (n trivial ones; the stack and the provider not counted). */
  n: number;
  /** Bytes of the exported deployment (`pulumi stack export`) per trivial resource after `up`. */
  stateBytesPerResource: number;
}

export interface EngineBaselineOptions {
  /** `--parallel` for up/refresh/destroy (default: the CLI's default). Use the same for comparisons. */
  parallel?: number;
  /** Print the figures (default true). */
  print?: boolean;
  /**
   * Characters of padding in every resource's inputs (and so in its outputs too): grows the state
   * to a given size, to measure the engine's cost for that much state (default 0).
   */
  pad?: number;
  /** Wraps each engine operation (e.g. with a deadline); `what` is "up", "refresh" or "destroy". */
  guard?: <T>(what: string, run: Promise<T>) => Promise<T>;
}

/** A provider that does nothing but echo its inputs. */
export const TRIVIAL_PROVIDER = `"use strict";
let next = 0;
module.exports = {
  async create(inputs) { return { id: "t-" + process.pid + "-" + (next++), outs: { ...inputs, ready: true } }; },
  async read(id, props) { return { id, props }; },
  async diff(id, olds, news) { return { changes: olds.index !== news.index }; },
  async update(id, olds, news) { return { outs: { ...news, ready: true } }; },
  async delete() {},
};
`;

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = require("pzm-bench-trivial");
class Trivial extends pulumi.dynamic.Resource {
  constructor(name, args) { super(provider, name, { ready: undefined, ...args }, {}, "bench", "Trivial"); }
}
const config = new pulumi.Config("bench");
const n = Number(config.require("n"));
const pad = Number(config.get("pad") ?? "0");
const extra = pad ? { pad: "x".repeat(pad) } : {};
for (let i = 0; i < n; i++) new Trivial("t" + i, { index: i, label: "trivial resource " + i, ...extra });
module.exports = { n };
`;

export async function benchEngineBaseline(n = 400, opts: EngineBaselineOptions = {}): Promise<EngineBaseline> {
  const print = opts.print ?? true;
  const tmp = makeTempDir("bench-baseline");
  try {
    const proj = await createConsumerProject(path.join(tmp, "project"), {
      program: PROGRAM,
      withPackage: false,
      projectName: "bench-baseline",
    });
    addLocalPackage(proj.dir, "pzm-bench-trivial", { "index.js": TRIVIAL_PROVIDER });
    const h = await withStack(proj.dir, "baseline", {
      "bench:n": String(n),
      ...(opts.pad ? { "bench:pad": String(opts.pad) } : {}),
    });
    try {
      const parallel = opts.parallel !== undefined ? { parallel: opts.parallel } : {};
      const guard = opts.guard ?? (<T>(_what: string, run: Promise<T>) => run);
      const timed = async (what: string, f: () => Promise<unknown>): Promise<number> => {
        const t = process.hrtime.bigint();
        await guard(what, f());
        return Number(process.hrtime.bigint() - t) / 1e9;
      };
      const up = await timed("up", () => h.stack.up(parallel));
      const state = JSON.stringify(await h.exportDeployment());
      const resources = (await h.resources("pulumi-nodejs:dynamic/bench:Trivial")).length;
      if (resources !== n) throw new Error(`expected ${n} resources in state, found ${resources}`);
      const refresh = await timed("refresh", () => h.stack.refresh(parallel));
      const destroy = await timed("destroy", () => h.stack.destroy(parallel));
      const result = { up, refresh, destroy, n, stateBytesPerResource: Math.round(Buffer.byteLength(state) / n) };
      if (print) {
        const f = (s: number) => `${s.toFixed(1)} s`;
        console.log(
          `engine baseline (${n} trivial dynamic resources): up ${f(up)}, refresh ${f(refresh)}, destroy ${f(destroy)}; ` +
            `state ${result.stateBytesPerResource} bytes/resource`,
        );
      }
      return result;
    } finally {
      await h.dispose();
    }
  } finally {
    removeDir(tmp);
  }
}

if (require.main === module) {
  const arg = process.argv.slice(2).find((a) => !a.startsWith("--"));
  const n = arg ? Number(arg) : byMode({ full: 400, short: 5 });
  benchEngineBaseline(n).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
