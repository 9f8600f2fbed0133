// End to end on the real Pulumi engine: a MigrationPlan whose defaults name a pool of two conversion
// hosts (conversionHostUuids), 8 VMs, maxInFlight 2. From the simulator's timeline both hosts are busy
// and neither runs more than 2 at once; the plan records where each VM ran (its conversionHosts output
// and the report's Conversion host column, which agree with the jobs ZStack ran).
import * as assert from "assert";
import { maxConcurrencyByHost, SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, jobsFor, MIN } from "./fixture";

const HOST2 = "4b7e2d9a1c3f4e5a8b6d0c2e4f6a8b0d";

describe("e2e: a MigrationPlan through a pool of two conversion hosts", function () {
  this.timeout(15 * MIN);
  const vms = Array.from({ length: 8 }, (_, i) => `pool-${String(i + 1).padStart(2, "0")}`);
  const plan = {
    name: "pooled",
    maxInFlight: 2,
    defaults: {
      conversionHostUuids: [U.convHost, HOST2],
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      platform: "Linux",
    },
    vms: vms.map((source) => ({ source })),
  };
  const fx = e2eFixture({
    stack: "pool",
    project: fixtureProgram("plan-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    config: { "e2e:plan": plan },
  });
  before(() => {
    const first = fx.sim.world.get("conversionHosts", U.convHost)!;
    fx.sim.world.insert("conversionHosts", { ...first, uuid: HOST2, name: "v2v-conversion-host-2", hostUuid: U.host3 });
    fx.sim.addVmwareVms({ count: 8, prefix: "pool", diskBytes: 40 * GiB });
  });

  it("both hosts busy, neither over its limit of 2, and where each VM ran is recorded", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const byHost = maxConcurrencyByHost(fx.sim.longJobTimeline());
    assert.strictEqual(byHost[U.convHost]?.max, 2, JSON.stringify(byHost));
    assert.strictEqual(byHost[HOST2]?.max, 2, JSON.stringify(byHost));

    const out = await fx.h.outputs();
    for (const vm of vms) {
      const jobs = jobsFor(fx.sim, vm);
      assert.strictEqual(jobs.length, 1, `${vm}: one long job`);
      const ranOn = JSON.parse(String(jobs[0].jobData)).conversionHostUuid;
      assert.strictEqual(out.conversionHosts[vm], ranOn, vm);
      assert.strictEqual(out.states[vm], "Succeeded");
      const row = String(out.report)
        .split("\n")
        .find((l) => l.startsWith(`| ${vm} |`));
      assert.ok(row?.includes(`| ${ranOn} |`), `${vm}: ${row}`);
    }
    assert.match(
      String(out.report),
      /\| VM \| Source \| State \| Migrated VM \| Conversion host \| Duration \| Error \|/,
    );
  });
});
