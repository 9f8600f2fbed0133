// `pulumi up` killed the way CI kills it (SIGKILL of the CLI alone, in the middle of a wave of long
// migrations): the provider process must end on its own within seconds, submitting and cancelling
// nothing, and the next `up` adopts every job. And the engine watch never fires while the engine lives.
import * as assert from "assert";
import { SEED_UUIDS as U, totalRunningMs } from "../../simulator";
import { ENGINE_PROBE_INTERVAL_MS } from "../../provider/hosts/dynamic/process-lifecycle";
import { e2eFixture, fixtureProgram, GiB, jobsFor, jobWrites, MIN, V2V } from "./fixture";
import { describeProcesses, waitFor } from "./harness";

const SPEED = 300; // simulated ms per real ms
const PASSWORD = "e2e-killed-up-pa55word-31c7";

function migration(name: string, source: string) {
  return {
    name,
    args: {
      url: `vmware://${source}`,
      name,
      cpuNum: 2,
      memorySize: 2 * GiB,
      conversionHostUuid: U.convHost,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
    },
  };
}

describe("e2e: an up killed with SIGKILL leaves no provider process behind", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "killed",
    project: fixtureProgram("spec-program"),
    simulator: { speed: SPEED, jobDurations: { v2vMs: 10 * MIN } },
    password: PASSWORD,
    config: { "e2e:spec": { migrations: [] } },
  });

  it("no false alarm: a migration that runs far longer than the engine watch's interval succeeds", async () => {
    // 100 simulated minutes at 300x: about 20 s of real time, i.e. about 20 probes of the live engine.
    // The simulator's clock runs at SPEED times real time and nothing advances it here, so a provider
    // that waits for the job's end waits that long: the set-up is checked, no clock is read.
    const JOB_MS = 100 * MIN;
    assert.ok(JOB_MS / SPEED > 15 * ENGINE_PROBE_INTERVAL_MS, "the job is too short to outlast many probes");
    fx.sim.setJobDurations({ v2vMs: JOB_MS });
    await fx.h.setConfig({ "e2e:spec": { migrations: [migration("long-01", U.vmwareWeb01)] } });
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const [r] = await fx.h.resources(V2V);
    assert.strictEqual(r.outputs.state, "Succeeded");
    assert.strictEqual(jobsFor(fx.sim, "long-01").length, 1);
    // the job ran its whole duration, in one stretch, while the provider waited for it (the simulator's timeline)
    const runs = fx.sim.longJobTimeline().filter((e) => e.name === "long-01");
    assert.deepStrictEqual(
      runs.map((e) => e.intervals.length),
      [1],
      "one job, run in one stretch",
    );
    assert.strictEqual(totalRunningMs(runs), JOB_MS);
  });

  it("SIGKILL of `pulumi up` mid-wave: its provider processes end within 10 s, submit and cancel nothing; the re-run adopts every job", async () => {
    const wave = [
      migration("wave-01", U.vmwareWeb02),
      migration("wave-02", U.vmwareDb01),
      migration("wave-03", U.vmwareApp01),
      migration("wave-04", U.vmwareApp02),
    ];
    await fx.h.setConfig({ "e2e:spec": { migrations: [migration("long-01", U.vmwareWeb01), ...wave] } });
    fx.sim.setJobDurations({ v2vMs: 8 * 60 * MIN }); // 8 h simulated = 96 s real: all still running at the kill
    const run = await fx.spawnUp();
    try {
      // the whole wave is submitted and running in ZStack (polled on the simulator itself)
      const allRunning = () =>
        wave.every((m) => jobsFor(fx.sim, m.name).length === 1 && jobsFor(fx.sim, m.name)[0].state === "Running");
      assert.ok(await waitFor(allRunning, 120_000), "the wave never ran");
      const providers = run.providerProcesses();
      assert.ok(providers.length > 0, "no provider process found for the run");

      const writesAtKill = jobWrites(fx.sim);
      process.kill(run.child.pid!, "SIGKILL"); // the CLI alone, as a CI runner kills a job
      await run.exited;

      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      // once they are gone nothing can send anything more: compare now
      assert.deepStrictEqual(
        jobWrites(fx.sim),
        writesAtKill,
        "a job was submitted, cancelled or changed after the kill",
      );
      for (const m of wave) {
        const jobs = jobsFor(fx.sim, m.name);
        assert.strictEqual(jobs.length, 1, `${m.name}: ${jobs.length} long jobs`);
        assert.strictEqual(jobs[0].state, "Running", `${m.name}: the running job was touched`);
      }
    } finally {
      await run.killTree(); // the language host and the program, which are not ours to fix
    }

    // the interrupted conversions finish while nobody watches; then the user re-runs up
    fx.sim.setJobDurations({ v2vMs: 10 * MIN });
    fx.sim.advance(8 * 60 * MIN);
    await fx.h.stack.cancel(); // the killed run's lock
    const submits = fx.sim.stats.byRoute["POST /v1/v2vs"] ?? 0;
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"] ?? 0, submits, "the re-run submitted a conversion");
    const recorded = await fx.h.resources(V2V);
    for (const m of wave) {
      const jobs = jobsFor(fx.sim, m.name);
      assert.strictEqual(jobs.length, 1, `${m.name}: exactly one long job`);
      const r = recorded.find((x) => x.outputs.name === m.name);
      assert.strictEqual(r?.id, jobs[0].uuid, `${m.name}: the re-run adopted the job`);
      assert.strictEqual(r.outputs.state, "Succeeded");
    }
  });
});
