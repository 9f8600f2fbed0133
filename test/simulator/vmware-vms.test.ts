import assert from "node:assert/strict";
import * as os from "node:os";
import { SEED_UUIDS as U, vmwareVmNames } from "../../simulator";
import { GiB } from "../../simulator/world/vm-factory";
import { Harness, MINUTE, request } from "./helpers";

describe("simulator bulk VMware VMs (addVmwareVms, POST /_sim/vmware-vms)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const ctl = (method: string, p: string, body?: unknown) => request(h.sim.url, method, `/_sim${p}`, { body });
  /** the fields that differ between two VMware VMs of the same shape */
  const OWN = new Set(["uuid", "name", "rootVolumeUuid", "createDate", "lastOpDate"]);
  const shape = (vm: any) => ({
    ...Object.fromEntries(Object.entries(vm).filter(([k]) => !OWN.has(k))),
    allVolumes: vm.allVolumes.map((v: any) => {
      const { uuid: _u, name: _n, vmInstanceUuid: _v, createDate: _c, lastOpDate: _l, ...rest } = v;
      return rest;
    }),
  });

  it("names them prefix-01, -02, … with two digits up to 99 and three beyond", () => {
    assert.deepEqual(vmwareVmNames("w", 1, 3), ["w-01", "w-02", "w-03"]);
    assert.deepEqual(vmwareVmNames("w", 98, 4), ["w-98", "w-99", "w-100", "w-101"]);
  });

  it("creates ESX VmInstances exactly like the seeded vmware-web-01, as the query API serves them", async () => {
    const rows = h.sim.addVmwareVms({ count: 12, prefix: "wave" });
    assert.equal(rows.length, 12);
    assert.deepEqual(
      rows.map((r) => r.name),
      Array.from({ length: 12 }, (_, i) => `wave-${String(i + 1).padStart(2, "0")}`),
    );
    const [seeded] = await h.query(`/v1/vm-instances/${U.vmwareWeb01}`);
    const listed = await h.query("/v1/vm-instances?q=name~=wave-%25&sort=+name");
    assert.equal(listed.length, 12);
    assert.deepEqual(
      listed.map((v) => v.uuid),
      rows.map((r) => r.uuid),
    );
    for (const vm of listed) {
      assert.deepEqual(shape(vm), shape(seeded), vm.name);
      assert.equal(vm.allVolumes[0].name, `ROOT-for-${vm.name}`);
      assert.equal(vm.allVolumes[0].vmInstanceUuid, vm.uuid);
      assert.equal(vm.rootVolumeUuid, vm.allVolumes[0].uuid);
    }
    assert.equal(new Set(listed.map((v) => v.uuid)).size, 12);
  });

  it("takes cpuNum, memorySize and the disk sizes; a V2V of one converts its disks", async () => {
    const [one] = h.sim.addVmwareVms({
      count: 1,
      prefix: "big",
      cpuNum: 8,
      memorySize: 16 * GiB,
      disks: [50 * GiB, 150 * GiB],
    });
    const [vm] = await h.query(`/v1/vm-instances/${one.uuid}`);
    assert.equal(vm.cpuNum, 8);
    assert.equal(vm.memorySize, 16 * GiB);
    assert.deepEqual(
      vm.allVolumes.map((v: any) => [v.type, v.size, v.deviceId]),
      [
        ["Root", 50 * GiB, 0],
        ["Data", 150 * GiB, 1],
      ],
    );
    const [small] = h.sim.addVmwareVms({ count: 1, prefix: "small", diskBytes: 20 * GiB });
    assert.deepEqual(
      small.allVolumes.map((v: any) => v.size),
      [20 * GiB],
    );
    // 200 GiB convert in 10 min + 200 x 15 s = 60 min (the default duration), like vmware-db-01
    const r = await h.async("POST", "/v1/v2vs", {
      params: {
        url: `vmware://${one.uuid}`,
        name: "big-migrated",
        cpuNum: 8,
        memorySize: 16 * GiB,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
      },
    });
    assert.equal(r.status, 200, r.text);
    const job = r.json().inventory.uuid;
    h.sim.advance(59 * MINUTE);
    assert.equal((await h.query(`/v1/longjobs/${job}`))[0].state, "Running");
    h.sim.advance(MINUTE);
    assert.equal((await h.query(`/v1/longjobs/${job}`))[0].state, "Succeeded");
    const [migrated] = await h.query("/v1/vm-instances?q=name=big-migrated");
    assert.deepEqual(
      migrated.allVolumes.map((v: any) => v.size),
      [50 * GiB, 150 * GiB],
    );
  });

  it("over HTTP: POST /_sim/vmware-vms with the same JSON returns the created rows", async () => {
    const r = await ctl("POST", "/vmware-vms", { count: 3, prefix: "http", cpuNum: 4 });
    assert.equal(r.status, 200, r.text);
    const rows = r.json();
    assert.deepEqual(
      rows.map((x: any) => x.name),
      ["http-01", "http-02", "http-03"],
    );
    assert.ok(
      rows.every(
        (x: any) => typeof x.uuid === "string" && x.uuid.length === 32 && x.hypervisorType === "ESX" && x.cpuNum === 4,
      ),
    );
    assert.equal((await h.query("/v1/vm-instances?q=hypervisorType=ESX&q=name~=http-%25")).length, 3);
    const more = await ctl("POST", "/vmware-vms", { count: 2, prefix: "http", start: 4 });
    assert.deepEqual(
      more.json().map((x: any) => x.name),
      ["http-04", "http-05"],
    );
  });

  it("refuses a duplicate name with a clear 400, creating none", async () => {
    await ctl("POST", "/vmware-vms", { count: 2, prefix: "dup" });
    const esxCount = async () =>
      (await h.get("/v1/vm-instances?count=true&q=hypervisorType=ESX")).json().total as number;
    const before = await esxCount();
    const r = await ctl("POST", "/vmware-vms", { count: 3, prefix: "dup" });
    assert.equal(r.status, 400);
    assert.match(
      r.json().error,
      /VM names must be unique: 2 of the names to create already exist: dup-01 \(uuid [0-9a-f]{32}\), dup-02/,
    );
    assert.equal((await h.query("/v1/vm-instances?q=name=dup-03")).length, 0, "nothing created");
    assert.equal(await esxCount(), before);
    // a seeded name clashes too
    assert.throws(
      () => h.sim.addVmwareVms({ count: 1, prefix: "vmware-web" }),
      /vmware-web-01 \(uuid 24e0673e037a4cae904a40a071329d9e\)/,
    );
  });

  it("refuses invalid fields naming them", async () => {
    const bad = async (body: unknown, re: RegExp) => {
      const r = await ctl("POST", "/vmware-vms", body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json().error, re);
    };
    await bad({}, /count must be an integer from 1 to 999/);
    await bad({ count: 0 }, /count must be/);
    await bad({ count: 1000 }, /count must be/);
    await bad({ count: "3" }, /count must be/);
    await bad({ count: 2, start: 999 }, /at most 999/);
    await bad({ count: 1, diskBytes: 1, disks: [1] }, /diskBytes or disks, not both/);
    await bad({ count: 1, disks: [] }, /disks must be a non-empty list/);
    await bad({ count: 1, disks: [1.5] }, /disks\[0\] must be/);
    await bad({ count: 1, prefix: "" }, /prefix must be a non-empty string/);
    await bad({ count: 1, state: "Paused" }, /state must be "Running" or "Stopped"/);
  });

  it("are part of the world: a reset removes them", async () => {
    h.sim.addVmwareVms({ count: 2, prefix: "gone" });
    assert.equal((await h.query("/v1/vm-instances?q=name~=gone-%25")).length, 2);
    h.sim.resetWorld();
    await h.login();
    assert.equal((await h.query("/v1/vm-instances?q=name~=gone-%25")).length, 0);
  });

  it("the new control routes answer loopback clients only", async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (!external) return; // no non-loopback address on this machine (control.test.ts checks isLoopback itself)
    const wide = await Harness.start({ host: "0.0.0.0" });
    try {
      const base = `http://${external.address}:${wide.sim.port}`;
      const add = await request(base, "POST", "/_sim/vmware-vms", { body: { count: 1, prefix: "remote" } });
      assert.equal(add.status, 403);
      assert.equal(wide.sim.world.list("vms", (v) => String(v.name).startsWith("remote-")).length, 0);
      assert.equal((await request(base, "GET", "/_sim/long-jobs/timeline")).status, 403);
      assert.equal((await request(`http://127.0.0.1:${wide.sim.port}`, "GET", "/_sim/long-jobs/timeline")).status, 200);
    } finally {
      await wide.stop();
    }
  });
});
