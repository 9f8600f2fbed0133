import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { VALIDATION_ORDER } from "../../simulator/assumptions";
import { expectError, Harness, HOUR, MINUTE, v2vParams } from "./helpers";

const MSG = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";

const params = (extra: Record<string, unknown> = {}) =>
  v2vParams({ name: "web-01", cpuNum: 2, memorySize: 4 * 1024 ** 3, conversionHostUuid: U.convHost, ...extra });

describe("simulator V2V (ConvertVmFromForeignHypervisor)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  async function convert(extra: Record<string, unknown> = {}, body: Record<string, unknown> = {}) {
    const apiId = h.sim.world.prng.uuid();
    const r = await h.async("POST", "/v1/v2vs", { params: params(extra), ...body }, { "X-Job-UUID": apiId });
    assert.equal(r.status, 200, r.text);
    return { job: r.json().inventory, apiId };
  }

  const longJob = async (uuid: string) => (await h.query(`/v1/longjobs/${uuid}`))[0];
  const progress = async (apiId: string) => (await h.query(`/v1/task-progresses/${apiId}`))[0];

  it("returns the LongJob already Running, with the API message as jobData", async () => {
    const { job, apiId } = await convert({ sshPrivKey: "-----BEGIN KEY-----secret" });
    assert.equal(job.state, "Running");
    assert.equal(job.jobName, "APIConvertVmFromForeignHypervisorMsg");
    assert.equal(job.name, "APIConvertVmFromForeignHypervisorMsg");
    assert.equal(job.apiId, apiId);
    assert.equal("jobResult" in job, false);
    assert.equal("targetResourceUuid" in job, false);
    assert.equal("executeTime" in job, false);
    const data = JSON.parse(job.jobData);
    assert.equal(data.url, `vmware://${U.vmwareWeb01}`);
    assert.equal(data.sshPrivKey, "-----BEGIN KEY-----secret");
    assert.deepEqual(Object.keys(data.session).sort(), ["accountUuid", "userUuid", "uuid"]);
    assert.equal(data.session.uuid, h.session);
    assert.equal(data.id, apiId);
  });

  it("uses longJobName/longJobDescription and resourceUuid for the job", async () => {
    const uuid = "5f0c7e2a9d3b4c1e8a6f2b7d9c0e1a3b";
    const { job } = await convert({ longJobName: "move web-01", longJobDescription: "wave 1", resourceUuid: uuid });
    assert.equal(job.uuid, uuid);
    assert.equal(job.name, "move web-01");
    assert.equal(job.description, "wave 1");
  });

  it("progresses linearly over simulated time and succeeds with a new KVM VM", async () => {
    const { job, apiId } = await convert({ platform: "Linux", defaultL3NetworkUuid: U.l3Private });
    let p = await progress(apiId);
    assert.equal(p.type, "Progress");
    assert.equal(p.content, "0");
    assert.equal(typeof p.time, "number");
    // web-01 has one 40 GiB disk: 10 min + 40 x 15 s = 20 min
    h.sim.advance(5 * MINUTE);
    assert.equal((await progress(apiId)).content, "25");
    h.sim.advance(10 * MINUTE);
    p = await progress(apiId);
    assert.equal(p.content, "75");
    assert.equal((await longJob(job.uuid)).state, "Running");
    h.sim.advance(5 * MINUTE);
    const done = await longJob(job.uuid);
    assert.equal(done.state, "Succeeded");
    assert.equal(done.executeTime, 20 * 60);
    assert.equal((await progress(apiId)).content, "100");
    const result = JSON.parse(done.jobResult);
    assert.equal(result.success, true);
    assert.equal(result.inventory.uuid, done.targetResourceUuid);
    const [vm] = await h.query(`/v1/vm-instances/${done.targetResourceUuid}`);
    assert.equal(vm.name, "web-01");
    assert.equal(vm.hypervisorType, "KVM");
    assert.equal(vm.state, "Running");
    assert.equal(vm.cpuNum, 2);
    assert.equal(vm.memorySize, 4 * 1024 ** 3);
    assert.equal(vm.platform, "Linux");
    assert.equal(vm.clusterUuid, U.cluster);
    assert.ok(vm.hostUuid);
    assert.equal(vm.vmNics[0].l3NetworkUuid, U.l3Private);
    assert.equal(vm.allVolumes[0].size, 40 * 1024 ** 3);
    assert.equal(vm.allVolumes[0].primaryStorageUuid, U.primaryStorage);
  });

  it("leaves the VM Stopped for strategy JustConvert", async () => {
    const { job } = await convert({ strategy: "JustConvert", l3NetworkUuids: [U.l3Private, U.l3Public] });
    h.sim.advance(HOUR);
    const done = await longJob(job.uuid);
    const [vm] = await h.query(`/v1/vm-instances/${done.targetResourceUuid}`);
    assert.equal(vm.state, "Stopped");
    assert.equal("hostUuid" in vm, false);
    assert.equal(vm.vmNics.length, 2);
  });

  it("derives the duration from the disks that volumeFilters keep, or uses the configured one", async () => {
    const db = await convert({ url: `vmware://${U.vmwareDb01}` }); // 2 x 100 GiB: 60 min
    const skip = await convert({
      url: `vmware://${U.vmwareDb01}`,
      name: "db-root-only",
      volumeFilters: [{ deviceId: "vdb", skip: true }],
    }); // 35 min
    h.sim.advance(35 * MINUTE);
    assert.equal((await longJob(skip.job.uuid)).state, "Succeeded");
    assert.equal((await longJob(db.job.uuid)).state, "Running");
    h.sim.advance(25 * MINUTE);
    assert.equal((await longJob(db.job.uuid)).state, "Succeeded");
    const [vm] = await h.query(`/v1/vm-instances/${(await longJob(skip.job.uuid)).targetResourceUuid}`);
    assert.equal(vm.allVolumes.length, 1);
    h.sim.setJobDurations({ v2vMs: 90_000 });
    const fixed = await convert({ name: "fast" });
    h.sim.advance(90_000);
    assert.equal((await longJob(fixed.job.uuid)).state, "Succeeded");
  });

  it("fails the job with a {message, detail, cause} jobResult when a failure is injected", async () => {
    h.sim.faults.failNextJob("v2v", { details: "disk read error on datastore1", atFraction: 0.5 });
    const { job, apiId } = await convert();
    h.sim.advance(9 * MINUTE);
    assert.equal((await longJob(job.uuid)).state, "Running");
    h.sim.advance(MINUTE);
    const failed = await longJob(job.uuid);
    assert.equal(failed.state, "Failed");
    assert.equal(failed.executeTime, 600);
    const result = JSON.parse(failed.jobResult);
    assert.equal(result.detail, "disk read error on datastore1");
    assert.equal(result.cause, "disk read error on datastore1");
    assert.ok(result.message);
    assert.equal((await progress(apiId)).content, "50");
    assert.equal("targetResourceUuid" in failed, false);
    // the fault is used up: the next job succeeds
    const next = await convert({ name: "next" });
    h.sim.advance(HOUR);
    assert.equal((await longJob(next.job.uuid)).state, "Succeeded");
  });

  it("fails the job when the vmware:// url names no known VMware VM", async () => {
    const { job } = await convert({ url: "vmware://0123456789abcdef0123456789abcdef" });
    h.sim.advance(MINUTE);
    const failed = await longJob(job.uuid);
    assert.equal(failed.state, "Failed");
    assert.match(
      JSON.parse(failed.jobResult).detail,
      /cannot find the source vm\[uuid:0123456789abcdef0123456789abcdef\]/,
    );
  });

  it("accepts a non-vmware url as an opaque string", async () => {
    const { job } = await convert({ url: "qemu+ssh://root@10.0.0.5/system?uuid=abc" });
    h.sim.advance(HOUR);
    assert.equal((await longJob(job.uuid)).state, "Succeeded");
  });

  it("supports SubmitLongJob with the wrapped ConvertVm message", async () => {
    const r = await h.async("POST", "/v1/longjobs", {
      params: {
        jobName: "APIConvertVmFromForeignHypervisorMsg",
        jobData: JSON.stringify(params({ name: "via-submit" })),
        name: "submitted",
      },
    });
    assert.equal(r.status, 200, r.text);
    const job = r.json().inventory;
    assert.equal(job.name, "submitted");
    assert.equal(job.state, "Running");
    // ZStack's own example type (APIAddImageMsg, docs/zstack-wire.md §6.4) is a real API the
    // simulator does not run: not "not an API"
    const addImage = await h.async("POST", "/v1/longjobs", { params: { jobName: "APIAddImageMsg", jobData: "{}" } });
    expectError(
      addImage,
      503,
      "SYS.1007",
      "long job type[APIAddImageMsg] is not supported by the simulator, it only runs APIConvertVmFromForeignHypervisorMsg long jobs",
    );
    const unknown = await h.async("POST", "/v1/longjobs", { params: { jobName: "noSuchThing", jobData: "{}" } });
    expectError(unknown, 503, "SYS.1007", "noSuchThing is not an API");
    assert.equal((await h.query("/v1/longjobs")).length, 1, "refused submissions create no job");
    const notJson = await h.async("POST", "/v1/longjobs", {
      params: { jobName: "APIConvertVmFromForeignHypervisorMsg", jobData: "{" },
    });
    expectError(
      notJson,
      503,
      "SYS.1007",
      "jobData of message[org.zstack.header.longjob.APISubmitLongJobMsg] is not a valid JSON string",
    );
  });

  describe("validation (503 on the poll)", () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ["url missing", { url: undefined }, "SYS.1007", `field[url] of message[${MSG}] is mandatory, can not be null`],
      ["name missing", { name: undefined }, "SYS.1007", `field[name] of message[${MSG}] is mandatory, can not be null`],
      [
        "cpuNum missing",
        { cpuNum: undefined },
        "SYS.1007",
        `field[cpuNum] of message[${MSG}] is mandatory, can not be null`,
      ],
      [
        "memorySize missing",
        { memorySize: undefined },
        "SYS.1007",
        `field[memorySize] of message[${MSG}] is mandatory, can not be null`,
      ],
      [
        "primaryStorageUuid missing",
        { primaryStorageUuid: undefined },
        "SYS.1007",
        `field[primaryStorageUuid] of message[${MSG}] is mandatory, can not be null`,
      ],
      [
        "l3NetworkUuids missing",
        { l3NetworkUuids: undefined },
        "SYS.1007",
        `field[l3NetworkUuids] of message[${MSG}] is mandatory, can not be null`,
      ],
      ["empty url", { url: "  " }, "SYS.1007", "field[url] cannot be an empty string"],
      [
        "long name",
        { name: "n".repeat(256) },
        "SYS.1007",
        `field[name] of message[${MSG}] exceeds max length of string. expected was <= 255, actual was 256`,
      ],
      [
        "long url",
        { url: "u".repeat(1025) },
        "SYS.1007",
        `field[url] of message[${MSG}] exceeds max length of string. expected was <= 1024, actual was 1025`,
      ],
      ["cpuNum 0", { cpuNum: 0 }, "SYS.1007", "field[cpuNum] must be in range of [1, 1024]"],
      ["cpuNum 1025", { cpuNum: 1025 }, "SYS.1007", "field[cpuNum] must be in range of [1, 1024]"],
      ["memorySize 0", { memorySize: 0 }, "SYS.1007", "field[memorySize] must be in range of [1, 9223372036854775807]"],
      [
        "bad platform",
        { platform: "Mac" },
        "SYS.1007",
        `valid value for field[platform] of message[${MSG}] are [Linux, Windows, WindowsVirtio, Paravirtualization, Other], but Mac found`,
      ],
      [
        "bad strategy",
        { strategy: "Later" },
        "SYS.1007",
        `valid value for field[strategy] of message[${MSG}] are [InstantStart, JustConvert], but Later found`,
      ],
      [
        "bad type",
        { type: "Pet" },
        "SYS.1007",
        `valid value for field[type] of message[${MSG}] are [UserVm, ApplianceVm], but Pet found`,
      ],
      [
        "bad convertStrategy",
        { convertStrategy: "Fast" },
        "SYS.1007",
        `valid value for field[convertStrategy] of message[${MSG}] are [CapacityOptimized, EfficiencyFirst], but Fast found`,
      ],
      ["empty l3 list", { l3NetworkUuids: [] }, "SYS.1007", "field[l3NetworkUuids] must be a nonempty list"],
      [
        "null l3",
        { l3NetworkUuids: [U.l3Private, null] },
        "SYS.1007",
        "field[l3NetworkUuids] cannot contain a NULL element",
      ],
      [
        "unknown primary storage",
        { primaryStorageUuid: "0123456789abcdef0123456789abcdef" },
        "SYS.1003",
        "invalid field[primaryStorageUuid], resource[uuid:0123456789abcdef0123456789abcdef, type:PrimaryStorageVO] not found",
      ],
      [
        "unknown l3s",
        { l3NetworkUuids: [U.l3Private, "aaaa", "bbbb"] },
        "SYS.1003",
        "invalid field[l3NetworkUuids], resource[uuids:[aaaa, bbbb], type:L3NetworkVO] not found",
      ],
      [
        "unknown conversion host",
        { conversionHostUuid: "c0ffee" },
        "SYS.1003",
        "invalid field[conversionHostUuid], resource[uuid:c0ffee, type:V2VConversionHostVO] not found",
      ],
      [
        "unknown cluster",
        { clusterUuid: "c1" },
        "SYS.1003",
        "invalid field[clusterUuid], resource[uuid:c1, type:ClusterVO] not found",
      ],
      [
        "disabled conversion host",
        { conversionHostUuid: U.convHostDisabled },
        "SYS.1007",
        `the v2v conversion host[uuid:${U.convHostDisabled}] is disabled, please enable it first`,
      ],
      [
        "bad resourceUuid",
        { resourceUuid: "not-a-uuid" },
        "SYS.1007",
        "resourceUuid[not-a-uuid] is not a valid uuid. A valid uuid is a UUID(v4 recommended) with '-' stripped. see http://en.wikipedia.org/wiki/Universally_unique_identifier for format of UUID, the regular expression ZStack uses to validate a UUID is '[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}'",
      ],
    ];
    for (const [title, extra, code, details] of cases) {
      it(`rejects ${title}`, async () => {
        const p: Record<string, unknown> = params(extra);
        for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
        const { jobPath } = await h.submit("POST", "/v1/v2vs", { params: p });
        const r = await h.call("GET", jobPath);
        expectError(r, 503, code, details);
        assert.equal((await h.query("/v1/longjobs")).length, 0, "no job is created");
      });
    }

    it("checks field by field, each field's references right after its parameters (VALIDATION_ORDER)", async () => {
      assert.match(VALIDATION_ORDER, /each field in order \(its parameter checks, then its referenced uuids\)/);
      const first = async (extra: Record<string, unknown>) => {
        const { jobPath } = await h.submit("POST", "/v1/v2vs", { params: params(extra) });
        return h.call("GET", jobPath);
      };
      // an unknown conversion host (4th field) is reported before a bad cpuNum (6th field)...
      expectError(
        await first({ conversionHostUuid: "c0ffee", cpuNum: 0 }),
        503,
        "SYS.1003",
        "invalid field[conversionHostUuid], resource[uuid:c0ffee, type:V2VConversionHostVO] not found",
      );
      // ...and after a bad name (2nd field); not all parameter checks first, then all references
      expectError(
        await first({ conversionHostUuid: "c0ffee", name: "n".repeat(256) }),
        503,
        "SYS.1007",
        `field[name] of message[${MSG}] exceeds max length of string. expected was <= 255, actual was 256`,
      );
      // the resourceUuid format comes before every field; a Disabled host before uniqueness
      const taken = "5f0c7e2a9d3b4c1e8a6f2b7d9c0e1a3b";
      await convert({ resourceUuid: taken });
      expectError(
        await first({ name: undefined, resourceUuid: "bad" }),
        503,
        "SYS.1007",
        /^resourceUuid\[bad\] is not a valid uuid/,
      );
      expectError(
        await first({ resourceUuid: taken, conversionHostUuid: U.convHostDisabled }),
        503,
        "SYS.1007",
        `the v2v conversion host[uuid:${U.convHostDisabled}] is disabled, please enable it first`,
      );
    });

    it("rejects a resourceUuid that is taken", async () => {
      const uuid = "5f0c7e2a9d3b4c1e8a6f2b7d9c0e1a3b";
      await convert({ resourceUuid: uuid });
      const r = await h.async("POST", "/v1/v2vs", { params: params({ resourceUuid: uuid }) });
      expectError(r, 503, "SYS.1007", `resource[uuid:${uuid}] already exists, resourceUuid must be unique`);
    });
  });
});
