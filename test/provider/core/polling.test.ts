// The progress-aware waiter: how often it polls and how late it notices completion.
import * as assert from "assert";
import { Clock, ZStackTimeoutError } from "../../../provider/client";
import { DEFAULT_POLL_POLICY, ProgressEstimator, waitWithProgress } from "../../../provider/core/polling";

/** A job of `durationMs` whose integer percent grows linearly; time is virtual. */
function simulatedJob(durationMs: number, opts: { progress?: boolean; start?: number } = {}) {
  let now = 1_000_000;
  const start = opts.start ?? now;
  const clock: Clock = { now: () => now, sleep: (ms) => Promise.resolve(void (now += ms)) };
  let polls = 0;
  const probe = () => {
    polls++;
    const t = now - start;
    if (t >= durationMs) return Promise.resolve({ done: true as const, value: now - (start + durationMs) });
    return Promise.resolve({
      done: false as const,
      percent: opts.progress === false ? undefined : Math.floor((100 * t) / durationMs),
      state: "Running",
    });
  };
  return { clock, probe, polls: () => polls, submittedAt: start };
}

describe("polling: progress-aware waits", () => {
  for (const hours of [0.1, 0.5, 2, 8]) {
    it(`a ${hours} h job: few polls (at most one per 5 minutes mid-job), completion noticed within 10 s`, async () => {
      const job = simulatedJob(hours * 3_600_000);
      const lines: string[] = [];
      const lateness = await waitWithProgress({
        clock: job.clock,
        policy: DEFAULT_POLL_POLICY,
        deadline: job.clock.now() + 24 * 3_600_000,
        startedAt: job.submittedAt,
        label: "job",
        probe: job.probe,
        log: (l) => lines.push(l),
      });
      assert.ok(lateness <= 10_000, `noticed ${lateness / 1000} s late`);
      assert.ok(job.polls() < 40 + hours * 12, `${job.polls()} polls`);
      // progress lines: at most one per minute unless a 10% step was crossed
      assert.ok(lines.length <= 12 + hours * 60, lines.join("\n"));
    });
  }

  it("an adopted job (no submit time known) is still cheap and prompt", async () => {
    const job = simulatedJob(2 * 3_600_000, { start: 1_000_000 - 3_000_000 });
    const lateness = await waitWithProgress({
      clock: job.clock,
      policy: DEFAULT_POLL_POLICY,
      deadline: Infinity,
      label: "job",
      probe: job.probe,
      log: () => undefined,
    });
    assert.ok(lateness <= 10_000, `noticed ${lateness / 1000} s late`);
    assert.ok(job.polls() < 80, `${job.polls()} polls`);
  });

  it("without progress it backs off to 10 s: completion still noticed within 10 s", async () => {
    const job = simulatedJob(3_600_000, { progress: false });
    const lateness = await waitWithProgress({
      clock: job.clock,
      policy: DEFAULT_POLL_POLICY,
      deadline: Infinity,
      startedAt: job.submittedAt,
      label: "job",
      probe: job.probe,
      log: () => undefined,
    });
    assert.ok(lateness <= 10_000);
    assert.ok(job.polls() >= 350 && job.polls() <= 380, `${job.polls()} polls`);
  });

  it("keeps printing a line every 5 minutes when nothing moves (no progress reported, or stuck)", async () => {
    const job = simulatedJob(3_600_000, { progress: false });
    const lines: string[] = [];
    await waitWithProgress({
      clock: job.clock,
      policy: DEFAULT_POLL_POLICY,
      deadline: Infinity,
      startedAt: job.submittedAt,
      label: "job",
      probe: job.probe,
      log: (l) => lines.push(l),
    });
    // one at the start, one per 5 minutes of the hour, and "done"
    assert.ok(lines.length >= 12 && lines.length <= 14, lines.join("\n"));
    assert.ok(
      lines.some((l) => /Running \(elapsed 30m\d\ds, no change for 30m\d\ds\)/.test(l)),
      lines.join("\n"),
    );

    let now = 0;
    const stuck: string[] = [];
    await assert.rejects(() =>
      waitWithProgress({
        clock: { now: () => now, sleep: (ms) => Promise.resolve(void (now += ms)) },
        policy: DEFAULT_POLL_POLICY,
        deadline: 2 * 3_600_000,
        startedAt: 0,
        label: "job",
        probe: () =>
          Promise.resolve({
            done: false as const,
            percent: now < 600_000 ? Math.floor(now / 60_000) * 4 : 42,
            state: "Running",
          }),
        log: (l) => stuck.push(l),
      }),
    );
    const after = stuck.filter((l) => /42% .*no change for/.test(l));
    assert.ok(after.length >= 20 && after.length <= 24, stuck.join("\n"));
  });

  it("fails at the deadline with the last state and percent", async () => {
    const job = simulatedJob(3_600_000);
    await assert.rejects(
      () =>
        waitWithProgress({
          clock: job.clock,
          policy: DEFAULT_POLL_POLICY,
          deadline: job.clock.now() + 600_000,
          startedAt: job.submittedAt,
          label: "job x",
          probe: job.probe,
          log: () => undefined,
        }),
      (e: unknown) =>
        e instanceof ZStackTimeoutError &&
        /job x: still Running, 1[0-9]% after 10m0\ds \(timeout\)/.test((e as Error).message),
    );
  });

  it("never sleeps longer than the time already watched, nor 5 minutes", () => {
    const est = new ProgressEstimator(DEFAULT_POLL_POLICY, 0);
    assert.strictEqual(est.nextDelay(1000, 0), 5000); // floor: 5 s
    assert.strictEqual(est.nextDelay(60_000, 0), 60_000); // ≤ watched
    assert.strictEqual(est.nextDelay(3_600_000, 10), 300_000); // cap
    assert.strictEqual(est.nextDelay(3_600_000 * 2, 99), 5000); // the end may be near
  });
});
