/**
 * One in-flight limit per conversion host for everything that drives the same ZStack: the slots
 * are leases that live in ZStack itself, so concurrent `pulumi up`s of different stacks, processes
 * or machines share them. The protocol (docs/operations.md, "One limit per conversion host"):
 *
 * - **A lease** is a ZStack resource tag (CreateTag) whose uuid is derived from the conversion host,
 *   the slot number `i` (0 ≤ i < limit) and a generation `g`: `uuid(host, i, g)`. Its description
 *   names the long job that holds the slot. ZStack creates an object with a given `resourceUuid`
 *   once: of two runs that create `uuid(host, i, g)` at the same moment, one succeeds.
 * - **The holder of slot i** is the lease of slot i with the highest generation. The slot is taken
 *   while that lease's job is not finished in ZStack (Waiting, Running, Suspended, Canceling), and,
 *   for a job ZStack does not have yet (submitted right after the lease), for `graceMs`.
 * - **To take a slot**, a run lists the host's leases and its unfinished V2V jobs, and, while fewer
 *   than its limit are taken, creates the next generation of a free slot. It then lists the leases
 *   again: a higher generation of that slot (its listing was stale) means it lost; it backs off.
 *   Then it submits its job. A lease of the slot's older generations is deleted (tidying only).
 * - **Freeing** is never an action: a slot frees when ZStack lists its job finished. So a run that is
 *   killed frees its share when its jobs end, a lost answer never frees twice, and an MN restart
 *   (a Suspended job) keeps the slot until the job is resumed and ends, or is cancelled.
 * - **A lost answer** of CreateTag: the run reads the lease; one that names its own job is its own.
 * - Unfinished V2V jobs on the host that no lease names (another tool's, a job of a version without
 *   leases) are counted as taken slots too.
 */
import {
  Clock,
  LONG_JOB_FINAL_STATES,
  LONG_JOB_STATES,
  LongJobInventory,
  TagInventory,
  ZStackClient,
  createTag,
  deleteTag,
  getConversionHost,
  getTag,
  longJobData,
  longJobsByUuid,
  longJobsIn,
  nameBasedZStackUuid,
  QUERY_PAGE_SIZE,
  tagsNamed,
} from "../client";

/** The long-job states in which a conversion holds its slot: every state but the final ones. */
export const HOLDING_STATES = LONG_JOB_STATES.filter((s) => !LONG_JOB_FINAL_STATES.includes(s));

/** How long a lease whose job ZStack does not have counts as taken (its holder is about to submit). */
export const LEASE_GRACE_MS = 120_000;

/** One lease: slot `slot` of a host, generation `gen`, held by long job `job`, which converts `bytes` of source disks (when its run knew). */
export interface Lease {
  uuid: string;
  slot: number;
  gen: number;
  job: string;
  bytes?: number;
}

/** What one listing of a host shows: the current lease of each slot, and which slots are taken. */
export interface HostView {
  /** slot → its highest-generation lease */
  current: Map<number, Lease>;
  /** older generations (tidied away by the next holder of their slot) */
  superseded: Lease[];
  /** slots whose current lease's job holds it */
  taken: Set<number>;
  /** unfinished V2V jobs on the host that no taking lease names */
  unleased: Set<string>;
  /** the unfinished conversions on the host as ZStack lists them (their bytes are out of `cacheAvailable`) */
  running: Set<string>;
  /** the host's cache as ZStack reports it (`availableSize`), when asked for */
  cacheAvailable?: number;
  /** bytes of source disks the slots taken for jobs ZStack does not run yet are about to put in the cache */
  pendingBytes: number;
}

/** The conversion host a long job's request names (its `jobData`), if any. */
export function conversionHostOfJob(job: LongJobInventory): string | undefined {
  return longJobData(job)?.conversionHostUuid;
}

/** The tag name of a host's leases. */
export function leaseTagName(conversionHostUuid: string | undefined): string {
  return `pzm-v2v-slot-${conversionHostUuid ?? "any"}`;
}

/** The uuid of a lease: the same in every process. */
export function leaseUuid(conversionHostUuid: string | undefined, slot: number, gen: number): string {
  return nameBasedZStackUuid(`v2v-conversion-slot/${conversionHostUuid ?? "any"}/${slot}/${gen}`);
}

/** A lease from its tag, or undefined for a tag of that name that is not one. */
export function parseLease(tag: TagInventory): Lease | undefined {
  try {
    const d = JSON.parse(tag.description ?? "") as { job?: unknown; slot?: unknown; gen?: unknown; bytes?: unknown };
    if (typeof d.job !== "string" || typeof d.slot !== "number" || typeof d.gen !== "number" || !tag.uuid)
      return undefined;
    const bytes = typeof d.bytes === "number" && d.bytes > 0 ? { bytes: d.bytes } : {};
    return { uuid: tag.uuid, slot: d.slot, gen: d.gen, job: d.job, ...bytes };
  } catch {
    return undefined;
  }
}

/**
 * Bytes of a conversion host's cache that the conversions running there hold now, as their leases
 * record them (`jobs`: ZStack's V2V jobs; a lease whose job is not unfinished holds nothing): what
 * ZStack's `availableSize` lacks until they end.
 */
export async function cacheHeldOn(
  client: ZStackClient,
  conversionHostUuid: string,
  jobs: readonly LongJobInventory[],
): Promise<{ count: number; bytes: number }> {
  const holding = new Set(
    jobs
      .filter((j) => j.uuid && j.state && HOLDING_STATES.includes(j.state))
      .filter((j) => conversionHostOfJob(j) === conversionHostUuid)
      .map((j) => j.uuid),
  );
  let count = 0;
  let bytes = 0;
  if (holding.size === 0) return { count, bytes }; // nothing runs there: no listing
  for (const t of await tagsNamed(client, leaseTagName(conversionHostUuid))) {
    const l = parseLease(t);
    if (l?.bytes && holding.has(l.job)) {
      count++;
      bytes += l.bytes;
    }
  }
  return { count, bytes };
}

/** A host's slot leases in one ZStack, as one process sees them. */
export class SlotLeases {
  /** lease uuid → when this process first saw that its job does not exist in ZStack */
  private readonly missingSince: Map<string, number>;
  /** jobs seen finished (a rerun brings one back to the unfinished list, which is read first) */
  private readonly finished: Set<string>;
  /** the unfinished jobs of the last listing: one missing from the next has finished (or was deleted) */
  private listedUnfinished: Set<string>;
  /** tidying of superseded leases, done after the grant it follows (`settle`) */
  private tidying: Array<Promise<void>>;
  /** requests sent, for the benchmark */
  requests: number;
  /** slots given back because two runs took them at once for conversions that did not fit together */
  cacheConflicts: number;

  constructor(
    private readonly client: ZStackClient,
    private readonly clock: Clock,
    readonly conversionHostUuid: string | undefined,
    private readonly jobName: string,
    private readonly graceMs = LEASE_GRACE_MS,
  ) {
    this.missingSince = new Map();
    this.finished = new Set();
    this.listedUnfinished = new Set();
    this.tidying = [];
    this.requests = 0;
    this.cacheConflicts = 0;
  }

  private leases(tags: TagInventory[]): { current: Map<number, Lease>; superseded: Lease[] } {
    const current = new Map<number, Lease>();
    const superseded: Lease[] = [];
    for (const t of tags) {
      const l = parseLease(t);
      if (!l) continue;
      const c = current.get(l.slot);
      if (!c || l.gen > c.gen) {
        if (c) superseded.push(c);
        current.set(l.slot, l);
      } else superseded.push(l);
    }
    return { current, superseded };
  }

  /**
   * One listing of the host: its leases and its unfinished conversions (two requests; a third only
   * for leases whose job is in neither list). `mine`: the jobs this process holds a slot for (taken
   * whatever ZStack says); `gone`: jobs this process gave up before submitting (free at once).
   * `cache`: the conversion host too (its `availableSize`), in parallel.
   */
  async view(mine: ReadonlySet<string>, gone: ReadonlySet<string>, cache = false): Promise<HostView> {
    const askHost = cache && this.conversionHostUuid !== undefined;
    const [tags, unfinishedJobs, host] = await Promise.all([
      tagsNamed(this.client, leaseTagName(this.conversionHostUuid)),
      longJobsIn(this.client, this.jobName, HOLDING_STATES),
      askHost ? getConversionHost(this.client, this.conversionHostUuid) : undefined,
    ]);
    this.requests += askHost ? 3 : 2;
    const unfinished = new Set(
      unfinishedJobs.filter((j) => j.uuid && conversionHostOfJob(j) === this.conversionHostUuid).map((j) => j.uuid!),
    );
    const { current, superseded } = this.leases(tags);
    // a job the last listing showed unfinished and this one does not has ended (or was deleted): its
    // slot frees now, without a lookup (the hand-off's path). Only from a listing of one page: pages
    // are separate queries, between which a job may move.
    const complete = unfinishedJobs.length < QUERY_PAGE_SIZE;
    for (const l of current.values())
      if (complete && this.listedUnfinished.has(l.job) && !unfinished.has(l.job)) this.finished.add(l.job);
    // jobs in neither list: finished (a job this process still waits for included: its end frees the
    // slot at this listing, not when its waiter next polls), or not submitted yet
    const unknown = [...current.values()]
      .map((l) => l.job)
      .filter((j) => !unfinished.has(j) && !this.finished.has(j) && !gone.has(j));
    if (unknown.length > 0) {
      const found = await longJobsByUuid(this.client, unknown);
      this.requests++;
      for (const j of found)
        if (j.uuid && j.state && LONG_JOB_FINAL_STATES.includes(j.state)) this.finished.add(j.uuid);
      // a job that ZStack lists unfinished now (it was submitted since the listing) holds its slot
      for (const j of found) if (j.uuid && j.state && !LONG_JOB_FINAL_STATES.includes(j.state)) unfinished.add(j.uuid);
    }
    this.listedUnfinished = complete ? unfinished : new Set();
    const now = this.clock.now();
    const taken = new Set<number>();
    for (const l of current.values()) {
      if (unfinished.has(l.job)) {
        this.missingSince.delete(l.uuid);
        taken.add(l.slot);
        continue;
      }
      if (this.finished.has(l.job) || gone.has(l.job)) continue;
      // ZStack does not have the job: its holder is about to submit it (this process: taken until it
      // gives the slot back), or died before it did (another's: taken for the grace)
      if (mine.has(l.job)) {
        taken.add(l.slot);
        continue;
      }
      const since = this.missingSince.get(l.uuid) ?? now;
      this.missingSince.set(l.uuid, since);
      if (now - since < this.graceMs) taken.add(l.slot);
    }
    const leased = new Set([...current.values()].filter((l) => taken.has(l.slot)).map((l) => l.job));
    const unleased = new Set(
      [...unfinished, ...[...mine].filter((j) => !this.finished.has(j))].filter((j) => !leased.has(j)),
    );
    // a running conversion's bytes are in ZStack's availableSize already; a slot's job about to start is not
    let pendingBytes = 0;
    for (const l of current.values()) if (taken.has(l.slot) && !unfinished.has(l.job)) pendingBytes += l.bytes ?? 0;
    const cacheAvailable = typeof host?.availableSize === "number" ? { cacheAvailable: host.availableSize } : {};
    return { current, superseded, taken, unleased, running: unfinished, pendingBytes, ...cacheAvailable };
  }

  /** Whether `job` already holds a slot in `view`: a lease of it that holds its slot (an interrupted run's, a lost answer), or its job runs (adopted). */
  static holds(view: HostView, job: string): boolean {
    for (const l of view.current.values()) if (l.job === job && view.taken.has(l.slot)) return true;
    return view.unleased.has(job);
  }

  /**
   * Whether `bytes` more fit in the host's cache (docs/operations.md, "The conversion host's cache"):
   * what ZStack reports available, less what the slots taken for jobs not yet running will copy. A host
   * that runs nothing of a wave always has room (nothing would free any; the capacity preflight speaks).
   */
  static fitsCache(view: HostView, bytes: number | undefined): boolean {
    if (!bytes || view.cacheAvailable === undefined || SlotLeases.occupied(view) === 0) return true;
    return view.pendingBytes + bytes <= view.cacheAvailable;
  }

  /**
   * After taking `lease`: its bytes, with those of every other slot taken for a conversion that
   * ZStack does not run yet (as the listing after the take shows them, whoever took them, in whatever
   * order), fit in the cache ZStack reported. Order-free, so two runs that take slots at once never
   * both start more than fits: either may back off, and each retries after a random pause.
   */
  private cacheAllows(view: HostView, after: Map<number, Lease>, lease: Lease): boolean {
    if (!lease.bytes || view.cacheAvailable === undefined) return true;
    let pending = 0;
    let others = view.running.size > 0;
    for (const l of after.values()) {
      if (l.uuid === lease.uuid || view.running.has(l.job) || this.finished.has(l.job)) continue;
      const listed = view.current.get(l.slot);
      // a lease the view knew and found free (its job finished, or its grace is over) holds nothing
      if (listed?.uuid === l.uuid && !view.taken.has(l.slot)) continue;
      pending += l.bytes ?? 0;
      others = true;
    }
    return !others || pending + lease.bytes <= view.cacheAvailable;
  }

  /** Slots taken on the host, as `view` shows them. */
  static occupied(view: HostView): number {
    return view.taken.size + view.unleased.size;
  }

  /**
   * Takes a slot for `job` under `limit`, or answers false (the host is full, or another run won the
   * slot: list again). Updates `view` with the lease taken.
   */
  async take(view: HostView, job: string, limit: number, bytes?: number): Promise<boolean> {
    // a slot it already holds is its own, counted already
    if (SlotLeases.holds(view, job)) return true;
    if (SlotLeases.occupied(view) >= limit) return false;
    let slot = -1;
    for (let i = 0; i < limit; i++) {
      if (!view.taken.has(i)) {
        slot = i;
        break;
      }
    }
    if (slot < 0) return false;
    const gen = (view.current.get(slot)?.gen ?? -1) + 1;
    const sized = bytes && bytes > 0 ? { bytes } : {};
    const lease: Lease = { uuid: leaseUuid(this.conversionHostUuid, slot, gen), slot, gen, job, ...sized };
    const description = JSON.stringify({ job, slot, gen, ...sized });
    try {
      this.requests++;
      await createTag(this.client, {
        name: leaseTagName(this.conversionHostUuid),
        value: `conversion slot ${slot} (generation ${gen}) of V2V conversion host ${this.conversionHostUuid ?? "chosen by ZStack"}`,
        description,
        resourceUuid: lease.uuid,
      });
    } catch (e) {
      // refused (another run created it first) or the answer was lost: the lease says whose it is
      this.requests++;
      const t = await getTag(this.client, lease.uuid).catch(() => undefined);
      const found = t && parseLease(t);
      if (!found) {
        if (t === undefined) throw e;
        return false;
      }
      if (found.job !== job) {
        view.current.set(slot, found);
        view.taken.add(slot);
        return false;
      }
    }
    // a stale listing may have let this run create an old generation: the highest one holds the slot
    this.requests++;
    const after = this.leases(await tagsNamed(this.client, leaseTagName(this.conversionHostUuid)));
    const holder = after.current.get(slot);
    if (holder && holder.gen > gen) {
      this.tidyLater([lease]);
      view.current.set(slot, holder);
      view.taken.add(slot);
      return false;
    }
    if (!this.cacheAllows(view, after.current, lease)) {
      // another run took a slot for a conversion at the same time, and both do not fit: give it back
      // now (a lease left behind would hold the slot for its grace); whoever lists next tries again
      this.requests++;
      await deleteTag(this.client, lease.uuid).catch(() => undefined);
      this.cacheConflicts++;
      return false;
    }
    view.current.set(slot, lease);
    view.taken.add(slot);
    view.pendingBytes += lease.bytes ?? 0;
    this.tidyLater(after.superseded.filter((l) => l.slot === slot && l.gen < gen));
    return true;
  }

  /**
   * Deletes leases that no longer decide anything (best effort: a failure leaves a harmless tag),
   * while the slot's new holder submits: tidying is off the hand-off's path. `settle` awaits it.
   */
  private tidyLater(leases: Lease[]): void {
    for (const l of leases) {
      this.requests++;
      this.tidying.push(
        deleteTag(this.client, l.uuid).then(
          () => undefined,
          () => undefined,
        ),
      );
    }
  }

  /** Waits for the tidying started so far (the queue does, before its next listing). */
  async settle(): Promise<void> {
    const pending = this.tidying;
    this.tidying = [];
    await Promise.all(pending);
  }
}
