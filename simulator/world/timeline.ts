/**
 * The long-job timeline: for every V2V long job, the intervals of simulated time during which it was
 * `Running`. It is the simulator's own record for tests and benchmarks (`sim.longJobTimeline()`,
 * `GET /_sim/long-jobs/timeline`), not part of ZStack's API.
 *
 * The world calls `noteJobState` after every change of a V2V job's state, with the simulated time the
 * change happened at. That time is the computed one: a job whose end is only processed by a later
 * tick ends at its due time, not at the time the tick ran (see SimWorld.tick).
 */
import { TIMELINE_RUNNING_STATE } from "../assumptions";
import type { Row } from "./types";

/** One stretch of `Running`, half-open: [start, end). `end` is absent while the job still runs. */
export interface RunningInterval {
  start: number;
  end?: number;
}

export interface LongJobTimelineEntry {
  /** the long job's uuid */
  uuid: string;
  /** the VM the conversion creates: `name` of the job's `jobData` */
  name?: string;
  /** the request's `conversionHostUuid`; absent when the request named none */
  conversionHostUuid?: string;
  /** sim ms the job was submitted at */
  submittedAt: number;
  /** the job's state now (its final state once it ended); the last one seen if the job was deleted */
  state: string;
  /** its Running stretches, in time order (a suspended and resumed, or rerun, job has several) */
  intervals: RunningInterval[];
}

/** What a world keeps: the entries by job uuid, in submission order. */
export type LongJobTimeline = Map<string, LongJobTimelineEntry>;

/** Starts the entry of a new V2V job (its state is noted right after by noteJobState). */
export function recordSubmission(
  timeline: LongJobTimeline,
  row: Row,
  request: Record<string, unknown>,
  at: number,
): void {
  const host = request.conversionHostUuid;
  timeline.set(row.uuid, {
    uuid: row.uuid,
    name: typeof request.name === "string" ? request.name : undefined,
    conversionHostUuid: typeof host === "string" && host !== "" ? host : undefined,
    submittedAt: at,
    state: String(row.state),
    intervals: [],
  });
  noteJobState(timeline, row, at);
}

/**
 * Brings a job's entry in line with its row's state at sim time `at`: entering Running opens an
 * interval, leaving it closes the open one. Jobs without an entry (not V2V) are ignored.
 */
export function noteJobState(timeline: LongJobTimeline, row: Row, at: number): void {
  const entry = timeline.get(row.uuid);
  if (!entry) return;
  entry.state = String(row.state);
  const open = entry.intervals.at(-1);
  const isOpen = open !== undefined && open.end === undefined;
  if (row.state === TIMELINE_RUNNING_STATE) {
    if (!isOpen) entry.intervals.push({ start: at });
  } else if (isOpen) {
    // an interval never ends before it starts (a restart replayed at an earlier saved time)
    open.end = Math.max(open.start, at);
  }
}

/** Deep copies, in submission order. */
export function copyTimeline(timeline: LongJobTimeline): LongJobTimelineEntry[] {
  return [...timeline.values()].map((e) => ({ ...e, intervals: e.intervals.map((i) => ({ ...i })) }));
}

// ---------------------------------------------------------------------------------------------
// Pure helpers over a timeline (exported from the simulator package)
// ---------------------------------------------------------------------------------------------

export interface TimelineFilter {
  /**
   * only the jobs of this conversion host; `null` selects the jobs whose request named none;
   * omitted: every job
   */
  conversionHostUuid?: string | null;
}

function select(timeline: readonly LongJobTimelineEntry[], filter: TimelineFilter): readonly LongJobTimelineEntry[] {
  if (!("conversionHostUuid" in filter) || filter.conversionHostUuid === undefined) return timeline;
  const want = filter.conversionHostUuid ?? undefined;
  return timeline.filter((e) => (e.conversionHostUuid ?? undefined) === want);
}

/**
 * The highest number of jobs Running at the same time, and the first sim time `at` it was reached
 * (undefined when nothing ever ran). Intervals are half-open: a job that ends at t and one that starts
 * at t never overlap. An interval still open counts as running from its start on.
 */
export function maxConcurrency(
  timeline: readonly LongJobTimelineEntry[],
  filter: TimelineFilter = {},
): { max: number; at?: number } {
  const events: Array<[number, number]> = [];
  for (const e of select(timeline, filter)) {
    for (const i of e.intervals) {
      if (i.end !== undefined && i.end <= i.start) continue; // empty
      events.push([i.start, +1]);
      if (i.end !== undefined) events.push([i.end, -1]);
    }
  }
  // at the same time, ends come before starts (half-open intervals)
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let max = 0;
  let at: number | undefined;
  for (const [t, d] of events) {
    running += d;
    if (running > max) {
      max = running;
      at = t;
    }
  }
  return { max, at };
}

/**
 * `maxConcurrency` per conversion host, keyed by its uuid (jobs whose request named none under the
 * key `""`).
 */
export function maxConcurrencyByHost(
  timeline: readonly LongJobTimelineEntry[],
): Record<string, { max: number; at?: number }> {
  const out: Record<string, { max: number; at?: number }> = {};
  const hosts = new Set(timeline.map((e) => e.conversionHostUuid ?? ""));
  for (const h of hosts) out[h] = maxConcurrency(timeline, { conversionHostUuid: h === "" ? null : h });
  return out;
}

/**
 * Total Running time (sim ms) of the selected jobs, the sum of their intervals. An interval still
 * open counts up to `now` when given, else not at all. Divided by the number of conversion slots it
 * gives the ideal duration of a wave.
 */
export function totalRunningMs(
  timeline: readonly LongJobTimelineEntry[],
  opts: TimelineFilter & { now?: number } = {},
): number {
  let total = 0;
  for (const e of select(timeline, opts)) {
    for (const i of e.intervals) {
      const end = i.end ?? opts.now ?? i.start;
      total += Math.max(0, end - i.start);
    }
  }
  return total;
}

/**
 * First start and last end of the selected jobs' Running intervals, and the span between them (the
 * wave's simulated duration); undefined when nothing ran. `end` is undefined while a job still runs.
 */
export function timelineSpan(
  timeline: readonly LongJobTimelineEntry[],
  filter: TimelineFilter = {},
): { start: number; end?: number; durationMs?: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  let open = false;
  for (const e of select(timeline, filter)) {
    for (const i of e.intervals) {
      start = Math.min(start, i.start);
      if (i.end === undefined) open = true;
      else end = Math.max(end, i.end);
    }
  }
  if (start === Infinity) return undefined;
  if (open) return { start };
  return { start, end, durationMs: end - start };
}
