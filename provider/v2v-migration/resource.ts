/**
 * The V2vMigration resource: one ConvertVmFromForeignHypervisor long job per resource
 * (docs/zstack-wire.md §6, §7), from submission to a migrated VM. Its inputs are declared in
 * `inputs.ts`; its checks are `validate.ts` (local), `references.ts` (against ZStack) and
 * `preflight.ts` (capacity); the in-flight limit is `in-flight.ts`, the guard `remigration-guard.ts`.
 */
import {
  LONG_JOB_STATES,
  LongJobInventory,
  ZStackApiError,
  ZStackClient,
  ZStackError,
  ZStackHttpError,
  ZStackTimeoutError,
  cancelLongJob,
  convertVmFromForeignHypervisor,
  deleteLongJob,
  destroyVmInstance,
  expungeVmInstance,
  getLongJob,
  longJobData,
  longJobsIn,
  randomZStackUuid,
  redactJsonString,
  rerunLongJob,
  resumeLongJob,
  taskProgressPercent,
  updateLongJob,
} from "../client";
import { ProviderContext } from "../core/context";
import { createCallArgs } from "../core/input-table";
import {
  DiffResult,
  VanishedError,
  adoptOrSubmit,
  answerOrRefetch,
  checkInputs,
  diffInputs,
  echoedInputs,
  ignoreGone,
  recordedFailure,
  recordedInputs,
  resourceLabel,
  secretsOf,
  checkedAgainstZStack,
  UNREACHABLE,
  vanishedBeforeUpdate,
} from "../core/lifecycle";
import { waitWithProgress } from "../core/polling";
import { CheckResult, ResourceLogic } from "../core/resource";
import { Validator, timeoutOf } from "../core/validation";
import { formatBytes } from "../core/units";
import { containsUnknown, jsonEqual, withoutUndefined } from "../core/values";
import { Slot, SlotRequest } from "./in-flight";
import { hostOfJob, jobHostSlot, takeSlot } from "./host-pool";
import {
  V2V_DEFAULT_TIMEOUTS,
  V2V_JOB_NAME,
  V2V_MESSAGE,
  V2V_MIGRATION_INPUTS,
  V2vMigrationInputs,
  V2vMigrationOutputs,
} from "./inputs";
import {
  alreadyMigratedMessage,
  earlierMigrations,
  isReleased,
  releaseLongJob,
  unreleaseLongJob,
} from "./earlier-migrations";
import { isFinal, longJobFailureReason, migratedVmUuid } from "./long-job";
import { CapacityLedger, capacityPreflight } from "./preflight";
import { cacheHeldOn } from "./slot-leases";
import { checkReferences } from "./references";
import { remigrationError } from "./remigration-guard";
import { needsSource, recordedSource, resolveSource, withSourceDefaults } from "./source";
import { checkStaticIps, keepStaticIps, staticIpsUnfinished, withStaticIps } from "./static-ips";
import { validateInputs } from "./validate";

const TYPE_NAME = "V2vMigration";

/** A memory size below this is surely a unit mistake (GiB meant): `check` warns. */
const SMALL_MEMORY = 64 * 1024 ** 2;

const asString = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

export class V2vMigrationResource implements ResourceLogic<V2vMigrationInputs, V2vMigrationOutputs> {
  readonly typeName = TYPE_NAME;

  constructor(private readonly ctx: ProviderContext) {}

  // ------------------------------------------------------------------ check

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
    const r = await checkInputs(olds, news, {
      typeName: TYPE_NAME,
      message: V2V_MESSAGE,
      inputs: V2V_MIGRATION_INPUTS,
      validate: (v, adopting) => validateInputs(v, adopting),
      // a recorded migration keeps the url, CPU and memory it resolved: its source is never looked up again
      recorded: (recorded, inputs) => Object.assign(inputs, recordedSource(recorded, inputs)),
      ctx: this.ctx,
      adopt: {
        get: getLongJob,
        type: "LongJobVO",
        verify: (job, v) => {
          if (job.jobName && job.jobName !== V2V_JOB_NAME) {
            v.fail(
              "adoptUuid",
              `long job[uuid:${job.uuid}] is a ${job.jobName}, not a V2V conversion (${V2V_JOB_NAME})`,
            );
          }
        },
      },
      checkReferences: (c, v, inputs) => this.checkAgainstZStack(c, v, inputs),
    });
    const memory = r.inputs.memorySize;
    if (typeof memory === "number" && memory > 0 && memory < SMALL_MEMORY) {
      const label = resourceLabel(TYPE_NAME, r.inputs, asString(r.inputs.name));
      this.ctx.log(
        `${label}: warning: memorySize is ${memory} bytes (${formatBytes(memory)}); memorySize is in bytes: did you mean ${memory} GiB (${memory} * 1024 ** 3)?`,
      );
    }
    return r;
  }

  /** The references (`references.ts`), then, for a migration this run creates, the capacity preflight (`preflight.ts`). */
  private async checkAgainstZStack(c: ZStackClient, v: Validator, inputs: Record<string, unknown>): Promise<void> {
    const cache = this.ctx.checkCache();
    const { source, ...found } = await checkReferences(c, cache, v, inputs);
    await checkStaticIps(this.ctx, c, cache, v, inputs, source);
    if (!source || typeof inputs.resourceUuid !== "string") return;
    // a job ZStack already has (an interrupted run's, which create adopts) needs no more capacity
    const resourceUuid = inputs.resourceUuid;
    let existing: LongJobInventory[] = [];
    await checkedAgainstZStack(c, TYPE_NAME, v, async () => (existing = await this.v2vJobs(c)));
    if (v.hasFailed(UNREACHABLE)) return;
    const earlier = await this.refusedAsMigrated(c, existing, inputs, resourceUuid);
    if (earlier) return v.fail(typeof inputs.sourceVmName === "string" ? "sourceVmName" : "url", earlier);
    if (existing.some((j) => j.uuid === resourceUuid)) return;
    const ledger = this.ctx.runState("capacity-ledger", () => new CapacityLedger());
    // what conversions running there now (of other runs) hold of each host's cache: given back before ours run
    const heldOn = new Map<string, { count: number; bytes: number }>();
    for (const h of found.conversionHosts ?? [])
      if (h.uuid)
        heldOn.set(h.uuid, await cache.get(`v2v-cache-held/${h.uuid}`, () => cacheHeldOn(c, h.uuid!, existing)));
    capacityPreflight(v, ledger, inputs, this.limitOf(inputs), { ...found, source, heldOn });
  }

  /**
   * Why creating this migration would migrate its source a second time (`earlier-migrations.ts`), or
   * undefined: no earlier Succeeded conversion of the url whose VM still exists, or `allowRemigration`.
   */
  private async refusedAsMigrated(
    c: ZStackClient,
    jobs: readonly LongJobInventory[],
    inputs: { url?: unknown; allowRemigration?: unknown; name?: unknown },
    resourceUuid: string | undefined,
  ): Promise<string | undefined> {
    if (typeof inputs.url !== "string" || inputs.allowRemigration === true) return undefined;
    const earlier = await earlierMigrations(c, jobs, inputs.url, resourceUuid);
    if (earlier.length === 0) return undefined;
    return alreadyMigratedMessage(resourceLabel(TYPE_NAME, inputs, asString(inputs.name)), inputs.url, earlier);
  }

  /** ZStack's V2V long jobs, listed once for a run's checks and creates (refreshed after a minute). */
  private v2vJobs(c: ZStackClient): Promise<LongJobInventory[]> {
    return this.ctx.checkCache().get("v2v-jobs", () => longJobsIn(c, V2V_JOB_NAME, LONG_JOB_STATES));
  }

  /** A migration's in-flight limit: its `maxInFlight`, else `zstack:maxConcurrentMigrations`. */
  private limitOf(inputs: { maxInFlight?: unknown }): number {
    return typeof inputs.maxInFlight === "number" ? inputs.maxInFlight : this.ctx.config().maxConcurrentMigrations;
  }

  // ------------------------------------------------------------------ diff

  /**
   * The source is the url: unset (`sourceVmName` given, its resolution not yet in the inputs), it is
   * the recorded one; a changed `sourceVmName` that `check` resolved to the recorded url is the same
   * source (recorded in place). Unset `cpuNum` and `memorySize` are the recorded ones. A replacement
   * of a Succeeded migration is refused unless `allowRemigration` is set (`remigrationError`).
   */
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
    const unset = (k: string) => news[k] === undefined || news[k] === null;
    const urlFromName = unset("url") && !unset("sourceVmName");
    // both sides carry a known url (check resolved the name, or the program set it): the url decides,
    // and a renamed source that resolves to the same url is recorded in place, not migrated again
    const urlDecides = typeof olds.url === "string" && typeof news.url === "string" && !containsUnknown(news.url);
    // maxInFlight is read when a job is submitted: a new limit changes no recorded migration
    const ignore = (k: string) =>
      (k === "url" && urlFromName) ||
      ((k === "cpuNum" || k === "memorySize") && unset(k)) ||
      (k === "sourceVmName" && urlDecides) ||
      k === "maxInFlight" ||
      k === "queuePriority" ||
      // the pool is read at submission: a recorded job keeps its host, whatever the pool says now
      k === "conversionHostUuids" ||
      (k === "conversionHostUuid" && unset(k) && Array.isArray(news.conversionHostUuids));
    const result = diffInputs(V2V_MIGRATION_INPUTS, olds, news, {
      ignore,
      // a job that is not Succeeded is finished (waited for, or rerun) by the next update
      unfinished:
        (news.waitForCompletion !== false && typeof olds.state === "string" && olds.state !== "Succeeded") ||
        staticIpsUnfinished(olds, news),
    });
    if (!result.changes && urlDecides && !jsonEqual(olds.sourceVmName, news.sourceVmName))
      return { ...result, changes: true };
    // a Succeeded migration is not run again by accident (docs/resources/v2v-migration.md, "Re-migration guard")
    const refusal = remigrationError(
      resourceLabel(TYPE_NAME, news, asString(olds.name) ?? asString(news.name)),
      olds,
      news,
      result.replaces,
    );
    if (refusal) throw refusal;
    return result;
  }

  // ------------------------------------------------------------------ create

  async create(given: V2vMigrationInputs): Promise<{ id: string; outs: V2vMigrationOutputs }> {
    const c = this.ctx.client();
    // check resolved the source unless it could not reach ZStack (or validateReferences is off)
    const inputs =
      !given.adoptUuid && needsSource(given) ? withSourceDefaults(given, await resolveSource(c, given)) : given;
    const clock = this.ctx.clock();
    const timeout = timeoutOf(inputs.timeouts, "create", V2V_DEFAULT_TIMEOUTS).ms;
    const label = resourceLabel(TYPE_NAME, inputs, inputs.name ?? inputs.adoptUuid);
    let slot: Slot | undefined;
    // timeouts.create counts from the submission, not from the time queued for a slot
    let startedAt: number | undefined;
    const resourceUuid = inputs.resourceUuid ?? randomZStackUuid();
    // never twice, even when check could not look (validateReferences false, ZStack unreachable then)
    if (!inputs.adoptUuid) await this.refuseOrClearEarlier(c, inputs, resourceUuid, label);
    try {
      const { found, submitted } = await adoptOrSubmit({
        label,
        kind: "long job",
        adoptUuid: inputs.adoptUuid,
        resourceUuid,
        // a released record taken back by adoptUuid is this stack's again
        get: async (uuid) => {
          const job = await getLongJob(c, uuid);
          return job && uuid === inputs.adoptUuid ? unreleaseLongJob(c, job) : job;
        },
        verify: (job, field) => this.verifyJob(job, inputs, field),
        submit: async (resourceUuid) => {
          slot = await takeSlot(c, clock, inputs, this.slotRequest(inputs, resourceUuid, label));
          startedAt = clock.now();
          // with a pool, the host whose slot it took
          const host = inputs.conversionHostUuids ? { conversionHostUuid: slot.conversionHostUuid } : {};
          const job = await this.submit(c, { ...inputs, ...host, resourceUuid });
          this.ctx.log(`${label}: submitted long job ${job.uuid}`);
          return job;
        },
        log: (l) => this.ctx.log(l),
      });
      let job = found;
      const id = job.uuid!;
      // an adopted job that still runs (an interrupted run's) holds its slot: never counted twice
      if (!submitted && !isFinal(job.state)) slot = jobHostSlot(c, clock, job, inputs).hold(id);
      const deadline = (startedAt ?? clock.now()) + timeout;
      if (inputs.waitForCompletion === false) {
        slot?.handOff();
        // not waiting, but an adopted job that already failed is reported (and recorded), not hidden
        this.throwIfUnsuccessful(c, inputs, job, label);
        return { id, outs: this.outputs(inputs, job, c) };
      }
      job = await this.waitOrRecord(c, job, inputs, deadline, submitted ? startedAt : undefined, label);
      const outs = this.outputs(inputs, job, c);
      return { id, outs: await withStaticIps(this.ctx, c, inputs, job, outs, undefined, this.secretsOf(c, inputs)) };
    } finally {
      slot?.release(); // no-op after a hand-off
    }
  }

  /**
   * Refuses a create that would migrate its source again (`refusedAsMigrated`). With
   * `allowRemigration`, this resource's own released record (same derived resourceUuid: the entry
   * was removed, then added back) is deleted first, so that a new conversion is submitted rather
   * than the old one adopted; the earlier VM is kept.
   */
  private async refuseOrClearEarlier(
    c: ZStackClient,
    inputs: V2vMigrationInputs,
    resourceUuid: string,
    label: string,
  ): Promise<void> {
    if (!inputs.url) return;
    // this resource's own record as it is now (the run's listing predates a replace's delete, which released it)
    const own = await getLongJob(c, resourceUuid);
    const others = (await this.v2vJobs(c)).filter((j) => j.uuid !== resourceUuid);
    const refusal = await this.refusedAsMigrated(c, own ? [...others, own] : others, inputs, resourceUuid);
    if (refusal) throw new ZStackError(refusal);
    if (own && isReleased(own) && inputs.allowRemigration === true) {
      this.ctx.log(
        `${label}: allowRemigration: deleting the released record of the earlier conversion, long job ${resourceUuid}, to convert again (its VM is kept)`,
      );
      await ignoreGone(deleteLongJob(c, resourceUuid), resourceUuid);
    }
  }

  private slotRequest(inputs: V2vMigrationInputs, key: string, label: string): SlotRequest {
    // the source disks the capacity preflight found: the queue's order (largest first) and the cache they need
    const bytes = this.ctx.runState("capacity-ledger", () => new CapacityLedger()).bytesOf(key);
    return {
      key,
      limit: this.limitOf(inputs),
      bytes,
      priority: inputs.queuePriority ?? bytes ?? 0,
      label,
      log: (l) => this.ctx.log(l),
      logIntervalMs: this.ctx.pollPolicy().logIntervalMs,
    };
  }

  /** ConvertVmFromForeignHypervisor; an api job that outlived its poll is found by resourceUuid. */
  private async submit(
    c: ZStackClient,
    inputs: V2vMigrationInputs & { resourceUuid: string },
  ): Promise<LongJobInventory> {
    try {
      const job = await convertVmFromForeignHypervisor(c, createCallArgs(V2V_MIGRATION_INPUTS, inputs));
      if (!job.uuid) job.uuid = inputs.resourceUuid;
      return job;
    } catch (e) {
      if (e instanceof ZStackTimeoutError || (e instanceof ZStackHttpError && e.status === 404)) {
        const job = await getLongJob(c, inputs.resourceUuid);
        if (job) return job;
      }
      throw e;
    }
  }

  private verifyJob(job: LongJobInventory, inputs: V2vMigrationInputs, field: string): void {
    if (job.jobName && job.jobName !== V2V_JOB_NAME) {
      throw new ZStackError(
        `${field} ${job.uuid} names a long job of type ${job.jobName}, not a V2V conversion (${V2V_JOB_NAME})`,
      );
    }
    const url = longJobData(job)?.url;
    if (url !== undefined && inputs.url && url !== inputs.url) {
      throw new ZStackError(`${field} ${job.uuid} names the conversion of ${url}, but url is ${inputs.url}`);
    }
  }

  /** Waits for the job; a Failed/Canceled/timed-out job is recorded in the stack (partial create). */
  private async waitOrRecord(
    c: ZStackClient,
    job: LongJobInventory,
    inputs: V2vMigrationInputs,
    deadline: number,
    startedAt: number | undefined,
    label: string,
  ): Promise<LongJobInventory> {
    let latest = job;
    try {
      if (!isFinal(job.state))
        latest = await this.waitForJob(c, job.uuid!, deadline, startedAt, label, (j) => (latest = j));
    } catch (e) {
      if (e instanceof ZStackTimeoutError) {
        const reason = `${label}: long job ${job.uuid} is still ${latest.state ?? "running"} at the create timeout (${timeoutOf(inputs.timeouts, "create", V2V_DEFAULT_TIMEOUTS).text}); it keeps running in ZStack and the next pulumi up waits for it again`;
        throw this.recordedFailure(c, inputs, latest, reason);
      }
      throw e;
    }
    this.throwIfUnsuccessful(c, inputs, latest, label);
    return latest;
  }

  /** A Failed or Canceled job is recorded in the stack with ZStack's reason (partial create/update). */
  private throwIfUnsuccessful(c: ZStackClient, inputs: V2vMigrationInputs, job: LongJobInventory, label: string): void {
    if (job.state === "Failed" || job.state === "Canceled") {
      throw this.recordedFailure(
        c,
        inputs,
        job,
        `${label}: long job ${job.uuid} ${job.state}: ${longJobFailureReason(job)}`,
      );
    }
  }

  private recordedFailure(c: ZStackClient, inputs: V2vMigrationInputs, job: LongJobInventory, reason: string) {
    return recordedFailure(reason, job.uuid!, this.outputs(inputs, job, c), this.secretsOf(c, inputs));
  }

  /**
   * Progress-aware wait for a final state. With `resume` (creating, updating), a Suspended job (an
   * MN restart) is resumed a few times; delete waits for a cancel and never resumes.
   */
  private async waitForJob(
    c: ZStackClient,
    uuid: string,
    deadline: number,
    startedAt: number | undefined,
    label: string,
    seen: (j: LongJobInventory) => void,
    resume = true,
  ): Promise<LongJobInventory> {
    let resumes = 0;
    return waitWithProgress({
      clock: this.ctx.clock(),
      policy: this.ctx.pollPolicy(),
      deadline,
      startedAt,
      label: `${label} (long job ${uuid})`,
      log: (l) => this.ctx.log(l),
      probe: async () => {
        const j = await getLongJob(c, uuid);
        if (!j) throw new VanishedError(`${label}: long job ${uuid} no longer exists in ZStack`);
        seen(j);
        if (isFinal(j.state)) return { done: true, value: j };
        if (resume && j.state === "Suspended" && resumes < 3) {
          resumes++;
          this.ctx.log(`${label}: long job ${uuid} is Suspended; resuming it (ResumeLongJob)`);
          await resumeLongJob(c, uuid).catch((e: unknown) => {
            this.ctx.log(`${label}: ResumeLongJob failed: ${(e as Error).message}`);
          });
        }
        const percent =
          j.apiId && j.state === "Running" ? await taskProgressPercent(c, j.apiId).catch(() => undefined) : undefined;
        return { done: false, percent, state: j.state };
      },
    });
  }

  // ------------------------------------------------------------------ read

  async read(id: string, props: V2vMigrationOutputs): Promise<{ id?: string; props?: V2vMigrationOutputs }> {
    const c = this.ctx.client();
    const job = await getLongJob(c, id);
    // a released record is evidence that a source was migrated, no longer a resource of a stack
    if (!job || isReleased(job)) return { id: undefined };
    return {
      id,
      props: keepStaticIps(
        this.outputs(recordedInputs<V2vMigrationInputs>(V2V_MIGRATION_INPUTS, props), job, c, props.vmUuid),
        props,
      ),
    };
  }

  // ------------------------------------------------------------------ update

  async update(
    id: string,
    olds: V2vMigrationOutputs,
    given: V2vMigrationInputs,
  ): Promise<{ outs: V2vMigrationOutputs }> {
    const c = this.ctx.client();
    // the same source (diff replaces otherwise): what the program leaves unset is what was recorded
    const news = recordedSource(olds, given);
    const clock = this.ctx.clock();
    const label = resourceLabel(TYPE_NAME, news, news.name ?? id);
    let job = await getLongJob(c, id);
    if (!job) throw vanishedBeforeUpdate(label, "long job", id);

    const rename: Record<string, string> = {};
    if (news.longJobName !== undefined && news.longJobName !== job.name) rename.name = news.longJobName;
    if (news.longJobDescription !== undefined && news.longJobDescription !== job.description)
      rename.description = news.longJobDescription;
    if (Object.keys(rename).length) {
      const updated = await updateLongJob(c, id, rename);
      job = await answerOrRefetch(updated, () => getLongJob(c, id), job);
    }

    if (news.waitForCompletion !== false && job.state !== "Succeeded") {
      let slot: Slot | undefined;
      try {
        let startedAt: number | undefined;
        if (job.state === "Failed" || job.state === "Canceled") {
          // a rerun converts again: it queues for a slot like a new submission
          slot = await jobHostSlot(c, clock, job, news).acquire(this.slotRequest(news, id, label));
          this.ctx.log(
            `${label}: long job ${id} is ${job.state} (${longJobFailureReason(job)}); rerunning it (RerunLongJob)`,
          );
          startedAt = clock.now();
          const rerun = await rerunLongJob(c, id);
          job = await answerOrRefetch(rerun, () => getLongJob(c, id), job);
        } else if (!isFinal(job.state)) slot = jobHostSlot(c, clock, job, news).hold(id);
        const deadline = (startedAt ?? clock.now()) + timeoutOf(news.timeouts, "create", V2V_DEFAULT_TIMEOUTS).ms;
        job = await this.waitOrRecord(c, job, news, deadline, startedAt, label);
      } finally {
        slot?.release();
      }
    }
    const outs = this.outputs(news, job, c, olds.vmUuid);
    return { outs: await withStaticIps(this.ctx, c, news, job, outs, olds, this.secretsOf(c, news)) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: V2vMigrationOutputs): Promise<void> {
    const c = this.ctx.client();
    const clock = this.ctx.clock();
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    const deleteTimeout = timeoutOf(props.timeouts, "delete", V2V_DEFAULT_TIMEOUTS);
    const deadline = clock.now() + deleteTimeout.ms;
    let job = await getLongJob(c, id);
    if (job && !isFinal(job.state)) {
      this.ctx.log(`${label}: long job ${id} is ${job.state}; canceling it (CancelLongJob)`);
      try {
        await cancelLongJob(c, id);
      } catch (e) {
        // it may have finished meanwhile ("cannot cancel longjob that is succeeded/failed"); any
        // other refusal is reported now rather than waited out until the delete timeout
        if (!(e instanceof ZStackApiError)) throw e;
        const now = await getLongJob(c, id);
        if (now && !isFinal(now.state) && now.state !== "Canceling") {
          throw new ZStackError(
            `${label}: long job ${id} is ${now.state} and ZStack refused to cancel it: ${e.message}`,
          );
        }
      }
      job = await this.waitForJob(c, id, deadline, undefined, label, () => undefined, false).catch((e: unknown) => {
        if (e instanceof ZStackTimeoutError) {
          throw new ZStackTimeoutError(
            `${label}: long job ${id} did not stop within the delete timeout (${deleteTimeout.text}) after CancelLongJob`,
            e.timeoutMs,
          );
        }
        throw e;
      });
    }
    const vmUuid = (job && migratedVmUuid(job)) ?? props.vmUuid;
    if (props.deleteMigratedVm && vmUuid) {
      this.ctx.log(`${label}: destroying and expunging the migrated VM ${vmUuid}`);
      await ignoreGone(destroyVmInstance(c, vmUuid), vmUuid);
      await ignoreGone(expungeVmInstance(c, vmUuid), vmUuid);
    }
    if (!job) return;
    if (job.state === "Succeeded" && vmUuid && !props.deleteMigratedVm) {
      // the VM stays: so does ZStack's evidence that its source was migrated (earlier-migrations.ts)
      this.ctx.log(
        `${label}: keeping the record of long job ${id} (released) with the migrated VM ${vmUuid}: adding this source again is refused unless allowRemigration is set`,
      );
      await ignoreGone(releaseLongJob(c, job), id);
      return;
    }
    await ignoreGone(deleteLongJob(c, id), id);
  }

  // ------------------------------------------------------------------ outputs

  /** Values to redact from anything this resource records or reports: credentials and secret inputs (sshPrivKey). */
  private secretsOf(c: ZStackClient, inputs: V2vMigrationInputs): string[] {
    return secretsOf(c, V2V_MIGRATION_INPUTS, inputs);
  }

  private outputs(
    inputs: V2vMigrationInputs,
    job: LongJobInventory,
    c: ZStackClient,
    knownVmUuid?: string,
  ): V2vMigrationOutputs {
    const secrets = this.secretsOf(c, inputs);
    return withoutUndefined({
      ...echoedInputs<V2vMigrationInputs>(V2V_MIGRATION_INPUTS, inputs),
      uuid: job.uuid!,
      longJobName: job.name,
      longJobDescription: job.description,
      apiId: job.apiId,
      jobName: job.jobName,
      jobData: redactJsonString(job.jobData, secrets),
      jobResult: redactJsonString(job.jobResult, secrets),
      targetResourceUuid: job.targetResourceUuid,
      managementNodeUuid: job.managementNodeUuid,
      createDate: job.createDate,
      lastOpDate: job.lastOpDate,
      state: job.state,
      executeTime: job.executeTime,
      vmUuid: migratedVmUuid(job) ?? (job.state === "Succeeded" ? knownVmUuid : undefined),
      convertedOnHostUuid: hostOfJob(job, inputs),
    });
  }
}
