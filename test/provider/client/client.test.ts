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
  ZStackResponseError,
  clearSessionCache,
  getByUuid,
  getVmInstance,
  isNotFoundError,
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
async function reverseProxy(
  sim: Sim,
  prefix: string,
): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
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
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `/zstack${path.slice(prefix.length)}`,
        headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end("Bad Gateway"));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    paths,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A one-handler HTTP server on 127.0.0.1 standing in for a misbehaving management node or proxy. */
async function fakeServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Everything an error exposes, as one string to search for leaks. */
function everything(e: Error & Record<string, unknown>): string {
  const fields = ["message", "stack", "details", "description", "elaboration", "body", "errorCode", "causeChain"].map(
    (k) => {
      const v = (e as Record<string, unknown>)[k];
      return typeof v === "string" ? v : JSON.stringify(v);
    },
  );
  let cause: unknown = e.cause;
  while (cause instanceof Error) {
    fields.push(cause.message, String(cause.stack));
    cause = (cause as { cause?: unknown }).cause;
  }
  return fields.join("\n");
}

/** A private key as ZStack would echo it in `details`; `KEYMATERIAL` marks its body. */
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${Array.from({ length: 40 }, (_, i) => `KEYMATERIAL${String(i).padStart(2, "0")}b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ`).join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;

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

  it("a session expired as newer nodes report it (ORG_ZSTACK_IDENTITY_10020) logs in again once, sync and async", async () => {
    sim.faults.setSessionErrorCode("ORG_ZSTACK_IDENTITY_10020");
    const c = clientFor(sim);
    await getVmInstance(c, U.vmRunning);
    sim.faults.expireAllSessions();
    assert.strictEqual((await getVmInstance(c, U.vmRunning))?.uuid, U.vmRunning);
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 2);
    sim.faults.expireAllSessions();
    const body = await c.call("ConvertVmFromForeignHypervisor", { params: v2vParams("relogin-10020") });
    assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").state, "Running");
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 3);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 2);
    assert.strictEqual(sim.world.list("longJobs").length, 1);
  });

  it("renews only once per request: a session that is expired again at once fails with the newer code", async () => {
    // every session this simulator makes has expired a second before it was made
    const dead = await newSim({ sessionTimeoutSeconds: -1 });
    try {
      dead.faults.setSessionErrorCode("ORG_ZSTACK_IDENTITY_10020");
      const c = clientFor(dead);
      const e = await rejection(() => getVmInstance(c, U.vmRunning));
      assert.ok(e instanceof ZStackApiError, String(e));
      assert.strictEqual(e.code, "ORG_ZSTACK_IDENTITY_10020");
      assert.strictEqual(routeCount(dead, /^PUT \/v1\/accounts\/login$/), 2);
    } finally {
      await dead.stop();
    }
  });

  it("signs every request with an access key (no login) in the management node's local time", async () => {
    const c = clientFor(sim, {
      auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: C.accessKeySecret },
    });
    assert.strictEqual((await getVmInstance(c, U.vmStopped))?.state, "Stopped");
    const body = await c.call("ConvertVmFromForeignHypervisor", { params: v2vParams("ak") });
    assert.strictEqual(c.parse("x", 200, body, schemas().LongJobInventory, "inventory").state, "Running");
    assert.strictEqual(routeCount(sim, /login/), 0);
  });

  it("a wrong access-key secret or a skewed zone gives a clear error naming the keys", async () => {
    const bad = clientFor(sim, {
      auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: "not-the-Secret-123" },
    });
    const e = await rejection(() => getVmInstance(bad, U.vmStopped));
    assert.ok(e instanceof ZStackConfigError, String(e));
    assert.match(e.message, /zstack:accessKeyId and zstack:accessKeySecret/);
    assert.ok(!e.message.includes("not-the-Secret-123"));
    const local = -new Date(sim.now()).getTimezoneOffset() / 60;
    const far = local >= 0 ? "Pacific/Honolulu" : "Asia/Tokyo";
    const skewed = clientFor(sim, {
      auth: { kind: "accessKey", accessKeyId: C.accessKeyId, accessKeySecret: C.accessKeySecret },
      timeZone: far,
    });
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
    assert.strictEqual(
      c.parse("x", 200, body, schemas().LongJobInventory, "inventory").jobName,
      "APIConvertVmFromForeignHypervisorMsg",
    );
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
      assert.ok(
        proxy.paths.some((p) => /^GET \/zs\/v1\/api-jobs\/[0-9a-f]{32}$/.test(p)),
        proxy.paths.join("\n"),
      );
      assert.ok(
        proxy.paths.every((p) => / \/zs\//.test(p)),
        proxy.paths.join("\n"),
      );
      assert.strictEqual(sim.world.list("longJobs").length, 2);
    } finally {
      await proxy.close();
    }
  });

  it("turns an API failure into a typed error and never retries it", async () => {
    sim = await newSim();
    const c = clientFor(sim);
    const e = await rejection(() =>
      c.call("ConvertVmFromForeignHypervisor", { params: { ...v2vParams("x"), cpuNum: 2000 } }),
    );
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
    const clock = virtualClock(sim, {
      beforeSleep: () => {
        if (armed) {
          armed = false;
          sim.faults.clear();
        }
      },
    });
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
    const job = await c.submit(
      "ExportVmOvaPackage",
      { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } },
      sid,
    );
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
      res.end(
        JSON.stringify({
          location: `http://attacker:pw@127.0.0.1:1/zstack/v1/api-jobs/${String(req.headers["x-job-uuid"])}`,
          apiTimeout: 1000,
        }),
      );
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    try {
      const port = (evil.address() as AddressInfo).port;
      const c = new ZStackClient({
        endpoint: `http://127.0.0.1:${port}`,
        auth: { kind: "session", sessionId: "s" },
        clock: virtualClock(sim),
      });
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
      sim = await newSim({
        randomSeed: phase === "before" ? 7 : 11,
        jobDurations: { v2vMs: 20 * 60_000, ovaMs: 10 * 60_000 },
      });
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
      const exported = await c.call("ExportVmOvaPackage", {
        params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
      });
      assert.strictEqual((exported as { inventory: { state: string } }).inventory.state, "Exported");
      sim.faults.clear();
      assert.strictEqual(new Set(jobs).size, 3);
      assert.strictEqual(sim.world.list("longJobs").length, 3, "a long job was created twice");
      assert.strictEqual(sim.world.list("imagePackages").length, 1, "a package was created twice");
      const faults = Object.entries(sim.stats.byRoute)
        .filter(([r]) => /proxy|reset/.test(r))
        .reduce((s, [, n]) => s + n, 0);
      assert.ok(faults >= 5, `only ${faults} faults were injected`);
    });
  }
});

describe("client: secrets in ZStack's answers", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  it("an API error echoing the session ids (current and earlier), the password hash and a private key cut at 4096 characters comes out redacted", async () => {
    sim = await newSim({ jobDurations: { ovaMs: 60_000 } });
    const c = clientFor(sim);
    await getVmInstance(c, U.vmRunning);
    const first = sim.world.list("sessions")[0].uuid;
    sim.faults.expireAllSessions();
    await getVmInstance(c, U.vmRunning); // logs in again
    const second = sim.world
      .list("sessions")
      .map((s) => s.uuid)
      .find((u) => u !== first)!;
    assert.ok(second && second !== first);
    // ZStack cuts details at 4096 characters: the END line of the key is lost
    const details =
      `export failed (session ${second}, earlier ${first}, pw ${sha512Hex(C.password)}): ssh -i ${PRIVATE_KEY}`.padStart(
        4096 + 200,
        "~",
      );
    sim.faults.failNextJob("ova", { details, atFraction: 0.5 });
    const e = await rejection(() =>
      c.call("ExportVmOvaPackage", { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } }),
    );
    assert.ok(e instanceof ZStackApiError, String(e));
    assert.strictEqual(e.code, "SYS.1006");
    assert.ok(!e.details.includes("-----END"), "the simulator did not cut the key");
    const all = everything(e);
    for (const leaked of [first, second, sha512Hex(C.password), "KEYMATERIAL"])
      assert.ok(!all.includes(leaked), `${leaked} leaked: ${all.slice(0, 600)}`);
    assert.match(e.details, /session \[REDACTED\], earlier \[REDACTED\], pw \[REDACTED\]\): ssh -i \[REDACTED\]$/);
    assert.ok(c.secrets().includes(first) && c.secrets().includes(second));
    // another client of the same account knows the earlier sessions too
    assert.ok(clientFor(sim).secrets().includes(first));
  });

  it("description, elaboration, details and the ErrorCodeList causes are redacted by value, and causes join the cause chain", async () => {
    sim = await newSim();
    const sid = "0123456789abcdef0123456789abcdef";
    const srv = await fakeServer((req, res) => {
      res.writeHead(503);
      res.end(
        JSON.stringify({
          error: {
            code: "SYS.1006",
            description: `An operation failed for ${sid}`,
            details: "2 of 2 hosts failed",
            elaboration: `try again with session ${sid}`,
            opaque: { note: `echo ${sid}` },
            causes: [
              { code: "HOST.1001", description: "host error", details: "host[uuid:h1] is disconnected" },
              {
                code: "HOST.1002",
                description: "host error",
                details: `agent said ${sid} ${PRIVATE_KEY.slice(0, 300)}`,
                cause: { code: "SYS.1000", details: "socket closed" },
              },
            ],
          },
        }),
      );
    });
    try {
      const c = clientFor(sim, { endpoint: srv.url, auth: { kind: "session", sessionId: sid } });
      const e = await rejection(() => getVmInstance(c, U.vmRunning));
      assert.ok(e instanceof ZStackApiError, String(e));
      assert.deepStrictEqual(
        e.causeChain.map((x) => x.code),
        ["SYS.1006", "HOST.1001", "HOST.1002", "SYS.1000"],
      );
      assert.match(
        e.message,
        /caused by \[HOST\.1001: host\[uuid:h1\] is disconnected; HOST\.1002: agent said \[REDACTED\] \[REDACTED\] <- SYS\.1000: socket closed\]/,
      );
      assert.strictEqual(e.description, "An operation failed for [REDACTED]");
      assert.strictEqual(e.elaboration, "try again with session [REDACTED]");
      const all = everything(e);
      for (const leaked of [sid, "KEYMATERIAL"]) assert.ok(!all.includes(leaked), `${leaked} leaked: ${all}`);
    } finally {
      await srv.close();
    }
  });

  it("a malformed login reply does not show the session uuid it carries", async () => {
    sim = await newSim();
    const sid = "fedcba9876543210fedcba9876543210";
    for (const reply of [
      JSON.stringify({ inventory: { uuid: sid, accountUuid: 42, expiredDate: "May 10, 2022 5:24:03 AM" } }),
      `{"inventory": {"uuid": "${sid}", "accountUuid": "a"`, // cut short: not JSON
      JSON.stringify({
        inventory: { uuid: sid.replace(/(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"), accountUuid: false },
      }),
    ]) {
      const srv = await fakeServer((req, res) => {
        res.writeHead(200);
        res.end(reply);
      });
      try {
        clearSessionCache();
        const c = clientFor(sim, { endpoint: srv.url });
        const e = await rejection(() => getVmInstance(c, U.vmRunning));
        assert.ok(e instanceof ZStackResponseError, String(e));
        assert.match(e.message, /LogInByAccount/);
        const all = everything(e);
        assert.ok(!/fedcba98/i.test(all), `the session uuid leaked: ${all}`);
      } finally {
        await srv.close();
      }
    }
  });
});

describe("client: reads by uuid and gone resources", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  it("getByUuid never hands back another object when the server ignores q", async () => {
    sim = await newSim();
    const other = "11111111111111111111111111111111";
    const srv = await fakeServer((req, res) => {
      res.writeHead(200);
      // ignores ?q=uuid=…: answers the whole table
      res.end(
        JSON.stringify({
          inventories: [
            { uuid: other, name: "unrelated", state: "Running" },
            { uuid: U.vmStopped.toUpperCase(), name: "same, other case", state: "Stopped" },
          ],
        }),
      );
    });
    try {
      const c = clientFor(sim, { endpoint: srv.url, auth: { kind: "session", sessionId: "s".repeat(32) } });
      assert.strictEqual(await getVmInstance(c, U.vmRunning), undefined);
      assert.strictEqual((await getVmInstance(c, U.vmStopped))?.name, "same, other case");
      assert.strictEqual(
        await getByUuid(c, "QueryVmInstance", schemas().BasicInventory, "22222222222222222222222222222222"),
        undefined,
      );
    } finally {
      await srv.close();
    }
  });

  it("a delete of a missing uuid is 'not found' for that uuid only (SYS.1003 from the simulator)", async () => {
    sim = await newSim();
    const c = clientFor(sim);
    const gone = "abcdefabcdefabcdefabcdefabcdef12";
    for (const name of ["DeleteImagePackage", "ExpungeVmInstance"] as const) {
      const e = await rejection(() => c.call(name, { pathVars: { uuid: gone } }));
      assert.ok(e instanceof ZStackApiError, `${name}: ${String(e)}`);
      assert.strictEqual(e.code, "SYS.1003", `${name}: ${e.message}`);
      assert.ok(e.isNotFound(gone), `${name}: ${e.message}`);
      assert.ok(e.isNotFound(), `${name}: ${e.message}`);
      assert.ok(isNotFoundError(e, gone));
      assert.ok(!e.isNotFound("0123456789abcdef0123456789abcdef"), `${name}: another uuid`);
    }
    // a 404 from the REST layer ("no api mapping", "the job has been expired") is not about the resource
    const e404 = await rejection(() =>
      c.pollApiJob({
        api: "x",
        jobUuid: gone,
        pollUrl: `${sim.url}/zstack/v1/api-jobs/${gone}`,
        apiTimeoutMs: 1000,
        submittedAt: 0,
      }),
    );
    assert.ok(e404 instanceof ZStackHttpError && e404.status === 404, String(e404));
    assert.ok(!isNotFoundError(e404, gone));
  });
});
