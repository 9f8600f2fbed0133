// End to end on the real Pulumi engine: one Ctrl-C (SIGINT to `pulumi up`, "^C received; cancelling") in the
// middle of a queued wave. The engine calls the provider's Cancel, which the dynamic-provider server ignores;
// the package hears it (provider/hosts/dynamic/engine-cancel.ts) and the queue submits nothing more, while the
// running conversion goes on in ZStack. The next `pulumi up` finishes the wave with one long job per VM.
// The limit is checked on the simulator's side (the long jobs it was asked for), not on wall time.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, jobsFor, MIN, V2V } from "./fixture";
import { waitFor } from "./harness";

const wave = ["ctrlc-01", "ctrlc-02", "ctrlc-03", "ctrlc-04"];
const plan = {
  name: "wave-c",
  maxInFlight: 1,
  defaults: { conversionHostUuid: U.convHost, primaryStorageUuid: U.primaryStorage, l3NetworkUuids: [U.l3Private] },
  vms: wave.map((source) => ({ source })),
};

describe("e2e: one Ctrl-C of `pulumi up` mid-queue: nothing more is submitted", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "ctrl-c",
    project: fixtureProgram("plan-program"),
    // 40 simulated minutes at 300x: 8 s of real time per conversion, one at a time
    simulator: { speed: 300, jobDurations: { v2vMs: 40 * MIN } },
    config: { "e2e:plan": plan },
  });
  before(() => fx.sim.addVmwareVms({ count: wave.length, prefix: "ctrlc", diskBytes: 50 * GiB }));

  it("after one SIGINT the queued migrations are not submitted; the running one goes on; the re-run finishes once each", async () => {
    const run = await fx.spawnUp();
    let atCancel: number;
    try {
      // the first conversion runs, the other three wait for its slot
      assert.ok(await waitFor(() => fx.sim.world.list("longJobs").length >= 1, 180_000), "the wave never started");
      assert.ok(await waitFor(() => /queued: 2 ahead of it/.test(fx.log), 60_000), "the other three never queued");
      atCancel = fx.sim.world.list("longJobs").length;
      process.kill(run.child.pid!, "SIGINT"); // one Ctrl-C, to the CLI alone
      const exit = await run.exited; // the engine waits for the running conversion, then ends
      assert.notStrictEqual(exit.code, 0, "a cancelled up does not succeed");
    } finally {
      await run.killTree();
    }
    assert.strictEqual(atCancel, 1, "one conversion at a time");
    assert.strictEqual(fx.sim.world.list("longJobs").length, atCancel, "a queued migration was submitted after Ctrl-C");
    assert.match(fx.log, /not submitted: the run was cancelled \(Ctrl-C\)/);
    fx.sim.advance(60 * MIN); // time passes; nothing submits anything
    assert.strictEqual(fx.sim.world.list("longJobs").length, atCancel, "a job was submitted later");

    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    for (const vm of wave) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    const states = (await fx.h.resources(V2V)).map((r) => r.outputs.state);
    assert.deepStrictEqual(states, Array(wave.length).fill("Succeeded"));
  });
});
