/**
 * The in-flight limit: at most N V2V conversions run at once per conversion host, counting every
 * `pulumi up` (of any stack, process or machine) that drives the same ZStack. A migration takes a
 * slot before it submits (or reruns) its long job and gives it back when it stops waiting for the
 * job; while every slot is taken it waits in a queue and prints `queued` lines.
 *
 * Two layers:
 * - **Across runs**, the slots are leases kept in ZStack (`slot-leases.ts`, the protocol): a slot
 *   frees when ZStack lists its job finished, whoever submitted it; unfinished V2V jobs that no lease
 *   names (another tool's) count too.
 * - **Within a process**, the queue: the engine starts one `pulumi-resource-pulumi-nodejs` process per
 *   `pulumi up` for every dynamic resource of the stack, so every V2vMigration of the run waits in the
 *   same queue of its host. The queue is ordered by priority (a plan's `order`: the source disks'
 *   size, largest first, by default), then first come. While it is not empty, one listing of the host
 *   per `pollMs` (about a second) serves every waiting migration; a slot this process gives back wakes
 *   the queue at once. A migration of a pool (`conversionHostUuids`) waits in the queue of every host
 *   of its pool and takes the first slot that frees.
 *
 * A killed run submits nothing from its queue: the process ends synchronously with its engine
 * (`process-lifecycle.ts`), so no waiter ever wakes; its leases free as ZStack finishes its jobs. A
 * cancelled run (the engine's Cancel, a first Ctrl-C: `core/cancellation.ts`) submits nothing more
 * either: every waiter leaves the queue with RunCancelledError.
 */
import { Clock, ZStackClient, processRegistry, registered } from "../client";
import { RunCancelledError, isRunCancelled, onRunCancelled } from "../core/cancellation";
import { formatBytes, formatDuration } from "../core/units";
import { HostView, LEASE_GRACE_MS, SlotLeases } from "./slot-leases";

export { conversionHostOfJob } from "./slot-leases";

/** How long a queue that starts gathers the migrations arriving with the first before it grants any. */
export const QUEUE_GATHER_MS = 100;

/** How often a waiting queue lists its host's leases and conversions (one listing serves the whole queue). */
export const QUEUE_POLL_MS = 1_000;

export interface SlotRequest {
  /** the long job's uuid (the migration's resourceUuid): one slot per job */
  key: string;
  /** conversions at once on this host, this migration's limit */
  limit: number;
  /** `V2vMigration wave1-web-01`, for the queued lines */
  label: string;
  log: (line: string) => void;
  /** at most one `queued` line per this interval per migration, besides the first and the last */
  logIntervalMs: number;
  /** higher starts first among the migrations queued on a host (default 0); equal ones, first come */
  priority?: number;
  /** bytes of source disks it copies into the conversion host's cache (the capacity preflight's), when known */
  bytes?: number;
}

/** A taken slot: give it back once, when the job is no longer waited for. */
export interface Slot {
  /** the conversion host the slot is on (undefined: ZStack chooses) */
  readonly conversionHostUuid: string | undefined;
  /** the wait is over (the job ended, failed, or timed out): the slot goes to the next in the queue */
  release(): void;
  /** the job runs on unwatched (`waitForCompletion: false`): the slot frees when ZStack lists it finished */
  handOff(): void;
}

/** A migration waiting for a slot, on one host or on each host of its pool. */
export interface Waiter extends SlotRequest {
  seq: number;
  since: number;
  lastLogAt: number;
  lastAhead: number;
  /** set while a host is taking a slot for it, and once granted: no other host takes one */
  claimed: boolean;
  /** why the last listing did not start it though a slot was free: the host's cache (for the queued line) */
  cacheShort?: string;
  hosts: HostSlots[];
  grant: (host: HostSlots) => void;
}

let arrivals = 0;

/** The slots of one conversion host of one ZStack, in this process. */
export class HostSlots {
  // (fields are assigned in the constructor: Pulumi's closure serializer drops field initializers)
  /** jobs this process submitted or adopted and waits for (or is about to submit) */
  private readonly held: Set<string>;
  /** jobs this process took a slot for and gave back without a job in ZStack (a failed submit) */
  private readonly gone: Set<string>;
  private readonly queue: Waiter[];
  private readonly leases: SlotLeases;
  private pumping: boolean;
  private arrived: boolean;
  private wake?: () => void;
  private last?: HostView;
  private conflictsSeen: number;

  constructor(
    client: ZStackClient,
    readonly clock: Clock,
    /** undefined: the migrations that name no conversion host (ZStack chooses) */
    readonly conversionHostUuid: string | undefined,
    jobName: string,
    private readonly pollMs = QUEUE_POLL_MS,
    graceMs = LEASE_GRACE_MS,
  ) {
    this.held = new Set();
    this.gone = new Set();
    this.queue = [];
    this.pumping = false;
    this.arrived = false;
    this.conflictsSeen = 0;
    this.leases = new SlotLeases(client, clock, conversionHostUuid, jobName, graceMs);
  }

  /** Slots taken: as the last listing showed them, less the slots this process gave back since. */
  inFlight(): number {
    return this.last ? SlotLeases.occupied(this.last) : this.held.size;
  }

  /** The last listing, kept up to date with what this process knows: `key`'s slot is free. */
  private forget(key: string): void {
    if (!this.last) return;
    this.last.unleased.delete(key);
    for (const l of this.last.current.values()) if (l.job === key) this.last.taken.delete(l.slot);
  }

  /** Migrations waiting for a slot. */
  queued(): number {
    return this.queue.length;
  }

  /** Requests sent to ZStack for the slots of this host (the benchmark's figure). */
  requests(): number {
    return this.leases.requests;
  }

  /** A slot for a job about to be submitted (or rerun); waits in the queue while all are taken. */
  acquire(req: SlotRequest): Promise<Slot> {
    return acquireInPool([this], req);
  }

  /** The slot of a job that already runs (adopted by an interrupted run's re-run): never waits, never counted twice. */
  hold(key: string): Slot {
    this.held.add(key);
    const leased =
      this.last && [...this.last.current.values()].some((l) => l.job === key && this.last!.taken.has(l.slot));
    if (this.last && !leased) this.last.unleased.add(key);
    return this.slot(key);
  }

  /** @internal */
  enqueue(w: Waiter): void {
    this.queue.push(w);
    this.arrived = true;
    this.sort();
    void this.pump();
  }

  /** @internal */
  dequeue(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** @internal the `queued` line of a waiter on this host */
  queuedLine(w: Waiter): string {
    const cache = w.cacheShort ? `; ${w.cacheShort}` : "";
    return `${w.label}: queued: ${this.queue.indexOf(w)} ahead of it, ${this.inFlight()} of ${w.limit} conversions running on ${this.hostText()}${cache}`;
  }

  hostText(): string {
    return this.conversionHostUuid
      ? `V2V conversion host ${this.conversionHostUuid}`
      : "the conversion host ZStack chooses";
  }

  private sort(): void {
    this.queue.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.seq - b.seq);
  }

  private slot(key: string): Slot {
    let done = false;
    return {
      conversionHostUuid: this.conversionHostUuid,
      release: () => {
        if (done) return;
        done = true;
        this.held.delete(key);
        this.gone.add(key); // ZStack has its job finished, or never had it: the lease is free either way
        this.forget(key);
        this.wake?.();
      },
      handOff: () => {
        if (done) return;
        done = true;
        this.held.delete(key); // the lease holds the slot until ZStack lists the job finished
      },
    };
  }

  /**
   * While the queue is not empty: one listing of the host, then slots for the waiters in order until
   * the host is full; then a pause of `pollMs`, cut short when this process gives a slot back.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // the migrations a run starts at once arrive within moments: the first pass sees them all (their order counts)
      await this.clock.sleep(QUEUE_GATHER_MS);
      while (this.queue.length > 0) {
        let view: HostView | undefined;
        try {
          view = await this.leases.view(
            this.held,
            this.gone,
            this.queue.some((w) => w.bytes),
          );
          this.last = view;
        } catch {
          view = undefined; // a failed listing: try again after the pause
        }
        // migrations that arrive during a pass are served by the same listing, not after the pause
        if (view)
          do {
            this.arrived = false;
            await this.grantFrom(view);
            // tidying of superseded leases, while the granted migrations submit
            await this.leases.settle();
          } while (this.arrived);
        this.logQueue();
        if (this.queue.length === 0) break;
        // after a cache conflict with another run, a random pause: the two do not meet again
        const conflicts = this.leases.cacheConflicts;
        const pause = conflicts > this.conflictsSeen ? this.pollMs * (1 + Math.random()) : this.pollMs;
        this.conflictsSeen = conflicts;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          void this.clock.sleep(pause).then(resolve);
        });
        this.wake = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async grantFrom(view: HostView): Promise<void> {
    for (const w of [...this.queue]) {
      // a full host still grants a slot its job already holds (an interrupted run's lease): it is counted
      if (SlotLeases.occupied(view) >= w.limit && !SlotLeases.holds(view, w.key)) {
        // the host is full for this waiter; a later one with a higher limit may still fit
        continue;
      }
      if (w.claimed) continue; // another host of its pool is taking a slot for it
      if (!SlotLeases.holds(view, w.key) && !SlotLeases.fitsCache(view, w.bytes)) {
        // its disks do not fit in the cache beside the conversions about to start: a smaller one may
        w.cacheShort = `its ${formatBytes(w.bytes ?? 0)} of source disks wait for room in the host's cache (${formatBytes(view.cacheAvailable ?? 0)} available, ${formatBytes(view.pendingBytes)} of it for conversions about to start)`;
        continue;
      }
      w.cacheShort = undefined;
      w.claimed = true;
      let ok: boolean;
      try {
        this.held.add(w.key); // taken whatever ZStack shows until it is submitted
        ok = await this.leases.take(view, w.key, w.limit, w.bytes);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.held.delete(w.key);
        w.claimed = false;
        if (SlotLeases.occupied(view) >= w.limit) continue;
        break; // another run won the slot: list again
      }
      this.gone.delete(w.key);
      for (const h of w.hosts) h.dequeue(w);
      w.grant(this);
    }
  }

  private logQueue(): void {
    const now = this.clock.now();
    this.queue.forEach((w, ahead) => {
      // the first line once a listing did not grant it, then when its place changed (at most once per interval)
      if (w.lastAhead === -1 || (ahead !== w.lastAhead && now - w.lastLogAt >= w.logIntervalMs)) {
        w.log(this.queuedLine(w));
        w.lastLogAt = now;
        w.lastAhead = ahead;
      }
    });
  }

  /** @internal */
  slotFor(key: string): Slot {
    return this.slot(key);
  }
}

/**
 * A slot on whichever host of `hosts` frees first (one host: that host's slot). The migration waits
 * in the queue of each; the first host that takes a lease for it grants it, and it leaves the others.
 */
export async function acquireInPool(hosts: HostSlots[], req: SlotRequest): Promise<Slot> {
  if (isRunCancelled()) throw cancelled(req, 0);
  const clock = hosts[0].clock;
  const now = clock.now();
  let unsubscribe = () => {};
  const state: { w?: Waiter } = {};
  let host: HostSlots;
  try {
    host = await new Promise<HostSlots>((grant, reject) => {
      const waiter: Waiter = {
        ...req,
        seq: arrivals++,
        since: now,
        lastLogAt: now,
        lastAhead: -1,
        claimed: false,
        hosts,
        grant,
      };
      state.w = waiter;
      // a cancelled run (Ctrl-C) submits nothing more: the waiter leaves the queue unsubmitted
      unsubscribe = onRunCancelled(() => {
        if (waiter.claimed) return; // a slot is being taken for it: refused below, once granted
        waiter.claimed = true;
        for (const h of hosts) h.dequeue(waiter);
        reject(cancelled(req, clock.now() - now));
      });
      for (const h of hosts) h.enqueue(waiter);
    });
  } finally {
    unsubscribe();
  }
  const slot = host.slotFor(req.key);
  if (isRunCancelled()) {
    slot.release();
    throw cancelled(req, clock.now() - now);
  }
  if (state.w && state.w.lastAhead !== -1)
    req.log(
      `${req.label}: a conversion slot on ${host.hostText()} is free after ${formatDuration(clock.now() - now)} queued (${host.inFlight()} of ${req.limit} running); submitting`,
    );
  return slot;
}

function cancelled(req: SlotRequest, queuedMs: number): RunCancelledError {
  const line = `${req.label}: not submitted: the run was cancelled (Ctrl-C) while it ${queuedMs > 0 ? `was queued for ${formatDuration(queuedMs)}` : "waited to start"}; nothing was sent to ZStack, and the next pulumi up migrates it`;
  req.log(line);
  return new RunCancelledError(line);
}

/** The slots of a conversion host of the ZStack `client` talks to, shared by the whole process. */
export function hostSlots(
  client: ZStackClient,
  clock: Clock,
  conversionHostUuid: string | undefined,
  jobName: string,
): HostSlots {
  const key = `${client.base.href}|${conversionHostUuid ?? ""}`;
  return registered(
    processRegistry<string, HostSlots>("InFlight"),
    key,
    () => new HostSlots(client, clock, conversionHostUuid, jobName),
  );
}
