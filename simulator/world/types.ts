/**
 * Shapes of what the simulated management node stores. Rows are the inventories as they go on the
 * wire, except that timestamps are epoch ms numbers (rendered to Java strings on output) and that
 * absent fields are `undefined` (omitted on output, like Gson's nulls).
 */
import type { LongJobTimelineEntry } from "./timeline";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = { uuid: string; [field: string]: any };

/** Table names of the world, as used by `SimWorld` methods and the control endpoint. */
export const TABLES = [
  "zones",
  "clusters",
  "hosts",
  "primaryStorages",
  "backupStorages",
  "l3Networks",
  "conversionHosts",
  "vms",
  "longJobs",
  "imagePackages",
  "accessKeys",
  "sessions",
  "accounts",
  "tags",
  // ZStack's vCenter registrations (VCenterInventory), then the VMware side that AddVCenter and
  // SyncVCenter read (not ZStack inventories: only the control endpoint shows them; world/vcenter.ts)
  "vcenters",
  "vcenterServers",
  "vcenterVms",
] as const;
export type TableName = (typeof TABLES)[number];

export function isTableName(name: string): name is TableName {
  return (TABLES as readonly string[]).includes(name);
}

/** Run-time state of a V2V long job that the wire inventory does not show. */
export interface LongJobRuntime {
  kind: "v2v";
  /** simulated duration of one full run */
  durationMs: number;
  /** fraction (0..1) completed before the current Running segment */
  progress: number;
  /** sim ms at which the current Running segment began; absent when not progressing */
  segmentStart?: number;
  /** fraction at which this run fails (fault injection or unknown source) */
  failAt?: number;
  failDetail?: string;
  failCause?: string;
  /** Canceling: sim ms at which the cancel completes, and the cancel api-job to complete then */
  cancelDueAt?: number;
  cancelApiJob?: string;
  /** the validated ConvertVm parameters */
  request: Record<string, unknown>;
  systemTags?: string[];
  userTags?: string[];
  /** uuid of the source ESX VM when the url is vmware://<uuid> */
  sourceUuid?: string;
  sourceFound: boolean;
  sourceDiskBytes: number;
  /** the conversion host cache this run holds (assumptions.ts, V2V_HOLDS_CONVERSION_CACHE), given back when it ends */
  cacheHeld?: { conversionHostUuid: string; bytes: number };
  taskUuid: string;
  seq: number;
}

/** An OVA export in progress (the ImagePackage row is `Exporting`). */
export interface ExportRuntime {
  packageUuid: string;
  apiJob: string;
  vmUuid: string;
  startedAt: number;
  durationMs: number;
  failAt?: number;
  failDetail?: string;
  size: number;
  taskUuid: string;
  seq: number;
}

/** A record of the async-API store behind `GET /v1/api-jobs/{uuid}`. */
export interface ApiJob {
  uuid: string;
  api: string;
  createdAt: number;
  timeoutMs: number;
  done: boolean;
  /** 200 or 503 once done */
  status?: number;
  /** the serialized body once done */
  body?: string;
  finishedAt?: number;
}

/** Where `GET /v1/task-progresses/{apiId}` finds its numbers. */
export interface ProgressRef {
  taskUuid: string;
  taskName: string;
  /** live source: a long job or an export runtime */
  longJobUuid?: string;
  packageUuid?: string;
  startedAt: number;
  /** frozen result once the source is gone or superseded */
  frozenPercent?: number;
  frozenAt?: number;
}

export interface Tags {
  system?: string[];
  user?: string[];
}

/** The persisted form of the whole world (state file and seed file share it). */
export interface WorldSnapshot {
  format: "zstack-sim-world";
  version: 1;
  /** simulated time of the snapshot */
  now?: number;
  managementNodeUuid?: string;
  prng?: number[];
  seq?: number;
  tables: Partial<Record<TableName, Row[]>>;
  longJobRuntimes?: Record<string, LongJobRuntime>;
  exports?: Record<string, ExportRuntime>;
  apiJobs?: ApiJob[];
  progress?: Record<string, ProgressRef>;
  tags?: Record<string, Tags>;
  /** Running intervals of the V2V long jobs (timeline.ts), in submission order */
  longJobTimeline?: LongJobTimelineEntry[];
}
