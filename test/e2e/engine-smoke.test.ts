// The real Pulumi engine with a trivial dynamic provider, no ZStack code involved: if this fails, the
// problem is the engine set-up (CLI, language host, dynamic-provider plugin, Node, backend), not the
// product. It exercises what the product's end-to-end tests rely on: a program installed in a
// consumer project, a provider packaged by reference (module.exports of a file in node_modules),
// namespaced + secret stack config reaching configure(), up, preview/refresh expecting no changes
// (and a preview that must see a change), update, refresh dropping a deleted resource, destroy.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { e2eFixture } from "./fixture";
import {
  addLocalPackage,
  findPlainText,
  getPulumiCli,
  isSecretValue,
  makeTempDir,
  removeDir,
  PulumiCli,
} from "./harness";

/** A provider package: its module.exports is the provider, so `__provider` is a one-line require. */
const PROVIDER_SOURCE = `"use strict";
const fs = require("fs");
let dbFile;
function load() { return fs.existsSync(dbFile) ? JSON.parse(fs.readFileSync(dbFile, "utf8")) : {}; }
function save(db) { fs.writeFileSync(dbFile, JSON.stringify(db)); }
function log(line) { fs.appendFileSync(dbFile + ".log", line + "\\n"); }
module.exports = {
  async configure(req) {
    dbFile = req.config.require("smoke:dbFile");
    log("configure token=" + (req.config.get("smoke:token") === "tok-" + "s3cr3t-4242" ? "ok" : "missing"));
  },
  async diff(id, olds, news) {
    log("diff " + id);
    return { changes: olds.name !== news.name, replaces: olds.kind !== news.kind ? ["kind"] : [] };
  },
  async create(inputs) {
    const db = load();
    const id = "g-" + (Object.keys(db).length + 1) + "-" + inputs.name;
    db[id] = { greeting: "hello " + inputs.name };
    save(db);
    log("create " + id);
    return { id, outs: { name: inputs.name, kind: inputs.kind, greeting: db[id].greeting } };
  },
  async read(id, props) {
    log("read " + id);
    const db = load();
    if (!db[id]) return { id: undefined };
    return { id, props: { ...props, greeting: db[id].greeting } };
  },
  async update(id, olds, news) {
    const db = load();
    db[id] = { greeting: "hello " + news.name };
    save(db);
    log("update " + id);
    return { outs: { name: news.name, kind: news.kind, greeting: db[id].greeting } };
  },
  async delete(id) {
    const db = load();
    delete db[id];
    save(db);
    log("delete " + id);
  },
};
`;

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = require("pzm-smoke-provider");
class Greeting extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, { greeting: undefined, ...args }, opts, "smoke", "Greeting");
  }
}
const cfg = new pulumi.Config("smoke");
const names = JSON.parse(cfg.require("names"));
const out = {};
for (const n of names) out[n] = new Greeting(n, { name: cfg.get("prefix") ? cfg.get("prefix") + n : n, kind: "plain" }).greeting;
module.exports = { greetings: out };
`;

const TS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = require("pzm-smoke-provider");
class Greeting extends pulumi.dynamic.Resource {
  declare readonly greeting: pulumi.Output<string>;
  constructor(name: string, args: { name: pulumi.Input<string>; kind: string }) {
    super(provider, name, { greeting: undefined, ...args }, {}, "smoke", "Greeting");
  }
}
export const greeting = new Greeting("ts1", { name: "typescript", kind: "plain" }).greeting;
`;

const TOKEN = "tok-" + "s3cr3t-4242";
const GREETING_TYPE = "pulumi-nodejs:dynamic/smoke:Greeting";

function addProviderPackage(projectDir: string): void {
  addLocalPackage(projectDir, "pzm-smoke-provider", { "index.js": PROVIDER_SOURCE });
}

describe("engine smoke: the real Pulumi CLI with a trivial dynamic provider", function () {
  this.timeout(180_000);
  let cli: PulumiCli;
  let tmp: string;
  let dbFile: string;
  const log = (): string[] =>
    fs.existsSync(dbFile + ".log")
      ? fs
          .readFileSync(dbFile + ".log", "utf8")
          .trim()
          .split("\n")
      : [];
  const db = (): Record<string, unknown> => JSON.parse(fs.readFileSync(dbFile, "utf8"));

  before(async function () {
    // No CLI is a failure with instructions, never a skip.
    cli = await getPulumiCli();
    tmp = makeTempDir("smoke");
    dbFile = path.join(tmp, "db.json");
  });
  after(() => tmp && removeDir(tmp));

  describe("JavaScript program", function () {
    const fx = e2eFixture({
      stack: "dev",
      project: { program: PROGRAM, withPackage: false, projectName: "smoke" },
      simulator: false,
      config: () => ({
        "smoke:names": JSON.stringify(["a", "b", "c"]),
        "smoke:dbFile": dbFile,
        "smoke:token": { value: TOKEN, secret: true },
      }),
    });
    before(() => addProviderPackage(fx.project.dir));

    it(`uses a CLI >= @pulumi/pulumi's version`, function () {
      assert.match(cli.version, /^\d+\.\d+\.\d+/);
    });

    it("up creates every resource through the provider process, with the stack config", async function () {
      const res = await fx.h.stack.up(fx.opts());
      assert.equal(res.summary.result, "succeeded");
      assert.deepEqual(res.summary.resourceChanges, { create: 4 }); // the stack + 3 (providers are not counted)
      assert.deepEqual(res.outputs.greetings.value, { a: "hello a", b: "hello b", c: "hello c" });
      assert.equal(Object.keys(db()).length, 3);
      assert.ok(log().includes("configure token=ok"), `configure() did not get the secret config: ${log().join(", ")}`);
    });

    it("state: __provider is a short require of the installed package, no secret in plain text", async function () {
      const d = await fx.h.exportDeployment();
      const rs = d.resources.filter((r: any) => r.type === GREETING_TYPE);
      assert.equal(rs.length, 3);
      for (const r of rs) {
        const p: string = r.outputs.__provider;
        assert.ok(
          typeof p === "string" && p.includes('require("pzm-smoke-provider/index.js")'),
          `__provider: ${String(p).slice(0, 200)}`,
        );
        assert.ok(p.length < 1024, `__provider is ${p.length} bytes`);
      }
      assert.deepEqual(findPlainText(d, { token: TOKEN }), []);
      assert.deepEqual(findPlainText(await fx.h.backendFiles(), { token: TOKEN }), []);
      assert.ok(!(await fx.h.backendText()).includes(TOKEN));
      // The engine keeps the whole stack config in the default dynamic provider's inputs; the
      // secret is there, encrypted.
      const dp = d.resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
      assert.ok(isSecretValue(dp.inputs["smoke:token"]), "secret config is not encrypted in the provider's state");
    });

    it("preview and refresh expect no changes; a config change is a change", async function () {
      await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
      const r = await fx.h.stack.refresh({ ...fx.opts(), expectNoChanges: true });
      assert.equal(r.summary.result, "succeeded");
      assert.equal(log().filter((l) => l.startsWith("read ")).length, 3);
      await fx.h.setConfig({ "smoke:prefix": "x" });
      await assert.rejects(
        fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true }),
        /no-changes|expect-no-changes|changes/i,
      );
    });

    it("up updates in place (diff → update keeps the id)", async function () {
      const before = Object.keys(db()).sort();
      const res = await fx.h.stack.up(fx.opts());
      assert.deepEqual(res.summary.resourceChanges, { same: 1, update: 3 });
      assert.deepEqual(res.outputs.greetings.value, { a: "hello xa", b: "hello xb", c: "hello xc" });
      assert.deepEqual(Object.keys(db()).sort(), before);
      assert.equal(log().filter((l) => l.startsWith("update ")).length, 3);
    });

    it("refresh drops a resource deleted out of band", async function () {
      const all = db();
      const gone = Object.keys(all)[0];
      delete all[gone];
      fs.writeFileSync(dbFile, JSON.stringify(all));
      await fx.h.stack.refresh(fx.opts());
      const ids = (await fx.h.resources(GREETING_TYPE)).map((r) => r.id);
      assert.equal(ids.length, 2);
      assert.ok(!ids.includes(gone));
      // the next up re-creates it
      const res = await fx.h.stack.up(fx.opts());
      assert.equal(res.summary.resourceChanges?.create, 1);
    });

    it("destroy deletes everything", async function () {
      const res = await fx.h.stack.destroy(fx.opts());
      assert.equal(res.summary.result, "succeeded");
      assert.deepEqual(db(), {});
      assert.deepEqual(await fx.h.resources(GREETING_TYPE), []);
    });
  });

  describe("TypeScript program run by the language host through ts-node", function () {
    const fx = e2eFixture({
      stack: "dev",
      project: {
        program: TS_PROGRAM,
        language: "ts",
        typescript: "ts-node",
        withPackage: false,
        projectName: "smoke-ts",
      },
      simulator: false,
      config: () => ({ "smoke:dbFile": dbFile + ".ts" }),
    });
    before(() => addProviderPackage(fx.project.dir));

    it("up and destroy", async function () {
      const up = await fx.h.stack.up(fx.opts());
      assert.equal(up.outputs.greeting.value, "hello typescript");
      await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
      await fx.h.stack.destroy(fx.opts());
      assert.deepEqual(JSON.parse(fs.readFileSync(dbFile + ".ts", "utf8")), {});
    });
  });
});
