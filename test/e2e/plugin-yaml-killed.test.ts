// `pulumi up` of the YAML wave (examples/yaml-wave) through the provider plugin, killed the way CI kills it
// (SIGKILL of the CLI alone) while two conversions run and the third waits for a slot: the plugin process
// ends on its own within seconds (it watches the engine, as the dynamic host does), submitting and cancelling
// nothing after the kill, and the next `up` adopts both jobs and submits the third: one job per VM.
import * as assert from "assert";
import { e2eFixture, jobsFor, jobWrites, MIN } from "./fixture";
import { describeProcesses, waitFor } from "./harness";
import { YAML_WAVE, pluginEnv, yamlProject } from "./plugin-support";

const V2V = "zstack:index:V2vMigration";
const VMS = ["web-01", "web-02", "db-01"];

describe("e2e: SIGKILL of `pulumi up` of the YAML wave through the plugin", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "plugin-killed",
    project: yamlProject(YAML_WAVE),
    // 10 simulated hours at 300x: 2 minutes of real time, all still running at the kill
    simulator: { speed: 300, jobDurations: { v2vMs: 600 * MIN, ovaMs: 5 * MIN } },
    env: () => pluginEnv(fx.project),
    logScope: "describe",
  });

  it("leaves no plugin process, sends nothing after the kill; the re-run adopts both jobs and submits the third", async () => {
    const submitted = () => VMS.filter((vm) => jobsFor(fx.sim, vm).length > 0).length;
    const run = await fx.spawnUp();
    try {
      assert.ok(await waitFor(() => submitted() === 2, 180_000), "two conversions never started");
      assert.ok(await waitFor(() => /queued: 0 ahead of it/.test(fx.log), 60_000), "the third never queued");
      assert.ok(run.providerProcesses().length > 0, "no plugin process found for the run");
      const writesAtKill = jobWrites(fx.sim);
      process.kill(run.child.pid!, "SIGKILL"); // the CLI alone, as a CI runner kills a job
      await run.exited;
      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `plugin processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      assert.deepStrictEqual(jobWrites(fx.sim), writesAtKill, "a job was submitted or changed after the kill");
      assert.strictEqual(submitted(), 2);
    } finally {
      await run.killTree(); // the language host, which is not ours to fix
    }

    fx.sim.advance(11 * 60 * MIN); // the two conversions end while nobody watches
    await fx.h.stack.cancel(); // the killed run's lock
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    for (const vm of VMS) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    const recorded = await fx.h.resources(V2V);
    assert.deepStrictEqual(
      recorded.map((r) => r.outputs.state),
      ["Succeeded", "Succeeded", "Succeeded"],
    );
    for (const r of recorded) assert.strictEqual(r.id, jobsFor(fx.sim, r.outputs.name)[0].uuid, "adopted by id");
  });
});
