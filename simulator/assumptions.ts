/**
 * Every behaviour of the simulator that docs/zstack-wire.md marks UNCONFIRMED, or does not cover (its §11),
 * is decided here and nowhere else. Each entry says what that page records and what we chose.
 * Section numbers (§) below are those of docs/zstack-wire.md.
 * Change a choice here and the whole simulator follows: every constant is read where its behaviour
 * lives. An entry without a constant records a choice that has no alternative worth a switch.
 */

// ---------------------------------------------------------------------------------------------
// Async APIs
// ---------------------------------------------------------------------------------------------

/** Default `apiTimeout` of an async API: 30 min (§3.4, confirmed). */
export const DEFAULT_API_TIMEOUT_MS = 1_800_000;

/**
 * UNCONFIRMED (§11.5): ConvertVmFromForeignHypervisor has no known `@DefaultTimeout`, so it reports
 * the 30 min default. It only bounds the submit; the conversion itself runs as a long job.
 */
export const V2V_API_TIMEOUT_MS = DEFAULT_API_TIMEOUT_MS;

/** ExportVmOvaPackage: `@DefaultTimeout(HOURS, 72)` (§3.4, confirmed). */
export const OVA_API_TIMEOUT_MS = 72 * 3_600_000;

/**
 * api-job retention (§3.5, confirmed config, simulated schedule): a finished record is deleted by the
 * first hourly scan at which `createDate < scanTime - 3 h`. UNCONFIRMED: the phase of the hourly scan;
 * we anchor it at the simulator's start, so a result stays readable between 3 h and 4 h after submit.
 */
export const API_JOB_RETENTION_MS = 3 * 3_600_000;
export const API_JOB_SCAN_INTERVAL_MS = 3_600_000;

/**
 * UNCONFIRMED: an async API still running when its `apiTimeout` (or `X-API-Timeout`) has passed fails
 * on the poll with SYS.1001 and these details; the work itself (e.g. an OVA export) carries on.
 */
export const apiTimeoutDetails = (api: string, timeoutMs: number) =>
  `API[${api}] timeout after ${timeoutMs} ms, the operation may still be running in the background`;

// ---------------------------------------------------------------------------------------------
// REST layer
// ---------------------------------------------------------------------------------------------

/**
 * §3.1: the servlet mapping of `/v1/**` accepts POST, PUT, DELETE, GET and HEAD only.
 * UNCONFIRMED (§11.9: no source says what the other methods get): Spring's DispatcherServlet
 * refuses them before RestServer runs, with 405, an `Allow` header and this plain-text message
 * (HttpRequestMethodNotSupportedException). This applies to every path under /zstack/v1, api-jobs
 * included, and to OPTIONS too (no CORS pre-flight handling).
 */
export const ACCEPTED_HTTP_METHODS: readonly string[] = ["POST", "PUT", "DELETE", "GET", "HEAD"];
export const unsupportedHttpMethod = (method: string) => `Request method '${method}' not supported`;

/**
 * Derived from §3.7 and §4.2, not stated as such: RestServer parses a query's parameters (q, limit,
 * start, fields: 400 plain text) in handleQueryApi, before the message reaches the API interceptor
 * that rejects an unknown or expired session (503 ID.1001). So a malformed query parameter gets its
 * 400 even with an invalid session; an unknown query field (SYS.1007, from the query facade) comes
 * after the session check. A missing or foreign `Authorization` header (400) comes first of all.
 */
export const QUERY_PARSE_BEFORE_SESSION_CHECK = true;

/**
 * Not a ZStack behaviour (simulator-only): every response carries `X-ZStack-Simulator: zstack-sim` so
 * clients can log that they talk to the simulator. `simulatorHeader: false` / `--no-sim-header`
 * turns it off, for clients that must not be able to tell.
 */
export const SIMULATOR_HEADER = "X-ZStack-Simulator";
export const SIMULATOR_HEADER_VALUE = "zstack-sim";

// ---------------------------------------------------------------------------------------------
// RPC API (§12.3: `POST /zstack/api`, http/rpc.ts)
// ---------------------------------------------------------------------------------------------

/**
 * UNCONFIRMED, and our choices for the RPC API:
 * - a reply's or event's class is in its message's package, named by the metadata's `responseName`
 *   ([MCP]); where [MCP] has no entry, `API<name>Reply` (sync and query APIs) or `API<name>Event` (async):
 *   ConvertVmFromForeignHypervisor's event is `org.zstack.v2v.APIConvertVmFromForeignHypervisorEvent`,
 *   LogInByAccount's and LogInByUser's reply `org.zstack.header.identity.APILogInReply` ([ZS]);
 * - a failure is answered with the API's own reply or event class, `{"success": false, "error": …}`,
 *   also when ZStack's interceptors (session, parameter checks) might answer with a generic one;
 * - the session is checked before a query's `conditions` (mandatory, SYS.1007) and its operators are
 *   read; an operator that is not one of QueryOp's is SYS.1000 (the facade's IllegalArgumentException);
 * - the message's `id` becomes the api id (the result's uuid) when given; an `id` an api-job already
 *   has fails the call with HTTP 500 (the RestAPIVO insert); its `timeout` is ignored: an async API
 *   gets its own `apiTimeout`, as through REST; `synchronousApis` (a REST switch) does not apply;
 * - a body that is empty, an empty object, or a message that is JSON null (HTTP 500 in ZStack, from a
 *   NullPointerException) gets HTTP 500 with the first line of RESTApiController's text.
 */
export const rpcBrokenMessage = (uri: string) => `Error when calling ${uri}`;
export const rpcDuplicateApiId = (apiId: string) =>
  `Error when calling /zstack/api: the api id[${apiId}] is already taken by another api result`;
/** [ZS] RESTApiDecoder: a class it cannot load (the simulator: one it does not serve), HTTP 200. */
export const rpcUnknownClass = (className: string) => `Unable to deserialize class ${className}`;
/**
 * UNCONFIRMED wording (Gson's, without its line and column): a message field of the wrong JSON type
 * (a number for a boolean, a non-numeric string for an integer, a string for a list…), HTTP 200.
 */
export const rpcUndecodable = (expected: string, found: string, path: string) =>
  `java.lang.IllegalStateException: Expected ${expected} but was ${found} at path ${path}`;
/** [ZS] QueryOp.valueOf. */
export const rpcUnknownQueryOp = (op: string) => `unknown QueryOp type[${op}]`;

// ---------------------------------------------------------------------------------------------
// Sessions and access keys
// ---------------------------------------------------------------------------------------------

/** identity.session.maxConcurrent (§4.2, confirmed). */
export const MAX_CONCURRENT_SESSIONS = 500;

/**
 * UNCONFIRMED (§11.9, no source covers it): the access-key `Date` skew check compares with "now". A real MN
 * has one clock; the simulator has a simulated clock that may run faster than real time. We accept
 * a Date within ±15 min of EITHER the simulated clock or the real wall clock, so clients signing with
 * their wall clock keep working when the simulator runs at `--speed 600` or under a manual clock.
 */
export const AK_SKEW_ACCEPTS_REAL_CLOCK = true;

/**
 * UNCONFIRMED (§4.3): "Invalid authKey format" is unreachable with the server's own split check; we
 * return it when the AccessKeyId or the signature part is empty (`ZStack :sig`, `ZStack id:`… the
 * latter is already caught by the split, as in Java).
 */
export const AK_EMPTY_PART_IS_INVALID_FORMAT = true;

/**
 * UNCONFIRMED: CreateAccessKey with an AccessKeyID that another key already has. No source says
 * anything (§11.9); the unique column would make the insert fail. We answer SYS.1007 with this text.
 */
export const duplicateAccessKeyId = (id: string) => `AccessKeyID[${id}] already exists`;

/** UNCONFIRMED: an empty `OAuth` token yields ID.1001 with details `session uuid is null`. */

/**
 * How an invalid or expired session is reported (§4.2, §12.2). ID.1001 is what the open-source server
 * answers. Newer management nodes report ORG_ZSTACK_IDENTITY_10020: ZStack's own client renews its
 * session on that code, as `code` or as `globalErrorCode` ([MCP] `zstack_client.py`). UNCONFIRMED: the
 * rest of that error. The simulator puts the code in `code`, with ID.1001's description and details;
 * the fault `setSessionErrorCode` (`POST /_sim/faults/session-error-code`) chooses the form, ID.1001 by
 * default and after `faults.clear()`.
 */
export const SESSION_ERROR_CODES = ["ID.1001", "ORG_ZSTACK_IDENTITY_10020"] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/**
 * UNCONFIRMED order of checks for create APIs, as apis/validate.ts and the handlers run them:
 * (1) the FRONT interceptor's resourceUuid format check;
 * (2) @APIParam checks field by field, in the SDK's field order; for each field, in this order:
 *     mandatory, valid values, max length, min length, non-empty list, NULL element, empty string,
 *     number range, and then the existence of the uuids it references (SYS.1003). So a missing
 *     reference in an early field is reported before a bad value in a later field: parameter and
 *     existence checks are interleaved, not two passes;
 * (3) resourceUuid uniqueness (duplicateResourceUuid below);
 * (4) the API's own interceptor checks (OvfInterceptor's order for ExportVmOvaPackage, a duplicate
 *     AccessKeyID for CreateAccessKey).
 * Exception: ConvertVmFromForeignHypervisor (and SubmitLongJob's wrapped message) refuses a Disabled
 * conversion host right after (2), before (3).
 */
export const VALIDATION_ORDER =
  "resourceUuid format, then each field in order (its parameter checks, then its referenced uuids), then resourceUuid uniqueness, then the interceptor (V2V: conversion-host state before uniqueness)";

/**
 * UNCONFIRMED: reusing a `resourceUuid` that already exists. The DB insert would fail; we answer
 * SYS.1007 with this text.
 */
export const duplicateResourceUuid = (uuid: string) =>
  `resource[uuid:${uuid}] already exists, resourceUuid must be unique`;

/**
 * §4.3 gives CreateAccessKey's lengths (AccessKeyID 10–20, AccessKeySecret 10–40) but §5.3 does not
 * list the @APIParam(minLength) message. We use ApiMessageParamValidator's template (checked right
 * after max length), SYS.1007.
 */
export const minLengthDetails = (field: string, msgClass: string, min: number, actual: number) =>
  `field[${field}] of message[${msgClass}] less than the min length of string. expected was >= ${min}, actual was ${actual}`;

/**
 * UNCONFIRMED: query conditions naming a field the inventory does not have. We answer 503 SYS.1007
 * with the wording of the pre-ZQL QueryFacade.
 */
export const unknownQueryField = (field: string, inventoryClass: string) =>
  `condition name[${field}] is invalid, no such field on inventory class[${inventoryClass}]`;

/**
 * Queryable fields (§9, §12.4): each inventory accepts exactly the `primitive_fields` of [MCP], plus
 * dotted names below its lists of inventories (`vmNics.ip`, `allVolumes.size`, `ipRanges.startIp`), plus
 * the tag pseudo-fields. UNCONFIRMED, and our choices:
 * - the simulator serves no tag patterns (no CreateTag API; `tagUuids` of create APIs are accepted and
 *   not kept), so no resource carries one: `__tagUuid__` is accepted and matches as for an untagged
 *   resource (`is null` holds, `=` never does);
 * - the default world's hosts have no IPMI and no hardware monitor: their `ipmi*` and `*Status` fields
 *   are null, so omitted; its L3 networks are not isolated, have no DNS (`dns: []`) and `internalId`
 *   1 and 2; every VM has `reservedMemorySize` 0.
 */

/**
 * UNCONFIRMED: string comparisons in queries are case-sensitive (a real MN runs them in MySQL,
 * whose collation may be case-insensitive). `~=` supports `%` and `_`.
 */
export const QUERY_CASE_SENSITIVE = true;

// ---------------------------------------------------------------------------------------------
// V2V (§7, §11)
// ---------------------------------------------------------------------------------------------

/**
 * UNCONFIRMED: ConvertVmFromForeignHypervisor is not in [MCP]; its message class is taken to live in
 * `org.zstack.v2v`, as the module's other APIs do ([MCP] `apiName`).
 */
export const V2V_MSG_CLASS = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";
export const V2V_JOB_NAME = "APIConvertVmFromForeignHypervisorMsg";

/**
 * UNCONFIRMED (§11.3): `jobData` is the Gson JSON of the API message, including `session`
 * ({uuid, accountUuid, userUuid}), `id` (the api id), `timeout`, and secrets such as `sshPrivKey`,
 * as a real MN stores them. Clients must redact it.
 */
export const V2V_JOBDATA_INCLUDES_SESSION = true;

/**
 * UNCONFIRMED (§6.3, §11.3): success `jobResult` is the JSON of the final event,
 * `{"inventory": <VmInstanceInventory>, "success": true}`; `targetResourceUuid` is the new VM's uuid,
 * set when the job succeeds (absent before, kept across a rerun until the next success).
 */

/**
 * UNCONFIRMED: failure `jobResult` (JobResultError): `message` is an ErrorCodeElaboration-like object
 * `{"message_en", "message_cn"}`, `detail` the error details, `cause` the root cause details.
 */
export function v2vFailureJobResult(detail: string, cause: string): Record<string, unknown> {
  return {
    message: {
      message_en: "The V2V conversion failed. Check the conversion host and the source VM, then rerun the job.",
      message_cn: "V2V迁移失败，请检查转换主机和源云主机后重新执行任务。",
    },
    detail,
    cause,
  };
}

export const DEFAULT_V2V_FAILURE_DETAIL = (srcUuid: string) =>
  `failed to convert vm[uuid:${srcUuid}] from the foreign hypervisor: virt-v2v exited with code 1`;
export const DEFAULT_V2V_FAILURE_CAUSE =
  "virt-v2v: error: inspection could not detect the source guest (or physical machine)";

/**
 * UNCONFIRMED (§7.3, §11.1): only `vmware://<uuid>` is confirmed. Any other non-empty url is accepted and
 * converts a generic 20 GiB Linux guest. A `vmware://` url naming no known ESX VM is accepted by the
 * API and the long job then fails with this detail.
 */
export const V2V_UNKNOWN_SOURCE_DETAIL = (srcUuid: string) =>
  `cannot find the source vm[uuid:${srcUuid}] on the vCenter, it may have been deleted`;
export const GENERIC_SOURCE_DISK_BYTES = 20 * 1024 ** 3;

/**
 * UNCONFIRMED (§9: QueryVmInstance lists `allVolumes` but no source gives its elements): each element
 * is a VolumeInventory with these fields; `size` (bytes, the virtual size) is what a V2V converts
 * and what a capacity check adds up, `actualSize` the bytes used (40 % of `size` for ZStack VMs, 50 %
 * for VMware VMs). VMware (ESX) VMs, seeded or added with `addVmwareVms`, have `vmdk` volumes on no
 * primary storage, no NICs on ZStack networks and no zone, cluster or host (vm-factory.ts, esxVmSpec).
 */
export const VM_VOLUME_FIELDS = [
  "uuid",
  "name",
  "primaryStorageUuid",
  "vmInstanceUuid",
  "type",
  "format",
  "size",
  "actualSize",
  "deviceId",
  "state",
  "status",
  "isShareable",
  "installPath",
  "createDate",
  "lastOpDate",
] as const;

/**
 * Invented (the long-job timeline, `sim.longJobTimeline()`, `GET /_sim/long-jobs/timeline`: a
 * simulator record, not a ZStack API): a V2V job occupies its conversion host while its state is
 * `Running`, and only then. `Waiting`, `Suspended` (MN restart), `Canceling` (rolling back) and the
 * final states do not count; a resumed or rerun job opens a new interval.
 */
export const TIMELINE_RUNNING_STATE = "Running";

/**
 * UNCONFIRMED: a Disabled conversion host is rejected by the API (503 on the poll, SYS.1007).
 */
export const disabledConversionHost = (uuid: string) =>
  `the v2v conversion host[uuid:${uuid}] is disabled, please enable it first`;

// --- V2V conversion hosts (§7.5): AddV2VConversionHost's refusals, state rules and delete ---

/** The conversion hosts' API messages (package `org.zstack.v2v`, [MCP] `apiName`). */
export const CONVERSION_HOST_MSG_PKG = "org.zstack.v2v";

/**
 * UNCONFIRMED (§7.5 says "a KVM host", no source gives the wording): adding a conversion host on a
 * host whose `hypervisorType` is not KVM (e.g. an ESXi host seen through vCenter) is refused, SYS.1007.
 */
export const conversionHostNotKvm = (hostUuid: string, hypervisorType: string) =>
  `host[uuid:${hostUuid}] is not a KVM host (hypervisorType: ${hypervisorType}), only a KVM host can be a v2v conversion host`;

/**
 * UNCONFIRMED: one conversion host per host, whatever its `type`. A second AddV2VConversionHost on the
 * same `hostUuid` is refused, SYS.1007, naming the existing one.
 */
export const duplicateConversionHost = (hostUuid: string, existingUuid: string) =>
  `host[uuid:${hostUuid}] is already a v2v conversion host[uuid:${existingUuid}]`;

/**
 * UNCONFIRMED: the host must be Connected to be added (the MN asks its agent to prepare
 * `storagePath`), SYS.1007; a Disconnected host is refused with this message.
 */
export const conversionHostNotConnected = (hostUuid: string, status: string) =>
  `host[uuid:${hostUuid}] is not Connected (status: ${status}), cannot add it as a v2v conversion host`;

/**
 * UNCONFIRMED: `storagePath` (Add and Update) must be an absolute path (starts with `/`), not `/`
 * itself, and without `..` segments: the agent creates and cleans that directory. SYS.1007.
 */
export const invalidStoragePath = (path: string) =>
  `storagePath[${path}] is invalid, it must be an absolute path other than / and must not contain '..'`;
export function storagePathIsValid(path: string): boolean {
  return path.startsWith("/") && path.replace(/\/+$/, "") !== "" && !path.split("/").includes("..");
}

/**
 * UNCONFIRMED: DeleteV2VConversionHost in Permissive mode (the default) is refused, SYS.1007, while a
 * V2V long job that names the host (`conversionHostUuid`) is not finished (Waiting, Running,
 * Suspended, Canceling). `deleteMode=Enforcing` deletes anyway (the cascade's check phase is skipped).
 */
export const conversionHostInUse = (uuid: string, jobUuids: string[]) =>
  `cannot delete the v2v conversion host[uuid:${uuid}], it is used by the running v2v long job(s)[uuid:${jobUuids.join(",")}]`;

/**
 * UNCONFIRMED: a new conversion host starts Enabled; its `totalSize`/`availableSize` (the cache
 * file system's size) are a fixed 4 TiB, all available; `hostStatus`/`hostState` are the host's,
 * as the MN reads them at each query (the simulator refreshes them on every conversion-host answer).
 */
export const NEW_CONVERSION_HOST_SIZE = 4 * 1024 ** 4;

/** UNCONFIRMED: ChangeV2VConversionHostState to the state it already has is accepted (a no-op). */
export const CONVERSION_HOST_STATE_NOOP_OK = true;

// ---

/**
 * UNCONFIRMED: `url` must not be an empty string (§7.3: the url is opaque; an empty one is refused here).
 */
export const V2V_URL_REJECTS_EMPTY = true;

/** `memorySize` range reported by the range check (≥ 1 byte). */
export const V2V_MEMORY_RANGE: [number, string] = [1, "9223372036854775807"];

/**
 * UNCONFIRMED: default conversion duration from the source disks that are not skipped by
 * `volumeFilters`: 10 min + 15 s per GiB (40 GiB -> 20 min, 200 GiB -> 60 min).
 */
export function defaultV2vDurationMs(diskBytes: number): number {
  return 10 * 60_000 + Math.round((diskBytes / 1024 ** 3) * 15_000);
}

/**
 * UNCONFIRMED (§11.4): progress of V2V and OVA export is served by `GET /v1/task-progresses/{apiId}`
 * (apiId = the X-Job-UUID of the ConvertVm / ExportVmOvaPackage call, and the RerunLongJob call after
 * a rerun). One inventory: `{taskUuid, taskName, type: "Progress", content: "<integer percent>", time}`;
 * the percent grows linearly with simulated time and freezes when the job is suspended or stops.
 * `?all=true` adds one entry per 10 % step reached, oldest first.
 */
export const TASK_PROGRESS_TYPE = "Progress";
export const V2V_TASK_NAME = "APIConvertVmFromForeignHypervisorMsg";
export const OVA_TASK_NAME = "APIExportVmOvaPackageMsg";

/** UNCONFIRMED: V2V long jobs support Cancel (confirmed by [WP]) and Clean (Canceling -> Failed). */
export const V2V_SUPPORTS_CLEAN = true;

/**
 * UNCONFIRMED: how long a cancel takes. Default 0: Canceling -> Canceled at once and the cancel
 * api-job succeeds immediately. With a positive `cancelMs` (setJobDurations) the job stays
 * Canceling and the cancel api-job stays 202 for that simulated time.
 */
export const DEFAULT_CANCEL_MS = 0;

/**
 * UNCONFIRMED (§6.3 gives the JobResultError shape {message?, detail, cause}, not what a cancelled
 * V2V job stores): a Canceled job's `jobResult` is the JSON of `{detail, cause}`, both the
 * LONG_JOB.1000 details `long job[uuid:%s] has been canceled` (LongJobUtils.cancelErr), no `message`.
 */
export function canceledJobResult(jobUuid: string): Record<string, unknown> {
  const detail = `long job[uuid:${jobUuid}] has been canceled`;
  return { detail, cause: detail };
}

/**
 * UNCONFIRMED (§6.4 only says "after cleaning, the job becomes Failed"): the cleaned job's
 * `jobResult` is the JSON of `{detail, cause}` with this text.
 */
export function cleanedJobResult(jobUuid: string): Record<string, unknown> {
  const detail = `long job[uuid:${jobUuid}] was cleaned while canceling`;
  return { detail, cause: detail };
}

/**
 * UNCONFIRMED: a slow cancel (cancelMs > 0) keeps its CancelLongJob api-job pending; CleanLongJob on
 * the Canceling job then fails that pending api-job with SYS.1006 and these details (the clean itself
 * succeeds with `{}`).
 */
export const CANCEL_INTERRUPTED_BY_CLEAN_CODE = "SYS.1006";
export const cancelInterruptedByClean = (jobUuid: string) =>
  `long job[uuid:${jobUuid}] was cleaned before its cancellation completed`;

/**
 * §6.4: SubmitLongJob wraps any API (ZStack's own example is APIAddImageMsg); an unknown jobName
 * fails with SYS.1007 `%s is not an API`. The simulator only implements the V2V job type. A jobName
 * that looks like an API message class (`API…Msg`) but is not supported gets SYS.1007 with
 * unsupportedLongJobType (it would be wrong to claim it is not an API); any other name gets the
 * server's `%s is not an API`.
 */
export const SUBMIT_LONG_JOB_TYPES: readonly string[] = [V2V_JOB_NAME];
export const looksLikeApiMessage = (jobName: string) => /^API[A-Za-z0-9]+Msg$/.test(jobName);
export const unsupportedLongJobType = (jobName: string) =>
  `long job type[${jobName}] is not supported by the simulator, it only runs ${SUBMIT_LONG_JOB_TYPES.join(", ")} long jobs`;
export const notAnApi = (jobName: string) => `${jobName} is not an API`;

/**
 * UNCONFIRMED: SubmitLongJob with a `jobData` that is not JSON. The server would fail to deserialize
 * the wrapped message; we answer SYS.1007 with this text.
 */
export const badJobData = (msgClass: string) => `jobData of message[${msgClass}] is not a valid JSON string`;

/**
 * UNCONFIRMED: RerunLongJob sets the job's `apiId` to the rerun call's id, so progress of the new run
 * is read with that id; the old apiId keeps reporting the old run's last percent.
 */
export const RERUN_REPLACES_API_ID = true;

/** UNCONFIRMED: a resumed job continues from the progress it had when suspended. */
export const RESUME_KEEPS_PROGRESS = true;

/**
 * UNCONFIRMED: effect of a management-node restart (§6.2 gives the state rules):
 * - Running long jobs -> Suspended (error SYS.1012), progress frozen, resumable with ResumeLongJob;
 * - Canceling jobs stay Canceling and stop rolling back (CleanLongJob turns them Failed);
 * - pending api-jobs fail with this SYS.1012 error;
 * - an OVA export in progress is rolled back (its ImagePackage row deleted).
 * Restarting the simulator process from a state file counts as a management-node restart.
 */
export const mnRestartDetails = (mnUuid: string) =>
  `management node[uuid:${mnUuid}] restarted, the API message was interrupted and its result is lost`;

/**
 * UNCONFIRMED: failNextJob("v2v") fails the job at this fraction of its duration unless told otherwise.
 */
export const DEFAULT_V2V_FAIL_FRACTION = 0.3;
export const DEFAULT_OVA_FAIL_FRACTION = 0.5;

/**
 * UNCONFIRMED: a V2V conversion copies its source disks (less `volumeFilters`' skipped ones) into its
 * conversion host's cache (`storagePath`), and holds that many bytes of the host's `availableSize`
 * from its start (or rerun) until it is finished (Succeeded, Failed, Canceled) or deleted; a
 * Suspended one keeps them. A conversion that does not fit fails when the cache runs out, at the
 * fraction of its bytes that fitted, with this reason. CleanV2VConversionCache gives back what no
 * unfinished conversion holds. (zstack-api.md documents the cache, §7.5, not its accounting.)
 */
export const V2V_HOLDS_CONVERSION_CACHE = true;
export const V2V_CACHE_FULL_DETAIL = (conversionHostUuid: string, storagePath: string) =>
  `failed to convert the vm: no space left on device: the cache ${storagePath} of v2v conversion host[uuid:${conversionHostUuid}] is full`;

// ---------------------------------------------------------------------------------------------
// OVA export (§8)
// ---------------------------------------------------------------------------------------------

/** UNCONFIRMED (§11.6): OvfConstant.OVA_FORMAT. */
export const OVA_FORMAT = "ova";

/**
 * UNCONFIRMED (§11.6): exportUrl layout. The file is served by the simulator itself, on its own port,
 * outside /zstack: `http://<bind host>:<port>/imagestore/download/ova/<packageUuid>/<vm name>.ova`.
 * It uses the address the simulator listens on, not `advertisedHost`: on a real system the URL points
 * at the ImageStore host, which is not behind the MN's NAT.
 */
export const OVA_DOWNLOAD_PREFIX = "/imagestore/download/ova/";

/**
 * UNCONFIRMED: the failed-export error (failNextJob("ova")): SYS.1006 with these details, the package
 * row rolled back, the api-job 503.
 */
export const DEFAULT_OVA_FAILURE_DETAIL = (vmUuid: string) =>
  `failed to export vm[uuid:${vmUuid}] as an ova package: failed to pack the ova file on the image store`;

/**
 * UNCONFIRMED: DeleteImagePackage (or a test deleting the row) while the package is still Exporting.
 * The export stops and its api-job answers 503 SYS.1006 with these details.
 */
export const exportDeletedDetails = (packageUuid: string) =>
  `ova package[uuid: ${packageUuid}] was deleted while exporting`;

/**
 * Not a wire behaviour: the MD5 of an exported file (up to 200 MiB of generated bytes) is computed in
 * the background from the moment the export starts, `OVA_MD5_CHUNK_BYTES` at a time with a yield to
 * the event loop between chunks, so no request waits behind it. If an export's end is due before its
 * MD5 is ready, requests (and the control endpoint) wait for it before they are answered, so they
 * still see the package go straight from Exporting to Exported with the right md5Sum.
 */
export const OVA_MD5_CHUNK_BYTES = 1024 * 1024;

/**
 * UNCONFIRMED: the ExportVmOvaPackage checks follow OvfInterceptor only (§8.1): no generic SYS.1003
 * for `vmUuid`/`backupStorageUuid`; an unknown backup storage gets the "not an ImageStore" message.
 */
export const OVA_NO_GENERIC_RESOURCE_CHECK = true;

/**
 * Simulated export duration: 5 min + 6 s per GiB of the VM's volumes (UNCONFIRMED, any plausible value).
 */
export function defaultOvaDurationMs(volumeBytes: number): number {
  return 5 * 60_000 + Math.round((volumeBytes / 1024 ** 3) * 6_000);
}

/**
 * The exported file is kept small so tests can download it and check its MD5 quickly:
 * 8 MiB + 512 KiB per GiB of volumes, at most 200 MiB, plus a few uneven bytes taken from the
 * package uuid so sizes are not round numbers.
 */
export function exportedOvaSize(volumeBytes: number, packageUuid: string): number {
  const MiB = 1024 * 1024;
  const base = Math.min(200 * MiB - 65536, 8 * MiB + Math.round((volumeBytes / 1024 ** 3) * 512 * 1024));
  return base + (parseInt(packageUuid.slice(0, 4), 16) || 0);
}

/** UNCONFIRMED: the description of VM.1010 (VmErrors.NOT_IN_CORRECT_STATE). */
export const VM_STATE_ERROR_DESCRIPTION = "The vm is not in correct state";

/**
 * UNCONFIRMED: VM.1010 details (VmInstanceBase.validateOperationByState's wording is not in
 * the sources, §11.9). `msgClass` is the fully qualified class of the (internal) message.
 */
export const vmStateNotAllowed = (state: string, msgClass: string, allowed: readonly string[]) =>
  `current vm instance state[${state}] doesn't allow to proceed message[${msgClass}], allowed states are [${allowed.join(", ")}]`;

// ---------------------------------------------------------------------------------------------
// Download faults (not wire behaviour: what a broken ImageStore or network looks like)
// ---------------------------------------------------------------------------------------------

/**
 * Invented: the download faults (`faults.corruptDownloads`, `POST /_sim/faults/corrupt-downloads`).
 * - `flip`: the byte at `flippedByteOffset(size)` is inverted in every GET answer whose range covers
 *   it; the length, `Content-Length` and the ETag stay right. A HEAD is not affected.
 * - `truncate`: the file is `truncatedFileSize(size)` bytes long, consistently: HEAD and GET
 *   `Content-Length`, `Content-Range` and a complete (clean) body of that length, as a file cut short
 *   on the image store.
 * - `missing`: GET and HEAD answer 404, as for a deleted file.
 * `count` counts the answers that take the fault (a HEAD takes `truncate` and `missing` only);
 * without it the fault lasts until `clear`.
 * `faults.dropDownloads(afterBytes, count?)` (`POST /_sim/faults/drop-downloads`): a GET answer sends
 * its headers and `afterBytes` body bytes, then the connection is closed before `Content-Length`
 * bytes were sent (a dropped connection; a Range request resumes).
 */
export const flippedByteOffset = (size: number) => Math.floor(size / 2);
export const truncatedFileSize = (size: number) => Math.floor(size / 2);

// ---------------------------------------------------------------------------------------------
// Synchronous answers of async APIs (a switch; not what ZStack's code does)
// ---------------------------------------------------------------------------------------------

/**
 * Invented (a switch, off by default): the APIs named in `synchronousApis` (`--synchronous-apis`,
 * `POST /_sim/synchronous-apis`; `*` for every async API) answer the call itself with what the
 * api-job poll would answer: 200 and the result body (or the 503 failure), never 202 + location.
 * ZStack's API pages label ConvertVmFromForeignHypervisor and ExportVmOvaPackage "Synchronous"
 * (docs/zstack-wire.md §1.2), while its code answers 202; the switch lets a client prove it takes
 * either. An outcome that takes simulated time (an OVA export) holds the HTTP answer until the
 * api-job is done, as a blocking call would. The api-job record is kept (X-Job-UUID duplicates are
 * still refused).
 */
export const SYNCHRONOUS_ASYNC_APIS = "synchronousApis";

// ---------------------------------------------------------------------------------------------
// vCenter (docs/zstack-wire.md §13; the licensed "VMware Management" module, world/vcenter.ts)
// ---------------------------------------------------------------------------------------------

/** AddVCenter, UpdateVCenter, SyncVCenter and DeleteVCenter messages' package ([MCP] `org.zstack.vmware`). */
export const VCENTER_MSG_PKG = "org.zstack.vmware";

/**
 * UNCONFIRMED (no source gives the texts): a vCenter that cannot be reached on `domainName:port`
 * (no such server, `reachable: false`, another port) fails AddVCenter, UpdateVCenter (of its
 * connection fields) and SyncVCenter with SYS.1006 and these details; a wrong `username` or
 * `password` with the second text, whose tail is vSphere's own InvalidLogin fault message. Nothing
 * is registered or changed.
 */
export const vcenterUnreachable = (domainName: string, port: number) =>
  `failed to connect to vCenter[${domainName}:${port}]: java.net.ConnectException: Connection refused (Connection refused)`;
export const vcenterLoginFailed = (domainName: string) =>
  `failed to login vCenter[${domainName}]: Cannot complete login due to an incorrect user name or password.`;

/** UNCONFIRMED: a second registration of the same `domainName` is refused (SYS.1007). */
export const duplicateVcenter = (domainName: string, uuid: string) =>
  `vCenter[domainName:${domainName}] has been added as vCenter[uuid:${uuid}]`;

/**
 * UNCONFIRMED: DeleteVCenter is refused (SYS.1006) while a V2V long job converting one of its VMs is
 * not finished (Waiting, Running, Suspended, Canceling): the conversion host reads the source through
 * that vCenter. Otherwise the registration and the ESX VmInstances it brought are deleted; a delete
 * of an unknown uuid succeeds (APIDeleteMessage's successIfResourceNotExisting).
 */
export const vcenterInUse = (uuid: string, jobs: readonly string[]) =>
  `cannot delete vCenter[uuid:${uuid}]: V2V long jobs [${jobs.join(", ")}] are converting its VMs`;

/**
 * Invented (VCENTER_SYNC): SyncVCenter (and AddVCenter) make each VM of the vCenter an ESX
 * VmInstance with the VM's uuid, and update name, CPU, memory, platform, state and NICs of those
 * ZStack knows already. A VM deleted from the vCenter stays known to ZStack (not modelled).
 * The sync is instant (the api-job is done at once).
 * UNCONFIRMED (zstack-api.md §12.5): an ESX VM's `vmNics` carry the guest's IPv4 `ip`, `netmask`,
 * `gateway` and `mac` as VMware Tools reports them, and no `l3NetworkUuid` (the port group's L3
 * network ZStack makes for vCenter networks is not modelled). The uuid of such a NIC is the VM's
 * uuid's first 24 digits and the NIC's index.
 */
export const VCENTER_SYNC = "syncVcenter";

/** UNCONFIRMED: the `version` of a registration is the vCenter's; UpdateVCenter's `state` takes these values. */
export const VCENTER_STATES = ["Enabled", "Disabled"] as const;

// ---------------------------------------------------------------------------------------------
// Static IPs (SetVmStaticIp, zstack-api.md §12.5)
// ---------------------------------------------------------------------------------------------

/**
 * UNCONFIRMED texts (ZStack's checks are known, their words are not): SetVmStaticIp refuses with
 * SYS.1007 an `ip` that is no IPv4 address, a VM without a NIC on `l3NetworkUuid`, an address outside
 * every IP range of that L3 network, and an address that another NIC on that L3 network has. Setting
 * the address a NIC already has succeeds. The NIC takes the address, the range's netmask and gateway,
 * and the VM gets the system tag `staticIp::<l3NetworkUuid>::<ip>`. Migrated VMs get the first free
 * address of each L3 network's ranges (vm-factory.ts `allocateIp`).
 */
export const invalidIpv4 = (ip: string) => `${ip} is not a valid IPv4 address`;
export const noNicOnL3 = (vmUuid: string, l3Uuid: string) =>
  `the VM[uuid:${vmUuid}] has no nic on the L3 network[uuid:${l3Uuid}]`;
export const ipOutsideRanges = (ip: string, l3Uuid: string) =>
  `the static IP[${ip}] is not in any IP range of the L3 network[uuid:${l3Uuid}]`;
export const ipInUse = (ip: string, l3Uuid: string, nicUuid: string) =>
  `the static IP[${ip}] of the L3 network[uuid:${l3Uuid}] is already used by the nic[uuid:${nicUuid}]`;

/**
 * Invented (a fault): `faults.failNextJob("static-ip", {details?})` (`POST /_sim/faults/fail-next-job`
 * `{"kind": "static-ip"}`) makes the next SetVmStaticIp that would change an address fail with
 * SYS.1006 and these details (or the given ones), changing nothing: a pinning that fails late.
 */
export const STATIC_IP_FAULT_DETAILS = "failed to set the static IP: the L3 network's IPAM did not answer";

// ---------------------------------------------------------------------------------------------
// Tags (the `tag2` resource tags: CreateTag, QueryTag, DeleteTag)
// ---------------------------------------------------------------------------------------------

/**
 * UNCONFIRMED routes. [MCP] names the messages (`org.zstack.tag2.APICreateTagMsg` with `name`,
 * `value` required, `description`, `color`, `type` in `simple`/`withToken`, `resourceUuid`;
 * `org.zstack.tag2.APIQueryTagMsg` with the fields uuid, name, value, description, color, type,
 * createDate, lastOpDate; `org.zstack.header.tag.APIDeleteTagMsg` with `uuid`) but not their REST
 * paths. We serve them at `POST /v1/tags` (`params` wrapper, async), `GET /v1/tags[/{uuid}]` and
 * `DELETE /v1/tags/{uuid}` (async; a missing uuid is a success, as ZStack's deletes are), the paths
 * of ZStack's other tag APIs. A tag created with a `resourceUuid` that exists is refused like any
 * create (`duplicateResourceUuid`): the one fact the conversion-slot leases rely on
 * (docs/operations.md, "One limit per conversion host").
 */
export const TAG_ROUTES = { create: "/v1/tags", query: "/v1/tags", delete: "/v1/tags/{uuid}" } as const;
/** Invented default of CreateTag's `type` and `color` when not given. */
export const TAG_DEFAULTS = { type: "simple", color: "#0000FF" } as const;
