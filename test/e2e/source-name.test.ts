// End to end on the real Pulumi engine: a V2vMigration declared by the source VM's name (no url, no
// CPU or memory), then the source removed from ZStack as after a cutover: refresh, preview and
// destroy stay clean and report no change, because a recorded migration never resolves its name again.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, longJobsLeft, MIN, releasedRecordsOf, V2V } from "./fixture";

describe("e2e: V2vMigration by sourceVmName on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const spec = {
    migrations: [
      {
        name: "db-01",
        args: {
          sourceVmName: "vmware-db-01",
          name: "db-01",
          conversionHostUuid: U.convHost,
          primaryStorageUuid: U.primaryStorage,
          l3NetworkUuids: [U.l3Private],
        },
      },
    ],
    ovas: [],
  };
  const fx = e2eFixture({
    stack: "source-name",
    project: fixtureProgram("spec-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    config: { "e2e:spec": spec },
  });

  it("up migrates the VM named vmware-db-01 with its CPU and memory, and records url, cpuNum, memorySize", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const [m] = await fx.h.resources(V2V);
    assert.strictEqual(m.outputs.state, "Succeeded");
    assert.strictEqual(m.outputs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(m.outputs.cpuNum, 8);
    assert.strictEqual(m.outputs.memorySize, 32 * GiB);
    assert.strictEqual(m.outputs.sourceVmName, "vmware-db-01");
    const vm = fx.sim.world.get("vms", m.outputs.vmUuid);
    assert.ok(vm && vm.cpuNum === 8 && vm.memorySize === 32 * GiB);
  });

  it("after the source VM is deleted in ZStack: refresh and preview report no change, destroy is clean", async () => {
    assert.ok(fx.sim.world.delete("vms", U.vmwareDb01), "the source VM existed");
    const [m] = await fx.h.resources(V2V);
    const refresh = await fx.h.stack.refresh({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ["same"]);
    const preview = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(preview.changeSummary), ["same"]);
    const destroy = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(destroy.summary.result, "succeeded");
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf([m.outputs.vmUuid]), "only the released record");
    assert.deepStrictEqual(await fx.h.resources(), []);
  });
});
