import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, HOUR, MINUTE, v2vParams } from "./helpers";

describe("simulator long-job APIs", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  /** a 20-minute conversion of vmware-web-01 */
  async function startJob(name = "web-01"): Promise<{ uuid: string; apiId: string }> {
    const r = await h.async("POST", "/v1/v2vs", { params: v2vParams({ name }) });
    assert.equal(r.status, 200, r.text);
    return r.json().inventory;
  }
  const job = async (uuid: string) => (await h.query(`/v1/longjobs/${uuid}`))[0];
  const act = (uuid: string, body: Record<string, unknown>) => h.async("PUT", `/v1/longjobs/${uuid}/actions`, body);
  const percent = async (apiId: string) => Number((await h.query(`/v1/task-progresses/${apiId}`))[0].content);

  describe("CancelLongJob", () => {
    it("cancels a running job: Canceled at once, no VM", async () => {
      const j = await startJob();
      h.sim.advance(5 * MINUTE);
      const r = await act(j.uuid, { cancelLongJob: {} });
      assert.equal(r.status, 200);
      assert.equal(r.text, "{}");
      const after = await job(j.uuid);
      assert.equal(after.state, "Canceled");
      assert.equal(after.executeTime, 300);
      h.sim.advance(HOUR);
      assert.equal((await job(j.uuid)).state, "Canceled");
      assert.equal((await h.query("/v1/vm-instances?q=name=web-01")).length, 0);
    });

    it("is a no-op on a canceled job and refuses succeeded or failed jobs", async () => {
      const j = await startJob();
      await act(j.uuid, { cancelLongJob: {} });
      assert.equal((await act(j.uuid, { cancelLongJob: {} })).status, 200);
      const ok = await startJob("ok");
      h.sim.advance(HOUR);
      expectError(
        await act(ok.uuid, { cancelLongJob: {} }),
        503,
        "SYS.1007",
        "cannot cancel longjob that is succeeded",
      );
      h.sim.faults.failNextJob("v2v");
      const bad = await startJob("bad");
      h.sim.advance(HOUR);
      expectError(await act(bad.uuid, { cancelLongJob: {} }), 503, "SYS.1007", "cannot cancel longjob that is failed");
      expectError(
        await act("0123456789abcdef0123456789abcdef", { cancelLongJob: {} }),
        503,
        "SYS.1003",
        "invalid field[uuid], resource[uuid:0123456789abcdef0123456789abcdef, type:LongJobVO] not found",
      );
    });

    it("stays Canceling while a slow cancel rolls back, and CleanLongJob turns it Failed", async () => {
      h.sim.setJobDurations({ cancelMs: 2 * MINUTE });
      const j = await startJob();
      const { jobPath } = await h.submit("PUT", `/v1/longjobs/${j.uuid}/actions`, { cancelLongJob: {} });
      assert.equal((await h.call("GET", jobPath)).status, 202);
      assert.equal((await job(j.uuid)).state, "Canceling");
      h.sim.advance(2 * MINUTE);
      assert.equal((await h.call("GET", jobPath)).status, 200);
      assert.equal((await job(j.uuid)).state, "Canceled");

      const k = await startJob("k");
      await h.submit("PUT", `/v1/longjobs/${k.uuid}/actions`, { cancelLongJob: {} });
      const cleaned = await act(k.uuid, { cleanLongJob: {} });
      assert.equal(cleaned.status, 200);
      assert.equal((await job(k.uuid)).state, "Failed");
    });

    it("stores {detail, cause} (LONG_JOB.1000's details) as the Canceled job's jobResult", async () => {
      const j = await startJob();
      await act(j.uuid, { cancelLongJob: {} });
      const canceled = await job(j.uuid);
      assert.equal(canceled.state, "Canceled");
      const detail = `long job[uuid:${j.uuid}] has been canceled`;
      assert.equal(canceled.jobResult, JSON.stringify({ detail, cause: detail }));
    });

    it("cancels a Suspended job at once, even with a slow cancel, keeping its frozen progress", async () => {
      h.sim.setJobDurations({ cancelMs: 10 * MINUTE });
      const j = await startJob();
      h.sim.advance(5 * MINUTE);
      h.sim.faults.restartManagementNode();
      assert.equal((await job(j.uuid)).state, "Suspended");
      h.sim.advance(MINUTE);
      const r = await act(j.uuid, { cancelLongJob: {} });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, "{}");
      const after = await job(j.uuid);
      assert.equal(after.state, "Canceled");
      assert.equal(after.executeTime, 6 * 60);
      assert.equal(JSON.parse(after.jobResult).detail, `long job[uuid:${j.uuid}] has been canceled`);
      assert.equal(await percent(j.apiId), 25);
      h.sim.advance(HOUR);
      assert.equal((await job(j.uuid)).state, "Canceled");
      expectError(
        await act(j.uuid, { resumeLongJob: {} }),
        503,
        "SYS.1007",
        "can only resume longjob that is Suspended",
      );
    });

    it("fails the pending CancelLongJob api-job (SYS.1006) when the Canceling job is cleaned", async () => {
      h.sim.setJobDurations({ cancelMs: 5 * MINUTE });
      const j = await startJob();
      h.sim.advance(MINUTE);
      const { jobPath } = await h.submit("PUT", `/v1/longjobs/${j.uuid}/actions`, { cancelLongJob: {} });
      assert.equal((await h.call("GET", jobPath)).status, 202);
      h.sim.advance(MINUTE);
      const cleaned = await act(j.uuid, { cleanLongJob: {} });
      assert.equal(cleaned.status, 200);
      assert.equal(cleaned.text, "{}");
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1006",
        `long job[uuid:${j.uuid}] was cleaned before its cancellation completed`,
      );
      const failed = await job(j.uuid);
      assert.equal(failed.state, "Failed");
      const detail = `long job[uuid:${j.uuid}] was cleaned while canceling`;
      assert.equal(failed.jobResult, JSON.stringify({ detail, cause: detail }));
      // the cancel's due time passes: nothing changes any more
      h.sim.advance(HOUR);
      assert.equal((await job(j.uuid)).state, "Failed");
      expectError(await h.call("GET", jobPath), 503, "SYS.1006");
    });

    it("refuses CleanLongJob unless the job is Canceling", async () => {
      const j = await startJob();
      expectError(
        await act(j.uuid, { cleanLongJob: {} }),
        503,
        "LONG_JOB.1003",
        "not supported or state is not Canceling",
      );
    });
  });

  describe("management-node restart and ResumeLongJob", () => {
    it("suspends running jobs, freezes their progress, and resumes them where they were", async () => {
      const j = await startJob();
      h.sim.advance(10 * MINUTE);
      h.sim.faults.restartManagementNode();
      assert.equal((await job(j.uuid)).state, "Suspended");
      h.sim.advance(HOUR);
      assert.equal((await job(j.uuid)).state, "Suspended");
      assert.equal(await percent(j.apiId), 50);
      const resumed = await act(j.uuid, { resumeLongJob: {} });
      assert.equal(resumed.status, 200);
      assert.equal(resumed.json().inventory.state, "Running");
      h.sim.advance(9 * MINUTE);
      assert.equal((await job(j.uuid)).state, "Running");
      assert.equal(await percent(j.apiId), 95);
      h.sim.advance(MINUTE);
      assert.equal((await job(j.uuid)).state, "Succeeded");
    });

    it("refuses to resume a job that is not Suspended", async () => {
      const j = await startJob();
      expectError(
        await act(j.uuid, { resumeLongJob: {} }),
        503,
        "SYS.1007",
        "can only resume longjob that is Suspended",
      );
    });

    it("fails pending api-jobs and rolls back exports in progress", async () => {
      const { jobPath } = await h.submit("POST", "/v1/ovf/ova-packages", {
        params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
      });
      assert.equal((await h.query("/v1/image-packages")).length, 1);
      h.sim.faults.restartManagementNode();
      expectError(await h.call("GET", jobPath), 503, "SYS.1012", /restarted/);
      assert.equal((await h.query("/v1/image-packages")).length, 0);
    });
  });

  describe("RerunLongJob", () => {
    it("reruns a finished job under the same uuid with a fresh createDate and the rerun's apiId", async () => {
      h.sim.faults.failNextJob("v2v");
      const j = await startJob();
      h.sim.advance(HOUR);
      const failed = await job(j.uuid);
      assert.equal(failed.state, "Failed");
      const rerunId = "abcdefabcdefabcdefabcdefabcdef12";
      const r = await h.async("PUT", `/v1/longjobs/${j.uuid}/actions`, { rerunLongJob: {} }, { "X-Job-UUID": rerunId });
      assert.equal(r.status, 200);
      const inv = r.json().inventory;
      assert.equal(inv.uuid, j.uuid);
      assert.equal(inv.state, "Running");
      assert.equal(inv.apiId, rerunId);
      assert.equal("jobResult" in inv, false);
      assert.equal("executeTime" in inv, false);
      assert.notEqual(inv.createDate, failed.createDate);
      h.sim.advance(10 * MINUTE);
      assert.equal(await percent(rerunId), 50);
      assert.equal(await percent(j.apiId), 30, "the old api id keeps the old run's last percent");
      h.sim.advance(10 * MINUTE);
      const done = await job(j.uuid);
      assert.equal(done.state, "Succeeded");
      assert.ok(done.targetResourceUuid);
    });

    it("refuses to rerun a job that has not finished", async () => {
      const j = await startJob();
      expectError(
        await act(j.uuid, { rerunLongJob: {} }),
        503,
        "SYS.1007",
        "rerun longjob only when it's succeeded, canceled, or failed",
      );
    });
  });

  describe("DeleteLongJob, UpdateLongJob, QueryLongJob", () => {
    it("deletes only finished jobs, and succeeds for unknown uuids", async () => {
      const j = await startJob();
      expectError(
        await h.async("DELETE", `/v1/longjobs/${j.uuid}`),
        503,
        "SYS.1007",
        "delete longjob only when it's succeeded, canceled, or failed",
      );
      h.sim.advance(HOUR);
      const r = await h.async("DELETE", `/v1/longjobs/${j.uuid}?deleteMode=Permissive`);
      assert.equal(r.status, 200);
      assert.equal(r.text, "{}");
      assert.deepEqual(await h.query(`/v1/longjobs/${j.uuid}`), []);
      assert.equal((await h.async("DELETE", "/v1/longjobs/0123456789abcdef0123456789abcdef")).status, 200);
    });

    it("updates name and description", async () => {
      const j = await startJob();
      const r = await act(j.uuid, { updateLongJob: { name: "renamed", description: "wave 2" } });
      assert.equal(r.json().inventory.name, "renamed");
      assert.equal((await job(j.uuid)).description, "wave 2");
    });

    it("queries jobs by state, apiId and name", async () => {
      const a = await startJob("a");
      const b = await startJob("b");
      await act(b.uuid, { cancelLongJob: {} });
      assert.deepEqual(
        (await h.query("/v1/longjobs?q=state=Running")).map((x) => x.uuid),
        [a.uuid],
      );
      assert.deepEqual(
        (await h.query(`/v1/longjobs?q=apiId=${b.apiId}`)).map((x) => x.uuid),
        [b.uuid],
      );
      assert.equal(
        (await h.query("/v1/longjobs?q=name=APIConvertVmFromForeignHypervisorMsg&q=state?=Running,Canceled")).length,
        2,
      );
      assert.equal((await h.get("/v1/longjobs?count=true")).json().total, 2);
    });

    it("lets tests change a job out of band through the world", async () => {
      const j = await startJob();
      h.sim.advance(10 * MINUTE);
      h.sim.world.update("longJobs", j.uuid, { state: "Suspended" });
      h.sim.advance(HOUR);
      assert.equal((await job(j.uuid)).state, "Suspended");
      h.sim.world.delete("longJobs", j.uuid);
      assert.deepEqual(await h.query(`/v1/longjobs/${j.uuid}`), []);
      assert.equal(await percent(j.apiId), 50);
    });
  });
});
