/**
 * The in-flight limit: at most N V2V conversions run at once per conversion host during a
 * `pulumi up`. A migration takes a slot before it submits (or reruns) its long job and gives it back
 * when it stops waiting for the job; while every slot is taken it waits in a first-come queue and
 * prints `queued` lines.
 *
 * Where the count lives: in the dynamic-provider process. The engine starts one
 * `pulumi-resource-pulumi-nodejs` process per `pulumi up` for every dynamic resource of the stack
 * (one default provider for the `pulumi-nodejs` package, whatever the resource types; checked by
 * listing the processes of real runs), so every V2vMigration of the run, in a plan or not, goes
 * through the same slots. ZStack is the other half of the truth: before its first slot, a host's
 * slots are seeded from ZStack's list of V2V long jobs that are not finished on that host
 * (`QueryLongJob`), and listed again while a queue waits on jobs this process does not watch. So
 * the jobs of an interrupted run (which the re-run adopts: {@link HostSlots.hold}, never counted
 * twice, keyed by the job's uuid), of another stack or of another tool count too, and a second
 * process (another `pulumi up` on the same host) sees this one's jobs at its next listing.
 *
 * A killed run submits nothing from its queue: the process ends synchronously with its engine
 * (`process-lifecycle.ts`), so no waiter ever wakes. A cancelled run (the engine's Cancel, a first Ctrl-C:
 * `core/cancellation.ts`) submits nothing more either: every waiter leaves the queue with RunCancelledError.
 */
import { Clock, LongJobInventory, ZStackClient, longJobData, longJobsIn, processRegistry, registered } from "../client";
import { RunCancelledError, isRunCancelled, onRunCancelled } from "../core/cancellation";
import { formatDuration } from "../core/units";

/** The long-job states in which a conversion occupies its host (docs/zstack-wire.md §6.2). */
export const OCCUPYING_STATES = ["Waiting", "Running", "Canceling"] as const;

/** How often a queue re-lists ZStack's conversions while it waits on jobs this process does not watch. */
export const EXTERNAL_REFRESH_MS = 15_000;

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
}

/** A taken slot: give it back once, when the job is no longer waited for. */
export interface Slot {
  /** the wait is over (the job ended, failed, or timed out): the slot goes to the next in the queue */
  release(): void;
  /** the job runs on unwatched (`waitForCompletion: false`): the slot frees when ZStack lists it finished */
  handOff(): void;
}

interface Waiter extends SlotRequest {
  since: number;
  lastLogAt: number;
  lastAhead: number;
  grant: () => void;
}

/** The conversion host a long job's request names (its `jobData`), if any. */
export function conversionHostOfJob(job: LongJobInventory): string | undefined {
  return longJobData(job)?.conversionHostUuid;
}

/** The slots of one conversion host of one ZStack, in this process. */
export class HostSlots {
  // (fields are assigned in the constructor: Pulumi's closure serializer drops field initializers)
  /** jobs this process submitted or adopted and waits for */
  private readonly held: Set<string>;
  /** unfinished conversions on this host that ZStack lists and this process does not wait for */
  private external: Set<string>;
  private readonly queue: Waiter[];
  private seeded?: Promise<void>;
  private refreshing: boolean;

  constructor(
    private readonly client: ZStackClient,
    private readonly clock: Clock,
    /** undefined: the migrations that name no conversion host (ZStack chooses) */
    readonly conversionHostUuid: string | undefined,
    private readonly jobName: string,
    private readonly refreshMs = EXTERNAL_REFRESH_MS,
  ) {
    this.held = new Set();
    this.external = new Set();
    this.queue = [];
    this.refreshing = false;
  }

  /** Slots taken: the jobs waited for here and the other unfinished conversions ZStack lists. */
  inFlight(): number {
    let n = this.held.size;
    for (const k of this.external) if (!this.held.has(k)) n++;
    return n;
  }

  /** Migrations waiting for a slot. */
  queued(): number {
    return this.queue.length;
  }

  /** A slot for a job about to be submitted (or rerun); waits in the queue while all are taken. */
  async acquire(req: SlotRequest): Promise<Slot> {
    await this.seed();
    if (this.held.has(req.key)) return this.slot(req.key);
    this.external.delete(req.key); // a rerun of a job ZStack still listed
    if (isRunCancelled()) throw this.cancelled(req, 0);
    if (this.queue.length === 0 && this.inFlight() < req.limit) return this.take(req.key);
    const now = this.clock.now();
    await new Promise<void>((grant, reject) => {
      const w: Waiter = { ...req, since: now, lastLogAt: now, lastAhead: this.queue.length, grant };
      this.queue.push(w);
      req.log(
        `${req.label}: queued: ${this.queue.length - 1} ahead of it, ${this.inFlight()} of ${req.limit} conversions running on ${this.hostText()}`,
      );
      // a cancelled run (Ctrl-C) submits nothing more: the waiter leaves the queue unsubmitted
      const unsubscribe = onRunCancelled(() => {
        const i = this.queue.indexOf(w);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(this.cancelled(req, this.clock.now() - now));
      });
      w.grant = () => {
        unsubscribe();
        grant();
      };
      void this.refreshWhileQueued();
    });
    req.log(
      `${req.label}: a conversion slot on ${this.hostText()} is free after ${formatDuration(this.clock.now() - now)} queued (${this.inFlight()} of ${req.limit} running); submitting`,
    );
    return this.slot(req.key);
  }

  private cancelled(req: SlotRequest, queuedMs: number): RunCancelledError {
    const line = `${req.label}: not submitted: the run was cancelled (Ctrl-C) while it ${queuedMs > 0 ? `was queued for ${formatDuration(queuedMs)}` : "waited to start"}; nothing was sent to ZStack, and the next pulumi up migrates it`;
    req.log(line);
    return new RunCancelledError(line);
  }

  /** The slot of a job that already runs (adopted by an interrupted run's re-run): never waits, never counted twice. */
  hold(key: string): Slot {
    this.external.delete(key);
    return this.take(key);
  }

  private take(key: string): Slot {
    this.held.add(key);
    return this.slot(key);
  }

  private slot(key: string): Slot {
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        this.held.delete(key);
        this.pump();
      },
      handOff: () => {
        if (done) return;
        done = true;
        this.held.delete(key);
        this.external.add(key);
        void this.refreshWhileQueued();
      },
    };
  }

  /** Grants free slots to the queue in order. */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight() < this.queue[0].limit) {
      const w = this.queue.shift()!;
      this.held.add(w.key);
      w.grant();
    }
    const now = this.clock.now();
    this.queue.forEach((w, ahead) => {
      if (ahead !== w.lastAhead && now - w.lastLogAt >= w.logIntervalMs) {
        w.log(
          `${w.label}: queued: ${ahead} ahead of it, ${this.inFlight()} of ${w.limit} conversions running on ${this.hostText()}`,
        );
        w.lastLogAt = now;
        w.lastAhead = ahead;
      }
    });
  }

  /** Once per host and process: the unfinished conversions ZStack already runs on this host. */
  private seed(): Promise<void> {
    if (!this.seeded) {
      this.seeded = this.listExternal().catch((e: unknown) => {
        this.seeded = undefined; // the next migration tries again
        throw e;
      });
    }
    return this.seeded;
  }

  private async listExternal(): Promise<void> {
    const jobs = await longJobsIn(this.client, this.jobName, OCCUPYING_STATES);
    const mine = jobs.filter((j) => j.uuid && conversionHostOfJob(j) === this.conversionHostUuid).map((j) => j.uuid!);
    this.external = new Set(mine.filter((k) => !this.held.has(k)));
  }

  /**
   * While migrations queue behind jobs this process does not watch, lists ZStack again: at once
   * (what was listed may have ended since), then every `refreshMs`, until none is left or the queue is empty.
   */
  private async refreshWhileQueued(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      // only while something to list exists: a slot this process holds frees through release()
      const waitingOnOthers = () => this.queue.length > 0 && [...this.external].some((k) => !this.held.has(k));
      while (waitingOnOthers()) {
        await this.listExternal().catch(() => undefined); // a failed listing keeps the last one
        this.pump();
        if (!waitingOnOthers()) break;
        await this.clock.sleep(this.refreshMs);
      }
    } finally {
      this.refreshing = false;
    }
  }

  private hostText(): string {
    return this.conversionHostUuid
      ? `V2V conversion host ${this.conversionHostUuid}`
      : "the conversion host ZStack chooses";
  }
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
