/**
 * The simulated management node's database: inventories by table, the async-API store, long-job
 * and export run-time state, task progress, tags. Time-dependent state advances lazily in `tick()`,
 * which processes every event due up to "now" in time order; the HTTP layer calls it on each request.
 */
import { API_JOB_RETENTION_MS, API_JOB_SCAN_INTERVAL_MS, apiTimeoutDetails, mnRestartDetails } from "../assumptions";
import { errorCode, type ErrorCode } from "../core/errors";
import { gsonStringify } from "../core/gson";
import { Prng } from "../core/prng";
import * as exportsEngine from "./exports";
import * as longJobs from "./long-jobs";
import type { LongJobTimeline } from "./timeline";
import {
  TABLES,
  type ApiJob,
  type ExportRuntime,
  type LongJobRuntime,
  type ProgressRef,
  type Row,
  type TableName,
  type Tags,
  type WorldSnapshot,
} from "./types";

export interface FailureSpec {
  details?: string;
  atFraction?: number;
}

export interface JobDurations {
  v2vMs?: number;
  ovaMs?: number;
  cancelMs?: number;
}

/** What the world needs from the server around it. */
export interface WorldHooks {
  /** consume the next injected failure for a job kind, if any */
  takeFailure(kind: "v2v" | "ova" | "static-ip"): FailureSpec | undefined;
  durations(): JobDurations;
  /** "http://host:port" where the exported files are served */
  downloadBase(): string;
  /**
   * MD5 (hex) of the deterministic bytes of an exported package: the hex when it is ready, else the
   * promise of the background computation (started by the first call). `sync: true` computes it now.
   */
  md5Of(packageUuid: string, size: number, sync?: boolean): string | Promise<string>;
  /** called after every change, for persistence */
  onChange(): void;
}

const NO_HOOKS: WorldHooks = {
  takeFailure: () => undefined,
  durations: () => ({}),
  downloadBase: () => "http://127.0.0.1:8080",
  md5Of: () => "0".repeat(32),
  onChange: () => undefined,
};

export class SimWorld {
  readonly tables: Record<TableName, Map<string, Row>>;
  readonly jobRuntimes = new Map<string, LongJobRuntime>();
  readonly exports = new Map<string, ExportRuntime>();
  readonly apiJobs = new Map<string, ApiJob>();
  readonly progress = new Map<string, ProgressRef>();
  readonly tags = new Map<string, Tags>();
  /** Running intervals of every V2V long job (timeline.ts); kept when a job is deleted */
  readonly timeline: LongJobTimeline = new Map();
  managementNodeUuid: string;
  prng: Prng;
  hooks: WorldHooks = NO_HOOKS;
  /** sim ms the api-job retention scans are anchored at */
  scanAnchor: number;
  private seqCounter = 0;
  private nextDueAt = -Infinity;
  /** set when the last tick stopped at an export whose MD5 is still being computed */
  private waitingFor: Promise<unknown> | undefined;
  private nextPruneAt: number;

  constructor(
    private readonly clock: { now(): number },
    snapshot: WorldSnapshot,
    prng: Prng,
  ) {
    this.prng = snapshot.prng && snapshot.prng.length === 4 ? new Prng(snapshot.prng) : prng;
    this.managementNodeUuid = snapshot.managementNodeUuid ?? this.prng.uuid();
    this.seqCounter = snapshot.seq ?? 0;
    this.tables = Object.fromEntries(TABLES.map((t) => [t, new Map<string, Row>()])) as Record<
      TableName,
      Map<string, Row>
    >;
    for (const t of TABLES)
      for (const row of snapshot.tables[t] ?? []) this.tables[t].set(row.uuid, normalizeDates(row));
    for (const [k, v] of Object.entries(snapshot.longJobRuntimes ?? {})) this.jobRuntimes.set(k, v);
    for (const [k, v] of Object.entries(snapshot.exports ?? {})) this.exports.set(k, v);
    for (const j of snapshot.apiJobs ?? []) this.apiJobs.set(j.uuid, j);
    for (const [k, v] of Object.entries(snapshot.progress ?? {})) this.progress.set(k, v);
    for (const [k, v] of Object.entries(snapshot.tags ?? {})) this.tags.set(k, v);
    for (const e of snapshot.longJobTimeline ?? []) this.timeline.set(e.uuid, e);
    this.scanAnchor = clock.now();
    this.nextPruneAt = this.scanAnchor + API_JOB_SCAN_INTERVAL_MS;
  }

  /** Simulated epoch ms. */
  now(): number {
    return this.clock.now();
  }

  nextSeq(): number {
    return ++this.seqCounter;
  }

  // -------------------------------------------------------------------------------------------
  // Generic access (documented in docs/simulator.md, "The world")
  // -------------------------------------------------------------------------------------------

  /** Live rows of a table, in insertion order. Mutating them directly is allowed; call `changed()` after. */
  list(table: TableName, filter?: (row: Row) => boolean): Row[] {
    const rows = [...this.tables[table].values()];
    return filter ? rows.filter(filter) : rows;
  }

  get(table: TableName, uuid: string): Row | undefined {
    return this.tables[table].get(uuid);
  }

  /** Inserts (or replaces) a row; `createDate`/`lastOpDate` default to now. */
  insert(table: TableName, row: Row): Row {
    const now = this.now();
    const r = normalizeDates({ createDate: now, lastOpDate: now, ...row });
    this.tables[table].set(r.uuid, r);
    this.changed();
    return r;
  }

  /**
   * Patches a row (`undefined` values remove fields) and bumps `lastOpDate`. Changing a long job's
   * `state` away from Running stops its progress; setting it to Running restarts it.
   */
  update(table: TableName, uuid: string, patch: Record<string, unknown>): Row {
    const row = this.tables[table].get(uuid);
    if (!row) throw new Error(`no ${table} row with uuid ${uuid}`);
    const now = this.now();
    const before = row.state as string;
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null) delete row[k];
      else row[k] = v;
    }
    if (!("lastOpDate" in patch)) row.lastOpDate = now;
    normalizeDates(row);
    if (table === "longJobs" && patch.state !== undefined && patch.state !== before) {
      longJobs.onExternalStateChange(this, row, before, now);
    }
    if (table === "hosts" && ("status" in patch || "state" in patch)) {
      // a conversion host's hostStatus/hostState are its host's (assumptions.ts, NEW_CONVERSION_HOST_SIZE)
      for (const ch of this.tables.conversionHosts.values()) {
        if (ch.hostUuid === uuid)
          Object.assign(ch, { hostStatus: row.status as unknown, hostState: row.state as unknown });
      }
    }
    this.changed();
    return row;
  }

  /** Deletes a row and whatever run-time state hangs on it. Returns whether it existed. */
  delete(table: TableName, uuid: string): boolean {
    if (table === "longJobs") longJobs.forget(this, uuid);
    if (table === "imagePackages") exportsEngine.forget(this, uuid);
    if (table === "hosts") {
      // deleting a host cascades to its conversion host (V2VConversionHostVO references HostVO)
      for (const ch of [...this.tables.conversionHosts.values()])
        if (ch.hostUuid === uuid) this.delete("conversionHosts", ch.uuid);
    }
    const existed = this.tables[table].delete(uuid);
    this.tags.delete(uuid);
    if (existed) this.changed();
    return existed;
  }

  /** Sets a VM's state (e.g. "Stopped" so it can be exported), keeping hostUuid consistent. */
  setVmState(uuid: string, state: string): Row {
    const vm = this.get("vms", uuid);
    if (!vm) throw new Error(`no VM with uuid ${uuid}`);
    const patch: Record<string, unknown> = { state };
    if (state === "Running") patch.hostUuid = vm.hostUuid ?? vm.lastHostUuid;
    else if (state !== "Paused") patch.hostUuid = undefined;
    return this.update("vms", uuid, patch);
  }

  listApiJobs(): ApiJob[] {
    return [...this.apiJobs.values()];
  }

  // -------------------------------------------------------------------------------------------
  // Async-API store
  // -------------------------------------------------------------------------------------------

  createApiJob(uuid: string, api: string, timeoutMs: number): ApiJob {
    const job: ApiJob = { uuid, api, createdAt: this.now(), timeoutMs, done: false };
    this.apiJobs.set(uuid, job);
    this.changed();
    return job;
  }

  completeApiJob(uuid: string, result: { body: Record<string, unknown> } | { error: ErrorCode }, at?: number): void {
    const job = this.apiJobs.get(uuid);
    if (!job || job.done) return;
    job.done = true;
    job.finishedAt = at ?? this.now();
    if ("error" in result) {
      job.status = 503;
      job.body = gsonStringify({ error: result.error });
    } else {
      job.status = 200;
      job.body = gsonStringify(result.body);
    }
    this.changed();
  }

  /** The first retention scan that deletes a finished record. */
  private expiryOf(job: ApiJob): number {
    const earliest = Math.max(job.finishedAt ?? job.createdAt, job.createdAt + API_JOB_RETENTION_MS + 1);
    const k = Math.max(0, Math.ceil((earliest - this.scanAnchor) / API_JOB_SCAN_INTERVAL_MS));
    return this.scanAnchor + k * API_JOB_SCAN_INTERVAL_MS;
  }

  /** The record as the api-jobs endpoint sees it now, or undefined when unknown or expired. */
  findApiJob(uuid: string, now = this.now()): ApiJob | undefined {
    const job = this.apiJobs.get(uuid);
    if (!job) return undefined;
    if (!job.done && now >= job.createdAt + job.timeoutMs) {
      this.completeApiJob(
        uuid,
        { error: errorCode("SYS.1001", apiTimeoutDetails(job.api, job.timeoutMs)) },
        job.createdAt + job.timeoutMs,
      );
    }
    if (job.done && now >= this.expiryOf(job)) return undefined;
    return job;
  }

  // -------------------------------------------------------------------------------------------
  // Time
  // -------------------------------------------------------------------------------------------

  /** Forces the next tick to recompute what is due (after any change to run-time state). */
  reschedule(): void {
    this.nextDueAt = -Infinity;
  }

  /**
   * Processes, in time order, every event due up to `now`. Cheap when nothing is due. An export
   * whose end is due while its MD5 is still being computed stops the tick there (nothing later is
   * processed either, so the order of events never changes): `waiting()` then returns a promise, and
   * the next tick after it settles carries on. `syncMd5` computes such an MD5 at once instead.
   */
  tick(now = this.now(), opts: { syncMd5?: boolean } = {}): void {
    this.waitingFor = undefined;
    if (now >= this.nextPruneAt) this.pruneApiJobs(now);
    if (now < this.nextDueAt) return;
    for (let guard = 0; guard < 100_000; guard++) {
      let best: { due: number; seq: number; run: (at: number) => Promise<unknown> | void } | undefined;
      for (const [uuid, rt] of this.jobRuntimes) {
        const due = longJobs.dueAt(this, uuid, rt);
        if (due !== undefined && (!best || due < best.due || (due === best.due && rt.seq < best.seq))) {
          best = { due, seq: rt.seq, run: (at) => longJobs.processDue(this, uuid, at) };
        }
      }
      for (const [uuid, ex] of this.exports) {
        const due = exportsEngine.dueAt(ex);
        if (!best || due < best.due || (due === best.due && ex.seq < best.seq)) {
          best = { due, seq: ex.seq, run: (at) => exportsEngine.processDue(this, uuid, at, opts.syncMd5) };
        }
      }
      if (!best) {
        this.nextDueAt = Infinity;
        return;
      }
      if (best.due > now) {
        this.nextDueAt = best.due;
        return;
      }
      const wait = best.run(best.due);
      if (wait) {
        this.waitingFor = wait;
        this.nextDueAt = -Infinity;
        return;
      }
    }
  }

  /** What the last tick is waiting for (an MD5 still being computed), if anything. */
  waiting(): Promise<unknown> | undefined {
    return this.waitingFor;
  }

  /** Ticks until nothing due is waiting for an MD5, then resolves. */
  async settled(): Promise<void> {
    for (;;) {
      this.tick();
      const wait = this.waitingFor;
      if (!wait) return;
      await wait.catch(() => undefined);
    }
  }

  private pruneApiJobs(now: number): void {
    for (const [uuid, job] of this.apiJobs) if (job.done && now >= this.expiryOf(job)) this.apiJobs.delete(uuid);
    this.nextPruneAt = now + API_JOB_SCAN_INTERVAL_MS - ((now - this.scanAnchor) % API_JOB_SCAN_INTERVAL_MS);
  }

  /**
   * Simulates a management-node restart at `now` (assumptions.ts): running long jobs become
   * Suspended, exports in progress are rolled back, pending api-jobs fail with SYS.1012.
   */
  restartManagementNode(now = this.now()): void {
    // exports that were due before the restart complete first, even if their MD5 is not ready yet
    this.tick(now, { syncMd5: true });
    longJobs.suspendAll(this, now);
    exportsEngine.rollbackAll(this, now);
    const err = errorCode("SYS.1012", mnRestartDetails(this.managementNodeUuid));
    for (const job of this.apiJobs.values()) if (!job.done) this.completeApiJob(job.uuid, { error: err }, now);
    this.reschedule();
    this.changed();
  }

  /** Marks the world as changed (persistence) and recomputes what is due. */
  changed(): void {
    this.reschedule();
    this.hooks.onChange();
  }

  // -------------------------------------------------------------------------------------------
  // Persistence
  // -------------------------------------------------------------------------------------------

  snapshot(): WorldSnapshot {
    const tables: WorldSnapshot["tables"] = {};
    for (const t of TABLES) tables[t] = [...this.tables[t].values()];
    return {
      format: "zstack-sim-world",
      version: 1,
      now: this.now(),
      managementNodeUuid: this.managementNodeUuid,
      prng: this.prng.state(),
      seq: this.seqCounter,
      tables,
      longJobRuntimes: Object.fromEntries(this.jobRuntimes),
      exports: Object.fromEntries(this.exports),
      apiJobs: [...this.apiJobs.values()],
      progress: Object.fromEntries(this.progress),
      tags: Object.fromEntries(this.tags),
      longJobTimeline: [...this.timeline.values()],
    };
  }
}

const DATE_FIELDS = ["createDate", "lastOpDate", "expiredDate"];

/** Seed files may carry Java-style or ISO date strings; the world keeps epoch ms. */
function normalizeDates<T extends Row>(row: T): T {
  for (const f of DATE_FIELDS) {
    const v: unknown = row[f];
    if (typeof v === "string") {
      const ms = Date.parse(v.replace(/\u202f/g, " ").replace(/, (\d{4}),/, ", $1"));
      if (!Number.isNaN(ms)) (row as Row)[f] = ms;
    }
  }
  return row;
}
