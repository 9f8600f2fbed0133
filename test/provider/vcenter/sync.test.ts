// Sync before a wave: a V2vMigration naming its vCenter (vCenterUuid) finds a VM created in VMware since
// the last sync (check runs SyncVCenter once per run, then looks again); without it, the error says what to do.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { UNKNOWN } from "../../../provider/core/values";
import { Sim, newSim, routeCount, v2vHarness } from "../helpers";
import { V2vMigrationProvider } from "../../../provider/hosts/dynamic/providers";

const GiB = 1024 ** 3;
const byName = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  sourceVmName: "web-new",
  name: "web-new",
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  resourceUuid: "3c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
  ...over,
});
const SYNC = /PUT \/v1\/vcenters\/\{uuid\}\/actions/;

describe("V2vMigration provider: sourceVmName of a VM created in VMware since the last sync", () => {
  let sim: Sim;
  let provider: V2vMigrationProvider;
  beforeEach(async () => {
    sim = await newSim();
    ({ provider } = await v2vHarness(sim));
    sim.addVcenterVm({ name: "web-new", cpuNum: 6, memorySize: 12 * GiB });
  });
  afterEach(async () => sim.stop());

  it("without vCenterUuid, check fails naming the VM and says what to run instead; nothing is synced", async () => {
    const r = await provider.check({}, byName());
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["sourceVmName"],
    );
    assert.match(r.failures[0].reason, /no VmInstance with name="web-new"/);
    assert.match(
      r.failures[0].reason,
      /set vCenterUuid on this migration.*or change syncTrigger on the VCenter resource/,
    );
    assert.strictEqual(routeCount(sim, SYNC), 0);
  });

  it("with vCenterUuid, check syncs the vCenter once for the whole run and resolves the source", async () => {
    sim.addVcenterVm({ name: "web-new-2" });
    const r = await provider.check({}, byName({ vCenterUuid: U.vcenter }));
    assert.deepStrictEqual(r.failures, []);
    const vm = sim.world.list("vms", (x) => x.name === "web-new")[0];
    assert.strictEqual(r.inputs.url, `vmware://${vm.uuid}`);
    assert.strictEqual(r.inputs.cpuNum, 6);
    assert.strictEqual(r.inputs.memorySize, 12 * GiB);
    const second = await provider.check(
      {},
      byName({ vCenterUuid: U.vcenter, sourceVmName: "web-new-2", name: "w2", resourceUuid: undefined }),
    );
    assert.deepStrictEqual(second.failures, []);
    assert.strictEqual(routeCount(sim, SYNC), 1);
  });

  it("a VM the vCenter does not have either still fails, after the sync", async () => {
    const r = await provider.check({}, byName({ vCenterUuid: U.vcenter, sourceVmName: "web-nowhere" }));
    assert.match(r.failures[0].reason, /even after SyncVCenter of vCenter/);
  });

  it("a vCenter not known yet (created in this run: an unknown in preview) defers the source to up", async () => {
    const r = await provider.check({}, byName({ vCenterUuid: UNKNOWN }));
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.url, undefined);
    assert.strictEqual(routeCount(sim, SYNC), 0);
  });
});
