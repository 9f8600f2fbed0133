import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  maxConcurrency,
  maxConcurrencyByHost,
  SEED_UUIDS as U,
  timelineSpan,
  totalRunningMs,
  type LongJobTimelineEntry,
} from "../../simulator";
import { Harness, HOUR, MINUTE, request, v2vParams } from "./helpers";

const entry = (
  uuid: string,
  conversionHostUuid: string | undefined,
  ...intervals: Array<[number, number?]>
): LongJobTimelineEntry => ({
  uuid,
  name: uuid,
  conversionHostUuid,
  submittedAt: intervals[0]?.[0] ?? 0,
  state: intervals.some(([, end]) => end === undefined) ? "Running" : "Succeeded",
  intervals: intervals.map(([start, end]) => (end === undefined ? { start } : { start, end })),
});

describe("simulator long-job timeline", () => {
  describe("the pure helpers", () => {
    const timeline = [
      entry("a", "h1", [0, 10]),
      entry("b", "h1", [5, 15]),
      entry("c", "h1", [10, 20]), // starts when a ends: half-open, never overlaps a
      entry("d", "h2", [0, 30]),
      entry("e", undefined, [12, 13]),
    ];

    it("maxConcurrency counts overlapping Running intervals, half-open, per conversion host", () => {
      assert.deepEqual(maxConcurrency(timeline, { conversionHostUuid: "h1" }), { max: 2, at: 5 });
      assert.deepEqual(maxConcurrency(timeline, { conversionHostUuid: "h2" }), { max: 1, at: 0 });
      assert.deepEqual(maxConcurrency(timeline, { conversionHostUuid: null }), { max: 1, at: 12 });
      assert.deepEqual(maxConcurrency(timeline), { max: 4, at: 12 }, "b, c, d and e at 12");
      assert.deepEqual(maxConcurrency(timeline, { conversionHostUuid: "nope" }), { max: 0, at: undefined });
      assert.deepEqual(
        maxConcurrency([entry("x", "h", [0, 10]), entry("y", "h", [10, 20]), entry("z", "h", [20, 30])]),
        { max: 1, at: 0 },
      );
    });

    it("an open interval runs from its start on; an empty one never runs", () => {
      assert.deepEqual(maxConcurrency([entry("a", "h", [0]), entry("b", "h", [100, 200])]), { max: 2, at: 100 });
      assert.deepEqual(maxConcurrency([entry("a", "h", [5, 5]), entry("b", "h", [5, 6])]), { max: 1, at: 5 });
    });

    it("a job that ran twice (suspended, resumed) counts once at a time", () => {
      const twice = entry("a", "h", [0, 10], [20, 30]);
      assert.deepEqual(maxConcurrency([twice, entry("b", "h", [10, 20])]), { max: 1, at: 0 });
      assert.equal(totalRunningMs([twice]), 20);
    });

    it("maxConcurrencyByHost, totalRunningMs and timelineSpan", () => {
      assert.deepEqual(maxConcurrencyByHost(timeline), {
        h1: { max: 2, at: 5 },
        h2: { max: 1, at: 0 },
        "": { max: 1, at: 12 },
      });
      assert.equal(totalRunningMs(timeline), 10 + 10 + 10 + 30 + 1);
      assert.equal(totalRunningMs(timeline, { conversionHostUuid: "h1" }), 30);
      assert.equal(totalRunningMs([entry("a", "h", [0])]), 0, "an open interval counts only with now");
      assert.equal(totalRunningMs([entry("a", "h", [0])], { now: 7 }), 7);
      assert.deepEqual(timelineSpan(timeline), { start: 0, end: 30, durationMs: 30 });
      assert.deepEqual(timelineSpan(timeline, { conversionHostUuid: "h1" }), { start: 0, end: 20, durationMs: 20 });
      assert.deepEqual(timelineSpan([entry("a", "h", [3]), entry("b", "h", [0, 9])]), { start: 0 });
      assert.equal(timelineSpan([]), undefined);
    });
  });

  describe("what the simulator records", () => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start({ jobDurations: { v2vMs: 10 * MINUTE } });
      await h.login();
    });
    afterEach(() => h.stop());

    const ctl = (method: string, p: string, body?: unknown) => request(h.sim.url, method, `/_sim${p}`, { body });
    const submit = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
      const r = await h.async("POST", "/v1/v2vs", { params: v2vParams({ name, ...extra }) });
      assert.equal(r.status, 200, r.text);
      return r.json().inventory.uuid as string;
    };
    const act = (uuid: string, body: Record<string, unknown>) => h.async("PUT", `/v1/longjobs/${uuid}/actions`, body);
    const byUuid = (uuid: string) => h.sim.longJobTimeline().find((e) => e.uuid === uuid)!;

    it("records each job's Running interval, VM name, conversion host and state; ends are the computed ones, however late they are observed", async () => {
      const t0 = h.sim.now();
      const a = await submit("vm-a", { conversionHostUuid: U.convHost });
      h.sim.advance(5 * MINUTE);
      const b = await submit("vm-b", { conversionHostUuid: U.convHost });
      h.sim.advance(5 * MINUTE);
      const c = await submit("vm-c", { conversionHostUuid: U.convHost }); // as a ends
      const d = await submit("vm-d");
      assert.deepEqual(byUuid(c), {
        uuid: c,
        name: "vm-c",
        conversionHostUuid: U.convHost,
        submittedAt: t0 + 10 * MINUTE,
        state: "Running",
        intervals: [{ start: t0 + 10 * MINUTE }],
      });
      h.sim.advance(10 * HOUR); // every end is observed only now, hours later
      const tl = h.sim.longJobTimeline();
      assert.deepEqual(
        tl.map((e) => [e.uuid, e.name, e.conversionHostUuid, e.state, e.intervals]),
        [
          [a, "vm-a", U.convHost, "Succeeded", [{ start: t0, end: t0 + 10 * MINUTE }]],
          [b, "vm-b", U.convHost, "Succeeded", [{ start: t0 + 5 * MINUTE, end: t0 + 15 * MINUTE }]],
          [c, "vm-c", U.convHost, "Succeeded", [{ start: t0 + 10 * MINUTE, end: t0 + 20 * MINUTE }]],
          [d, "vm-d", undefined, "Succeeded", [{ start: t0 + 10 * MINUTE, end: t0 + 20 * MINUTE }]],
        ],
      );
      assert.ok(!("conversionHostUuid" in tl[3]) || tl[3].conversionHostUuid === undefined);
      assert.deepEqual(maxConcurrency(tl, { conversionHostUuid: U.convHost }), { max: 2, at: t0 + 5 * MINUTE });
      assert.deepEqual(maxConcurrency(tl), { max: 3, at: t0 + 10 * MINUTE });
      assert.equal(totalRunningMs(tl), 40 * MINUTE);
      assert.deepEqual(timelineSpan(tl), { start: t0, end: t0 + 20 * MINUTE, durationMs: 20 * MINUTE });
    });

    it("serves the same timeline at GET /_sim/long-jobs/timeline (absent fields omitted), and copies in-process", async () => {
      await submit("vm-a", { conversionHostUuid: U.convHost });
      await submit("vm-b");
      h.sim.advance(3 * MINUTE);
      const r = await ctl("GET", "/long-jobs/timeline");
      assert.equal(r.status, 200);
      assert.deepEqual(r.json(), JSON.parse(JSON.stringify(h.sim.longJobTimeline())));
      assert.equal(r.json()[0].intervals[0].end, undefined, "still running");
      assert.ok(!("conversionHostUuid" in r.json()[1]));
      const copy = h.sim.longJobTimeline();
      copy[0].intervals.length = 0;
      copy[0].state = "x";
      assert.equal(h.sim.longJobTimeline()[0].intervals.length, 1, "callers get copies");
      assert.equal(h.sim.longJobTimeline()[0].state, "Running");
    });

    it("a suspended and resumed job has two intervals; a failed and rerun job too", async () => {
      const t0 = h.sim.now();
      const j = await submit("resumed", { conversionHostUuid: U.convHost });
      h.sim.advance(4 * MINUTE);
      h.sim.faults.restartManagementNode(); // Running -> Suspended, progress frozen at 40 %
      h.sim.advance(30 * MINUTE);
      const resumed = await act(j, { resumeLongJob: {} });
      assert.equal(resumed.status, 200, resumed.text);
      h.sim.advance(HOUR);
      assert.deepEqual(byUuid(j).intervals, [
        { start: t0, end: t0 + 4 * MINUTE },
        { start: t0 + 34 * MINUTE, end: t0 + 40 * MINUTE },
      ]);
      assert.equal(byUuid(j).state, "Succeeded");

      const t1 = h.sim.now();
      h.sim.faults.failNextJob("v2v", { atFraction: 0.5 });
      const f = await submit("rerun", { conversionHostUuid: U.convHost });
      h.sim.advance(HOUR);
      assert.equal(byUuid(f).state, "Failed");
      assert.deepEqual(
        byUuid(f).intervals,
        [{ start: t1, end: t1 + 5 * MINUTE }],
        "the failure ends the interval at its due time",
      );
      const t2 = h.sim.now();
      await h.login(); // the first session expired after two simulated hours
      const rerun = await act(f, { rerunLongJob: {} });
      assert.equal(rerun.status, 200, rerun.text);
      h.sim.advance(HOUR);
      assert.deepEqual(byUuid(f).intervals, [
        { start: t1, end: t1 + 5 * MINUTE },
        { start: t2, end: t2 + 10 * MINUTE },
      ]);
      assert.equal(byUuid(f).state, "Succeeded");
    });

    it("a cancel ends the interval when it is asked for: a Canceling job does not run", async () => {
      h.sim.setJobDurations({ cancelMs: 5 * MINUTE });
      const t0 = h.sim.now();
      const j = await submit("canceled", { conversionHostUuid: U.convHost });
      h.sim.advance(2 * MINUTE);
      await h.submit("PUT", `/v1/longjobs/${j}/actions`, { cancelLongJob: {} });
      assert.equal(byUuid(j).state, "Canceling");
      h.sim.advance(HOUR);
      assert.equal(byUuid(j).state, "Canceled");
      assert.deepEqual(byUuid(j).intervals, [{ start: t0, end: t0 + 2 * MINUTE }]);
    });

    it("follows a state changed through the world (PATCH /_sim/world/longJobs/{uuid}) and keeps a deleted job's entry", async () => {
      const t0 = h.sim.now();
      const j = await submit("patched");
      h.sim.advance(MINUTE);
      assert.equal((await ctl("PATCH", `/world/longJobs/${j}`, { state: "Suspended" })).status, 200);
      h.sim.advance(MINUTE);
      h.sim.world.update("longJobs", j, { state: "Running" });
      h.sim.advance(HOUR);
      assert.deepEqual(byUuid(j).intervals, [
        { start: t0, end: t0 + MINUTE },
        { start: t0 + 2 * MINUTE, end: t0 + 11 * MINUTE },
      ]);
      assert.equal((await h.async("DELETE", `/v1/longjobs/${j}`)).status, 200);
      assert.equal((await h.query(`/v1/longjobs?q=uuid=${j}`)).length, 0);
      assert.equal(byUuid(j).state, "Succeeded", "the history outlives the row");
    });

    it("is cleared by /_sim/reset", async () => {
      await submit("before-reset");
      assert.equal(h.sim.longJobTimeline().length, 1);
      assert.equal((await ctl("POST", "/reset")).status, 200);
      assert.deepEqual((await ctl("GET", "/long-jobs/timeline")).json(), []);
      h.sim.resetWorld();
      assert.deepEqual(h.sim.longJobTimeline(), []);
    });
  });

  it("survives a restart from the state file; the restart ends the intervals still open at the saved time", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zstack-sim-timeline-")), "world.json");
    let h = await Harness.start({ statePath: file, jobDurations: { v2vMs: 10 * MINUTE } });
    await h.login();
    const t0 = h.sim.now();
    const done = (
      await h.async("POST", "/v1/v2vs", { params: v2vParams({ name: "done", conversionHostUuid: U.convHost }) })
    ).json().inventory.uuid;
    h.sim.advance(10 * MINUTE);
    const running = (await h.async("POST", "/v1/v2vs", { params: v2vParams({ name: "running" }) })).json().inventory
      .uuid;
    h.sim.advance(3 * MINUTE);
    const saved = h.sim.now();
    await h.stop();
    h = await Harness.start({ statePath: file, jobDurations: { v2vMs: 10 * MINUTE } });
    try {
      const tl = h.sim.longJobTimeline();
      assert.deepEqual(
        tl.map((e) => [e.uuid, e.state, e.intervals]),
        [
          [done, "Succeeded", [{ start: t0, end: t0 + 10 * MINUTE }]],
          [running, "Suspended", [{ start: t0 + 10 * MINUTE, end: saved }]],
        ],
      );
    } finally {
      await h.stop();
    }
  });
});
