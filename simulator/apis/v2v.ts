/**
 * ConvertVmFromForeignHypervisor and the V2V conversion-host APIs (docs/zstack-wire.md §7).
 */
import {
  V2V_API_TIMEOUT_MS,
  V2V_JOBDATA_INCLUDES_SESSION,
  V2V_JOB_NAME,
  V2V_MEMORY_RANGE,
  V2V_MSG_CLASS,
  V2V_URL_REJECTS_EMPTY,
  disabledConversionHost,
  CONVERSION_HOST_MSG_PKG,
  CONVERSION_HOST_STATE_NOOP_OK,
  NEW_CONVERSION_HOST_SIZE,
  conversionHostInUse,
  conversionHostNotConnected,
  conversionHostNotKvm,
  duplicateConversionHost,
  invalidStoragePath,
  storagePathIsValid,
} from "../assumptions";
import { argerr } from "../core/errors";
import { gsonStringify } from "../core/gson";
import { text } from "../core/text";
import type { ApiContext, ApiDef } from "../http/api";
import * as longJobs from "../world/long-jobs";
import type { Row } from "../world/types";
import { actionApi, INVENTORIES, queryApis } from "./resources";
import {
  checkResourceUuidFormat,
  checkResourceUuidFree,
  coerce,
  requireRow,
  validateFields,
  type FieldRule,
} from "./validate";

/** Parameters of APIConvertVmFromForeignHypervisorMsg, in the SDK's order (§7.1). */
export const CONVERT_VM_RULES: FieldRule[] = [
  { name: "url", required: true, maxLength: 1024, emptyString: V2V_URL_REJECTS_EMPTY ? false : undefined },
  { name: "name", required: true, maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "conversionHostUuid", resource: { table: "conversionHosts", type: "V2VConversionHostVO" } },
  { name: "sshPrivKey" },
  { name: "cpuNum", type: "int", required: true, range: [1, 1024] },
  { name: "memorySize", type: "long", required: true, range: V2V_MEMORY_RANGE },
  { name: "zoneUuid", resource: { table: "zones", type: "ZoneVO" } },
  { name: "clusterUuid", resource: { table: "clusters", type: "ClusterVO" } },
  { name: "hostUuid", resource: { table: "hosts", type: "HostVO" } },
  { name: "primaryStorageUuid", required: true, resource: { table: "primaryStorages", type: "PrimaryStorageVO" } },
  {
    name: "l3NetworkUuids",
    type: "list",
    required: true,
    nonEmpty: true,
    resource: { table: "l3Networks", type: "L3NetworkVO" },
  },
  { name: "defaultL3NetworkUuid", resource: { table: "l3Networks", type: "L3NetworkVO" } },
  { name: "platform", validValues: ["Linux", "Windows", "WindowsVirtio", "Paravirtualization", "Other"] },
  { name: "type", validValues: ["UserVm", "ApplianceVm"] },
  { name: "strategy", validValues: ["InstantStart", "JustConvert"] },
  { name: "convertStrategy", validValues: ["CapacityOptimized", "EfficiencyFirst"] },
  { name: "pauseVm", type: "boolean" },
  { name: "volumeFilters", type: "list", nullElements: true },
  { name: "rootFileSystem" },
  { name: "longJobName", maxLength: 255 },
  { name: "longJobDescription", maxLength: 2048 },
  { name: "resourceUuid" },
  { name: "tagUuids", type: "list" },
];

/**
 * Validates a ConvertVm message (as the API, or as SubmitLongJob's wrapped message) and starts the
 * long job. `apiId` is the id progress is reported under.
 */
export function submitConvertVm(
  ctx: ApiContext,
  raw: Record<string, unknown>,
  extra: { systemTags?: string[]; userTags?: string[]; name?: string; description?: string; resourceUuid?: string },
) {
  const { world } = ctx;
  checkResourceUuidFormat(raw);
  const p = coerce(CONVERT_VM_RULES, raw);
  validateFields(world, V2V_MSG_CLASS, CONVERT_VM_RULES, p);
  if (p.conversionHostUuid) {
    const host = world.get("conversionHosts", text(p.conversionHostUuid));
    if (host && host.state !== "Enabled") argerr(disabledConversionHost(host.uuid));
  }
  const uuid = extra.resourceUuid ?? (p.resourceUuid as string | undefined) ?? world.prng.uuid();
  checkResourceUuidFree(world, "longJobs", uuid);
  const session =
    ctx.session && V2V_JOBDATA_INCLUDES_SESSION
      ? { uuid: ctx.session.uuid, accountUuid: ctx.session.accountUuid, userUuid: ctx.session.userUuid }
      : undefined;
  // jobData: the JSON of the API message as the MN stores it, secrets and session included.
  const jobData = gsonStringify({
    ...p,
    systemTags: extra.systemTags,
    userTags: extra.userTags,
    session,
    id: ctx.apiId,
    timeout: V2V_API_TIMEOUT_MS,
  });
  const job = longJobs.startV2v(world, {
    uuid,
    apiId: ctx.apiId,
    name: extra.name ?? (p.longJobName as string | undefined) ?? V2V_JOB_NAME,
    description: extra.description ?? (p.longJobDescription as string | undefined),
    jobData,
    request: p,
    systemTags: extra.systemTags,
    userTags: extra.userTags,
  });
  return { inventory: job };
}

function convertVm(ctx: ApiContext) {
  return submitConvertVm(ctx, ctx.params, { systemTags: ctx.systemTags, userTags: ctx.userTags });
}

// ---------------------------------------------------------------------------------------------
// Conversion hosts (§7.5)
// ---------------------------------------------------------------------------------------------

const CH_MSG = CONVERSION_HOST_MSG_PKG;
const ADD_CH_RULES: FieldRule[] = [
  { name: "name", required: true, maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "type", required: true, validValues: ["VMWARE", "KVM"] },
  { name: "hostUuid", required: true, resource: { table: "hosts", type: "HostVO" } },
  { name: "storagePath", required: true, maxLength: 2048 },
  { name: "resourceUuid" },
  { name: "tagUuids", type: "list" },
];

function checkStoragePath(p: Record<string, unknown>): void {
  if (p.storagePath !== undefined && !storagePathIsValid(text(p.storagePath)))
    argerr(invalidStoragePath(text(p.storagePath)));
}

/** A conversion host's host fields, as the MN reads them from the host (assumptions.ts). */
function hostFields(host: Row | undefined): Record<string, unknown> {
  return { hostStatus: host?.status, hostState: host?.state };
}

function addConversionHost(ctx: ApiContext) {
  const { world } = ctx;
  checkResourceUuidFormat(ctx.params);
  const p = coerce(ADD_CH_RULES, ctx.params);
  validateFields(world, `${CH_MSG}.APIAddV2VConversionHostMsg`, ADD_CH_RULES, p);
  checkResourceUuidFree(world, "conversionHosts", p.resourceUuid);
  checkStoragePath(p);
  const host = world.get("hosts", String(p.hostUuid))!;
  if (host.hypervisorType !== "KVM") argerr(conversionHostNotKvm(host.uuid, String(host.hypervisorType)));
  const existing = world.list("conversionHosts").find((ch) => ch.hostUuid === host.uuid);
  if (existing) argerr(duplicateConversionHost(host.uuid, existing.uuid));
  if (host.status !== "Connected") argerr(conversionHostNotConnected(host.uuid, String(host.status)));
  const row = world.insert("conversionHosts", {
    uuid: (p.resourceUuid as string | undefined) ?? world.prng.uuid(),
    name: p.name,
    description: p.description,
    hostUuid: p.hostUuid,
    type: p.type,
    storagePath: p.storagePath,
    state: "Enabled",
    totalSize: NEW_CONVERSION_HOST_SIZE,
    availableSize: NEW_CONVERSION_HOST_SIZE,
    ...hostFields(host),
  });
  if (ctx.systemTags?.length || ctx.userTags?.length)
    world.tags.set(row.uuid, { system: ctx.systemTags, user: ctx.userTags });
  return { inventory: row };
}

function requireConversionHost(ctx: ApiContext) {
  return requireRow(ctx.world, "conversionHosts", String(ctx.params.uuid), "V2VConversionHostVO");
}

const UPDATE_CH_RULES: FieldRule[] = [
  { name: "name", maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "storagePath", maxLength: 2048 },
];

function updateConversionHost(ctx: ApiContext) {
  const row = requireConversionHost(ctx);
  const p = coerce(UPDATE_CH_RULES, ctx.params);
  validateFields(ctx.world, `${CH_MSG}.APIUpdateV2VConversionHostMsg`, UPDATE_CH_RULES, p);
  checkStoragePath(p);
  return { inventory: ctx.world.update("conversionHosts", row.uuid, p) };
}

function changeConversionHostState(ctx: ApiContext) {
  const row = requireConversionHost(ctx);
  const rules: FieldRule[] = [{ name: "stateEvent", required: true, validValues: ["enable", "disable"] }];
  const p = coerce(rules, ctx.params);
  validateFields(ctx.world, `${CH_MSG}.APIChangeV2VConversionHostStateMsg`, rules, p);
  const state = p.stateEvent === "enable" ? "Enabled" : "Disabled";
  if (row.state === state) {
    if (!CONVERSION_HOST_STATE_NOOP_OK) argerr(`the v2v conversion host[uuid:${row.uuid}] is already ${state}`);
    return { inventory: row };
  }
  return { inventory: ctx.world.update("conversionHosts", row.uuid, { state }) };
}

/** V2V long jobs not finished that name conversion host `uuid`. */
function jobsUsing(ctx: ApiContext, uuid: string): string[] {
  const out: string[] = [];
  for (const [jobUuid, rt] of ctx.world.jobRuntimes) {
    const job = ctx.world.get("longJobs", jobUuid);
    if (job && !longJobs.FINAL_STATES.has(String(job.state)) && rt.request?.conversionHostUuid === uuid)
      out.push(jobUuid);
  }
  return out;
}

function deleteConversionHost(ctx: ApiContext) {
  const uuid = String(ctx.params.uuid);
  if (ctx.world.get("conversionHosts", uuid) && text(ctx.params.deleteMode ?? "Permissive") !== "Enforcing") {
    const busy = jobsUsing(ctx, uuid);
    if (busy.length) argerr(conversionHostInUse(uuid, busy));
  }
  ctx.world.delete("conversionHosts", uuid);
  return {};
}

function cleanConversionCache(ctx: ApiContext) {
  const row = requireConversionHost(ctx);
  // what unfinished conversions hold stays held (assumptions.ts, V2V_HOLDS_CONVERSION_CACHE)
  const total = Number(row.totalSize ?? 0);
  ctx.world.update("conversionHosts", row.uuid, { availableSize: total - longJobs.cacheHeldOn(ctx.world, row.uuid) });
  return {};
}

const CH_PATH = "/v1/v2v-conversion-hosts";
const CH_ACTIONS = `${CH_PATH}/{uuid}/actions`;

export const V2V_APIS: ApiDef[] = [
  {
    name: "ConvertVmFromForeignHypervisor",
    msgClass: V2V_MSG_CLASS,
    method: "POST",
    path: "/v1/v2vs",
    kind: "async",
    wrapper: "params",
    auth: true,
    intFields: ["cpuNum", "memorySize"],
    boolFields: ["pauseVm"],
    timeoutMs: V2V_API_TIMEOUT_MS,
    handle: convertVm,
  },
  {
    name: "AddV2VConversionHost",
    msgClass: `${CH_MSG}.APIAddV2VConversionHostMsg`,
    method: "POST",
    path: CH_PATH,
    kind: "async",
    wrapper: "params",
    auth: true,
    handle: addConversionHost,
  },
  actionApi(CH_MSG, CH_ACTIONS, "UpdateV2VConversionHost", "updateV2VConversionHost", updateConversionHost),
  actionApi(
    CH_MSG,
    CH_ACTIONS,
    "ChangeV2VConversionHostState",
    "changeV2VConversionHostState",
    changeConversionHostState,
  ),
  {
    name: "DeleteV2VConversionHost",
    msgClass: `${CH_MSG}.APIDeleteV2VConversionHostMsg`,
    method: "DELETE",
    path: `${CH_PATH}/{uuid}`,
    kind: "async",
    auth: true,
    handle: deleteConversionHost,
  },
  actionApi(
    CH_MSG,
    "/v1/v2v/conversion/host/{uuid}/actions",
    "CleanV2VConversionCache",
    "cleanV2VConversionCache",
    cleanConversionCache,
  ),
  ...queryApis("QueryV2VConversionHost", `${CH_MSG}.APIQueryV2VConversionHostMsg`, CH_PATH, INVENTORIES.conversionHost),
];
