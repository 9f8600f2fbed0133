// End to end on the real Pulumi engine: one Ctrl-C (SIGINT to `pulumi up`) of the YAML wave (examples/yaml-wave)
// through the provider plugin while two conversions run and the third waits for a slot. The engine calls the
// plugin's Cancel: the two waits end at once, each migration recorded with its running job (nothing is lost),
// the queued one is never submitted. The re-run adopts the two jobs and submits the third: one job per VM.
import * as assert from "assert";
import { e2eFixture, jobsFor, MIN } from "./fixture";
import { waitFor } from "./harness";
import { YAML_WAVE, pluginEnv, yamlProject } from "./plugin-support";

const V2V = "zstack:index:V2vMigration";
const VMS = ["web-01", "web-02", "db-01"];

describe("e2e: one Ctrl-C of `pulumi up` of the YAML wave through the plugin", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "plugin-cancel",
    project: yamlProject(YAML_WAVE),
    // a conversion takes 10 simulated hours: 2 minutes of real time at 300x, far longer than the test waits
    simulator: { speed: 300, jobDurations: { v2vMs: 600 * MIN, ovaMs: 5 * MIN } },
    env: () => pluginEnv(fx.project),
    logScope: "describe",
  });

  it("ends the waits at once, records the running jobs, submits nothing more; the re-run adopts them", async () => {
    const submitted = () => VMS.filter((vm) => jobsFor(fx.sim, vm).length > 0).length;
    const run = await fx.spawnUp();
    try {
      assert.ok(await waitFor(() => submitted() === 2, 180_000), "two conversions never started");
      assert.ok(await waitFor(() => /queued: 0 ahead of it/.test(fx.log), 60_000), "the third never queued");
      process.kill(run.child.pid!, "SIGINT"); // one Ctrl-C, to the CLI alone
      const exit = await run.exited; // no wait for the 10-hour conversions
      assert.notStrictEqual(exit.code, 0, "a cancelled up does not succeed");
    } finally {
      await run.killTree();
    }
    assert.strictEqual(submitted(), 2, "the queued migration was submitted after Ctrl-C");
    assert.match(fx.log, /not submitted: the run was cancelled \(Ctrl-C\)/);
    assert.match(fx.log, /the run was cancelled \(Ctrl-C\) while waiting/);
    const recorded = await fx.h.resources(V2V);
    assert.strictEqual(recorded.length, 2, "each running job is recorded in the stack");
    for (const r of recorded) {
      assert.strictEqual(r.outputs.state, "Running");
      assert.strictEqual(jobsFor(fx.sim, r.outputs.name)[0].uuid, r.id);
    }

    fx.sim.advance(11 * 60 * MIN); // the two conversions end in ZStack; nothing submits anything
    assert.strictEqual(submitted(), 2);
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    for (const vm of VMS) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    assert.deepStrictEqual(
      (await fx.h.resources(V2V)).map((r) => r.outputs.state),
      ["Succeeded", "Succeeded", "Succeeded"],
    );
  });
});
