// The simulator's V2V conversion-host APIs: fields, state rules and refusals (simulator/assumptions.ts).
import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, MINUTE, v2vParams } from "./helpers";

const PKG = "org.zstack.v2v";
const ADD = `${PKG}.APIAddV2VConversionHostMsg`;
const PATH = "/v1/v2v-conversion-hosts";

describe("simulator V2V conversion hosts", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const add = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    h.async("POST", PATH, {
      params: { name: "ch3", hostUuid: U.host3, storagePath: "/v2v/cache", type: "VMWARE", ...params },
      ...extra,
    });

  it("adds a conversion host with every inventory field, Enabled, its host's status and state, tags queryable", async () => {
    const uuid = "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d";
    const r = await add({ description: "cache on host 3", resourceUuid: uuid }, { userTags: ["team::v2v"] });
    assert.equal(r.status, 200, r.text);
    const inv = r.json().inventory;
    assert.deepEqual(Object.keys(inv).sort(), [
      "availableSize",
      "createDate",
      "description",
      "hostState",
      "hostStatus",
      "hostUuid",
      "lastOpDate",
      "name",
      "state",
      "storagePath",
      "totalSize",
      "type",
      "uuid",
    ]);
    assert.equal(inv.uuid, uuid);
    assert.equal(inv.state, "Enabled");
    assert.equal(inv.hostStatus, "Connected");
    assert.equal(inv.hostState, "Enabled");
    assert.equal(inv.totalSize, inv.availableSize);
    assert.deepEqual(
      (await h.query(`${PATH}?q=__userTag__=team::v2v`)).map((x) => x.uuid),
      [uuid],
    );
  });

  it("refuses an unknown host (SYS.1003), a host that is not KVM, and a second conversion host on the same host", async () => {
    expectError(
      await add({ hostUuid: "0123456789abcdef0123456789abcdef" }),
      503,
      "SYS.1003",
      /resource\[uuid:0123456789abcdef0123456789abcdef, type:HostVO\] not found/,
    );
    expectError(
      await add({ hostUuid: U.esxHost }),
      503,
      "SYS.1007",
      new RegExp(`host\\[uuid:${U.esxHost}\\] is not a KVM host \\(hypervisorType: ESX\\)`),
    );
    expectError(
      await add({ hostUuid: U.host1 }),
      503,
      "SYS.1007",
      `host[uuid:${U.host1}] is already a v2v conversion host[uuid:${U.convHost}]`,
    );
    assert.equal((await h.query(PATH)).length, 2, "nothing was added");
  });

  it("refuses a host that is not Connected, and reports the host's status as it changes", async () => {
    h.sim.world.update("hosts", U.host3, { status: "Disconnected" });
    expectError(await add({}), 503, "SYS.1007", /is not Connected \(status: Disconnected\)/);
    h.sim.world.update("hosts", U.host3, { status: "Connected" });
    const uuid = (await add({})).json().inventory.uuid;
    h.sim.world.update("hosts", U.host3, { status: "Disconnected", state: "Maintenance" });
    const [ch] = await h.query(`${PATH}/${uuid}`);
    assert.equal(ch.hostStatus, "Disconnected");
    assert.equal(ch.hostState, "Maintenance");
    assert.deepEqual(
      (await h.query(`${PATH}?q=hostStatus=Disconnected`)).map((x) => x.uuid),
      [uuid],
    );
  });

  it("checks storagePath on add and update: absolute, not /, no '..', at most 2048 characters", async () => {
    for (const bad of ["relative/dir", "/", "/v2v/../etc", ""]) {
      expectError(
        await add({ storagePath: bad }),
        503,
        "SYS.1007",
        bad === ""
          ? /storagePath\[\] is invalid/
          : `storagePath[${bad}] is invalid, it must be an absolute path other than / and must not contain '..'`,
      );
    }
    expectError(await add({ storagePath: `/${"p".repeat(2048)}` }), 503, "SYS.1007", /field\[storagePath\].*2048/);
    expectError(
      await add({ storagePath: undefined }),
      503,
      "SYS.1007",
      `field[storagePath] of message[${ADD}] is mandatory, can not be null`,
    );
    expectError(
      await add({ type: "HYPERV" }),
      503,
      "SYS.1007",
      /valid value for field\[type\].*\[VMWARE, KVM\], but HYPERV found/,
    );
    const uuid = (await add({})).json().inventory.uuid;
    expectError(
      await h.async("PUT", `${PATH}/${uuid}/actions`, { updateV2VConversionHost: { storagePath: "tmp" } }),
      503,
      "SYS.1007",
      /storagePath\[tmp\] is invalid/,
    );
    const upd = await h.async("PUT", `${PATH}/${uuid}/actions`, {
      updateV2VConversionHost: { storagePath: "/data/v2v", description: "moved" },
    });
    assert.equal(upd.json().inventory.storagePath, "/data/v2v");
    assert.equal(upd.json().inventory.description, "moved");
    assert.equal(upd.json().inventory.name, "ch3", "unset fields stay");
  });

  it("changes state with stateEvent enable/disable; the same state again is a no-op", async () => {
    const act = (stateEvent: unknown) =>
      h.async("PUT", `${PATH}/${U.convHost}/actions`, { changeV2VConversionHostState: { stateEvent } });
    assert.equal((await act("disable")).json().inventory.state, "Disabled");
    assert.equal((await act("disable")).json().inventory.state, "Disabled");
    assert.equal((await act("enable")).json().inventory.state, "Enabled");
    expectError(
      await act("Disabled"),
      503,
      "SYS.1007",
      /valid value for field\[stateEvent\].*\[enable, disable\], but Disabled found/,
    );
  });

  it("refuses to delete a conversion host while a conversion runs on it, unless Enforcing; deletes it once the job ends", async () => {
    const job = await h.async("POST", "/v1/v2vs", { params: v2vParams({ conversionHostUuid: U.convHost }) });
    assert.equal(job.status, 200, job.text);
    const jobUuid = job.json().inventory.uuid;
    expectError(
      await h.async("DELETE", `${PATH}/${U.convHost}?deleteMode=Permissive`),
      503,
      "SYS.1007",
      `cannot delete the v2v conversion host[uuid:${U.convHost}], it is used by the running v2v long job(s)[uuid:${jobUuid}]`,
    );
    h.sim.advance(30 * MINUTE);
    assert.equal((await h.query(`/v1/longjobs/${jobUuid}`))[0].state, "Succeeded");
    assert.equal((await h.async("DELETE", `${PATH}/${U.convHost}`)).status, 200);
    assert.deepEqual(await h.query(`${PATH}/${U.convHost}`), []);
    // Enforcing does not ask
    await h.async("POST", "/v1/v2vs", { params: v2vParams({ conversionHostUuid: undefined }) });
    const other = (await add({})).json().inventory.uuid;
    await h.async("POST", "/v1/v2vs", { params: v2vParams({ conversionHostUuid: other }) });
    assert.equal((await h.async("DELETE", `${PATH}/${other}?deleteMode=Enforcing`)).status, 200);
  });

  it("a conversion holds its source disks' bytes of the cache until it ends; one that does not fit fails when the cache runs out", async () => {
    const GiB = 1024 ** 3;
    const [a, b] = h.sim.addVmwareVms({ count: 2, prefix: "cache", diskBytes: 60 * GiB });
    h.sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * GiB });
    const available = async () => (await h.query(`${PATH}/${U.convHost}`))[0].availableSize;
    const submit = async (uuid: string) =>
      (
        await h.async("POST", "/v1/v2vs", {
          params: v2vParams({ url: `vmware://${uuid}`, conversionHostUuid: U.convHost }),
        })
      ).json().inventory.uuid;
    const first = await submit(a.uuid);
    assert.equal(await available(), 40 * GiB);
    // CleanV2VConversionCache cannot free what a running conversion holds
    await h.async("PUT", `/v1/v2v/conversion/host/${U.convHost}/actions`, { cleanV2VConversionCache: {} });
    assert.equal(await available(), h.sim.world.get("conversionHosts", U.convHost)!.totalSize - 60 * GiB);
    h.sim.world.update("conversionHosts", U.convHost, { availableSize: 40 * GiB });
    const second = await submit(b.uuid);
    assert.equal(await available(), 0);
    h.sim.advance(60 * MINUTE);
    const jobs = await h.query(`/v1/longjobs?q=uuid?=${first},${second}`);
    const state = (u: string) => jobs.find((j: { uuid: string }) => j.uuid === u);
    assert.equal(state(first).state, "Succeeded");
    assert.equal(state(second).state, "Failed");
    assert.match(state(second).jobResult, /no space left on device/);
    assert.equal(await available(), 100 * GiB, "both gave their share back");
  });

  it("drops a conversion host whose host is deleted", async () => {
    h.sim.world.delete("hosts", U.host2);
    assert.deepEqual(await h.query(`${PATH}/${U.convHostDisabled}`), []);
  });
});
