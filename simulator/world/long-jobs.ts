/**
 * The V2V long-job engine: the LongJob state machine of docs/zstack-wire.md §6.2/§6.4, advanced lazily
 * over simulated time. A job's progress is `progress + (now - segmentStart) / durationMs` while it runs.
 */
import {
  CANCEL_INTERRUPTED_BY_CLEAN_CODE,
  DEFAULT_CANCEL_MS,
  DEFAULT_V2V_FAILURE_CAUSE,
  DEFAULT_V2V_FAILURE_DETAIL,
  DEFAULT_V2V_FAIL_FRACTION,
  V2V_CACHE_FULL_DETAIL,
  GENERIC_SOURCE_DISK_BYTES,
  RERUN_REPLACES_API_ID,
  RESUME_KEEPS_PROGRESS,
  V2V_SUPPORTS_CLEAN,
  V2V_TASK_NAME,
  V2V_JOB_NAME,
  V2V_UNKNOWN_SOURCE_DETAIL,
  cancelInterruptedByClean,
  canceledJobResult,
  cleanedJobResult,
  defaultV2vDurationMs,
  v2vFailureJobResult,
} from "../assumptions";
import { argerr, errorCode, fail } from "../core/errors";
import { gsonStringify } from "../core/gson";
import { text } from "../core/text";
import { buildVm, GiB } from "./vm-factory";
import { noteJobState, recordSubmission } from "./timeline";
import type { LongJobRuntime, Row } from "./types";
import type { SimWorld } from "./world";

export const FINAL_STATES = new Set(["Succeeded", "Failed", "Canceled"]);

/** Fraction at which a source that cannot be found makes the job fail (the MN asks vCenter first). */
const UNKNOWN_SOURCE_FAIL_AT = 0.01;

export interface V2vStart {
  uuid: string;
  apiId: string;
  name: string;
  description?: string;
  jobData: string;
  request: Record<string, unknown>;
  systemTags?: string[];
  userTags?: string[];
}

/** Source VM of a `vmware://<uuid>` url, and the bytes to convert after volumeFilters. */
function resolveSource(
  w: SimWorld,
  request: Record<string, unknown>,
): Pick<LongJobRuntime, "sourceUuid" | "sourceFound" | "sourceDiskBytes"> {
  const url = text(request.url ?? "");
  const m = /^vmware:\/\/(.+)$/.exec(url);
  if (!m) return { sourceFound: true, sourceDiskBytes: GENERIC_SOURCE_DISK_BYTES };
  const sourceUuid = m[1];
  const src = w.get("vms", sourceUuid);
  if (!src || src.hypervisorType !== "ESX") return { sourceUuid, sourceFound: false, sourceDiskBytes: 0 };
  const skipped = skippedDevices(request);
  const bytes = ((src.allVolumes as Row[]) ?? [])
    .filter((v) => !skipped.has(deviceName(v.deviceId)))
    .reduce((s, v) => s + Number(v.size ?? 0), 0);
  return { sourceUuid, sourceFound: true, sourceDiskBytes: bytes };
}

/** `vda`, `vdb`, … for device ids 0, 1, … */
function deviceName(deviceId: unknown): string {
  return "vd" + String.fromCharCode(97 + (Number(deviceId) || 0));
}

/** volumeFilters elements `{"deviceId": "vdb", "skip": true}` (UNCONFIRMED shape, §7.4, §11.2). */
function skippedDevices(request: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const filters = request.volumeFilters;
  if (Array.isArray(filters)) {
    for (const f of filters) {
      if (f && typeof f === "object" && (f as Row).skip === true && typeof (f as Row).deviceId === "string")
        out.add((f as Row).deviceId as string);
    }
  }
  return out;
}

function planRun(w: SimWorld, rt: Pick<LongJobRuntime, "sourceFound" | "sourceDiskBytes" | "sourceUuid">, at: number) {
  const durations = w.hooks.durations();
  const durationMs = Math.max(1, durations.v2vMs ?? defaultV2vDurationMs(rt.sourceDiskBytes));
  const fault = w.hooks.takeFailure("v2v");
  let failAt: number | undefined;
  let failDetail: string | undefined;
  let failCause: string | undefined;
  if (!rt.sourceFound) {
    failAt = UNKNOWN_SOURCE_FAIL_AT;
    failDetail = V2V_UNKNOWN_SOURCE_DETAIL(rt.sourceUuid ?? "");
    failCause = failDetail;
  } else if (fault) {
    failAt = Math.min(1, Math.max(0, fault.atFraction ?? DEFAULT_V2V_FAIL_FRACTION));
    failDetail = fault.details ?? DEFAULT_V2V_FAILURE_DETAIL(rt.sourceUuid ?? "");
    failCause = fault.details ?? DEFAULT_V2V_FAILURE_CAUSE;
  }
  return { durationMs, failAt, failDetail, failCause, progress: 0, segmentStart: at };
}

/** Creates the LongJob row (already Running, §6.2) and its run-time state. */
export function startV2v(w: SimWorld, s: V2vStart): Row {
  const at = w.now();
  const source = resolveSource(w, s.request);
  const rt: LongJobRuntime = {
    kind: "v2v",
    request: s.request,
    systemTags: s.systemTags,
    userTags: s.userTags,
    ...source,
    ...planRun(w, source, at),
    taskUuid: w.prng.uuid(),
    seq: w.nextSeq(),
  };
  holdCache(w, rt);
  const row: Row = {
    uuid: s.uuid,
    name: s.name,
    description: s.description,
    apiId: s.apiId,
    jobName: V2V_JOB_NAME,
    jobData: s.jobData,
    state: "Running",
    managementNodeUuid: w.managementNodeUuid,
    createDate: at,
    lastOpDate: at,
  };
  w.tables.longJobs.set(row.uuid, row);
  w.jobRuntimes.set(row.uuid, rt);
  recordSubmission(w.timeline, row, s.request, at);
  w.progress.set(s.apiId, { taskUuid: rt.taskUuid, taskName: V2V_TASK_NAME, longJobUuid: row.uuid, startedAt: at });
  w.changed();
  return row;
}

export function dueAt(w: SimWorld, uuid: string, rt: LongJobRuntime): number | undefined {
  const row = w.tables.longJobs.get(uuid);
  if (!row) return undefined;
  if (row.state === "Running" && rt.segmentStart !== undefined) {
    const target = rt.failAt ?? 1;
    return rt.segmentStart + Math.max(0, Math.ceil((target - rt.progress) * rt.durationMs));
  }
  if (row.state === "Canceling" && rt.cancelDueAt !== undefined) return rt.cancelDueAt;
  return undefined;
}

export function processDue(w: SimWorld, uuid: string, at: number): void {
  const row = w.tables.longJobs.get(uuid);
  const rt = w.jobRuntimes.get(uuid);
  if (!row || !rt) return;
  if (row.state === "Canceling") {
    finishCancel(w, row, rt, at);
  } else if (rt.failAt !== undefined) {
    rt.progress = rt.failAt;
    rt.segmentStart = undefined;
    finish(
      w,
      row,
      "Failed",
      gsonStringify(v2vFailureJobResult(rt.failDetail ?? "", rt.failCause ?? rt.failDetail ?? "")),
      at,
    );
  } else {
    rt.progress = 1;
    rt.segmentStart = undefined;
    const vm = createConvertedVm(w, rt, at);
    row.targetResourceUuid = vm.uuid;
    finish(w, row, "Succeeded", gsonStringify({ inventory: vm, success: true }), at);
  }
  w.changed();
}

/**
 * A conversion holds its source disks' bytes of its conversion host's cache (`availableSize`) while
 * it is not finished (assumptions.ts, V2V_HOLDS_CONVERSION_CACHE). One that does not fit fails when
 * the cache runs out: at the fraction of its bytes that fitted.
 */
function holdCache(w: SimWorld, rt: LongJobRuntime): void {
  releaseCache(w, rt);
  const uuid = rt.request.conversionHostUuid;
  const host = typeof uuid === "string" ? w.tables.conversionHosts.get(uuid) : undefined;
  if (!host || typeof host.availableSize !== "number" || rt.sourceDiskBytes <= 0) return;
  const available = Math.max(0, host.availableSize);
  const bytes = Math.min(rt.sourceDiskBytes, available);
  if (bytes < rt.sourceDiskBytes && (rt.failAt === undefined || rt.failAt > bytes / rt.sourceDiskBytes)) {
    rt.failAt = bytes / rt.sourceDiskBytes;
    rt.failDetail = rt.failCause = V2V_CACHE_FULL_DETAIL(String(host.uuid), String(host.storagePath ?? ""));
  }
  host.availableSize = available - bytes;
  rt.cacheHeld = { conversionHostUuid: String(host.uuid), bytes };
}

/** Gives a finished (or deleted) conversion's share of the cache back. */
function releaseCache(w: SimWorld, rt: LongJobRuntime | undefined): void {
  const held = rt?.cacheHeld;
  if (!rt || !held) return;
  rt.cacheHeld = undefined;
  const host = w.tables.conversionHosts.get(held.conversionHostUuid);
  if (host && typeof host.availableSize === "number") host.availableSize += held.bytes;
}

/** Bytes of a conversion host's cache that unfinished conversions hold (what CleanV2VConversionCache cannot free). */
export function cacheHeldOn(w: SimWorld, conversionHostUuid: string): number {
  let bytes = 0;
  for (const rt of w.jobRuntimes.values())
    if (rt.cacheHeld?.conversionHostUuid === conversionHostUuid) bytes += rt.cacheHeld.bytes;
  return bytes;
}

function finish(w: SimWorld, row: Row, state: string, jobResult: string | undefined, at: number): void {
  releaseCache(w, w.jobRuntimes.get(row.uuid));
  row.state = state;
  if (jobResult !== undefined) row.jobResult = jobResult;
  row.lastOpDate = at;
  row.executeTime = Math.max(0, Math.round((at - row.createDate) / 1000));
  noteJobState(w.timeline, row, at);
}

function createConvertedVm(w: SimWorld, rt: LongJobRuntime, at: number): Row {
  const r = rt.request;
  const src = rt.sourceUuid ? w.get("vms", rt.sourceUuid) : undefined;
  const hosts = w.list("hosts");
  const requestedHost = r.hostUuid ? w.get("hosts", text(r.hostUuid)) : undefined;
  const cluster: Row | undefined =
    (r.clusterUuid ? w.get("clusters", text(r.clusterUuid)) : undefined) ??
    (requestedHost ? w.get("clusters", requestedHost.clusterUuid as string) : undefined) ??
    w.list("clusters", (c) => !r.zoneUuid || c.zoneUuid === r.zoneUuid)[0];
  const host =
    requestedHost ??
    hosts.find((h) => h.clusterUuid === cluster?.uuid && h.state === "Enabled" && h.status === "Connected") ??
    hosts.find((h) => h.clusterUuid === cluster?.uuid);
  const skipped = skippedDevices(r);
  const srcVolumes = ((src?.allVolumes as Row[]) ?? []).filter((v) => !skipped.has(deviceName(v.deviceId)));
  const volumes = srcVolumes.length
    ? srcVolumes.map((v) => ({ size: Number(v.size), actualSize: Number(v.actualSize ?? v.size) }))
    : [{ size: rt.sourceDiskBytes || 20 * GiB }];
  const strategy = text(r.strategy ?? "InstantStart");
  const vm = buildVm(
    {
      uuid: w.prng.uuid(),
      name: String(r.name),
      description: r.description as string | undefined,
      state: strategy === "JustConvert" ? "Stopped" : "Running",
      hypervisorType: "KVM",
      cpuNum: Number(r.cpuNum),
      memorySize: Number(r.memorySize),
      platform: (r.platform as string | undefined) ?? (src?.platform as string | undefined) ?? "Linux",
      guestOsType: src?.guestOsType as string | undefined,
      type: (r.type as string | undefined) ?? "UserVm",
      zoneUuid: (r.zoneUuid as string | undefined) ?? (cluster?.zoneUuid as string | undefined),
      clusterUuid: cluster?.uuid,
      hostUuid: host?.uuid,
      lastHostUuid: host?.uuid,
      primaryStorageUuid: r.primaryStorageUuid as string,
      l3NetworkUuids: (r.l3NetworkUuids as string[]) ?? [],
      defaultL3NetworkUuid: r.defaultL3NetworkUuid as string | undefined,
      volumes,
      createdAt: at,
    },
    w.prng,
    w.tables.l3Networks,
    w.tables.vms.values(),
  );
  w.tables.vms.set(vm.uuid, vm);
  const tags: { system?: string[]; user?: string[] } = {};
  if (rt.systemTags?.length) tags.system = rt.systemTags;
  if (rt.userTags?.length) tags.user = rt.userTags;
  if (tags.system || tags.user) w.tags.set(vm.uuid, tags);
  return vm;
}

/** Fraction done at `now`, including the running segment. */
export function fractionAt(rt: LongJobRuntime, row: Row, now: number): number {
  if (row.state === "Succeeded") return 1;
  let f = rt.progress;
  if (row.state === "Running" && rt.segmentStart !== undefined) {
    f += (now - rt.segmentStart) / rt.durationMs;
    f = Math.min(f, rt.failAt ?? 1);
  }
  return Math.max(0, Math.min(1, f));
}

/** Percent and the sim time at which it was reached, for GetTaskProgress. */
export function progressOf(w: SimWorld, uuid: string, now: number): { percent: number; time: number } | undefined {
  const row = w.tables.longJobs.get(uuid);
  const rt = w.jobRuntimes.get(uuid);
  if (!row || !rt) return undefined;
  const f = fractionAt(rt, row, now);
  const percent = Math.floor(f * 100 + 1e-9);
  if (row.state === "Running" && rt.segmentStart !== undefined) {
    const reachedAt = rt.segmentStart + Math.ceil((percent / 100 - rt.progress) * rt.durationMs);
    return { percent, time: Math.min(now, Math.max(rt.segmentStart, reachedAt)) };
  }
  return { percent, time: row.lastOpDate as number };
}

function freeze(w: SimWorld, rt: LongJobRuntime, row: Row, at: number): void {
  rt.progress = fractionAt(rt, row, at);
  rt.segmentStart = undefined;
}

function freezeProgressRefs(w: SimWorld, jobUuid: string, now: number, exceptApiId?: string): void {
  const p = progressOf(w, jobUuid, now);
  for (const [apiId, ref] of w.progress) {
    if (ref.longJobUuid === jobUuid && apiId !== exceptApiId) {
      ref.longJobUuid = undefined;
      ref.frozenPercent = p?.percent ?? ref.frozenPercent ?? 0;
      ref.frozenAt = p?.time ?? now;
    }
  }
}

function requireJob(w: SimWorld, uuid: string): { row: Row; rt?: LongJobRuntime } {
  const row = w.tables.longJobs.get(uuid);
  if (!row) fail("SYS.1003", `invalid field[uuid], resource[uuid:${uuid}, type:LongJobVO] not found`);
  return { row, rt: w.jobRuntimes.get(uuid) };
}

function finishCancel(w: SimWorld, row: Row, rt: LongJobRuntime | undefined, at: number): void {
  if (rt) {
    rt.cancelDueAt = undefined;
    const apiJob = rt.cancelApiJob;
    rt.cancelApiJob = undefined;
    if (apiJob) w.completeApiJob(apiJob, { body: {} }, at);
  }
  finish(w, row, "Canceled", gsonStringify(canceledJobResult(row.uuid)), at);
}

/**
 * CancelLongJob (§6.4). Returns "done" when the api-job can answer now, "pending" when the cancel
 * completes later (a positive cancelMs) and will complete `apiJobUuid` itself.
 */
export function cancel(w: SimWorld, uuid: string, apiJobUuid: string): "done" | "pending" {
  const now = w.now();
  const { row, rt } = requireJob(w, uuid);
  if (row.state === "Succeeded") argerr("cannot cancel longjob that is succeeded");
  if (row.state === "Failed") argerr("cannot cancel longjob that is failed");
  if (row.state === "Canceled" || row.state === "Canceling") return "done";
  const wasRunning = row.state === "Running";
  if (rt) freeze(w, rt, row, now);
  const cancelMs = w.hooks.durations().cancelMs ?? DEFAULT_CANCEL_MS;
  if (wasRunning && rt && cancelMs > 0) {
    row.state = "Canceling";
    row.lastOpDate = now;
    rt.cancelDueAt = now + cancelMs;
    rt.cancelApiJob = apiJobUuid;
    noteJobState(w.timeline, row, now);
    w.changed();
    return "pending";
  }
  finishCancel(w, row, rt, now);
  w.changed();
  return "done";
}

export function resume(w: SimWorld, uuid: string): Row {
  const now = w.now();
  const { row, rt } = requireJob(w, uuid);
  if (row.state !== "Suspended") argerr("can only resume longjob that is Suspended");
  row.state = "Running";
  row.lastOpDate = now;
  if (rt) {
    if (!RESUME_KEEPS_PROGRESS) rt.progress = 0;
    rt.segmentStart = now;
  }
  noteJobState(w.timeline, row, now);
  w.changed();
  return row;
}

export function rerun(w: SimWorld, uuid: string, apiId: string): Row {
  const now = w.now();
  const { row, rt } = requireJob(w, uuid);
  if (!FINAL_STATES.has(row.state as string)) argerr("rerun longjob only when it's succeeded, canceled, or failed");
  if (!rt) fail("LONG_JOB.1003", "not supported");
  freezeProgressRefs(w, uuid, now);
  // the id the new run's progress is read with (assumptions.ts)
  const progressApiId = RERUN_REPLACES_API_ID ? apiId : String(row.apiId);
  const source = resolveSource(w, rt.request);
  Object.assign(rt, source, planRun(w, source, now));
  holdCache(w, rt);
  rt.cancelDueAt = undefined;
  rt.cancelApiJob = undefined;
  rt.seq = w.nextSeq();
  rt.taskUuid = w.prng.uuid();
  delete row.jobResult;
  delete row.executeTime;
  row.state = "Running";
  row.createDate = now;
  row.lastOpDate = now;
  row.apiId = progressApiId;
  noteJobState(w.timeline, row, now);
  w.progress.set(progressApiId, {
    taskUuid: rt.taskUuid,
    taskName: V2V_TASK_NAME,
    longJobUuid: uuid,
    startedAt: now,
  });
  w.changed();
  return row;
}

export function clean(w: SimWorld, uuid: string): void {
  const now = w.now();
  const { row, rt } = requireJob(w, uuid);
  if (!V2V_SUPPORTS_CLEAN || row.state !== "Canceling")
    fail("LONG_JOB.1003", "not supported or state is not Canceling");
  if (rt?.cancelApiJob) {
    w.completeApiJob(
      rt.cancelApiJob,
      { error: errorCode(CANCEL_INTERRUPTED_BY_CLEAN_CODE, cancelInterruptedByClean(uuid)) },
      now,
    );
  }
  if (rt) {
    rt.cancelApiJob = undefined;
    rt.cancelDueAt = undefined;
  }
  finish(w, row, "Failed", gsonStringify(cleanedJobResult(uuid)), now);
  w.changed();
}

export function remove(w: SimWorld, uuid: string): void {
  const row = w.tables.longJobs.get(uuid);
  if (!row) return; // successIfResourceNotExisting
  if (!FINAL_STATES.has(row.state as string)) argerr("delete longjob only when it's succeeded, canceled, or failed");
  w.delete("longJobs", uuid);
}

export function update(w: SimWorld, uuid: string, patch: { name?: unknown; description?: unknown }): Row {
  const { row } = requireJob(w, uuid);
  if (patch.name !== undefined && patch.name !== null) row.name = text(patch.name);
  if (patch.description !== undefined && patch.description !== null) row.description = text(patch.description);
  row.lastOpDate = w.now();
  w.changed();
  return row;
}

/** MN restart: Running -> Suspended (SYS.1012, §6.2); Canceling stops rolling back. */
export function suspendAll(w: SimWorld, now: number): void {
  for (const [uuid, rt] of w.jobRuntimes) {
    const row = w.tables.longJobs.get(uuid);
    if (!row) continue;
    if (row.state === "Running" || row.state === "Waiting") {
      freeze(w, rt, row, now);
      row.state = "Suspended";
      row.lastOpDate = now;
      noteJobState(w.timeline, row, now);
    } else if (row.state === "Canceling") {
      rt.cancelDueAt = undefined;
      rt.cancelApiJob = undefined;
    }
  }
}

export function forget(w: SimWorld, uuid: string): void {
  releaseCache(w, w.jobRuntimes.get(uuid));
  freezeProgressRefs(w, uuid, w.now());
  w.jobRuntimes.delete(uuid);
}

/** A test changed a job's state through SimWorld.update(): keep the run-time state consistent. */
export function onExternalStateChange(w: SimWorld, row: Row, before: string, now: number): void {
  noteJobState(w.timeline, row, now);
  const rt = w.jobRuntimes.get(row.uuid);
  if (!rt) return;
  if (before === "Running" && rt.segmentStart !== undefined) {
    rt.progress = Math.min(1, rt.progress + (now - rt.segmentStart) / rt.durationMs);
    rt.segmentStart = undefined;
  }
  if (row.state === "Running") rt.segmentStart = now;
  if (row.state !== "Canceling") rt.cancelDueAt = undefined;
  if (FINAL_STATES.has(row.state as string)) releaseCache(w, rt);
}
