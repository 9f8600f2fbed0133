// Preserved addresses (preserveIps): check refuses an address outside the target L3's ranges or in use,
// naming VM, NIC and address; create pins each source NIC's address after the conversion; a failed
// pinning is recorded and the next update pins it without converting again.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { ResourceInitError, V2vMigrationProvider } from "../../../provider/hosts/dynamic/providers";
import { V2vMigrationInputs, V2vMigrationOutputs } from "../../../provider/v2v-migration/inputs";
import { Sim, newSim, rejection, routeCount, v2vHarness } from "../helpers";

const migration = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  sourceVmName: "web-ip",
  name: "web-ip",
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private, U.l3Public],
  resourceUuid: "4c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
  vCenterUuid: U.vcenter,
  preserveIps: true,
  ...over,
});
const nicsOf = (sim: Sim, uuid: string) =>
  (sim.world.get("vms", uuid)!.vmNics as Array<Record<string, unknown>>).map((n) => [n.l3NetworkUuid, n.ip]);

describe("V2vMigration provider: preserveIps", () => {
  let sim: Sim;
  let provider: V2vMigrationProvider;
  beforeEach(async () => {
    sim = await newSim();
    ({ provider } = await v2vHarness(sim));
  });
  afterEach(async () => sim.stop());

  const addSource = (ips: string[]) => sim.addVcenterVm({ name: "web-ip", nics: ips.map((ip) => ({ ip })) });

  it("check fails naming the VM, the NIC and the address: outside the ranges, in use, no target network", async () => {
    const used = (sim.world.get("vms", U.vmRunning)!.vmNics as Array<{ ip: string }>)[0].ip;
    addSource(["172.16.0.5", used, "10.10.0.200"]);
    const r = await provider.check({}, migration());
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["preserveIps"],
    );
    const reasons = r.failures[0].reason.split("; ");
    assert.strictEqual(reasons.length, 3, JSON.stringify(r.failures));
    assert.ok(
      reasons.some((x) =>
        /VM "web-ip" NIC 0 \(00:50:56:[0-9a-f:]+\) address 172\.16\.0\.5 is outside the IP ranges of L3 network L3-Private/.test(
          x,
        ),
      ),
      reasons.join("\n"),
    );
    // NIC 1 goes to L3-Public, where the address of app-server-1 (on L3-Private) is free but outside the range;
    // NIC 2 (10.10.0.200) has no third network
    assert.ok(reasons[1].includes("NIC 1") && reasons[1].includes(used) && reasons[1].includes("outside"));
    assert.match(reasons[2], /NIC 2 .* has address 10\.10\.0\.200, but l3NetworkUuids has no entry 2/);
    const three = await provider.check({}, migration({ l3NetworkUuids: [U.l3Public, U.l3Private, U.l3Public] }));
    assert.match(three.failures[0].reason, /l3NetworkUuids repeats one/);
  });

  it("check fails an address used by another NIC on the target L3 network", async () => {
    const used = (sim.world.get("vms", U.vmRunning)!.vmNics as Array<{ ip: string }>)[0].ip;
    addSource([used]);
    const r = await provider.check({}, migration({ l3NetworkUuids: [U.l3Private] }));
    assert.strictEqual(r.failures.length, 1, JSON.stringify(r.failures));
    assert.match(
      r.failures[0].reason,
      new RegExp(`NIC 0 .*address ${used.replace(/\./g, "\\.")} is already used on L3 network .* of VM "app-server-1"`),
    );
  });

  it("create pins each address after the conversion; a failed pinning is recorded and the next update pins it, with one long job", async () => {
    addSource(["192.168.100.77", "10.10.0.77"]);
    const checked = await provider.check({}, migration());
    assert.deepStrictEqual(checked.failures, []);
    sim.faults.failNextJob("static-ip");
    const e = await rejection(() => provider.create(checked.inputs as unknown as V2vMigrationInputs));
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.match(e.message, /the conversion Succeeded .*pinning its addresses failed: NIC 0 192\.168\.100\.77/);
    const recorded = (e as unknown as { properties: V2vMigrationOutputs }).properties;
    assert.strictEqual(recorded.state, "Succeeded");
    assert.deepStrictEqual(
      recorded.staticIps!.map((s) => [s.nic, s.ip, s.state]),
      [
        [0, "192.168.100.77", "Failed"],
        [1, "10.10.0.77", "Pinned"],
      ],
    );
    const vmUuid = recorded.vmUuid!;
    assert.deepStrictEqual(nicsOf(sim, vmUuid)[1], [U.l3Public, "10.10.0.77"]);

    // the next up: diff sees unfinished pinning; update pins it without a second conversion
    const d = await provider.diff(recorded.uuid, recorded as never, checked.inputs);
    assert.strictEqual(d.changes, true);
    assert.deepStrictEqual(d.replaces, []);
    const jobs = routeCount(sim, /POST \/v1\/v2vs/);
    const { outs } = await provider.update(recorded.uuid, recorded, checked.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(routeCount(sim, /POST \/v1\/v2vs/), jobs);
    assert.strictEqual(sim.world.list("longJobs").length, 1);
    assert.deepStrictEqual(
      outs.staticIps!.map((s) => [s.ip, s.vmIp, s.state]),
      [
        ["192.168.100.77", "192.168.100.77", "Pinned"],
        ["10.10.0.77", "10.10.0.77", "Pinned"],
      ],
    );
    assert.deepStrictEqual(nicsOf(sim, vmUuid), [
      [U.l3Private, "192.168.100.77"],
      [U.l3Public, "10.10.0.77"],
    ]);
    // done: no more changes; a refresh keeps the record
    assert.strictEqual((await provider.diff(outs.uuid, outs as never, checked.inputs)).changes, false);
    const read = await provider.read(outs.uuid, outs);
    assert.deepStrictEqual(read.props!.staticIps, outs.staticIps);
  });

  it("preserveIps set on a migration that has Succeeded pins its addresses in the next update, without converting again", async () => {
    addSource(["192.168.100.91"]);
    const plain = await provider.check({}, migration({ preserveIps: undefined, l3NetworkUuids: [U.l3Private] }));
    assert.deepStrictEqual(plain.failures, []);
    const { id, outs } = await provider.create(plain.inputs as unknown as V2vMigrationInputs);
    assert.deepStrictEqual(outs.staticIps, []);
    assert.notStrictEqual(nicsOf(sim, outs.vmUuid!)[0][1], "192.168.100.91");
    const news = { ...plain.inputs, preserveIps: true };
    const d = await provider.diff(id, outs as never, news);
    assert.deepStrictEqual([d.changes, d.replaces], [true, []]);
    const updated = await provider.update(id, outs, news as unknown as V2vMigrationInputs);
    assert.deepStrictEqual(
      updated.outs.staticIps!.map((x) => [x.ip, x.state]),
      [["192.168.100.91", "Pinned"]],
    );
    assert.deepStrictEqual(nicsOf(sim, outs.vmUuid!), [[U.l3Private, "192.168.100.91"]]);
    assert.strictEqual(sim.world.list("longJobs").length, 1);
    assert.strictEqual((await provider.diff(id, updated.outs as never, news)).changes, false);
  });
});
