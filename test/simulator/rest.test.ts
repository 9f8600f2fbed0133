import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import * as net from "node:net";
import { ALL_APIS } from "../../simulator/apis";
import { RestServer } from "../../simulator/http/rest";
import { reachableHostPort } from "../../simulator/simulator";
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
    const { submit, jobPath } = await h.submit(
      "POST",
      "/v1/v2vs",
      { params: convertParams() },
      { "X-Job-UUID": jobId },
    );
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
    const { jobPath } = await h.submit("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
    });
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
    const bad = await h.call("POST", "/v1/v2vs", {
      body: { params: convertParams() },
      headers: { ...h.auth(), "X-Job-UUID": "abc" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.text, "Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
    const id = "11111111111111111111111111111111";
    await h.submit("POST", "/v1/v2vs", { params: convertParams() }, { "X-Job-UUID": id });
    const dup = await h.call("POST", "/v1/v2vs", {
      body: { params: convertParams() },
      headers: { ...h.auth(), "X-Job-UUID": id },
    });
    assert.equal(dup.status, 400);
    assert.equal(dup.text, `Duplicate job uuid[${id}]`);
    // a query API ignores the header entirely
    const q = await h.call("GET", "/v1/zones", { headers: { ...h.auth(), "X-Job-UUID": "short" } });
    assert.equal(q.status, 200);
  });

  it("picks the action API from the body key on shared paths", async () => {
    const none = await h.call("PUT", `/v1/longjobs/${U.zone}/actions`, {
      body: { somethingElse: {} },
      headers: h.auth(),
    });
    assert.equal(none.status, 400);
    assert.equal(none.text, `the body doesn't contain action mapping to the URL[/v1/longjobs/${U.zone}/actions]`);
    const empty = await h.call("PUT", `/v1/longjobs/${U.zone}/actions`, { headers: h.auth() });
    assert.equal(empty.status, 500);
    // HEAD passes the servlet mapping; on a path shared by several APIs no API takes it
    const head = await h.call("HEAD", "/v1/longjobs", { headers: h.auth() });
    assert.equal(head.status, 405);
    // (a HEAD answer has no body: read the text from the pipeline itself)
    const rest = new RestServer(h.sim.world, ALL_APIS, {
      sessionTimeoutMs: 7200_000,
      sessionErrorCode: () => "ID.1001",
      advertisedHost: () => "127.0.0.1:8080",
    });
    const headText = rest.handle({
      method: "HEAD",
      rawPath: "/zstack/v1/longjobs",
      path: "/v1/longjobs",
      query: new Map(),
      header: () => undefined,
      body: "",
    });
    assert.equal(headText.status, 405);
    assert.equal(headText.body, "The method[HEAD] is not allowed for the path[/zstack/v1/longjobs]");
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
    const t = await h.call("POST", "/v1/v2vs", {
      body: { params: convertParams() },
      headers: { ...h.auth(), "X-API-Timeout": "soon" },
    });
    assert.equal(t.status, 500);
    assert.equal(t.text, 'For input string: "soon"');
  });

  it("rejects non-integral numbers and non-booleans with TypeVerifier's plain-text 400", async () => {
    const r = await h.call("POST", "/v1/v2vs", { body: { params: convertParams({ cpuNum: 1.5 }) }, headers: h.auth() });
    assert.equal(r.status, 400);
    assert.equal(r.text, "[cpuNum] field is excepted an int or long, but was [1.5].");
    const s = await h.call("POST", "/v1/v2vs", {
      body: { params: convertParams({ memorySize: "lots" }) },
      headers: h.auth(),
    });
    assert.equal(s.text, "[memorySize] field is excepted an int or long, but was [lots].");
    const b = await h.call("POST", "/v1/v2vs", {
      body: { params: convertParams({ pauseVm: "yes" }) },
      headers: h.auth(),
    });
    assert.equal(b.status, 400);
    assert.equal(
      b.text,
      "Invalid value for boolean field [pauseVm], [yes] is not a valid boolean string[true, false].",
    );
  });

  it("accepts integral JSON numbers such as 1.0 and 1.073741824E9", async () => {
    const r = await h.async("POST", "/v1/v2vs", { params: convertParams({ cpuNum: 1.0, memorySize: 1.073741824e9 }) });
    assert.equal(r.status, 200);
  });

  it("reads parameters only from the wrapper: a top-level body becomes an empty message failing on the poll", async () => {
    const { jobPath } = await h.submit("POST", "/v1/v2vs", convertParams());
    expectError(
      await h.call("GET", jobPath),
      503,
      "SYS.1007",
      `field[url] of message[${V2V_MSG}] is mandatory, can not be null`,
    );
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

  describe("HTTP methods the servlet mapping does not accept", () => {
    it("answers 405 plain text with Allow before routing, for known, unknown and api-jobs paths", async () => {
      for (const [method, path] of [
        ["PATCH", "/v1/zones"],
        ["OPTIONS", "/v1/zones"],
        ["PATCH", `/v1/zones/${U.zone}`],
        ["PATCH", "/v1/no-such-thing"],
        ["PATCH", "/v1/api-jobs/ffffffffffffffffffffffffffffffff"],
        ["TRACE", "/v1/longjobs"],
      ]) {
        const r = await h.call(method, path, { headers: h.auth() });
        assert.equal(r.status, 405, `${method} ${path}: ${r.text}`);
        assert.equal(r.text, `Request method '${method}' not supported`);
        assert.equal(r.headers.allow, "POST, PUT, DELETE, GET, HEAD");
        assert.equal(r.headers["x-zstack-simulator"], "zstack-sim");
      }
    });

    it("does not run the API: PATCH on the ExportVmOvaPackage path creates no api-job and no package", async () => {
      const before = h.sim.world.listApiJobs().length;
      const r = await h.call("PATCH", "/v1/ovf/ova-packages", {
        body: { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } },
        headers: h.auth(),
      });
      assert.equal(r.status, 405);
      assert.equal(h.sim.world.listApiJobs().length, before);
      assert.equal(h.sim.world.list("imagePackages").length, 0);
      // the accepted methods still route as before
      assert.equal(
        (
          await h.call("POST", "/v1/ovf/ova-packages", {
            body: { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } },
            headers: h.auth(),
          })
        ).status,
        202,
      );
      assert.equal((await h.call("HEAD", "/v1/zones", { headers: h.auth() })).status, 200);
    });
  });

  describe("query parameters and the session check", () => {
    it("parses q/limit/start/fields (400) before the session is checked (503 ID.1001)", async () => {
      const bad = { Authorization: "OAuth 0123456789abcdef0123456789abcdef" };
      const cases: Array<[string, string]> = [
        ["/v1/zones?limit=x", "Invalid query parameter. 'limit' must be an integer"],
        ["/v1/zones?start=x", "Invalid query parameter. 'start' must be an integer"],
        [`/v1/zones/${U.zone}?limit=x`, "Invalid query parameter. 'limit' must be an integer"],
        [
          "/v1/longjobs?q=nooperator",
          "Invalid query parameter. The 'nooperator' in the parameter[q] doesn't contain any query operator. Valid query operators are [!=, >=, <=, !?=, !~=, ~=, ?=, =, >, <, is null, not null]",
        ],
        ["/v1/zones?fields=,", "Invalid query parameter. 'fields' contains zero field"],
      ];
      for (const [path, text] of cases) {
        const r = await h.call("GET", path, { headers: bad });
        assert.equal(r.status, 400, `${path}: ${r.text}`);
        assert.equal(r.text, text);
      }
      // a well-formed query, or one naming an unknown field (the query facade's check), gets ID.1001
      expectError(await h.call("GET", "/v1/zones?limit=1", { headers: bad }), 503, "ID.1001", "Session expired");
      expectError(
        await h.call("GET", "/v1/zones?q=noSuchField=1", { headers: bad }),
        503,
        "ID.1001",
        "Session expired",
      );
      // a missing Authorization header is reported before anything else
      const none = await h.call("GET", "/v1/zones?limit=x");
      assert.equal(none.status, 400);
      assert.equal(none.text, "missing header 'Authorization'");
    });
  });

  describe("the host of api-job locations", () => {
    it("brackets IPv6 addresses and reaches wildcard binds on 127.0.0.1", () => {
      assert.equal(reachableHostPort("127.0.0.1", 8080), "127.0.0.1:8080");
      assert.equal(reachableHostPort("::1", 8080), "[::1]:8080");
      assert.equal(reachableHostPort("0.0.0.0", 8080), "127.0.0.1:8080");
      assert.equal(reachableHostPort("::", 8080), "127.0.0.1:8080");
      assert.equal(reachableHostPort("localhost", 1), "localhost:1");
      assert.doesNotThrow(() => new URL(`http://${reachableHostPort("::1", 8080)}/zstack/v1/api-jobs/x`));
    });

    /** A harness bound to `host`; the location and the exportUrl of one export, and a poll of the location. */
    async function exportOn(host: string) {
      const sim = await Harness.start({ host });
      try {
        await sim.login();
        const { submit } = await sim.submit("POST", "/v1/ovf/ova-packages", {
          params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore },
        });
        const location: string = submit.json().location;
        sim.sim.advance(HOUR);
        const polled = await request(location, "GET", new URL(location).pathname);
        return {
          port: sim.sim.port,
          url: sim.sim.url,
          location,
          polled,
          exportUrl: polled.json().inventory?.exportUrl as string,
        };
      } finally {
        await sim.stop();
      }
    }

    it("writes a valid, pollable location for a wildcard bind, on the same host as exportUrl", async () => {
      const r = await exportOn("0.0.0.0");
      assert.match(r.location, new RegExp(`^http://127\\.0\\.0\\.1:${r.port}/zstack/v1/api-jobs/[0-9a-f]{32}$`));
      assert.equal(r.polled.status, 200, r.polled.text);
      assert.equal(new URL(r.exportUrl).host, new URL(r.location).host);
      assert.equal(r.url, `http://127.0.0.1:${r.port}`);
    });

    it("writes a valid, pollable location for an IPv6 bind (::1), on the same host as exportUrl", async () => {
      const ipv6 = await new Promise<boolean>((resolve) => {
        const probe = net.createServer();
        probe.once("error", () => resolve(false));
        probe.listen(0, "::1", () => probe.close(() => resolve(true)));
      });
      if (!ipv6) {
        // no IPv6 loopback on this machine: check the URL building alone (see the test above)
        assert.equal(`http://${reachableHostPort("::1", 1234)}/`, new URL("http://[::1]:1234/").href);
        return;
      }
      const r = await exportOn("::1");
      assert.match(r.location, new RegExp(`^http://\\[::1\\]:${r.port}/zstack/v1/api-jobs/[0-9a-f]{32}$`));
      assert.equal(new URL(r.location).hostname, "[::1]");
      assert.equal(r.polled.status, 200, r.polled.text);
      assert.equal(new URL(r.exportUrl).host, new URL(r.location).host);
      assert.equal(r.url, `http://[::1]:${r.port}`);
    });
  });

  it("omits X-ZStack-Simulator everywhere with simulatorHeader: false", async () => {
    const quiet = await Harness.start({ simulatorHeader: false });
    try {
      await quiet.login();
      const responses = [
        await quiet.get("/v1/zones"),
        await quiet.call("GET", "/v1/no-such-thing"),
        await quiet.call("PATCH", "/v1/zones"),
        await request(quiet.sim.url, "GET", "/_sim/status"),
        await request(quiet.sim.url, "GET", "/imagestore/download/ova/0123456789abcdef0123456789abcdef/x.ova"),
        await request(quiet.sim.url, "GET", "/outside"),
      ];
      for (const r of responses) assert.equal(r.headers["x-zstack-simulator"], undefined, `${r.status} ${r.text}`);
      const { jobPath } = await quiet.submit("POST", "/v1/ovf/ova-packages", {
        params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore },
      });
      quiet.sim.advance(HOUR);
      const inv = (await quiet.call("GET", jobPath)).json().inventory;
      const dl = await request(inv.exportUrl, "HEAD", new URL(inv.exportUrl).pathname);
      assert.equal(dl.status, 200);
      assert.equal(dl.headers["x-zstack-simulator"], undefined);
    } finally {
      await quiet.stop();
    }
    // and by default the download carries it too
    const { jobPath } = await h.submit("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore },
    });
    h.sim.advance(HOUR);
    const inv = (await h.call("GET", jobPath)).json().inventory;
    assert.equal(
      (await request(inv.exportUrl, "HEAD", new URL(inv.exportUrl).pathname)).headers["x-zstack-simulator"],
      "zstack-sim",
    );
  });
});
