import assert from "node:assert/strict";
import { SEED_UUIDS as U, SEED_VCENTER } from "../../simulator";
import { GiB } from "../../simulator/world/vm-factory";
import { Harness, expectError, request } from "./helpers";

describe("simulator: vCenter (AddVCenter, SyncVCenter, UpdateVCenter, DeleteVCenter, QueryVCenter) and SetVmStaticIp", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const ctl = (method: string, p: string, body?: unknown) => request(h.sim.url, method, `/_sim${p}`, { body });
  const addParams = (extra: Record<string, unknown> = {}) => ({
    params: {
      name: "vc-2",
      domainName: "vc2.sim.local",
      username: "admin@vsphere.local",
      password: "s3cret",
      zoneUuid: U.zone,
      ...extra,
    },
  });
  const named = async (name: string) => h.query(`/v1/vm-instances?q=name=${name}&q=hypervisorType=ESX`);

  it("serves the seeded registration with VCenterInventory's fields, never the password", async () => {
    const [vc] = await h.query(`/v1/vcenters/${U.vcenter}`);
    assert.deepEqual(
      Object.keys(vc).sort(),
      [
        "createDate",
        "description",
        "domainName",
        "https",
        "lastOpDate",
        "name",
        "port",
        "state",
        "status",
        "userName",
        "uuid",
        "version",
        "zoneUuid",
      ].sort(),
    );
    assert.equal(vc.domainName, SEED_VCENTER.domainName);
    assert.equal(vc.userName, SEED_VCENTER.username);
    assert.equal(vc.status, "Connected");
    assert.ok(!JSON.stringify(await h.query("/v1/vcenters")).includes(SEED_VCENTER.password));
    const r = await h.get("/v1/vcenters?q=password=x");
    assert.equal(r.status, 503, r.text);
  });

  it("a VM added to the vCenter is unknown to ZStack until SyncVCenter; its NICs carry the guest's IPv4", async () => {
    const add = await ctl("POST", "/vcenter/vms", {
      name: "web-new",
      cpuNum: 4,
      memorySize: 8 * GiB,
      nics: [{ ip: "192.168.100.77" }, { ip: "10.10.0.77", gateway: "10.10.0.1" }],
    });
    assert.equal(add.status, 200, add.text);
    const uuid = add.json().uuid;
    assert.deepEqual(await named("web-new"), []);
    const sync = await h.async("PUT", `/v1/vcenters/${U.vcenter}/actions`, { syncVCenter: {} });
    assert.equal(sync.status, 200, sync.text);
    const [vm] = await named("web-new");
    assert.equal(vm.uuid, uuid);
    assert.equal(vm.cpuNum, 4);
    assert.deepEqual(
      vm.vmNics.map((n: any) => [n.deviceId, n.ip, n.netmask, n.gateway, n.l3NetworkUuid]),
      [
        [0, "192.168.100.77", "255.255.255.0", undefined, undefined],
        [1, "10.10.0.77", "255.255.255.0", "10.10.0.1", undefined],
      ],
    );
    // the seeded VMware VMs are unchanged by the sync
    const [seeded] = await h.query(`/v1/vm-instances/${U.vmwareWeb01}`);
    assert.equal(seeded.name, "vmware-web-01");
    assert.deepEqual(seeded.vmNics, []);
    // a name already taken is refused
    expectControl(await ctl("POST", "/vcenter/vms", { name: "vmware-web-01" }), /unique/);
  });

  function expectControl(r: { status: number; text: string }, re: RegExp) {
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, re);
  }

  it("AddVCenter registers a simulated server and brings its VMs; a wrong password or an unreachable vCenter is refused, nothing registered", async () => {
    const server = await ctl("POST", "/vcenter/servers", {
      domainName: "vc2.sim.local",
      username: "admin@vsphere.local",
      password: "s3cret",
    });
    assert.equal(server.status, 200, server.text);
    assert.equal((await ctl("POST", "/vcenter/vms", { name: "db-9", domainName: "vc2.sim.local" })).status, 200);

    const wrong = await h.async("POST", "/v1/vcenters", addParams({ password: "nope" }));
    expectError(wrong, 503, "SYS.1006", /incorrect user name or password/);
    assert.ok(!wrong.text.includes("nope"));
    const unreachable = await h.async("POST", "/v1/vcenters", addParams({ domainName: "nowhere.local" }));
    expectError(unreachable, 503, "SYS.1006", /failed to connect to vCenter\[nowhere.local:443\]/);
    const missing = await h.async("POST", "/v1/vcenters", { params: { ...addParams().params, zoneUuid: undefined } });
    expectError(missing, 503, "SYS.1007", /field\[zoneUuid\].*mandatory/);
    assert.equal((await h.query("/v1/vcenters")).length, 1);
    assert.deepEqual(await named("db-9"), []);

    const ok = await h.async("POST", "/v1/vcenters", addParams({ resourceUuid: "1234567890ab4cde8f0123456789abcd" }));
    assert.equal(ok.status, 200, ok.text);
    const inv = ok.json().inventory;
    assert.equal(inv.uuid, "1234567890ab4cde8f0123456789abcd");
    assert.equal(inv.port, 443);
    assert.equal(inv.https, true);
    assert.equal(inv.version, "7.0.3");
    assert.equal(inv.password, undefined);
    assert.equal((await named("db-9")).length, 1);
    const again = await h.async("POST", "/v1/vcenters", addParams({ name: "dup" }));
    expectError(again, 503, "SYS.1007", /has been added/);

    // update: name in place; a new password is checked against the vCenter first
    const bad = await h.async("PUT", `/v1/vcenters/${inv.uuid}/actions`, { updateVCenter: { password: "x" } });
    expectError(bad, 503, "SYS.1006", /incorrect user name or password/);
    const ren = await h.async("PUT", `/v1/vcenters/${inv.uuid}/actions`, {
      updateVCenter: { name: "vc-two", description: "d", state: "Disabled" },
    });
    assert.equal(ren.status, 200, ren.text);
    assert.equal(ren.json().inventory.name, "vc-two");
    assert.equal(ren.json().inventory.state, "Disabled");

    // the vCenter goes away: sync fails and the registration is Disconnected
    const srv = server.json().uuid;
    assert.equal((await ctl("PATCH", `/world/vcenterServers/${srv}`, { reachable: false })).status, 200);
    expectError(
      await h.async("PUT", `/v1/vcenters/${inv.uuid}/actions`, { syncVCenter: {} }),
      503,
      "SYS.1006",
      /failed to connect/,
    );
    assert.equal((await h.query(`/v1/vcenters/${inv.uuid}`))[0].status, "Disconnected");

    // delete removes the registration and the VMs it brought; a second delete succeeds
    const del = await h.async("DELETE", `/v1/vcenters/${inv.uuid}`);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(await h.query(`/v1/vcenters/${inv.uuid}`), []);
    assert.deepEqual(await named("db-9"), []);
    assert.equal((await h.async("DELETE", `/v1/vcenters/${inv.uuid}`)).status, 200);
  });

  it("DeleteVCenter is refused while a conversion of one of its VMs runs", async () => {
    const convert = await h.async("POST", "/v1/v2vs", {
      params: {
        url: `vmware://${U.vmwareWeb01}`,
        name: "web",
        cpuNum: 1,
        memorySize: GiB,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        conversionHostUuid: U.convHost,
      },
    });
    assert.equal(convert.status, 200, convert.text);
    const del = await h.async("DELETE", `/v1/vcenters/${U.vcenter}`);
    expectError(del, 503, "SYS.1006", /converting its VMs/);
    assert.equal((await h.query(`/v1/vcenters/${U.vcenter}`)).length, 1);
  });

  it("SetVmStaticIp pins an address inside the L3's ranges; refuses one outside them or in use", async () => {
    const [vm] = await h.query(`/v1/vm-instances/${U.vmRunning}`);
    const [other] = await h.query(`/v1/vm-instances/${U.vmStopped}`);
    const set = (ip: string, l3: string = U.l3Private) =>
      h.async("PUT", `/v1/vm-instances/${vm.uuid}/actions`, { setVmStaticIp: { l3NetworkUuid: l3, ip } });
    expectError(await set("172.16.0.5"), 503, "SYS.1007", /not in any IP range of the L3 network/);
    expectError(await set(other.vmNics[0].ip), 503, "SYS.1007", /already used by the nic/);
    expectError(await set("300.1.1.1"), 503, "SYS.1007", /not a valid IPv4/);
    expectError(await set("10.10.0.50", U.l3Public), 503, "SYS.1007", /has no nic on the L3 network/);
    const ok = await set("192.168.100.200");
    assert.equal(ok.status, 200, ok.text);
    const [after] = await h.query(`/v1/vm-instances/${vm.uuid}`);
    assert.equal(after.vmNics[0].ip, "192.168.100.200");
    assert.equal(after.vmNics[0].gateway, "192.168.100.1");
    const tagged = await h.query(
      `/v1/vm-instances?q=__systemTag__=staticIp::${U.l3Private}::192.168.100.200&fields=uuid`,
    );
    assert.deepEqual(
      tagged.map((x) => x.uuid),
      [vm.uuid],
    );
    // the same address again is a no-op success
    assert.equal((await set("192.168.100.200")).status, 200);
  });

  it("the static-ip fault fails the next SetVmStaticIp that would change an address, changing nothing", async () => {
    const f = await ctl("POST", "/faults/fail-next-job", { kind: "static-ip" });
    assert.equal(f.status, 200, f.text);
    const body = { setVmStaticIp: { l3NetworkUuid: U.l3Private, ip: "192.168.100.201" } };
    const failed = await h.async("PUT", `/v1/vm-instances/${U.vmRunning}/actions`, body);
    expectError(failed, 503, "SYS.1006", /did not answer/);
    const [vm] = await h.query(`/v1/vm-instances/${U.vmRunning}`);
    assert.notEqual(vm.vmNics[0].ip, "192.168.100.201");
    assert.equal((await h.async("PUT", `/v1/vm-instances/${U.vmRunning}/actions`, body)).status, 200);
  });
});
