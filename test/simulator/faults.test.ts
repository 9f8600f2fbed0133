import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { Harness, request, v2vParams } from "./helpers";

const convert = { params: v2vParams() };

describe("simulator faults", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ randomSeed: 7 });
    await h.login();
  });
  afterEach(() => h.stop());

  it("answers through a 'proxy' with plain-text 502/503/504 and no side effect", async () => {
    h.sim.faults.setProxyErrorRate(1);
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const r = await h.call("POST", "/v1/v2vs", { body: convert, headers: h.auth() });
      assert.ok([502, 503, 504].includes(r.status), String(r.status));
      assert.equal(
        r.text,
        `${r.status} ${{ 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" }[r.status]}`,
      );
      assert.equal(r.headers["content-type"], "text/plain");
      seen.add(r.status);
    }
    assert.equal(seen.size, 3);
    assert.equal(h.sim.world.list("longJobs").length, 0);
    h.sim.faults.clear();
    assert.equal((await h.get("/v1/zones")).status, 200);
  });

  it("is deterministic for a given randomSeed", async () => {
    const run = async () => {
      const x = await Harness.start({ randomSeed: 1234 });
      try {
        await x.login();
        x.sim.faults.setProxyErrorRate(0.5);
        const out: number[] = [];
        for (let i = 0; i < 40; i++) out.push((await x.get("/v1/zones")).status);
        return out;
      } finally {
        await x.stop();
      }
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(200) && a.some((s) => s !== 200), a.join(","));
  });

  it("resets connections before the MN sees the request (no side effect)", async () => {
    h.sim.faults.setConnectionResetRate(1);
    await assert.rejects(h.call("POST", "/v1/v2vs", { body: convert, headers: h.auth() }), /socket hang up|ECONNRESET/);
    assert.equal(h.sim.world.list("longJobs").length, 0);
  });

  it("resets connections after the MN processed the request (the response is lost)", async () => {
    h.sim.faults.setConnectionResetRate(1, "after");
    await assert.rejects(h.call("POST", "/v1/v2vs", { body: convert, headers: h.auth() }), /socket hang up|ECONNRESET/);
    assert.equal(h.sim.world.list("longJobs").length, 1);
  });

  it("adds latency to every API response", async () => {
    h.sim.faults.setLatency(120);
    const t0 = Date.now();
    assert.equal((await h.get("/v1/zones")).status, 200);
    assert.ok(Date.now() - t0 >= 115, `took ${Date.now() - t0} ms`);
    h.sim.faults.clear();
    // cleared: no delay is left to add (read from the fault state, not from the wall clock)
    const state = await request(h.sim.url, "GET", "/_sim/faults");
    assert.equal(state.json().latencyMs, 0);
    assert.equal((await h.get("/v1/zones")).status, 200);
  });

  it("validates fault parameters", () => {
    assert.throws(() => h.sim.faults.setProxyErrorRate(2), /between 0 and 1/);
    assert.throws(() => h.sim.faults.setConnectionResetRate(0.5, "during" as "before"), /phase/);
    assert.throws(() => h.sim.faults.failNextJob("iso" as "ova"), /unknown job kind/);
  });

  it("counts every request by route", async () => {
    h.sim.stats.reset();
    await h.get("/v1/zones");
    await h.get(`/v1/longjobs/${U.zone}`);
    await h.get(`/v1/longjobs/${U.cluster}`);
    await h.call("GET", "/v1/api-jobs/ffffffffffffffffffffffffffffffff");
    await h.call("GET", "/v1/nope");
    assert.equal(h.sim.stats.requests, 5);
    assert.deepEqual(h.sim.stats.byRoute, {
      "GET /v1/zones": 1,
      "GET /v1/longjobs/{uuid}": 2,
      "GET /v1/api-jobs/{uuid}": 1,
      "GET (unmatched)": 1,
    });
  });
});

describe("simulator clock", () => {
  it("does not move a manual clock between requests", async () => {
    const h = await Harness.start();
    try {
      const t0 = h.sim.now();
      await h.login();
      await h.get("/v1/zones");
      assert.equal(h.sim.now(), t0);
      h.sim.advance(1234);
      assert.equal(h.sim.now(), t0 + 1234);
      assert.throws(() => h.sim.advance(-1));
    } finally {
      await h.stop();
    }
  });

  it("follows an external clock", async () => {
    let t = Date.UTC(2030, 0, 1);
    const h = await Harness.start({ manualClock: false, clock: { now: () => t } });
    try {
      await h.login();
      const r = await h.async("POST", "/v1/v2vs", convert);
      const job = r.json().inventory;
      t += 20 * 60_000;
      const [done] = await h.query(`/v1/longjobs/${job.uuid}`);
      assert.equal(done.state, "Succeeded");
      assert.equal(h.sim.now(), t);
    } finally {
      await h.stop();
    }
  });

  it("scales real time by the speed factor", async () => {
    const h = await Harness.start({ manualClock: false, speed: 600 });
    try {
      const real0 = Date.now();
      const sim0 = h.sim.now();
      await h.login();
      for (let i = 0; i < 20; i++) await h.get("/v1/zones");
      const sim = h.sim.now() - sim0;
      const real = Date.now() - real0;
      // both readings are taken between the same two real instants, a few microseconds apart
      assert.ok(sim <= (real + 1) * 600 && sim >= (real - 5) * 600, `real ${real} ms, sim ${sim} ms`);
      assert.ok(sim > 0);
    } finally {
      await h.stop();
    }
  });
});
