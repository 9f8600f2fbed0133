/**
 * The queries a MigrationPlan relies on (the in-flight limit, the capacity preflight, sourceVmName),
 * over real HTTP, at the sizes a wave has.
 */
import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { VM_VOLUME_FIELDS } from "../../simulator/assumptions";
import { GiB } from "../../simulator/world/vm-factory";
import { Harness, HOUR, MINUTE, request, v2vParams } from "./helpers";

const NOT_FINAL = "q=jobName=APIConvertVmFromForeignHypervisorMsg&q=state?=Waiting,Running,Canceling";

describe("simulator queries behind MigrationPlan", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ jobDurations: { v2vMs: 10 * MINUTE, cancelMs: 5 * MINUTE } });
    await h.login();
  });
  afterEach(() => h.stop());

  const ctl = (method: string, p: string, body?: unknown) => request(h.sim.url, method, `/_sim${p}`, { body });
  const submit = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const r = await h.async("POST", "/v1/v2vs", { params: v2vParams({ name, ...extra }) });
    assert.equal(r.status, 200, r.text);
    return r.json().inventory.uuid as string;
  };

  it("lists the V2V long jobs not final, with the request's conversionHostUuid in jobData", async () => {
    const done = await submit("done", { conversionHostUuid: U.convHost });
    h.sim.advance(HOUR);
    const canceled = await submit("canceled");
    await h.submit("PUT", `/v1/longjobs/${canceled}/actions`, { cancelLongJob: {} }); // Canceling for 5 min
    h.sim.advance(6 * MINUTE); // -> Canceled
    const canceling = await submit("canceling", { conversionHostUuid: U.convHost });
    await h.submit("PUT", `/v1/longjobs/${canceling}/actions`, { cancelLongJob: {} });
    const running = await submit("running", { conversionHostUuid: U.convHost });
    const noHost = await submit("no-host");
    // SubmitLongJob of a ConvertVm message is a V2V job too
    const wrapped = await h.async("POST", "/v1/longjobs", {
      params: {
        jobName: "APIConvertVmFromForeignHypervisorMsg",
        jobData: JSON.stringify(v2vParams({ name: "wrapped", conversionHostUuid: U.convHost })),
      },
    });
    assert.equal(wrapped.status, 200, wrapped.text);
    const submitted = wrapped.json().inventory.uuid as string;

    for (const path of [
      `/v1/longjobs?${NOT_FINAL}`,
      `/v1/longjobs?${NOT_FINAL.replace(/\?=/g, "%3F%3D").replace(/,/g, "%2C")}`,
    ]) {
      const jobs = await h.query(path);
      assert.deepEqual(
        jobs.map((j) => [j.uuid, j.state]),
        [
          [canceling, "Canceling"],
          [running, "Running"],
          [noHost, "Running"],
          [submitted, "Running"],
        ],
        path,
      );
      const hostOf = (uuid: string) => JSON.parse(jobs.find((j) => j.uuid === uuid).jobData).conversionHostUuid;
      assert.equal(hostOf(canceling), U.convHost);
      assert.equal(hostOf(running), U.convHost);
      assert.equal(hostOf(noHost), undefined);
      assert.equal(hostOf(submitted), U.convHost);
      assert.equal(JSON.parse(jobs[1].jobData).name, "running");
    }
    assert.equal((await h.query(`/v1/longjobs/${done}`))[0].state, "Succeeded");
    assert.equal((await h.query(`/v1/longjobs/${canceled}`))[0].state, "Canceled");
    // paging and counting on the same query
    const page1 = (
      await h.get(`/v1/longjobs?${NOT_FINAL}&sort=+createDate&limit=3&start=0&replyWithCount=true`)
    ).json();
    const page2 = (
      await h.get(`/v1/longjobs?${NOT_FINAL}&sort=+createDate&limit=3&start=3&replyWithCount=true`)
    ).json();
    assert.equal(page1.total, 4);
    assert.equal(page2.total, 4);
    assert.equal(page1.inventories.length, 3);
    assert.equal(page2.inventories.length, 1);
    assert.deepEqual((await h.get(`/v1/longjobs?${NOT_FINAL}&count=true`)).json(), { total: 4 });
    assert.deepEqual(
      (await h.query(`/v1/longjobs?${NOT_FINAL}&q=jobData~=%25${U.convHost}%25`)).map((j) => j.uuid),
      [canceling, running, submitted],
      "a like on jobData narrows them to one conversion host",
    );
  });

  it("serves ESX VMs with allVolumes and each volume's size, paged with limit/start and counted with replyWithCount", async () => {
    h.sim.addVmwareVms({ count: 200, prefix: "wave", disks: [30 * GiB, 10 * GiB] });
    const all = (await h.get("/v1/vm-instances?q=hypervisorType=ESX&replyWithCount=true")).json();
    assert.equal(all.total, 205, "5 seeded + 200");
    assert.equal(all.inventories.length, 205, "below the default limit of 1000");
    for (const vm of all.inventories) {
      assert.ok(vm.allVolumes.length >= 1, vm.name);
      for (const v of vm.allVolumes) {
        assert.equal(typeof v.size, "number", vm.name);
        assert.ok(v.size > 0);
        for (const k of Object.keys(v))
          assert.ok((VM_VOLUME_FIELDS as readonly string[]).includes(k), `${k} is recorded in VM_VOLUME_FIELDS`);
      }
    }
    const wave = all.inventories.filter((v: any) => v.name.startsWith("wave-"));
    assert.ok(wave.every((v: any) => v.allVolumes.reduce((s: number, x: any) => s + x.size, 0) === 40 * GiB));
    const seen: string[] = [];
    for (let start = 0; ; start += 64) {
      const page = (
        await h.get(`/v1/vm-instances?q=hypervisorType=ESX&sort=+uuid&limit=64&start=${start}&replyWithCount=true`)
      ).json();
      assert.equal(page.total, 205);
      seen.push(...page.inventories.map((v: any) => v.uuid));
      if (page.inventories.length < 64) break;
    }
    assert.equal(seen.length, 205);
    assert.equal(new Set(seen).size, 205);
    assert.deepEqual(seen, [...seen].sort());
    assert.deepEqual((await h.get("/v1/vm-instances?q=hypervisorType=ESX&count=true")).json(), { total: 205 });
    const byName = await h.query("/v1/vm-instances?q=hypervisorType=ESX&q=name?=wave-07,wave-150,vmware-web-01");
    assert.deepEqual(byName.map((v) => v.name).sort(), ["vmware-web-01", "wave-07", "wave-150"]);
  });

  it("serves availableCapacity and availableSize, which the control endpoint and the world can lower", async () => {
    const [ps] = await h.query(`/v1/primary-storage?q=uuid=${U.primaryStorage}`);
    assert.equal(ps.availableCapacity, 16 * 1024 * GiB);
    const [ch] = await h.query(`/v1/v2v-conversion-hosts?q=uuid=${U.convHost}`);
    assert.equal(ch.availableSize, 3 * 1024 * GiB);

    const patched = await ctl("PATCH", `/world/primaryStorages/${U.primaryStorage}`, { availableCapacity: 50 * GiB });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await h.query(`/v1/primary-storage?q=uuid=${U.primaryStorage}`))[0].availableCapacity, 50 * GiB);
    assert.equal((await ctl("PATCH", `/world/conversionHosts/${U.convHost}`, { availableSize: 60 * GiB })).status, 200);
    assert.equal((await h.query(`/v1/v2v-conversion-hosts?q=uuid=${U.convHost}`))[0].availableSize, 60 * GiB);

    h.sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 1 * GiB });
    h.sim.world.update("conversionHosts", U.convHost, { availableSize: 2 * GiB });
    assert.equal((await h.query(`/v1/primary-storage/${U.primaryStorage}`))[0].availableCapacity, 1 * GiB);
    assert.equal((await h.query(`/v1/v2v-conversion-hosts/${U.convHost}`))[0].availableSize, 2 * GiB);
    assert.deepEqual(
      (await h.get(`/v1/primary-storage?q=uuid?=${U.primaryStorage}&fields=uuid,availableCapacity`)).json(),
      {
        inventories: [{ uuid: U.primaryStorage, availableCapacity: 1 * GiB }],
      },
    );
    assert.equal(
      (await ctl("PATCH", "/world/primaryStorages/00000000000000000000000000000000", { availableCapacity: 1 })).status,
      404,
    );
  });
});
