// Every project in examples/ runs on the real engine against a fresh simulator: the example's own
// Pulumi.yaml, index.ts (compiled by ts-node in the language host, as in a user's project) and data
// files, with the package installed from the `npm pack` tarball instead of the registry.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import { e2eFixture, MIN } from "./fixture";
import { REPO_ROOT } from "./harness";

const EXAMPLES = path.join(REPO_ROOT, "examples");

/** The example's files other than package.json (the harness writes one that uses the tarball). */
function exampleFiles(name: string): { program: string; files: Record<string, string> } {
  const dir = path.join(EXAMPLES, name);
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    if (
      f === "index.ts" ||
      f === "package.json" ||
      f === "node_modules" ||
      (f.startsWith("Pulumi.") && f !== "Pulumi.yaml")
    )
      continue;
    if (fs.statSync(path.join(dir, f)).isFile()) files[f] = fs.readFileSync(path.join(dir, f), "utf8");
  }
  return { program: fs.readFileSync(path.join(dir, "index.ts"), "utf8"), files };
}

async function md5Of(url: string): Promise<{ md5: string; size: number }> {
  const body = Buffer.from(await (await fetch(url)).arrayBuffer());
  return { md5: createHash("md5").update(body).digest("hex"), size: body.length };
}

describe("e2e: examples/", function () {
  this.timeout(10 * MIN);

  it("every TypeScript example directory is covered by this suite (the plugin's have their own: plugin-*.test.ts)", () => {
    const runtime = (d: string): string => {
      const r = parseYaml(fs.readFileSync(path.join(EXAMPLES, d, "Pulumi.yaml"), "utf8")).runtime;
      return typeof r === "string" ? r : r.name;
    };
    const dirs = fs
      .readdirSync(EXAMPLES)
      .filter((d) => fs.statSync(path.join(EXAMPLES, d)).isDirectory() && runtime(d) === "nodejs")
      .sort();
    assert.deepStrictEqual(dirs, Object.keys(checks).sort());
  });

  const checks: Record<string, (out: Record<string, any>, sim: ZStackSimulator) => Promise<void> | void> = {
    "gitops-migrations": (out, sim) => {
      const wave = parseYaml(fs.readFileSync(path.join(EXAMPLES, "gitops-migrations/wave.yaml"), "utf8"));
      const names = wave.vms.map((v: any) => v.name ?? v.source).sort();
      assert.deepStrictEqual(Object.keys(out.vms).sort(), names);
      for (const v of wave.vms) {
        const name = v.name ?? v.source;
        assert.strictEqual(out.states[name], "Succeeded");
        const vm = sim.world.get("vms", out.vms[name]);
        assert.ok(vm, `${name} was migrated`);
        assert.strictEqual(vm.state, (v.strategy ?? wave.defaults.strategy) === "JustConvert" ? "Stopped" : "Running");
        assert.match(
          out.report,
          new RegExp(`^\\| ${name} \\| ${v.source} \\| Succeeded \\| ${out.vms[name]} \\|`, "m"),
        );
      }
      // overrides by name: db-01 on two networks; CPU and memory as given
      const db = sim.world.get("vms", out.vms["db-01"])!;
      assert.strictEqual(db.cpuNum, 4);
      assert.strictEqual(db.memorySize, 16 * 1024 ** 3);
      assert.strictEqual(db.vmNics.length, 2);
    },
    "ova-export": async (out) => {
      assert.match(out.exportUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.strictEqual(out.format, "ova");
      assert.deepStrictEqual(await md5Of(out.exportUrl), { md5: out.md5Sum, size: out.sizeBytes });
      // the example verifies by MD5
      assert.strictEqual(out.verified.method, "md5");
      assert.strictEqual(out.verified.md5, out.md5Sum);
      assert.strictEqual(out.verified.size, out.sizeBytes);
    },
    "migrate-then-export": async (out, sim) => {
      const vm = sim.world.get("vms", out.migratedVmUuid);
      assert.ok(vm, "the migrated VM exists");
      assert.strictEqual(vm.state, "Stopped");
      const [pkg] = sim.world.list("imagePackages");
      assert.strictEqual(pkg.vmUuid, out.migratedVmUuid, "the OVA was exported from the migrated VM");
      assert.deepStrictEqual(await md5Of(out.exportUrl), { md5: out.md5Sum, size: out.size });
    },
  };

  for (const name of Object.keys(checks)) {
    describe(name, function () {
      const fx = e2eFixture({
        stack: "example",
        project: () => ({ ...exampleFiles(name), language: "ts", typescript: "ts-node" }),
        simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN, ovaMs: 5 * MIN } },
      });

      it("index.ts type-checks (strict, its own tsconfig) against the installed package", () => {
        // the language host only transpiles: a user's `tsc` in CI would see what this sees
        const r = spawnSync(
          process.execPath,
          [require.resolve("typescript/bin/tsc"), "-p", path.join(fx.project.dir, "tsconfig.json"), "--noEmit"],
          {
            encoding: "utf8",
          },
        );
        assert.strictEqual(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
      });

      it("up succeeds and the outputs are what the example promises", async () => {
        const res = await fx.h.stack.up(fx.opts());
        assert.strictEqual(res.summary.result, "succeeded");
        await checks[name](await fx.h.outputs(), fx.sim);
      });

      it("preview afterwards expects no changes", async () => {
        await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
      });

      if (name === "gitops-migrations") {
        it("wave.yaml as its README says: a changed cpuNum of a migrated VM is refused, ignoreChanges keeps it", async () => {
          const file = path.join(fx.project.dir, "wave.yaml");
          const original = fs.readFileSync(file, "utf8");
          const edit = (extra: string) =>
            fs.writeFileSync(file, original.replace("    name: web-01\n", `    name: web-01\n    cpuNum: 8\n${extra}`));
          try {
            edit("");
            await assert.rejects(fx.h.stack.preview(fx.opts()), /re-migration refused|was already migrated/);
            edit("    ignoreChanges: [cpuNum]\n");
            await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
          } finally {
            fs.writeFileSync(file, original);
          }
        });
      }

      it("destroy removes the long jobs and packages it created", async () => {
        await fx.h.stack.destroy(fx.opts());
        assert.deepStrictEqual(fx.sim.world.list("longJobs"), []);
        assert.deepStrictEqual(fx.sim.world.list("imagePackages"), []);
        if (name === "migrate-then-export") {
          assert.strictEqual(
            fx.sim.world.list("vms").filter((v) => v.name === "app-02" && v.hypervisorType === "KVM").length,
            0,
            "deleteMigratedVm: true expunged the migrated VM",
          );
        }
        assert.ok(fx.sim.world.get("vms", U.vmStopped), "the exported source VM is untouched");
      });
    });
  }
});
