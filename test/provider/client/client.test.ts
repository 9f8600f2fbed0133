// The HTTP core against the simulator over real HTTP on 127.0.0.1: authentication, the async
// api-job protocol, location rewriting, transient faults, typed errors. Time is virtual.
import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../../simulator";
import {
  ZStackApiError,
  ZStackClient,
  ZStackClientOptions,
  ZStackConfigError,
  ZStackConnectionError,
  ZStackHttpError,
  ZStackLocationError,
  ZStackTimeoutError,
  clearSessionCache,
  getVmInstance,
  schemas,
  sha512Hex,
} from "../../../provider/client";
import { Sim, newSim, rejection, routeCount, virtualClock } from "../helpers";

function clientFor(sim: Sim, over: Partial<ZStackClientOptions> = {}, clock = virtualClock(sim)): ZStackClient {
  return new ZStackClient({
    endpoint: sim.url,
    auth: { kind: "account", accountName: C.accountName, password: C.password },
    clock,
    ...over,
  });
}

/**
 * A reverse proxy on 127.0.0.1 that serves the simulator's `/zstack` under `prefix` (e.g. `/zs`),
 * passing bodies through untouched (so the MN's api-job location still says `/zstack`).
 */
async function reverseProxy(sim: Sim, prefix: string): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
  const target = new URL(sim.url);
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    paths.push(`${req.method} ${path}`);
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: `/zstack${path.slice(prefix.length)}`, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end("Bad Gateway"));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}${prefix}`, paths, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const v2vParams = (name: string) => ({
  url: `vmware://${U.vmwareWeb01}`,
  name,
  cpuNum: 1,
  memorySize: 1024 ** 3,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  conversionHostUuid: U.convHost,
});

describe("client: authentication", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim()));
  afterEach(async () => sim.stop());

  it("logs in once per process with the SHA-512 password and reuses the session across clients", async () => {
    const a = clientFor(sim);
    const b = clientFor(sim);
    await Promise.all([getVmInstance(a, U.vmRunning), getVmInstance(b, U.vmStopped), getVmInstance(a, U.vmStopped2)]);
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 1);
    const sessions = sim.world.list("sessions");
    assert.strictEqual(sessions.length, 1);
    assert.strictEqual((await getVmInstance(b, U.vmRunning))?.state, "Running");
  });

  it("a wrong password gives one clear error naming the keys, without the password or its hash", async () => {
    const c = clientFor(sim, { auth: { kind: "account", accountName: "admin", password: "wrong-Passw0rd!" } });
    const e = await rejection(() => getVmInstance(c, U.vmRunning));
    assert.ok(e instanceof ZStackConfigError, String(e));
    assert.match(e.message, /ID\.1000/);
    assert.match(e.message, /zstack:accountName and zstack:password/);
    assert.match(e.message, /ZSTACK_ACCOUNT_PASSWORD/);
    assert.ok(!e.message.includes("wrong-Passw0rd!"));
    assert.ok(!e.message.includes(sha512Hex("wrong-Passw0rd!")));
    assert.ok(!String(e.stack).includes("wrong-Passw0rd!"));
  });

  it("an expired session logs in again once and retries (sync call)", async () => {
    const c = clientFor(sim);
    await getVmInstance(c, U.vmRunning);
    sim.faults.expireAllSessions();
    assert.strictEqual((await getVmInstance(c, U.vmRunning))?.uuid, U.vmRunning);
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 2);
  });

  it("an expired session on an async call (ID.1001 on the poll) logs in again and resubmits once", async () => {
    const c = clientFor(sim);
    await getVmInstance(c, U.vmRunning);
    sim.faults.expireAllSessions();
    const body = await c.call("ConvertVmFromForeignHypervisor", { params: v2vParams("relogin") });
    const job = c.parse("x", 200, body, schemas().LongJobInventory, "inventory");
    assert.strictEqual(job.state, "Running");
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 2);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 2);
    assert.strictEqual(sim.world.list("longJobs").length, 1);
  });

  it("signs every request with an access key (no login) in the management node's local time", async () => {
    const c = clientFor(sim, { auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: C.accessKeySecret } });
    assert.strictEqual((await getVmInstance(c, U.vmStopped))?.state, "Stopped");
    const body = await c.call("ConvertVmFromForeignHypervisor", { params: v2vParams("ak") });
    assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").state, "Running");
    assert.strictEqual(routeCount(sim, /login/), 0);
  });

  it("a wrong access-key secret or a skewed zone gives a clear error naming the keys", async () => {
    const bad = clientFor(sim, { auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: "not-the-Secret-123" } });
    const e = await rejection(() => getVmInstance(bad, U.vmStopped));
    assert.ok(e instanceof ZStackConfigError, String(e));
    assert.match(e.message, /zstack:accessKeyId and zstack:accessKeySecret/);
    assert.ok(!e.message.includes("not-the-Secret-123"));
    const local = -new Date(sim.now()).getTimezoneOffset() / 60;
    const far = local >= 0 ? "Pacific/Honolulu" : "Asia/Tokyo";
    const skewed = clientFor(sim, { auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: C.accessKeySecret }, timeZone: far });
    const e2 = await rejection(() => getVmInstance(skewed, U.vmStopped));
    assert.ok(e2 instanceof ZStackConfigError, String(e2));
    assert.match(e2.message, /zstack:timeZone/);
  });

  it("uses a given session id as is, and says what to do when it has expired", async () => {
    const login = clientFor(sim);
    await getVmInstance(login, U.vmRunning);
    const sessionId = sim.world.list("sessions")[0].uuid;
    const c = clientFor(sim, { auth: { kind: "session", sessionId } });
    assert.strictEqual((await getVmInstance(c, U.vmRunning))?.uuid, U.vmRunning);
    sim.faults.expireAllSessions();
    const e = await rejection(() => getVmInstance(c, U.vmRunning));
    assert.ok(e instanceof ZStackConfigError, String(e));
    assert.match(e.message, /zstack:sessionId/);
    assert.ok(!e.message.includes(sessionId));
  });
});

describe("client: async api jobs", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  it("rewrites the MN's advertised location to the configured endpoint and polls it", async () => {
    sim = await newSim({ advertisedHost: "10.0.0.9:8080" });
    const c = clientFor(sim);
    const sid = await c.sessionId();
    const job = await c.submit("ConvertVmFromForeignHypervisor", { params: v2vParams("nat") }, sid);
    assert.strictEqual(job.pollUrl, `${sim.url}/zstack/v1/api-jobs/${job.jobUuid}`);
    const body = await c.waitApiJob(job);
    assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").jobName, "APIConvertVmFromForeignHypervisorMsg");
  });

  it("behind a reverse proxy whose context path differs from the MN's (/zs → /zstack), polls through the proxy", async () => {
    sim = await newSim({ advertisedHost: "10.0.0.9:8080" });
    const proxy = await reverseProxy(sim, "/zs");
    try {
      for (const auth of [
        { kind: "account", accountName: C.accountName, password: C.password },
        { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: C.accessKeySecret },
      ] as const) {
        const c = clientFor(sim, { endpoint: proxy.url, auth });
        const body = await c.call("ConvertVmFromForeignHypervisor", { params: v2vParams(`lb-${auth.kind}`) });
        assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").state, "Running");
      }
      assert.ok(proxy.paths.some((p) => /^GET \/zs\/v1\/api-jobs\/[0-9a-f]{32}$/.test(p)), proxy.paths.join("\n"));
      assert.ok(proxy.paths.every((p) => / \/zs\//.test(p)), proxy.paths.join("\n"));
      assert.strictEqual(sim.world.list("longJobs").length, 2);
    } finally {
      await proxy.close();
    }
  });

  it("turns an API failure into a typed error and never retries it", async () => {
    sim = await newSim();
    const c = clientFor(sim);
    const e = await rejection(() => c.call("ConvertVmFromForeignHypervisor", { params: { ...v2vParams("x"), cpuNum: 2000 } }));
    assert.ok(e instanceof ZStackApiError, String(e));
    assert.strictEqual(e.code, "SYS.1007");
    assert.strictEqual(e.description, "One or more API argument is invalid");
    assert.match(e.details, /cpuNum/);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
    assert.strictEqual(sim.world.list("longJobs").length, 0);
  });

  it("a resubmission whose first attempt got through ('Duplicate job uuid') follows that job", async () => {
    sim = await newSim();
    let armed = false;
    const clock = virtualClock(sim, { beforeSleep: () => { if (armed) { armed = false; sim.faults.clear(); } } });
    const c = clientFor(sim, {}, clock);
    const sid = await c.sessionId();
    sim.faults.setConnectionResetRate(1, "after"); // the MN processes the submit, the answer is lost
    armed = true;
    const job = await c.submit("ConvertVmFromForeignHypervisor", { params: v2vParams("dup") }, sid);
    const body = await c.waitApiJob(job);
    assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").state, "Running");
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 2, "the second attempt reached the MN too");
    assert.strictEqual(sim.world.list("longJobs").length, 1, "created twice");
  });

  it("polls with backoff and gives up at the deadline with a typed timeout", async () => {
    sim = await newSim({ jobDurations: { ovaMs: 3_600_000 } });
    const clock = virtualClock(sim);
    const c = clientFor(sim, { apiPoll: { slackMs: 0 } }, clock);
    const sid = await c.sessionId();
    sim.stats.reset();
    const job = await c.submit("ExportVmOvaPackage", { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } }, sid);
    const e = await rejection(() => c.waitApiJob(job, clock.now() + 120_000));
    assert.ok(e instanceof ZStackTimeoutError, String(e));
    // 1 s ×1.5 up to 5 s over two minutes: about 30 polls, never once a second throughout
    const polls = routeCount(sim, /^GET \/v1\/api-jobs/);
    assert.ok(polls >= 20 && polls <= 40, `polls: ${polls}`);
  });

  it("rejects a hostile location without following it", async () => {
    sim = await newSim();
    let hits = 0;
    const evil = http.createServer((req, res) => {
      hits++;
      res.writeHead(202);
      res.end(JSON.stringify({ location: `http://attacker:pw@127.0.0.1:1/zstack/v1/api-jobs/${req.headers["x-job-uuid"]}`, apiTimeout: 1000 }));
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    try {
      const port = (evil.address() as AddressInfo).port;
      const c = new ZStackClient({ endpoint: `http://127.0.0.1:${port}`, auth: { kind: "session", sessionId: "s" }, clock: virtualClock(sim) });
      const e = await rejection(() => c.call("DeleteLongJob", { pathVars: { uuid: "a".repeat(32) } }));
      assert.ok(e instanceof ZStackLocationError, String(e));
      assert.match(e.message, /userinfo/);
      assert.ok(!e.message.includes("pw@"), e.message);
      assert.strictEqual(hits, 1, "the client followed the location");
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });

  it("plain-text REST errors are ZStackHttpError; an unreachable endpoint is ZStackConnectionError", async () => {
    sim = await newSim();
    const c = clientFor(sim);
    const e = await rejection(() => c.query("QueryVmInstance", { conditions: ["nooperator"] }));
    assert.ok(e instanceof ZStackHttpError, String(e));
    assert.strictEqual(e.status, 400);
    assert.match(e.message, /query operator/);
    const closed = clientFor(sim, { endpoint: `http://127.0.0.1:1`, retry: { maxRetries: 2 } });
    const e2 = await rejection(() => getVmInstance(closed, U.vmRunning));
    assert.ok(e2 instanceof ZStackConnectionError, String(e2));
    assert.match(e2.message, /ECONNREFUSED/);
    assert.strictEqual(e2.attempts, 3);
  });
});

describe("client: transient faults at a high injected rate", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  for (const phase of ["before", "after"] as const) {
    it(`30% proxy errors + 30% connection resets (${phase}): no failed and no duplicated resource`, async () => {
      sim = await newSim({ randomSeed: phase === "before" ? 7 : 11, jobDurations: { v2vMs: 20 * 60_000, ovaMs: 10 * 60_000 } });
      clearSessionCache();
      const c = clientFor(sim, { retry: { maxRetries: 40 } });
      sim.faults.setProxyErrorRate(0.3);
      sim.faults.setConnectionResetRate(0.3, phase);
      const jobs: string[] = [];
      for (const name of ["t-1", "t-2", "t-3"]) {
        const resourceUuid = `${"0".repeat(12)}4${"0".repeat(3)}8${name.slice(2).padStart(15, "0")}`;
        const body = await c.call("ConvertVmFromForeignHypervisor", { params: { ...v2vParams(name), resourceUuid } });
        jobs.push(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").uuid!);
      }
      const exported = await c.call("ExportVmOvaPackage", { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } });
      assert.strictEqual((exported as { inventory: { state: string } }).inventory.state, "Exported");
      sim.faults.clear();
      assert.strictEqual(new Set(jobs).size, 3);
      assert.strictEqual(sim.world.list("longJobs").length, 3, "a long job was created twice");
      assert.strictEqual(sim.world.list("imagePackages").length, 1, "a package was created twice");
      const faults = Object.entries(sim.stats.byRoute).filter(([r]) => /proxy|reset/.test(r)).reduce((s, [, n]) => s + n, 0);
      assert.ok(faults >= 5, `only ${faults} faults were injected`);
    });
  }
});
