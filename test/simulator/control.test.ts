import assert from "node:assert/strict";
import * as os from "node:os";
import { SEED_UUIDS as U } from "../../simulator";
import { isLoopback } from "../../simulator/http/control";
import { expectError, Harness, HOUR, request, v2vParams } from "./helpers";

describe("simulator control endpoint (/_sim)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const ctl = (method: string, path: string, body?: unknown) => request(h.sim.url, method, `/_sim${path}`, { body });

  async function startJob(): Promise<string> {
    const r = await h.async("POST", "/v1/v2vs", { params: v2vParams() });
    return r.json().inventory.uuid;
  }
  const state = async (uuid: string) => (await h.query(`/v1/longjobs/${uuid}`))[0].state;

  it("describes the simulator", async () => {
    const r = await ctl("GET", "/status");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    const s = r.json();
    assert.equal(s.simulator, "zstack-sim");
    assert.equal(s.url, h.sim.url);
    assert.equal(s.now, h.sim.now());
    assert.equal(s.clock, "manual");
  });

  it("advances the clock by ms or by a duration text", async () => {
    const job = await startJob();
    const t0 = h.sim.now();
    const r = await ctl("POST", "/clock/advance", { duration: "10m" });
    assert.equal(r.json().now, t0 + 600_000);
    assert.equal(await state(job), "Running");
    await ctl("POST", "/clock/advance?ms=600000");
    assert.equal(await state(job), "Succeeded");
    assert.equal((await ctl("GET", "/clock")).json().now, t0 + 1_200_000);
    assert.equal((await ctl("POST", "/clock/advance", { duration: "soon" })).status, 400);
    assert.equal((await ctl("POST", "/clock/advance", {})).status, 400);
  });

  it("queues job failures and sets job durations", async () => {
    assert.deepEqual((await ctl("POST", "/job-durations", { v2v: "90s" })).json(), { v2vMs: 90_000 });
    assert.deepEqual((await ctl("POST", "/job-durations", { ova: "30000", cancelMs: 0 })).json(), {
      v2vMs: 90_000,
      ovaMs: 30_000,
      cancelMs: 0,
    });
    await ctl("POST", "/faults/fail-next-job", { kind: "v2v", details: "boom", atFraction: 0.5 });
    const job = await startJob();
    await ctl("POST", "/clock/advance", { ms: 45_000 });
    assert.equal(await state(job), "Failed");
    assert.equal(JSON.parse((await h.query(`/v1/longjobs/${job}`))[0].jobResult).detail, "boom");
    assert.equal((await ctl("POST", "/faults/fail-next-job", { kind: "iso" })).status, 400);
  });

  it("sets and clears latency, proxy errors and connection resets, which never hit /_sim itself", async () => {
    await ctl("POST", "/faults/proxy-error-rate", { rate: 1 });
    await ctl("POST", "/faults/connection-reset-rate", { rate: 0.25, phase: "after" });
    const faults = (await ctl("POST", "/faults/latency", { ms: 5 })).json();
    assert.equal(faults.proxyErrorRate, 1);
    assert.equal(faults.connectionResetRate, 0.25);
    assert.equal(faults.connectionResetPhase, "after");
    assert.equal(faults.latencyMs, 5);
    h.sim.faults.setConnectionResetRate(0);
    assert.ok([502, 503, 504].includes((await h.get("/v1/zones")).status));
    assert.equal((await ctl("GET", "/status")).status, 200);
    const cleared = (await ctl("POST", "/faults/clear")).json();
    assert.equal(cleared.proxyErrorRate, 0);
    assert.equal((await h.get("/v1/zones")).status, 200);
    assert.equal((await ctl("POST", "/faults/proxy-error-rate", { rate: 3 })).status, 400);
  });

  it("expires sessions and restarts the management node", async () => {
    const job = await startJob();
    await ctl("POST", "/faults/restart-mn");
    assert.equal(await state(job), "Suspended");
    await ctl("POST", "/faults/expire-sessions");
    assert.equal((await h.get("/v1/zones")).status, 503);
    const form = (await ctl("POST", "/faults/session-error-code", { code: "ORG_ZSTACK_IDENTITY_10020" })).json();
    assert.equal(form.sessionErrorCode, "ORG_ZSTACK_IDENTITY_10020");
    expectError(await h.get("/v1/zones"), 503, "ORG_ZSTACK_IDENTITY_10020", "Session expired");
    assert.equal((await ctl("POST", "/faults/session-error-code", { code: "ID.1002" })).status, 400);
  });

  it("reports and resets stats", async () => {
    await ctl("POST", "/stats/reset");
    await h.get("/v1/zones");
    const s = (await ctl("GET", "/stats")).json();
    assert.equal(s.byRoute["GET /v1/zones"], 1);
    assert.equal(s.byRoute["POST /_sim/stats/reset"], undefined, "counted before the reset");
    assert.equal(s.requests, 2);
  });

  it("reads and writes the world", async () => {
    const vms = (await ctl("GET", "/world/vms")).json();
    assert.equal(vms.length, 9);
    const patched = await ctl("PATCH", `/world/vms/${U.vmRunning}`, { state: "Stopped" });
    assert.equal(patched.json().state, "Stopped");
    assert.equal((await h.query(`/v1/vm-instances/${U.vmRunning}`))[0].state, "Stopped");
    const job = await startJob();
    assert.equal((await ctl("GET", `/world/longJobs/${job}`)).json().state, "Running");
    assert.deepEqual((await ctl("DELETE", `/world/longJobs/${job}`)).json(), { deleted: true });
    assert.deepEqual(await h.query(`/v1/longjobs/${job}`), []);
    const inserted = await ctl("POST", "/world/zones", {
      uuid: "0123456789abcdef0123456789abcdef",
      name: "ZONE-2",
      state: "Enabled",
    });
    assert.equal(inserted.status, 200);
    assert.equal((await h.query("/v1/zones")).length, 2);
    assert.equal((await ctl("GET", "/world/nothing")).status, 400);
    assert.equal((await ctl("GET", `/world/vms/0123456789abcdef0123456789abcdef`)).status, 404);
    const apiJobs = (await ctl("GET", "/api-jobs")).json();
    assert.ok(apiJobs.length >= 1);
  });

  it("resets the world to its seed", async () => {
    await startJob();
    h.sim.faults.setLatency(10);
    const r = await ctl("POST", "/reset");
    assert.equal(r.status, 200);
    assert.equal(r.json().faults.latencyMs, 0);
    assert.equal(h.sim.world.list("longJobs").length, 0);
    assert.equal(h.sim.world.list("sessions").length, 0);
    h.sim.advance(HOUR);
  });

  it("generates no uuid after a reset that it generated before, deterministically for a seed", async () => {
    /** A fresh simulator with randomSeed 42: two rounds of (login, V2V job) around a reset. */
    async function run(): Promise<{ before: string[]; after: string[] }> {
      const x = await Harness.start({ randomSeed: 42 });
      try {
        const round = async () => {
          const session = await x.login();
          const job = (await x.async("POST", "/v1/v2vs", { params: v2vParams() })).json().inventory;
          x.sim.advance(HOUR);
          const vm = (await x.query(`/v1/longjobs/${job.uuid}`))[0].targetResourceUuid;
          return [session, job.uuid, job.apiId, vm].concat(x.sim.world.listApiJobs().map((j) => j.uuid));
        };
        const before = await round();
        assert.equal((await request(x.sim.url, "POST", "/_sim/reset")).status, 200);
        const after = await round();
        return { before, after };
      } finally {
        await x.stop();
      }
    }
    const first = await run();
    const again = await run();
    assert.ok(
      first.before.every((u) => /^[0-9a-f]{32}$/.test(u)),
      first.before.join(),
    );
    const reused = first.after.filter((u) => first.before.includes(u));
    assert.deepEqual(reused, [], "uuids generated after the reset repeat earlier ones");
    assert.deepEqual(again, first, "the same seed and the same requests give the same uuids");
  });

  it("answers 404 for unknown control routes", async () => {
    assert.equal((await ctl("GET", "/nothing")).status, 404);
  });

  it("only answers loopback clients", async () => {
    assert.equal(isLoopback("127.0.0.1"), true);
    assert.equal(isLoopback("127.1.2.3"), true);
    assert.equal(isLoopback("::1"), true);
    assert.equal(isLoopback("::ffff:127.0.0.1"), true);
    assert.equal(isLoopback("192.0.2.2"), false);
    assert.equal(isLoopback("::ffff:10.0.0.1"), false);
    assert.equal(isLoopback(undefined), false);
    // end to end through a non-loopback address of this machine, when it has one
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) {
      const wide = await Harness.start({ host: "0.0.0.0" });
      try {
        const r = await request(`http://${external.address}:${wide.sim.port}`, "GET", "/_sim/status");
        assert.equal(r.status, 403);
        assert.match(r.json().error, /loopback/);
        assert.equal((await request(`http://127.0.0.1:${wide.sim.port}`, "GET", "/_sim/status")).status, 200);
      } finally {
        await wide.stop();
      }
    }
  });
});
