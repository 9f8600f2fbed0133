// The VCenter provider called directly against the simulator over real HTTP, virtual time.
import * as assert from "assert";
import { SEED_UUIDS as U, SEED_VCENTER } from "../../../simulator";
import { ResourceInitError, VCenterProvider } from "../../../provider/hosts/dynamic/providers";
import { UNKNOWN } from "../../../provider/core/values";
import { VCenterInputs } from "../../../provider/vcenter/inputs";
import { Sim, config, newSim, rejection, routeCount, vcenterHarness } from "../helpers";

const RU = "5a4e3f2b1c0d4e8f9a7b6c5d4e3f2a10";
const MSG = "org.zstack.vmware.APIAddVCenterMsg";
const DOMAIN = "vc2.sim.local";
const PASSWORD = "Sup3r-s3cret!";
const inputs = (over: Partial<Record<keyof VCenterInputs, unknown>> = {}): VCenterInputs =>
  ({
    name: "vc-2",
    description: "second vCenter",
    domainName: DOMAIN,
    username: "admin@vsphere.local",
    password: PASSWORD,
    zoneUuid: U.zone,
    resourceUuid: RU,
    ...over,
  }) as VCenterInputs;
const asRecord = (x: unknown) => x as Record<string, unknown>;

describe("VCenter provider: check (local validation)", () => {
  const provider = new VCenterProvider({ log: () => undefined });
  before(() => provider.configure({ config: config({}) }));
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["name missing", { name: undefined }, "name", new RegExp(`field\\[name\\] of message\\[${MSG}\\] is mandatory`)],
    ["domainName missing", { domainName: undefined }, "domainName", /is mandatory/],
    ["username missing", { username: undefined }, "username", /is mandatory/],
    ["password missing", { password: undefined }, "password", /is mandatory/],
    ["zoneUuid missing", { zoneUuid: undefined }, "zoneUuid", /is mandatory/],
    ["a url as domainName", { domainName: "https://vc.local/sdk" }, "domainName", /host name or an address/],
    ["port out of range", { port: 70000 }, "port", /range/],
    ["bad https", { https: "yes" }, "https", /must be true or false/],
    ["bad state", { state: "Off" }, "state", /are \[Enabled, Disabled\], but Off found/],
    ["bad zoneUuid", { zoneUuid: "zone-1" }, "zoneUuid", /32 hexadecimal/],
    ["unknown input", { version: "7" }, "version", /not an input of VCenter/],
  ];
  it("accepts valid inputs and keeps resourceUuid", async () => {
    const r = await provider.check({}, asRecord(inputs({ resourceUuid: undefined })));
    assert.deepStrictEqual(r.failures, []);
    assert.match(String(r.inputs.resourceUuid), /^[0-9a-f]{32}$/);
  });
  it("adopting needs only adoptUuid; the preview sentinel is tolerated", async () => {
    assert.deepStrictEqual((await provider.check({}, { adoptUuid: U.vcenter })).failures, []);
    assert.deepStrictEqual((await provider.check({}, asRecord(inputs({ password: UNKNOWN })))).failures, []);
  });
  for (const [what, patch, property, reason] of cases) {
    it(`reports ${what} on ${property}`, async () => {
      const r = await provider.check({}, asRecord(inputs(patch)));
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        [property],
        JSON.stringify(r.failures),
      );
      assert.match(r.failures[0].reason, reason);
    });
  }
});

describe("VCenter provider against the simulator", () => {
  let sim: Sim;
  let provider: VCenterProvider;
  let lines: string[];
  beforeEach(async () => {
    sim = await newSim();
    sim.addVcenterServer({ domainName: DOMAIN, username: "admin@vsphere.local", password: PASSWORD });
    sim.addVcenterVm({ name: "db-9", domainName: DOMAIN, nics: [{ ip: "192.168.100.99" }] });
    ({ provider, lines } = await vcenterHarness(sim));
  });
  afterEach(async () => sim.stop());

  const create = async (over: Partial<Record<keyof VCenterInputs, unknown>> = {}) => {
    const c = await provider.check({}, asRecord(inputs(over)));
    assert.deepStrictEqual(c.failures, []);
    return provider.create(c.inputs as unknown as VCenterInputs);
  };
  const esxNamed = (name: string) => sim.world.list("vms", (vm) => vm.name === name && vm.hypervisorType === "ESX");

  it("check asks ZStack: the zone exists, the vCenter is not registered already", async () => {
    const failures = async (over: Partial<Record<keyof VCenterInputs, unknown>>) =>
      (await provider.check({}, asRecord(inputs(over)))).failures;
    assert.deepStrictEqual(await failures({}), []);
    const nowhere = "0123456789abcdef0123456789abcdef";
    assert.deepStrictEqual(await failures({ zoneUuid: nowhere }), [
      { property: "zoneUuid", reason: `invalid field[zoneUuid], resource[uuid:${nowhere}, type:ZoneVO] not found` },
    ]);
    const dup = await failures({ domainName: SEED_VCENTER.domainName });
    assert.match(dup[0].reason, new RegExp(`already registered in ZStack as vCenter\\[uuid:${U.vcenter}`));
    assert.deepStrictEqual(
      (await provider.check({}, { adoptUuid: nowhere })).failures.map((f) => f.property),
      ["adoptUuid"],
    );
  });

  it("creates (AddVCenter syncs its VMs); every inventory field is an output; the password is only in the secret input", async () => {
    assert.strictEqual(esxNamed("db-9").length, 0);
    const { id, outs } = await create({ state: "Disabled" });
    assert.strictEqual(id, RU);
    assert.strictEqual(esxNamed("db-9").length, 1);
    assert.strictEqual(sim.world.get("vcenters", RU)!.state, "Disabled");
    for (const k of [
      "uuid",
      "name",
      "domainName",
      "port",
      "userName",
      "zoneUuid",
      "version",
      "https",
      "state",
      "status",
    ])
      assert.ok((outs as unknown as Record<string, unknown>)[k] !== undefined, `output ${k} missing`);
    assert.strictEqual(outs.status, "Connected");
    assert.strictEqual(outs.port, 443);
    assert.ok(!lines.join("\n").includes(PASSWORD));
    // read: drift of ZStack's fields is seen
    sim.world.update("vcenters", RU, { name: "renamed" });
    const read = await provider.read(id, outs);
    assert.strictEqual(read.props!.name, "renamed");
    assert.strictEqual(read.props!.password, PASSWORD);
    assert.strictEqual(
      (await provider.diff(id, asRecord(read.props), asRecord(inputs({ state: "Disabled" })))).changes,
      true,
    );
  });

  it("a wrong password fails with ZStack's reason, redacted, and nothing is registered", async () => {
    const e = await rejection(() => create({ password: "wrong-Pa55" }));
    assert.match(e.message, /ZStack refused to register vCenter vc2\.sim\.local \(SYS\.1006\).*incorrect user name or/);
    assert.ok(!e.message.includes("wrong-Pa55"));
    assert.ok(!(e instanceof ResourceInitError));
    assert.strictEqual(sim.world.get("vcenters", RU), undefined);
    const unreachable = await rejection(() => create({ domainName: "nowhere.sim.local" }));
    assert.match(unreachable.message, /failed to connect to vCenter\[nowhere\.sim\.local:443\]/);
    assert.strictEqual(sim.world.list("vcenters").length, 1);
  });

  it("updates in place (a new password is checked first), syncs when syncTrigger changes, deletes", async () => {
    const { id, outs } = await create({ syncTrigger: "w1" });
    const diff = (news: VCenterInputs) => provider.diff(id, asRecord(outs), asRecord(news));
    assert.deepStrictEqual(await diff(inputs({ syncTrigger: "w1" })), { changes: false, replaces: [] });
    assert.deepStrictEqual(await diff(inputs({ syncTrigger: "w2" })), { changes: true, replaces: [] });
    assert.deepStrictEqual((await diff(inputs({ syncTrigger: "w1", zoneUuid: U.cluster }))).replaces, ["zoneUuid"]);

    // a VM created in VMware after the registration is found after the trigger changes
    sim.addVcenterVm({ name: "web-77", domainName: DOMAIN });
    assert.strictEqual(esxNamed("web-77").length, 0);
    const same = await provider.update(id, outs, inputs({ syncTrigger: "w1" }));
    assert.strictEqual(esxNamed("web-77").length, 0);
    const syncs = routeCount(sim, /\/v1\/vcenters\/\{uuid\}\/actions/);
    const synced = await provider.update(id, same.outs, inputs({ syncTrigger: "w2", name: "vc-two" }));
    assert.strictEqual(esxNamed("web-77").length, 1);
    assert.strictEqual(synced.outs.name, "vc-two");
    assert.strictEqual(routeCount(sim, /\/v1\/vcenters\/\{uuid\}\/actions/), syncs + 2); // update + sync

    // the vCenter's password changes; the old one is refused, nothing changes
    const server = sim.world.list("vcenterServers", (s) => s.domainName === DOMAIN)[0];
    sim.world.update("vcenterServers", server.uuid, { password: "n3w-Pa55" });
    const e = await rejection(() =>
      provider.update(id, synced.outs, inputs({ syncTrigger: "w3", name: "vc-two", password: "bad-Pa55" })),
    );
    assert.match(e.message, /ZStack refused to update vCenter .*incorrect user name or/);
    assert.ok(!e.message.includes("bad-Pa55"));
    const fixed = await provider.update(
      id,
      synced.outs,
      inputs({ syncTrigger: "w3", name: "vc-two", password: "n3w-Pa55" }),
    );
    assert.strictEqual(fixed.outs.password, "n3w-Pa55");

    await provider.delete(id, fixed.outs);
    assert.strictEqual(sim.world.get("vcenters", id), undefined);
    assert.strictEqual(esxNamed("web-77").length, 0);
    assert.deepStrictEqual(await provider.read(id, fixed.outs), { id: undefined });
    await provider.delete(id, fixed.outs); // gone already: no error
  });

  it("adopts the seeded registration by uuid; its delete is refused while a conversion of its VM runs", async () => {
    const c = await provider.check({}, { adoptUuid: U.vcenter, name: "vcenter-1" });
    assert.deepStrictEqual(c.failures, []);
    const { id, outs } = await provider.create(c.inputs as unknown as VCenterInputs);
    assert.strictEqual(id, U.vcenter);
    assert.strictEqual(outs.domainName, SEED_VCENTER.domainName);
    sim.world.insert("longJobs", { uuid: "99999999999949998999999999999999", state: "Running" });
    sim.world.jobRuntimes.set("99999999999949998999999999999999", {
      request: { url: `vmware://${U.vmwareWeb01}` },
    } as never);
    const e = await rejection(() => provider.delete(id, outs));
    assert.match(e.message, /ZStack refused to delete vCenter .*converting its VMs.*wait for them to end/);
  });
});
