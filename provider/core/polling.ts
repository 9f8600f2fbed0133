/**
 * Waiting for long operations (a V2V long job, an OVA export) without hammering the management node.
 *
 * With progress (GetTaskProgress: an integer percent), the waiter bounds the remaining time from
 * below, assuming roughly linear progress: between the first sample (t0, p0) and now (t, p) at most
 * `p + 1 - p0` percent were done (percents are truncated), so the rate is at most
 * `(p + 1 - p0) / (t - t0)` and at least `(99 - p) / rate` remain. It sleeps half of that (never
 * longer than the time already watched, at most `maxDelayMs`), and once the bound is small polls
 * every `nearEndDelayMs`, so completion is noticed within about that. A 2-hour job costs a few dozen
 * polls instead of 7,200.
 *
 * Without progress it backs off from `minDelayMs` by `factor` to `noProgressMaxDelayMs`.
 */
import { Clock, ZStackTimeoutError } from "../client";
import { formatDuration } from "./units";

export interface PollPolicy {
  /** first poll after the wait starts */
  firstDelayMs: number;
  minDelayMs: number;
  /** longest sleep, however far the end seems */
  maxDelayMs: number;
  /** sleep once the end may be near (bounds how late completion is noticed) */
  nearEndDelayMs: number;
  /** longest sleep when ZStack reports no progress */
  noProgressMaxDelayMs: number;
  factor: number;
  /** at most one progress line per this interval, unless a 10% step was crossed */
  logIntervalMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstDelayMs: 1000,
  minDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  nearEndDelayMs: 5000,
  noProgressMaxDelayMs: 10_000,
  factor: 1.5,
  logIntervalMs: 60_000,
};

/** What one poll found. */
export type ProbeResult<T> = { done: true; value: T } | { done: false; percent?: number; state?: string };

export interface WaitOptions<T> {
  clock: Clock;
  policy: PollPolicy;
  /** epoch ms after which the wait fails with ZStackTimeoutError */
  deadline: number;
  /** when the operation was submitted by us (progress 0 at that instant), if it was */
  startedAt?: number;
  /** e.g. `V2vMigration "web-01" (long job 0a1b…)` */
  label: string;
  probe: () => Promise<ProbeResult<T>>;
  log?: (line: string) => void;
}

/** Computes the next sleep from the progress samples seen so far. */
export class ProgressEstimator {
  private t0?: number;
  private p0?: number;
  private lastPercent?: number;
  private lastPollAt?: number;
  /** a time at which progress was still below the current percent (the poll before it was first seen) */
  private belowCurrentAt?: number;
  private noProgressDelay: number;

  constructor(
    private readonly policy: PollPolicy,
    startedAt?: number,
  ) {
    if (startedAt !== undefined) {
      this.t0 = startedAt;
      this.p0 = 0;
      this.lastPollAt = startedAt;
      this.lastPercent = 0;
    }
    this.noProgressDelay = policy.minDelayMs;
  }

  /**
   * Lower bound of the remaining time in ms, or undefined without usable progress. Two bounds, both
   * valid for linear progress: at most `p + 1` percent are done now; and since progress was below
   * `p` at `belowCurrentAt`, at most `p + rate·(now − belowCurrentAt)` are.
   */
  remainingLowerBound(now: number, percent: number | undefined): number | undefined {
    if (percent === undefined) return undefined;
    if (percent !== this.lastPercent) {
      this.belowCurrentAt = this.lastPercent !== undefined && percent > this.lastPercent ? this.lastPollAt : undefined;
    }
    this.lastPercent = percent;
    this.lastPollAt = now;
    if (this.t0 === undefined || this.p0 === undefined || percent < this.p0) {
      this.t0 = now;
      this.p0 = percent;
      this.belowCurrentAt = undefined;
      return undefined;
    }
    const dt = now - this.t0;
    if (dt <= 0) return undefined;
    const rateHi = (percent + 1 - this.p0) / dt;
    const byFloor = (99 - percent) / rateHi;
    const byCrossing =
      this.belowCurrentAt === undefined ? -Infinity : (100 - percent) / rateHi - (now - this.belowCurrentAt);
    return Math.max(0, byFloor, byCrossing);
  }

  /** The next sleep in ms. */
  nextDelay(now: number, percent: number | undefined): number {
    const p = this.policy;
    const lb = this.remainingLowerBound(now, percent);
    if (lb === undefined) {
      if (percent !== undefined) return p.minDelayMs; // first sample: look again soon
      const d = this.noProgressDelay;
      this.noProgressDelay = Math.min(p.noProgressMaxDelayMs, this.noProgressDelay * p.factor);
      return Math.round(d);
    }
    const watched = now - (this.t0 ?? now);
    const d = Math.min(lb / 2, p.maxDelayMs, Math.max(watched, p.minDelayMs));
    return Math.round(Math.max(d, Math.min(p.nearEndDelayMs, p.maxDelayMs), p.minDelayMs));
  }
}

/** Without any change in percent or state, a progress line is printed every this many log intervals. */
export const HEARTBEAT_INTERVALS = 5;

/** Polls `probe` until it reports done, printing progress lines; throws ZStackTimeoutError at the deadline. */
export async function waitWithProgress<T>(wait: WaitOptions<T>): Promise<T> {
  const { clock, policy } = wait;
  const log = wait.log ?? ((line: string) => console.log(line));
  const start = wait.startedAt ?? clock.now();
  const estimator = new ProgressEstimator(policy, wait.startedAt);
  let lastLogAt = -Infinity;
  let lastBucket = -1;
  let lastPercent: number | undefined;
  let lastState: string | undefined;
  let lastChangeAt = start;
  let delay = policy.firstDelayMs;
  for (;;) {
    const now0 = clock.now();
    if (delay > 0) await clock.sleep(Math.min(delay, Math.max(0, wait.deadline - now0)));
    const r = await wait.probe();
    const now = clock.now();
    if (r.done) {
      log(`${wait.label}: done after ${formatDuration(now - start)}`);
      return r.value;
    }
    // a line per 10 % step, or per logIntervalMs while it moves; when nothing moves (no progress
    // reported, or stuck) a heartbeat every HEARTBEAT_INTERVALS intervals shows the wait is alive
    const changed = r.percent !== lastPercent || r.state !== lastState;
    const bucket = r.percent === undefined ? -1 : Math.floor(r.percent / 10);
    const every = changed ? policy.logIntervalMs : policy.logIntervalMs * HEARTBEAT_INTERVALS;
    if ((changed && bucket > lastBucket) || now - lastLogAt >= every) {
      const pct = r.percent === undefined ? "" : ` ${r.percent}%`;
      const still = changed || lastLogAt === -Infinity ? "" : `, no change for ${formatDuration(now - lastChangeAt)}`;
      log(`${wait.label}: ${r.state ?? "running"}${pct} (elapsed ${formatDuration(now - start)}${still})`);
      lastLogAt = now;
      lastBucket = Math.max(lastBucket, bucket);
    }
    if (changed) lastChangeAt = now;
    lastPercent = r.percent;
    lastState = r.state;
    if (now >= wait.deadline) {
      const pct = r.percent === undefined ? "" : `, ${r.percent}%`;
      throw new ZStackTimeoutError(
        `${wait.label}: still ${r.state ?? "running"}${pct} after ${formatDuration(now - start)} (timeout)`,
        wait.deadline - start,
      );
    }
    delay = estimator.nextDelay(now, r.percent);
  }
}
