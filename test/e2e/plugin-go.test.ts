// End to end on the real Pulumi engine: a Go program (test/e2e/fixtures/go-program) declares one
// V2vMigration on the provider plugin (installed from its tarball) through the Go SDK that scripts/build-sdks.sh generated with Pulumi's own code generator;
// its go.mod replaces the SDK's module path by the generated directory. Up, then destroy, against the
// simulator. The Go language host compiles the program: about 4.5 minutes with a cold Go build cache
// (kept outside the repository, in Go's usual place), seconds once warm.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { e2eFixture, jobsFor, longJobsLeft, MIN, releasedRecordsOf } from "./fixture";
import { AMBIENT_PLUGIN, builtSdks, installPlugin, programPath } from "./plugin-programs";

const PROGRAM_DIR = path.join(__dirname, "fixtures", "go-program");
/** The Pulumi Go SDK the program is built with (the Go host of sdk/v3 v3.66.0 runs programs on it). */
const GO_PULUMI_SDK = "v3.276.0";

/** The program's go.mod: the Pulumi SDK, and the generated SDK by its directory. */
function goMod(sdkModule: string, sdkDir: string): string {
  return `module pzm-e2e-go-program

go 1.26.6

require (
\t${sdkModule} v0.0.0
\tgithub.com/pulumi/pulumi/sdk/v3 ${GO_PULUMI_SDK}
)

replace ${sdkModule} => ${sdkDir}
`;
}

// `go` resolves the requirements through the module proxy and never downloads a toolchain
const GO_ENV = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" };

describe("e2e: a Go program on the provider plugin (Go SDK generated from the schema)", function () {
  // a cold Go build cache compiles the program for about 4.5 minutes, in preview and up alike
  this.timeout(25 * MIN);
  const fx = e2eFixture({
    stack: "go-program",
    project: () => {
      const sdks = builtSdks();
      return {
        program: "",
        withPackage: false,
        files: {
          // createConsumerProject writes a Node.js project; this Pulumi.yaml replaces its own
          "Pulumi.yaml": "name: pzm-e2e-go\nruntime: go\ndescription: one V2vMigration from Go\n",
          "main.go": fs.readFileSync(path.join(PROGRAM_DIR, "main.go"), "utf8"),
          "go.mod": goMod(sdks.goModule, sdks.goDir),
        },
      };
    },
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    logStderr: true,
    env: () => ({ PATH: programPath("go"), ...GO_ENV }),
  });
  before(async function () {
    this.timeout(15 * MIN);
    await installPlugin(fx.h);
    // go.sum, as a user's `go mod tidy` writes it
    execFileSync("go", ["mod", "tidy"], { cwd: fx.project.dir, env: { ...process.env, ...GO_ENV }, stdio: "pipe" });
  });

  it("up migrates the VM", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.doesNotMatch(fx.log, AMBIENT_PLUGIN, "the plugin runs from the tarball installed in the plugin cache");
    const out = await fx.h.outputs();
    assert.strictEqual(out.state, "Succeeded");
    const [job] = jobsFor(fx.sim, "go-web-01");
    assert.ok(job, "one long job converts vmware-web-01 into go-web-01");
    assert.strictEqual(jobsFor(fx.sim, "go-web-01").length, 1);
    assert.strictEqual(fx.sim.world.get("vms", out.vmUuid)?.name, "go-web-01");
  });

  it("destroy keeps the migrated VM and releases its long job's record", async () => {
    const { vmUuid } = await fx.h.outputs();
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    // the evidence that the source was migrated stays in ZStack with its VM (never twice, even after removal)
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf([vmUuid]));
    assert.ok(fx.sim.world.get("vms", vmUuid), "deleteMigratedVm is not set: the migrated VM stays");
  });
});
