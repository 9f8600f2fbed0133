/**
 * The OVA export engine (docs/zstack-wire.md §8.1, OvfManagerImpl.doExportVmOva): the ImagePackage row is
 * `Exporting` from the start, the api-job stays 202 until the simulated export ends, then the row is
 * `Exported` with exportUrl/md5Sum/size and the api-job answers `{"inventory": …}`. On failure the row
 * is rolled back and the api-job answers 503.
 */
import {
  DEFAULT_OVA_FAILURE_DETAIL,
  DEFAULT_OVA_FAIL_FRACTION,
  OVA_DOWNLOAD_PREFIX,
  OVA_FORMAT,
  OVA_TASK_NAME,
  defaultOvaDurationMs,
  exportDeletedDetails,
  exportedOvaSize,
} from "../assumptions";
import { errorCode } from "../core/errors";
import { vmVolumeBytes } from "./vm-factory";
import type { ExportRuntime, Row } from "./types";
import type { SimWorld } from "./world";

export interface ExportStart {
  packageUuid: string;
  apiJob: string;
  vm: Row;
  backupStorageUuid: string;
  name: string;
  description: string;
  systemTags?: string[];
  userTags?: string[];
}

export function start(w: SimWorld, s: ExportStart): Row {
  const at = w.now();
  const bytes = vmVolumeBytes(s.vm, "actualSize");
  const fault = w.hooks.takeFailure("ova");
  const rt: ExportRuntime = {
    packageUuid: s.packageUuid,
    apiJob: s.apiJob,
    vmUuid: s.vm.uuid,
    startedAt: at,
    durationMs: Math.max(1, w.hooks.durations().ovaMs ?? defaultOvaDurationMs(bytes)),
    size: exportedOvaSize(bytes, s.packageUuid),
    taskUuid: w.prng.uuid(),
    seq: w.nextSeq(),
  };
  if (fault) {
    rt.failAt = Math.min(1, Math.max(0, fault.atFraction ?? DEFAULT_OVA_FAIL_FRACTION));
    rt.failDetail = fault.details ?? DEFAULT_OVA_FAILURE_DETAIL(s.vm.uuid);
  }
  const row: Row = {
    uuid: s.packageUuid,
    name: s.name,
    description: s.description,
    vmUuid: s.vm.uuid,
    backupStorageUuid: s.backupStorageUuid,
    state: "Exporting",
    format: OVA_FORMAT,
    createDate: at,
    lastOpDate: at,
  };
  w.tables.imagePackages.set(row.uuid, row);
  w.exports.set(row.uuid, rt);
  if (s.systemTags?.length || s.userTags?.length) w.tags.set(row.uuid, { system: s.systemTags, user: s.userTags });
  w.progress.set(s.apiJob, { taskUuid: rt.taskUuid, taskName: OVA_TASK_NAME, packageUuid: row.uuid, startedAt: at });
  // start computing the file's MD5 in the background now, so it is ready when the export ends
  if (rt.failAt === undefined) prepareMd5(w, rt);
  w.changed();
  return row;
}

export function dueAt(rt: ExportRuntime): number {
  return rt.startedAt + Math.ceil((rt.failAt ?? 1) * rt.durationMs);
}

export function downloadUrl(base: string, packageUuid: string, vmName: string): string {
  return `${base}${OVA_DOWNLOAD_PREFIX}${packageUuid}/${encodeURIComponent(vmName || "vm")}.ova`;
}

function prepareMd5(w: SimWorld, rt: ExportRuntime): void {
  const md5 = w.hooks.md5Of(rt.packageUuid, rt.size);
  if (typeof md5 !== "string") md5.catch(() => undefined);
}

/**
 * Ends an export that is due at `at`. Returns a promise, and changes nothing, when the export would
 * succeed but its MD5 is still being computed (unless `syncMd5`): the caller retries once it settles.
 */
export function processDue(w: SimWorld, packageUuid: string, at: number, syncMd5 = false): Promise<unknown> | void {
  const rt = w.exports.get(packageUuid);
  if (!rt) return;
  const row = w.tables.imagePackages.get(packageUuid);
  let md5: string | undefined;
  if (row && rt.failAt === undefined) {
    const m = w.hooks.md5Of(packageUuid, rt.size, syncMd5);
    if (typeof m !== "string") return m;
    md5 = m;
  }
  freezeProgress(w, rt, at);
  w.exports.delete(packageUuid);
  if (!row) {
    w.completeApiJob(rt.apiJob, { error: errorCode("SYS.1006", `ova package[uuid: ${packageUuid}] not found.`) }, at);
  } else if (rt.failAt !== undefined) {
    w.tables.imagePackages.delete(packageUuid);
    w.tags.delete(packageUuid);
    w.completeApiJob(
      rt.apiJob,
      { error: errorCode("SYS.1006", rt.failDetail ?? DEFAULT_OVA_FAILURE_DETAIL(rt.vmUuid)) },
      at,
    );
  } else {
    const vm = w.get("vms", rt.vmUuid);
    row.exportUrl = downloadUrl(w.hooks.downloadBase(), packageUuid, (vm?.name ?? row.name) as string);
    row.size = rt.size;
    row.md5Sum = md5;
    row.state = "Exported";
    row.lastOpDate = at;
    const bs = w.get("backupStorages", row.backupStorageUuid as string);
    if (bs && typeof bs.availableCapacity === "number")
      bs.availableCapacity = Math.max(0, bs.availableCapacity - rt.size);
    w.completeApiJob(rt.apiJob, { body: { inventory: row } }, at);
  }
  w.changed();
}

/** Percent of an export in progress. */
export function progressOf(rt: ExportRuntime, now: number): { percent: number; time: number } {
  const f = Math.max(0, Math.min(rt.failAt ?? 1, (now - rt.startedAt) / rt.durationMs));
  const percent = Math.floor(f * 100 + 1e-9);
  const reachedAt = rt.startedAt + Math.ceil((percent / 100) * rt.durationMs);
  return { percent, time: Math.min(now, reachedAt) };
}

function freezeProgress(w: SimWorld, rt: ExportRuntime, at: number): void {
  const ref = w.progress.get(rt.apiJob);
  if (!ref) return;
  const p = rt.failAt === undefined && at >= dueAt(rt) ? { percent: 100, time: at } : progressOf(rt, at);
  ref.packageUuid = undefined;
  ref.frozenPercent = p.percent;
  ref.frozenAt = p.time;
}

/** MN restart: exports in progress are rolled back and their api-jobs fail (by the caller). */
export function rollbackAll(w: SimWorld, now: number): void {
  for (const [uuid, rt] of w.exports) {
    freezeProgress(w, rt, now);
    w.exports.delete(uuid);
    w.tables.imagePackages.delete(uuid);
    w.tags.delete(uuid);
  }
}

/** The package row is being deleted: stop its export (the api-job fails). */
export function forget(w: SimWorld, packageUuid: string): void {
  const rt = w.exports.get(packageUuid);
  if (!rt) return;
  const now = w.now();
  freezeProgress(w, rt, now);
  w.exports.delete(packageUuid);
  w.completeApiJob(rt.apiJob, { error: errorCode("SYS.1006", exportDeletedDetails(packageUuid)) }, now);
}
