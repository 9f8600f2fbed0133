// End to end on the real Pulumi engine (issue 20): a VCenter registered as code, a VM added to the
// simulated vCenter after that first sync found by name in the next up (the wave names its vCenter:
// check syncs it), migrated with preserveIps and its address checked on the simulator; preview refusing
// addresses outside the range or taken; a failed pinning retried by the next up with one long job; destroy.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, jobsFor, longJobsLeft, MIN, releasedRecordsOf } from "./fixture";
import { findPlainText, isSecretValue } from "./harness";

const VC = "pulumi-nodejs:dynamic/zstack:VCenter";
const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
const DOMAIN = "vc-e2e.sim.local";
const VC_PASSWORD = "e2e-vCenter-pa55-8c1f";

// the program: a VCenter from `e2e:vc` (its password a secret config), and, when `e2e:wave` is set, a
// MigrationPlan that names the vCenter (defaults.vCenterUuid) so that a new VMware VM is found
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { VCenter, MigrationPlan } = require("pulumi-zstack-migration");
const cfg = new pulumi.Config("e2e");
const vc = new VCenter("vcenter", { ...cfg.requireObject("vc"), password: cfg.requireSecret("vcPassword") });
exports.vc = { uuid: vc.uuid, status: vc.status, version: vc.version, userName: vc.userName };
const wave = cfg.getObject("wave");
if (wave) {
  const plan = new MigrationPlan("wave", { defaults: { ...wave.defaults, vCenterUuid: vc.uuid }, vms: wave.vms });
  exports.vmUuids = plan.vmUuids;
  exports.staticIps = pulumi.all(Object.fromEntries(Object.entries(plan.migrations).map(([k, m]) => [k, m.staticIps])));
}
`;

describe("e2e: VCenter, sync before a wave and preserved addresses on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const vc = { name: "vc-e2e", domainName: DOMAIN, username: "administrator@vsphere.local", zoneUuid: U.zone };
  const wave = {
    defaults: {
      conversionHostUuid: U.convHost,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      preserveIps: true,
    },
    vms: [{ source: "web-new" }] as Array<{ source: string }>,
  };
  const fx = e2eFixture({
    stack: "vcenter",
    project: { program: PROGRAM },
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    config: { "e2e:vc": vc, "e2e:vcPassword": { value: VC_PASSWORD, secret: true } },
  });
  const setWave = () => fx.h.setConfig({ "e2e:wave": wave });
  const vmNicIps = (uuid: string) =>
    (fx.sim.world.get("vms", uuid)!.vmNics as Array<{ ip: string; l3NetworkUuid: string }>).map((n) => [
      n.l3NetworkUuid,
      n.ip,
    ]);

  before(() => {
    fx.sim.addVcenterServer({ domainName: DOMAIN, username: vc.username, password: VC_PASSWORD });
    fx.sim.addVcenterVm({ name: "web-old", domainName: DOMAIN, nics: [{ ip: "192.168.100.60" }] });
  });

  it("up registers the vCenter as code (AddVCenter syncs it); the password is never in the state in plain text", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.create, 2); // the stack + the VCenter
    const { vc: out } = await fx.h.outputs();
    assert.strictEqual(out.status, "Connected");
    assert.strictEqual(fx.sim.world.get("vcenters", out.uuid)!.domainName, DOMAIN);
    assert.strictEqual(fx.sim.world.list("vms", (v) => v.name === "web-old").length, 1);
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { password: VC_PASSWORD }), []);
    const [recorded] = await fx.h.resources(VC);
    assert.ok(isSecretValue(recorded.outputs.password) && isSecretValue(recorded.inputs.password));
    assert.ok(!fx.log.includes(VC_PASSWORD));
  });

  it("a VM added to the vCenter after the first sync: preview finds it (the wave names its vCenter), up migrates it on its source address", async () => {
    fx.sim.addVcenterVm({ name: "web-new", domainName: DOMAIN, cpuNum: 2, nics: [{ ip: "192.168.100.77" }] });
    assert.strictEqual(fx.sim.world.list("vms", (v) => v.name === "web-new").length, 0, "ZStack does not know it yet");
    await setWave();
    const preview = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(preview.changeSummary.create, 2); // the plan + its migration
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const { vmUuids, staticIps } = await fx.h.outputs();
    assert.deepStrictEqual(
      staticIps["web-new"].map((s: { nic: number; ip: string; vmIp: string; state: string }) => [
        s.nic,
        s.ip,
        s.vmIp,
        s.state,
      ]),
      [[0, "192.168.100.77", "192.168.100.77", "Pinned"]],
    );
    // as ZStack reports it
    assert.deepStrictEqual(vmNicIps(vmUuids["web-new"]), [[U.l3Private, "192.168.100.77"]]);
    assert.strictEqual(jobsFor(fx.sim, "web-new").length, 1);
  });

  it("preview refuses an address outside the target range and one already taken, naming each", async () => {
    fx.sim.addVcenterVm({ name: "web-outside", domainName: DOMAIN, nics: [{ ip: "172.16.5.9" }] });
    fx.sim.addVcenterVm({ name: "web-taken", domainName: DOMAIN, nics: [{ ip: "192.168.100.77" }] });
    const refused = async (source: string, reason: RegExp) => {
      wave.vms.push({ source });
      try {
        await setWave();
        await assert.rejects(fx.h.stack.preview(fx.opts()), reason);
      } finally {
        wave.vms.splice(1);
        await setWave();
      }
    };
    // the engine stops a preview at the first check that fails: one preview each
    await refused(
      "web-outside",
      /VM "web-outside" NIC 0 \([0-9a-f:]+\) address 172\.16\.5\.9 is outside the IP ranges of L3 network L3-Private/,
    );
    await refused(
      "web-taken",
      /VM "web-taken" NIC 0 \([0-9a-f:]+\) address 192\.168\.100\.77 is already used on L3 network .* of VM "web-new"/,
    );
    assert.strictEqual(jobsFor(fx.sim, "web-outside").length + jobsFor(fx.sim, "web-taken").length, 0);
  });

  it("a failed pinning is recorded; the next up pins it without converting again (one long job)", async () => {
    fx.sim.addVcenterVm({ name: "web-retry", domainName: DOMAIN, nics: [{ ip: "192.168.100.88" }] });
    wave.vms.push({ source: "web-retry" });
    await setWave();
    fx.sim.faults.failNextJob("static-ip");
    await assert.rejects(fx.h.stack.up(fx.opts()), /pinning its addresses failed: NIC 0 192\.168\.100\.88/);
    const recorded = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "web-retry");
    assert.strictEqual(recorded.outputs.state, "Succeeded");
    assert.strictEqual(recorded.outputs.staticIps[0].state, "Failed");
    assert.strictEqual(jobsFor(fx.sim, "web-retry").length, 1);

    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const { vmUuids, staticIps } = await fx.h.outputs();
    assert.strictEqual(staticIps["web-retry"][0].state, "Pinned");
    assert.deepStrictEqual(vmNicIps(vmUuids["web-retry"]), [[U.l3Private, "192.168.100.88"]]);
    assert.strictEqual(jobsFor(fx.sim, "web-retry").length, 1, "converted once");
    const again = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(again.changeSummary), ["same"]);
  });

  it("destroy releases the migrations' records (kept with their VMs) and removes the vCenter registration; the migrated VMs stay", async () => {
    const { vc: out, vmUuids } = await fx.h.outputs();
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.world.get("vcenters", out.uuid), undefined);
    assert.strictEqual(fx.sim.world.list("vms", (v) => v.name === "web-old" && v.hypervisorType === "ESX").length, 0);
    assert.ok(fx.sim.world.get("vms", vmUuids["web-new"]), "the migrated VM stays");
    // ZStack keeps the evidence that each source was migrated (docs/resources/v2v-migration.md, never twice)
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf(Object.values(vmUuids)));
    assert.deepStrictEqual(await fx.h.resources(), []);
  });
});
