/**
 * The V2vMigration dynamic provider: one ConvertVmFromForeignHypervisor long job per resource
 * (docs/zstack-wire.md §6, §7), from submission to a migrated VM. Its inputs are declared in
 * `v2v-migration-inputs.ts`.
 */
import {
  LONG_JOB_FINAL_STATES,
  LongJobInventory,
  ReferenceQuery,
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
  getConversionHost,
  getLongJob,
  getReference,
  getReferences,
  getVmInstance,
  esxVmInstances,
  getPrimaryStorage,
  longJobsIn,
  LONG_JOB_STATES,
  PrimaryStorageInventory,
  V2VConversionHostInventory,
  VmInstanceInventory,
  randomZStackUuid,
  redactJsonString,
  redactText,
  rerunLongJob,
  resumeLongJob,
  taskProgressPercent,
  updateLongJob,
} from "../client";
import { createCallArgs } from "../core/input-table";
import {
  DiffResult,
  ResourceInitError,
  adoptOrSubmit,
  checkInputs,
  diffInputs,
  echoedInputs,
  recordedInputs,
  ignoreGone,
  resourceLabel,
  unlessUnreachable,
  vanishedBeforeUpdate,
} from "../core/lifecycle";
import { HostSlots, Slot, SlotRequest, hostSlots } from "./in-flight";
import { waitWithProgress } from "../core/polling";
import { MAX_IN_FLIGHT_LIMIT } from "../core/config";
import { ZStackProviderBase } from "../core/context";
import { CheckFailure, Validator, tagItem, timeoutOf, typeName, uuidItem } from "../core/validation";
import {
  CONVERT_STRATEGIES,
  PLATFORMS,
  STRATEGIES,
  V2V_DEFAULT_TIMEOUTS,
  V2V_JOB_NAME,
  V2V_MESSAGE,
  V2V_MIGRATION_INPUTS,
  VM_TYPES,
  V2vMigrationInputs,
  V2vMigrationOutputs,
} from "./inputs";
import { containsUnknown, jsonEqual, withoutUndefined } from "../core/values";
import {
  SourceVmError,
  needsSource,
  recordedSource,
  resolveSource,
  sourceVmFromListing,
  vmwareUuidOf,
  withSourceDefaults,
} from "./source";
import { CapacityLedger, formatBytes, sourceDiskBytes } from "./preflight";
import { remigrationError } from "./remigration-guard";

export type { V2vMigrationInputs, V2vMigrationOutputs, V2vMigrationTimeouts } from "./inputs";
export { CONVERT_STRATEGIES, PLATFORMS, STRATEGIES, V2V_JOB_NAME, V2V_MESSAGE, VM_TYPES } from "./inputs";

const TYPE_NAME = "V2vMigration";

function isFinal(state: string | undefined): boolean {
  return state !== undefined && (LONG_JOB_FINAL_STATES as readonly string[]).includes(state);
}

/** The migrated VM: `inventory.uuid` of the job result, else the job's target resource. */
export function migratedVmUuid(job: LongJobInventory): string | undefined {
  if (job.jobResult) {
    try {
      const r = JSON.parse(job.jobResult) as { inventory?: { uuid?: unknown } };
      if (typeof r?.inventory?.uuid === "string") return r.inventory.uuid;
    } catch {
      // not JSON
    }
  }
  if (job.state === "Succeeded" && job.targetResourceUuid && job.targetResourceUuid !== job.uuid)
    return job.targetResourceUuid;
  return undefined;
}

/**
 * The distinct parts of ZStack's reason in a job's `jobResult` (`{message, detail, cause}`, detail
 * first), or `[jobResult]` when it is not JSON; `[]` when there is none.
 */
export function jobResultReasons(jobResult: string | undefined): string[] {
  if (!jobResult) return [];
  try {
    const r = JSON.parse(jobResult) as { message?: unknown; detail?: unknown; cause?: unknown };
    const parts = [r.detail, r.message, r.cause]
      .map((x) => (typeof x === "string" ? x : x && typeof x === "object" ? JSON.stringify(x) : undefined))
      .filter((x): x is string => !!x);
    return [...new Set(parts)];
  } catch {
    return [jobResult];
  }
}

/** ZStack's reason for a Failed or Canceled job, from its `jobResult` (`{message, detail, cause}`). */
export function longJobFailureReason(job: LongJobInventory): string {
  const reason = jobResultReasons(job.jobResult).join("; cause: ");
  if (job.state === "Canceled") return reason ? `the long job was canceled: ${reason}` : "the long job was canceled";
  return reason || `the long job ended ${job.state}`;
}

/** The state (and connection status) a referenced resource must be in; absent fields are not checked. */
type Usable = { state: string; status?: string };

const asString = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

/** Why a referenced resource cannot take part in a conversion, or undefined when it can. */
function unusable(
  kind: string,
  uuid: string,
  found: { state?: string; status?: string },
  usable: Usable,
): string | undefined {
  if (found.state !== undefined && found.state !== usable.state)
    return `the ${kind}[uuid:${uuid}] is ${found.state}; it must be ${usable.state}`;
  if (usable.status && found.status !== undefined && found.status !== usable.status) {
    return `the ${kind}[uuid:${uuid}] is ${found.status}; it must be ${usable.status}`;
  }
  return undefined;
}

/** `check`'s local validation of every input, in ZStack's words where it has them. */
function validateInputs(v: Validator, adopting: boolean): void {
  if (!adopting) for (const k of ["name", "primaryStorageUuid", "l3NetworkUuids"]) v.required(k);
  // the source: exactly one of url and sourceVmName; a VMware source gives the CPU and memory defaults
  if (!adopting && !v.isSet("url") && !v.isSet("sourceVmName")) {
    v.fail(
      "url",
      'exactly one of url and sourceVmName must be set: url: "vmware://<uuid>", or sourceVmName: the name of the VMware VM in ZStack',
    );
  }
  if (v.isSet("url") && v.isSet("sourceVmName")) {
    v.fail(
      "sourceVmName",
      "exactly one of url and sourceVmName must be set, not both: sourceVmName names the VM that url would name",
    );
  }
  v.string("sourceVmName", { maxLength: 255, nonEmpty: true });
  const vmwareSource = v.isSet("sourceVmName") || v.isUnknown("url") || vmwareUuidOf(v.value("url")) !== undefined;
  if (!adopting && !vmwareSource && v.isSet("url")) {
    for (const k of ["cpuNum", "memorySize"]) {
      if (!v.isSet(k))
        v.fail(
          k,
          `field[${k}] of message[${V2V_MESSAGE}] is mandatory, can not be null: it defaults to the source VM's only for a VMware source (sourceVmName, or url vmware://<uuid>)`,
        );
    }
  }

  const url = v.string("url", { maxLength: 1024, nonEmpty: true });
  if (url !== undefined && /^vmware:\/\//i.test(url) && !/^vmware:\/\/[0-9a-fA-F]{32}$/.test(url)) {
    v.fail(
      "url",
      `a VMware url must be vmware://<uuid of the VMware VM as registered in ZStack, 32 hex characters>, got "${url}"`,
    );
  }
  v.string("name", { maxLength: 255, nonEmpty: true });
  v.string("description", { maxLength: 2048 });
  for (const k of [
    "conversionHostUuid",
    "zoneUuid",
    "clusterUuid",
    "hostUuid",
    "primaryStorageUuid",
    "defaultL3NetworkUuid",
    "adoptUuid",
  ])
    v.uuid(k);
  v.integer("cpuNum", 1, 1024);
  v.integer("memorySize", 1, Number.MAX_SAFE_INTEGER);
  const l3s = v.list<string>("l3NetworkUuids", uuidItem, { nonEmpty: true });
  const def = v.value("defaultL3NetworkUuid");
  if (l3s && typeof def === "string" && !l3s.includes(def)) {
    v.fail("defaultL3NetworkUuid", `defaultL3NetworkUuid[${def}] is not in l3NetworkUuids[${l3s.join(", ")}]`);
  }
  v.oneOf("platform", PLATFORMS);
  v.oneOf("type", VM_TYPES);
  v.oneOf("strategy", STRATEGIES);
  v.oneOf("convertStrategy", CONVERT_STRATEGIES);
  v.string("longJobName", { maxLength: 255 });
  v.string("longJobDescription", { maxLength: 2048 });
  v.resourceUuid("resourceUuid");
  v.string("sshPrivKey");
  for (const k of ["pauseVm", "waitForCompletion", "deleteMigratedVm", "allowRemigration"]) v.boolean(k);
  v.integer("maxInFlight", 1, MAX_IN_FLIGHT_LIMIT);
  v.list("volumeFilters", (x) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? undefined
      : `${typeName(x)} is not an object such as {"deviceId": "vdb", "skip": true}`,
  );
  v.list("tagUuids", uuidItem);
  v.list("systemTags", tagItem);
  v.list("userTags", tagItem);
  v.timeouts("timeouts", Object.keys(V2V_DEFAULT_TIMEOUTS));
}

export class V2vMigrationProvider extends ZStackProviderBase {
  // ------------------------------------------------------------------ check

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
    return checkInputs(olds, news, {
      typeName: TYPE_NAME,
      message: V2V_MESSAGE,
      inputs: V2V_MIGRATION_INPUTS,
      validate: (v, adopting) => validateInputs(v, adopting),
      // a recorded migration keeps the url, CPU and memory it resolved: its source is never looked up again
      recorded: (recorded, inputs) => Object.assign(inputs, recordedSource(recorded, inputs)),
      checkReferences: (v, adopting, inputs) => this.checkReferences(v, adopting, inputs),
    });
  }

  /**
   * Checks against ZStack that what the inputs reference exists and is usable; resolves the source
   * VM (`sourceVmName`, or a `vmware://` url without CPU or memory) into `inputs`, so that preview
   * shows the url, CPU count and memory the migration will use.
   */
  private async checkReferences(v: Validator, adopting: boolean, inputs: Record<string, unknown>): Promise<void> {
    const c = this.checkClient();
    if (!c) return;
    const { cache, ledger } = this.checkState();
    const checks: Array<Promise<void>> = [];
    const add = (f: () => Promise<void>) => checks.push(f());
    const adoptUuid = v.value("adoptUuid") as string | undefined;
    // what the preflight needs: the source's disks, the target storage's and host's capacity
    let source: VmInstanceInventory | undefined;
    let storage: PrimaryStorageInventory | undefined;
    let conversionHost: V2VConversionHostInventory | undefined;
    if (adopting) {
      if (adoptUuid) {
        add(async () => {
          const job = await getLongJob(c, adoptUuid);
          if (!job) v.notFound("adoptUuid", adoptUuid, "LongJobVO");
          else if (job.jobName && job.jobName !== V2V_JOB_NAME) {
            v.fail(
              "adoptUuid",
              `long job[uuid:${adoptUuid}] is a ${job.jobName}, not a V2V conversion (${V2V_JOB_NAME})`,
            );
          }
        });
      }
    } else {
      // every ESX VM, listed once per run: the sources of a whole wave come from one listing
      const esxVms = () => cache.get("esx-vms", () => esxVmInstances(c));
      const url = v.value("url") as string | undefined;
      const m = url ? /^vmware:\/\/([0-9a-fA-F]{32})$/.exec(url) : null;
      const name = v.value("sourceVmName");
      if (url === undefined && typeof name === "string" && !v.hasFailed("url")) {
        add(async () => {
          try {
            source = await sourceVmFromListing(c, await esxVms(), name);
            Object.assign(inputs, withSourceDefaults(inputs, source));
          } catch (e) {
            if (!(e instanceof SourceVmError)) throw e;
            v.fail("sourceVmName", e.message);
          }
        });
      } else if (m) {
        add(async () => {
          const uuid = m[1].toLowerCase();
          const vm =
            (await esxVms()).find((x) => x.uuid?.toLowerCase() === uuid) ??
            (await cache.get(`vm:${uuid}`, () => getVmInstance(c, m[1])));
          if (!vm) v.notFound("url", m[1], "VmInstanceVO");
          else if (vm.hypervisorType && vm.hypervisorType !== "ESX") {
            v.fail(
              "url",
              `the VM[uuid:${m[1]}] named by url is a ${vm.hypervisorType} VM, not a VMware (ESX) VM known to ZStack through vCenter`,
            );
          } else {
            source = vm;
            Object.assign(inputs, withSourceDefaults(inputs, vm));
          }
        });
      }
      const host = v.value("conversionHostUuid") as string | undefined;
      if (host) {
        add(async () => {
          // the capacity before the run's first conversion: the ledger adds up the whole run against it
          const ch = await cache.get(`conversion-host:${host}`, () => getConversionHost(c, host), Infinity);
          if (!ch) v.notFound("conversionHostUuid", host, "V2VConversionHostVO");
          else if (ch.state && ch.state !== "Enabled") {
            v.fail(
              "conversionHostUuid",
              `V2V conversion host[uuid:${host}] is ${ch.state}; only an Enabled conversion host can convert VMs`,
            );
          } else {
            const hostIssue = unusable(
              "the KVM host of V2V conversion host",
              host,
              { state: asString(ch.hostState), status: asString(ch.hostStatus) },
              { state: "Enabled", status: "Connected" },
            );
            if (hostIssue) v.fail("conversionHostUuid", hostIssue);
            else conversionHost = ch;
          }
        });
      }
      // exists, and in the state a conversion needs (ZStack would otherwise fail the job later)
      const refs: Array<[string, ReferenceQuery, string, string, Usable]> = [
        [
          "primaryStorageUuid",
          "QueryPrimaryStorage",
          "PrimaryStorageVO",
          "primary storage",
          { state: "Enabled", status: "Connected" },
        ],
        ["zoneUuid", "QueryZone", "ZoneVO", "zone", { state: "Enabled" }],
        ["clusterUuid", "QueryCluster", "ClusterVO", "cluster", { state: "Enabled" }],
        ["hostUuid", "QueryHost", "HostVO", "host", { state: "Enabled", status: "Connected" }],
      ];
      for (const [field, query, type, kind, usable] of refs) {
        const uuid = v.value(field) as string | undefined;
        if (!uuid) continue;
        add(async () => {
          const found =
            field === "primaryStorageUuid"
              ? await cache.get(`primary-storage:${uuid}`, () => getPrimaryStorage(c, uuid), Infinity)
              : await cache.get(`${query}:${uuid}`, () => getReference(c, query, uuid));
          if (!found) return v.notFound(field, uuid, type);
          const issue = unusable(kind, uuid, found, usable);
          if (issue) v.fail(field, issue);
          else if (field === "primaryStorageUuid") storage = found;
        });
      }
      const l3s = v.value("l3NetworkUuids") as string[] | undefined;
      if (l3s) {
        add(async () => {
          const found = await cache.get(`QueryL3Network:${[...l3s].sort().join(",")}`, () =>
            getReferences(c, "QueryL3Network", l3s),
          );
          const have = new Set(found.map((x) => x.uuid));
          const missing = l3s.filter((u) => !have.has(u));
          if (missing.length)
            v.fail(
              "l3NetworkUuids",
              `invalid field[l3NetworkUuids], resource[uuids:[${missing.join(", ")}], type:L3NetworkVO] not found`,
            );
          for (const l3 of found) {
            const issue = unusable("L3 network", l3.uuid ?? "?", l3, { state: "Enabled" });
            if (issue) v.fail("l3NetworkUuids", issue);
          }
        });
      }
    }
    await unlessUnreachable(
      TYPE_NAME,
      (l) => this.log(l),
      () => Promise.all(checks),
    );
    if (source && typeof inputs.resourceUuid === "string") {
      // a job ZStack already has (an interrupted run's, which create adopts) needs no more capacity
      const resourceUuid = inputs.resourceUuid;
      let existing: LongJobInventory[] = [];
      await unlessUnreachable(
        TYPE_NAME,
        (l) => this.log(l),
        async () => (existing = await cache.get("v2v-jobs", () => longJobsIn(c, V2V_JOB_NAME, LONG_JOB_STATES))),
      );
      if (!existing.some((j) => j.uuid === resourceUuid))
        this.preflight(v, ledger, inputs, source, storage, conversionHost);
    }
  }

  /**
   * The capacity preflight of a migration this run creates (see `preflight.ts`): the source disks of
   * the run's migrations per primary storage against its `availableCapacity`, and the largest set
   * that may convert at once on the conversion host (its in-flight limit) against its `availableSize`.
   */
  private preflight(
    v: Validator,
    ledger: CapacityLedger,
    inputs: Record<string, unknown>,
    source: VmInstanceInventory,
    storage: PrimaryStorageInventory | undefined,
    conversionHost: V2VConversionHostInventory | undefined,
  ): void {
    const limit = typeof inputs.maxInFlight === "number" ? inputs.maxInFlight : this.config().maxConcurrentMigrations;
    ledger.add(inputs.resourceUuid as string, {
      bytes: sourceDiskBytes(source, inputs.volumeFilters),
      primaryStorageUuid: inputs.primaryStorageUuid as string | undefined,
      conversionHostUuid: inputs.conversionHostUuid as string | undefined,
      limit,
    });
    const plural = (n: number) => (n === 1 ? "migration" : "migrations");
    if (storage?.uuid && typeof storage.availableCapacity === "number") {
      const need = ledger.onStorage(storage.uuid);
      if (need.bytes > storage.availableCapacity) {
        v.fail(
          "primaryStorageUuid",
          `primary storage ${storage.name ?? ""} [uuid:${storage.uuid}]: the ${need.count} ${plural(need.count)} this run creates on it need ${formatBytes(need.bytes)} of source disks; ZStack reports ${formatBytes(storage.availableCapacity)} available (availableCapacity)`,
        );
      }
    }
    if (conversionHost?.uuid && typeof conversionHost.availableSize === "number") {
      const need = ledger.atOnceOnHost(conversionHost.uuid, limit);
      if (need.bytes > conversionHost.availableSize) {
        v.fail(
          "conversionHostUuid",
          `V2V conversion host ${conversionHost.name ?? ""} [uuid:${conversionHost.uuid}]: the ${need.count} largest ${plural(need.count)} this run may convert on it at once (maxInFlight ${limit}) need ${formatBytes(need.bytes)}; ZStack reports ${formatBytes(conversionHost.availableSize)} available (availableSize)`,
        );
      }
    }
  }

  // ------------------------------------------------------------------ diff

  /**
   * The source is the url: unset (`sourceVmName` given, its resolution not yet in the inputs), it is
   * the recorded one; a changed `sourceVmName` that `check` resolved to the recorded url is the same
   * source (recorded in place). Unset `cpuNum` and `memorySize` are the recorded ones. A replacement
   * of a Succeeded migration is refused unless `allowRemigration` is set (`remigrationError`).
   */
  // Synchronous; a Promise because Pulumi's ResourceProvider.diff returns one (a throw rejects it).
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult> {
    return new Promise((resolve) => resolve(this.diffNow(olds, news)));
  }

  private diffNow(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
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
      k === "maxInFlight";
    const result = diffInputs(V2V_MIGRATION_INPUTS, olds, news, {
      ignore,
      // a job that is not Succeeded is finished (waited for, or rerun) by the next update
      unfinished: news.waitForCompletion !== false && typeof olds.state === "string" && olds.state !== "Succeeded",
    });
    if (!result.changes && urlDecides && !jsonEqual(olds.sourceVmName, news.sourceVmName))
      return { ...result, changes: true };
    // a Succeeded migration is not run again by accident (README, "Re-migration guard")
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
    const c = this.client();
    // check resolved the source unless it could not reach ZStack (or validateReferences is off)
    const inputs =
      !given.adoptUuid && needsSource(given) ? withSourceDefaults(given, await resolveSource(c, given)) : given;
    const clock = this.clock();
    const timeout = timeoutOf(inputs.timeouts, "create", V2V_DEFAULT_TIMEOUTS).ms;
    const label = resourceLabel(TYPE_NAME, inputs, inputs.name ?? inputs.adoptUuid);
    let slot: Slot | undefined;
    // timeouts.create counts from the submission, not from the time queued for a slot
    let startedAt: number | undefined;
    try {
      const { found, submitted } = await adoptOrSubmit({
        label,
        kind: "long job",
        adoptUuid: inputs.adoptUuid,
        resourceUuid: inputs.resourceUuid ?? randomZStackUuid(),
        get: (uuid) => getLongJob(c, uuid),
        verify: (job, field) => this.verifyJob(job, inputs, field),
        submit: async (resourceUuid) => {
          slot = await this.slots(c, inputs).acquire(this.slotRequest(inputs, resourceUuid, label));
          startedAt = clock.now();
          const job = await this.submit(c, { ...inputs, resourceUuid });
          this.log(`${label}: submitted long job ${job.uuid}`);
          return job;
        },
        log: (l) => this.log(l),
      });
      let job = found;
      const id = job.uuid!;
      // an adopted job that still runs (an interrupted run's) holds its slot: never counted twice
      if (!submitted && !isFinal(job.state)) slot = this.slots(c, inputs).hold(id);
      const deadline = (startedAt ?? clock.now()) + timeout;
      if (inputs.waitForCompletion === false) {
        slot?.handOff();
        // not waiting, but an adopted job that already failed is reported (and recorded), not hidden
        this.throwIfUnsuccessful(c, inputs, job, label);
        return { id, outs: this.outputs(inputs, job, c) };
      }
      job = await this.waitOrRecord(c, job, inputs, deadline, submitted ? startedAt : undefined, label);
      return { id, outs: this.outputs(inputs, job, c) };
    } finally {
      slot?.release(); // no-op after a hand-off
    }
  }

  /** The in-flight slots of the migration's conversion host (shared by the whole process). */
  private slots(c: ZStackClient, inputs: V2vMigrationInputs): HostSlots {
    return hostSlots(c, this.clock(), inputs.conversionHostUuid, V2V_JOB_NAME);
  }

  private slotRequest(inputs: V2vMigrationInputs, key: string, label: string): SlotRequest {
    return {
      key,
      limit: inputs.maxInFlight ?? this.config().maxConcurrentMigrations,
      label,
      log: (l) => this.log(l),
      logIntervalMs: this.pollPolicy().logIntervalMs,
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
    if (job.jobData && inputs.url) {
      try {
        const data = JSON.parse(job.jobData) as { url?: unknown };
        if (typeof data.url === "string" && data.url !== inputs.url) {
          throw new ZStackError(`${field} ${job.uuid} names the conversion of ${data.url}, but url is ${inputs.url}`);
        }
      } catch (e) {
        if (e instanceof ZStackError) throw e;
      }
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

  private recordedFailure(
    c: ZStackClient,
    inputs: V2vMigrationInputs,
    job: LongJobInventory,
    reason: string,
  ): ResourceInitError {
    const text = redactText(reason, this.secretsOf(c, inputs));
    return new ResourceInitError(text, job.uuid!, this.outputs(inputs, job, c), [text], inputs);
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
      clock: this.clock(),
      policy: this.pollPolicy(),
      deadline,
      startedAt,
      label: `${label} (long job ${uuid})`,
      log: (l) => this.log(l),
      probe: async () => {
        const j = await getLongJob(c, uuid);
        if (!j) throw new ZStackError(`${label}: long job ${uuid} no longer exists in ZStack`);
        seen(j);
        if (isFinal(j.state)) return { done: true, value: j };
        if (resume && j.state === "Suspended" && resumes < 3) {
          resumes++;
          this.log(`${label}: long job ${uuid} is Suspended; resuming it (ResumeLongJob)`);
          await resumeLongJob(c, uuid).catch((e: unknown) => {
            this.log(`${label}: ResumeLongJob failed: ${(e as Error).message}`);
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
    const c = this.client();
    const job = await getLongJob(c, id);
    if (!job) return { id: undefined };
    return {
      id,
      props: this.outputs(recordedInputs<V2vMigrationInputs>(V2V_MIGRATION_INPUTS, props), job, c, props.vmUuid),
    };
  }

  // ------------------------------------------------------------------ update

  async update(
    id: string,
    olds: V2vMigrationOutputs,
    given: V2vMigrationInputs,
  ): Promise<{ outs: V2vMigrationOutputs }> {
    const c = this.client();
    // the same source (diff replaces otherwise): what the program leaves unset is what was recorded
    const news = recordedSource(olds, given);
    const clock = this.clock();
    const label = resourceLabel(TYPE_NAME, news, news.name ?? id);
    let job = await getLongJob(c, id);
    if (!job) throw vanishedBeforeUpdate(label, "long job", id);

    const rename: Record<string, string> = {};
    if (news.longJobName !== undefined && news.longJobName !== job.name) rename.name = news.longJobName;
    if (news.longJobDescription !== undefined && news.longJobDescription !== job.description)
      rename.description = news.longJobDescription;
    if (Object.keys(rename).length) {
      const updated = await updateLongJob(c, id, rename);
      job = updated.uuid ? updated : ((await getLongJob(c, id)) ?? job);
    }

    if (news.waitForCompletion !== false && job.state !== "Succeeded") {
      let slot: Slot | undefined;
      try {
        let startedAt: number | undefined;
        if (job.state === "Failed" || job.state === "Canceled") {
          // a rerun converts again: it queues for a slot like a new submission
          slot = await this.slots(c, news).acquire(this.slotRequest(news, id, label));
          this.log(
            `${label}: long job ${id} is ${job.state} (${longJobFailureReason(job)}); rerunning it (RerunLongJob)`,
          );
          startedAt = clock.now();
          const rerun = await rerunLongJob(c, id);
          job = rerun.uuid ? rerun : ((await getLongJob(c, id)) ?? job);
        } else if (!isFinal(job.state)) slot = this.slots(c, news).hold(id);
        const deadline = (startedAt ?? clock.now()) + timeoutOf(news.timeouts, "create", V2V_DEFAULT_TIMEOUTS).ms;
        job = await this.waitOrRecord(c, job, news, deadline, startedAt, label);
      } finally {
        slot?.release();
      }
    }
    return { outs: this.outputs(news, job, c, olds.vmUuid) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: V2vMigrationOutputs): Promise<void> {
    const c = this.client();
    const clock = this.clock();
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    const deleteTimeout = timeoutOf(props.timeouts, "delete", V2V_DEFAULT_TIMEOUTS);
    const deadline = clock.now() + deleteTimeout.ms;
    let job = await getLongJob(c, id);
    if (job && !isFinal(job.state)) {
      this.log(`${label}: long job ${id} is ${job.state}; canceling it (CancelLongJob)`);
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
      this.log(`${label}: destroying and expunging the migrated VM ${vmUuid}`);
      await ignoreGone(destroyVmInstance(c, vmUuid), vmUuid);
      await ignoreGone(expungeVmInstance(c, vmUuid), vmUuid);
    }
    if (job) await ignoreGone(deleteLongJob(c, id), id);
  }

  // ------------------------------------------------------------------ outputs

  /** Values to redact from anything this resource records or reports: credentials and secret inputs (sshPrivKey). */
  private secretsOf(c: ZStackClient, inputs: V2vMigrationInputs): string[] {
    const values = inputs as unknown as Record<string, unknown>;
    const secretInputs = V2V_MIGRATION_INPUTS.secrets
      .map((k) => values[k])
      .filter((x): x is string => typeof x === "string" && x !== "");
    return [...c.secrets(), ...secretInputs];
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
    });
  }
}
