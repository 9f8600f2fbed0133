import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, HOUR, request, v2vParams } from "./helpers";

const V2V_MSG = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";

const convertParams = (extra: Record<string, unknown> = {}) => v2vParams({ name: "migrated-web-01", ...extra });

describe("simulator REST conventions", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  it("marks every response with X-ZStack-Simulator and sets no Content-Type on API responses", async () => {
    const r = await h.get("/v1/zones");
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-zstack-simulator"], "zstack-sim");
    assert.equal(r.headers["content-type"], undefined);
    const notFound = await h.call("GET", "/v1/no-such-thing");
    assert.equal(notFound.headers["x-zstack-simulator"], "zstack-sim");
  });

  it("answers unknown paths with 404 'no api mapping to <path>' in plain text", async () => {
    const r = await h.call("GET", "/v1/no-such-thing");
    assert.equal(r.status, 404);
    assert.equal(r.text, "no api mapping to /v1/no-such-thing");
    const slash = await h.call("GET", "/v1/zones/");
    assert.equal(slash.status, 404);
    assert.equal(slash.text, "no api mapping to /v1/zones/");
  });

  it("answers paths outside the /zstack context with a plain 404", async () => {
    const r = await request(h.sim.url, "GET", "/v1/zones");
    assert.equal(r.status, 404);
  });

  it("serves the async protocol: 202 {location, apiTimeout}, then 200 with the result", async () => {
    const jobId = "0123456789abcdef0123456789abcdef";
    const { submit, jobPath } = await h.submit("POST", "/v1/v2vs", { params: convertParams() }, { "X-Job-UUID": jobId });
    const body = submit.json();
    assert.deepEqual(Object.keys(body).sort(), ["apiTimeout", "location"]);
    assert.equal(body.location, `http://127.0.0.1:${h.sim.port}/zstack/v1/api-jobs/${jobId}`);
    assert.equal(body.apiTimeout, 1800000);
    const done = await h.call("GET", jobPath);
    assert.equal(done.status, 200);
    assert.equal(done.json().inventory.state, "Running");
  });

  it("writes the advertised host into api-job locations", async () => {
    const nat = await Harness.start({ advertisedHost: "10.0.0.5:8080" });
    try {
      await nat.login();
      const { submit } = await nat.submit("POST", "/v1/v2vs", { params: convertParams() });
      assert.match(submit.json().location, /^http:\/\/10\.0\.0\.5:8080\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/);
    } finally {
      await nat.stop();
    }
  });

  it("polls api-jobs: 202 {} while running, 404 for unknown ids, 405 for other methods", async () => {
    const { jobPath } = await h.submit("POST", "/v1/ovf/ova-packages", { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } });
    const pending = await h.call("GET", jobPath);
    assert.equal(pending.status, 202);
    assert.equal(pending.text, "{}");
    const unknown = await h.call("GET", "/v1/api-jobs/ffffffffffffffffffffffffffffffff");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.text, "the job has been expired");
    const wrong = await h.call("DELETE", jobPath);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.text, "only GET method is allowed for querying job status");
  });

  it("expires finished api-job records 3 h after submit, at the next hourly scan", async () => {
    const { jobPath } = await h.submit("POST", "/v1/v2vs", { params: convertParams() });
    h.sim.advance(3 * HOUR - 1);
    assert.equal((await h.call("GET", jobPath)).status, 200);
    h.sim.advance(HOUR + 1);
    const gone = await h.call("GET", jobPath);
    assert.equal(gone.status, 404);
    assert.equal(gone.text, "the job has been expired");
  });

  it("checks X-Job-UUID: 32 characters, no duplicates for POST/PUT/DELETE", async () => {
    const bad = await h.call("POST", "/v1/v2vs", { body: { params: convertParams() }, headers: { ...h.auth(), "X-Job-UUID": "abc" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.text, "Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
    const id = "11111111111111111111111111111111";
    await h.submit("POST", "/v1/v2vs", { params: convertParams() }, { "X-Job-UUID": id });
    const dup = await h.call("POST", "/v1/v2vs", { body: { params: convertParams() }, headers: { ...h.auth(), "X-Job-UUID": id } });
    assert.equal(dup.status, 400);
    assert.equal(dup.text, `Duplicate job uuid[${id}]`);
    // a query API ignores the header entirely
    const q = await h.call("GET", "/v1/zones", { headers: { ...h.auth(), "X-Job-UUID": "short" } });
    assert.equal(q.status, 200);
  });

  it("picks the action API from the body key on shared paths", async () => {
    const none = await h.call("PUT", `/v1/longjobs/${U.zone}/actions`, { body: { somethingElse: {} }, headers: h.auth() });
    assert.equal(none.status, 400);
    assert.equal(none.text, `the body doesn't contain action mapping to the URL[/v1/longjobs/${U.zone}/actions]`);
    const empty = await h.call("PUT", `/v1/longjobs/${U.zone}/actions`, { headers: h.auth() });
    assert.equal(empty.status, 500);
    const patch = await h.call("PATCH", "/v1/longjobs", { headers: h.auth() });
    assert.equal(patch.status, 405);
    assert.equal(patch.text, "The method[PATCH] is not allowed for the path[/zstack/v1/longjobs]");
    const get = await h.call("GET", `/v1/longjobs/${U.zone}/actions`, { headers: h.auth() });
    assert.equal(get.status, 500);
    assert.equal(get.text, `No query API found for the path[/zstack/v1/longjobs/${U.zone}/actions]`);
    const del = await h.call("DELETE", `/v1/longjobs/${U.zone}/actions`, { headers: h.auth() });
    assert.equal(del.status, 500);
    assert.equal(del.text, `No delete API found for the path[/zstack/v1/longjobs/${U.zone}/actions]`);
    const post = await h.call("POST", `/v1/longjobs/${U.zone}`, { body: {}, headers: h.auth() });
    assert.equal(post.status, 500);
    assert.equal(post.text, `No creational API found for the path[/zstack/v1/longjobs/${U.zone}]`);
  });

  it("answers 500 with Gson's complaint for a body that is not JSON", async () => {
    const r = await h.call("POST", "/v1/v2vs", { rawBody: "{not json", headers: h.auth() });
    assert.equal(r.status, 500);
    assert.match(r.text, /^com\.google\.gson\.JsonSyntaxException/);
  });

  it("answers 500 for a wrapper that is not an object and for a non-numeric X-API-Timeout", async () => {
    const r = await h.call("POST", "/v1/v2vs", { body: { params: ["x"] }, headers: h.auth() });
    assert.equal(r.status, 500);
    assert.match(r.text, /Expected BEGIN_OBJECT but was BEGIN_ARRAY/);
    const t = await h.call("POST", "/v1/v2vs", { body: { params: convertParams() }, headers: { ...h.auth(), "X-API-Timeout": "soon" } });
    assert.equal(t.status, 500);
    assert.equal(t.text, 'For input string: "soon"');
  });

  it("rejects non-integral numbers and non-booleans with TypeVerifier's plain-text 400", async () => {
    const r = await h.call("POST", "/v1/v2vs", { body: { params: convertParams({ cpuNum: 1.5 }) }, headers: h.auth() });
    assert.equal(r.status, 400);
    assert.equal(r.text, "[cpuNum] field is excepted an int or long, but was [1.5].");
    const s = await h.call("POST", "/v1/v2vs", { body: { params: convertParams({ memorySize: "lots" }) }, headers: h.auth() });
    assert.equal(s.text, "[memorySize] field is excepted an int or long, but was [lots].");
    const b = await h.call("POST", "/v1/v2vs", { body: { params: convertParams({ pauseVm: "yes" }) }, headers: h.auth() });
    assert.equal(b.status, 400);
    assert.equal(b.text, "Invalid value for boolean field [pauseVm], [yes] is not a valid boolean string[true, false].");
  });

  it("accepts integral JSON numbers such as 1.0 and 1.073741824E9", async () => {
    const r = await h.async("POST", "/v1/v2vs", { params: convertParams({ cpuNum: 1.0, memorySize: 1.073741824e9 }) });
    assert.equal(r.status, 200);
  });

  it("reads parameters only from the wrapper: a top-level body becomes an empty message failing on the poll", async () => {
    const { jobPath } = await h.submit("POST", "/v1/v2vs", convertParams());
    expectError(await h.call("GET", jobPath), 503, "SYS.1007", `field[url] of message[${V2V_MSG}] is mandatory, can not be null`);
  });

  it("omits null fields and renders Java 8 timestamps", async () => {
    const [zone] = await h.query(`/v1/zones/${U.zone}`);
    assert.match(zone.createDate, /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/);
    const [vm] = await h.query(`/v1/vm-instances/${U.vmStopped}`);
    assert.equal("hostUuid" in vm, false, "a stopped VM has no hostUuid field at all");
    assert.equal("imageUuid" in vm, false);
  });

  it("escapes HTML characters in strings like Gson (= becomes \\u003d)", async () => {
    const r = await h.async("POST", "/v1/v2vs", { params: convertParams({ sshPrivKey: "a=b<c>" }) });
    assert.ok(r.text.includes("\\\\u003d"), "jobData is a JSON string holding Gson-escaped JSON");
    const jobData = JSON.parse(r.json().inventory.jobData);
    assert.equal(jobData.sshPrivKey, "a=b<c>");
  });

  it("serves HEAD on a single-API path like GET", async () => {
    const r = await h.call("HEAD", "/v1/task-progresses/00000000000000000000000000000000", { headers: h.auth() });
    assert.equal(r.status, 200);
  });
});
