/**
 * Typed reads and writes of the inventories the providers use: each function names an endpoint
 * and unwraps its envelope; the HTTP core does the rest.
 */
import type { ApiJobWaiter } from "./api-jobs";
import type { ZStackClient } from "./client";
import type { EndpointName } from "./endpoints";
import {
  BasicInventory,
  PrimaryStorageInventory,
  ImagePackageInventory,
  LongJobInventory,
  TagInventory,
  TaskProgressInventory,
  V2VConversionHostInventory,
  VCenterInventory,
  VmInstanceInventory,
  schemas,
} from "./schemas";
import type { L3NetworkInventory, LookupInventories, LookupKind } from "./inventories";

type Schema<T> = { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } };

/** Items of a query with `q` conditions. */
export async function queryList<T>(
  client: ZStackClient,
  name: EndpointName,
  schema: Schema<T>,
  conditions: string[],
  limit?: number,
): Promise<T[]> {
  const body = await client.query(name, { conditions, limit });
  return client.parseList(name, body, schema);
}

/**
 * One inventory by uuid, or undefined when ZStack has none (queries answer `[]`, never 404). Only
 * an item whose uuid is the one asked for counts: a server (or proxy) that ignored `q` would
 * otherwise hand back an unrelated object to read or adopt.
 */
export async function getByUuid<T>(
  client: ZStackClient,
  name: EndpointName,
  schema: Schema<T>,
  uuid: string,
): Promise<T | undefined> {
  const list = await queryList(client, name, schema, [`uuid=${uuid}`]);
  const want = uuid.toLowerCase();
  return list.find((x) => {
    const u = (x as { uuid?: unknown }).uuid;
    return typeof u === "string" && u.toLowerCase() === want;
  });
}

export const getLongJob = (c: ZStackClient, uuid: string): Promise<LongJobInventory | undefined> =>
  getByUuid(c, "QueryLongJob", schemas().LongJobInventory, uuid);

export const getImagePackage = (c: ZStackClient, uuid: string): Promise<ImagePackageInventory | undefined> =>
  getByUuid(c, "QueryImagePackage", schemas().ImagePackageInventory, uuid);

export const imagePackagesOfVm = (c: ZStackClient, vmUuid: string): Promise<ImagePackageInventory[]> =>
  queryList(c, "QueryImagePackage", schemas().ImagePackageInventory, [`vmUuid=${vmUuid}`]);

export const getVmInstance = (c: ZStackClient, uuid: string): Promise<VmInstanceInventory | undefined> =>
  getByUuid(c, "QueryVmInstance", schemas().VmInstanceInventory, uuid);

export const getConversionHost = (c: ZStackClient, uuid: string): Promise<V2VConversionHostInventory | undefined> =>
  getByUuid(c, "QueryV2VConversionHost", schemas().V2VConversionHostInventory, uuid);

// ---------------------------------------------------------------- V2vMigration by source name

/** The VMware (ESX) VMs ZStack knows by this exact name (a V2V source, `vmware://<uuid>`). */
export const esxVmInstancesNamed = (c: ZStackClient, name: string): Promise<VmInstanceInventory[]> =>
  queryList(c, "QueryVmInstance", schemas().VmInstanceInventory, [`name=${name}`, "hypervisorType=ESX"]);

/** Every VMware (ESX) VM ZStack knows, page by page: `check` resolves the sources of a whole wave from one listing. */
export const esxVmInstances = (c: ZStackClient): Promise<VmInstanceInventory[]> =>
  queryAll(c, "VmInstance", ["hypervisorType=ESX"]);

/** A primary storage with its capacity (`availableCapacity`, bytes), or undefined when there is none. */
export const getPrimaryStorage = (c: ZStackClient, uuid: string): Promise<PrimaryStorageInventory | undefined> =>
  getByUuid(c, "QueryPrimaryStorage", schemas().PrimaryStorageInventory, uuid);

/** The long jobs named `jobName` (e.g. every V2V conversion) in one of `states`. */
/** Every long job of `jobName` in one of `states`, page by page (a busy ZStack keeps more than one page of them). */
export const longJobsIn = (c: ZStackClient, jobName: string, states: readonly string[]): Promise<LongJobInventory[]> =>
  queryPaged(c, "QueryLongJob", schemas().LongJobInventory, [`jobName=${jobName}`, `state?=${states.join(",")}`]);

/** Long jobs by uuid (one query), whatever their state. */
export const longJobsByUuid = (c: ZStackClient, uuids: readonly string[]): Promise<LongJobInventory[]> =>
  uuids.length === 0
    ? Promise.resolve([])
    : queryList(c, "QueryLongJob", schemas().LongJobInventory, [`uuid?=${uuids.join(",")}`], uuids.length);

/** Resource tags of one name (one query). */
export const tagsNamed = (c: ZStackClient, name: string): Promise<TagInventory[]> =>
  queryList(c, "QueryTag", schemas().TagInventory, [`name=${name}`], QUERY_PAGE_SIZE);

/** A resource tag by uuid, or undefined. */
export const getTag = (c: ZStackClient, uuid: string): Promise<TagInventory | undefined> =>
  getByUuid(c, "QueryTag", schemas().TagInventory, uuid);

/** The query APIs of the surrounding resources a migration or an export references. */
export type ReferenceQuery =
  "QueryZone" | "QueryCluster" | "QueryHost" | "QueryPrimaryStorage" | "QueryBackupStorage" | "QueryL3Network";

/** uuid, name, state, status and type of a referenced resource, or undefined when there is none. */
export const getReference = (
  c: ZStackClient,
  query: ReferenceQuery,
  uuid: string,
): Promise<BasicInventory | undefined> => getByUuid(c, query, schemas().BasicInventory, uuid);

/** The referenced resources among `uuids` that exist (one query). */
export const getReferences = (c: ZStackClient, query: ReferenceQuery, uuids: string[]): Promise<BasicInventory[]> =>
  queryList(c, query, schemas().BasicInventory, [`uuid?=${uuids.join(",")}`]);

// --------------------------------------------------------------------- lookups (sdk/lookups.ts)

export type { LookupInventories, LookupKind } from "./inventories";

/** ZStack's default and the client's page size of a query (docs/zstack-wire.md §3.7). */
export const QUERY_PAGE_SIZE = 1000;

function lookupSchema<K extends LookupKind>(kind: K): Schema<LookupInventories[K]> {
  return schemas()[`${kind}Inventory`] as unknown as Schema<LookupInventories[K]>;
}

/** Every inventory of `kind` matching all `conditions` (ANDed by ZStack), whole however many pages it takes. */
export function queryAll<K extends LookupKind>(
  c: ZStackClient,
  kind: K,
  conditions: string[],
  pageSize = QUERY_PAGE_SIZE,
): Promise<LookupInventories[K][]> {
  return queryPaged(c, `Query${kind}`, lookupSchema(kind), conditions, pageSize);
}

/**
 * Every item of a query matching all `conditions`, page by page in uuid order so that a match set
 * larger than one page (ZStack answers at most `limit`, default 1000) is whole.
 */
export async function queryPaged<T>(
  c: ZStackClient,
  name: EndpointName,
  schema: Schema<T>,
  conditions: string[],
  pageSize = QUERY_PAGE_SIZE,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  for (let start = 0; ; start += pageSize) {
    const body = await c.query(name, { conditions, limit: pageSize, start, sort: "+uuid" });
    const page = c.parseList(name, body, schema);
    for (const item of page) {
      const uuid = (item as { uuid?: unknown }).uuid;
      if (typeof uuid === "string") {
        if (seen.has(uuid)) continue;
        seen.add(uuid);
      }
      out.push(item);
    }
    if (page.length < pageSize) return out;
  }
}

/**
 * The percent GetTaskProgress reports for an API id (`content` is an integer percent string), or
 * undefined when ZStack reports none.
 */
export async function taskProgressPercent(c: ZStackClient, apiId: string): Promise<number | undefined> {
  const body = await c.callSync("GetTaskProgress", { pathVars: { apiId }, query: { all: "false" } });
  const items: TaskProgressInventory[] = c.parseList("GetTaskProgress", body, schemas().TaskProgressInventory);
  let best: number | undefined;
  for (const it of items) {
    const n =
      typeof it.content === "number"
        ? it.content
        : it.content !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(it.content)
          ? Number(it.content)
          : NaN;
    if (Number.isFinite(n) && n >= 0 && n <= 100) best = best === undefined ? n : Math.max(best, n);
  }
  return best === undefined ? undefined : Math.floor(best);
}

// ---------------------------------------------------------------------------------------- writes
// Each names its API and returns the typed inventory of the answer (an empty one when ZStack
// answers without it), so that a provider never handles a schema, a status or an envelope.

/** The parameters and tag lists of a create call. */
export interface CreateCall {
  params: Record<string, unknown>;
  systemTags?: string[];
  userTags?: string[];
}

function inventoryOf<T>(c: ZStackClient, name: EndpointName, body: unknown, schema: Schema<T>): T {
  return c.parse(name, 200, body, schema, "inventory");
}

/** ConvertVmFromForeignHypervisor: the V2V long job it starts. */
export async function convertVmFromForeignHypervisor(c: ZStackClient, call: CreateCall): Promise<LongJobInventory> {
  const body = await c.call("ConvertVmFromForeignHypervisor", call);
  return inventoryOf(c, "ConvertVmFromForeignHypervisor", body, schemas().LongJobInventory);
}

/** ExportVmOvaPackage, waited for by `wait` (progress) or by the default api-job backoff. */
export async function exportVmOvaPackage(
  c: ZStackClient,
  call: CreateCall,
  wait?: ApiJobWaiter,
): Promise<ImagePackageInventory> {
  const body = await c.call("ExportVmOvaPackage", call, wait);
  return inventoryOf(c, "ExportVmOvaPackage", body, schemas().ImagePackageInventory);
}

export async function updateLongJob(
  c: ZStackClient,
  uuid: string,
  change: { name?: string; description?: string },
): Promise<LongJobInventory> {
  const body = await c.call("UpdateLongJob", { pathVars: { uuid }, params: change });
  return inventoryOf(c, "UpdateLongJob", body, schemas().LongJobInventory);
}

export async function rerunLongJob(c: ZStackClient, uuid: string): Promise<LongJobInventory> {
  const body = await c.call("RerunLongJob", { pathVars: { uuid } });
  return inventoryOf(c, "RerunLongJob", body, schemas().LongJobInventory);
}

export async function resumeLongJob(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("ResumeLongJob", { pathVars: { uuid } });
}

/** CreateTag with a chosen uuid: a ZStack object that can be created once (a conversion-slot lease). */
export async function createTag(
  c: ZStackClient,
  params: { name: string; value: string; description?: string; resourceUuid: string },
): Promise<TagInventory> {
  const body = await c.call("CreateTag", { params: { ...params, type: "simple" } });
  return inventoryOf(c, "CreateTag", body, schemas().TagInventory);
}

export async function deleteTag(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DeleteTag", { pathVars: { uuid } });
}

export async function cancelLongJob(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("CancelLongJob", { pathVars: { uuid } });
}

export async function deleteLongJob(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DeleteLongJob", { pathVars: { uuid } });
}

export async function updateImagePackage(
  c: ZStackClient,
  uuid: string,
  change: { name?: string; description?: string },
): Promise<ImagePackageInventory> {
  const body = await c.call("UpdateImagePackage", { pathVars: { uuid }, params: change });
  return inventoryOf(c, "UpdateImagePackage", body, schemas().ImagePackageInventory);
}

/** DeleteImagePackage in Permissive mode: the package and its OVA file. */
export async function deleteImagePackage(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DeleteImagePackage", { pathVars: { uuid }, query: { deleteMode: "Permissive" } });
}

/** DestroyVmInstance in Permissive mode (the VM can still be recovered until it is expunged). */
export async function destroyVmInstance(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DestroyVmInstance", { pathVars: { uuid }, query: { deleteMode: "Permissive" } });
}

export async function expungeVmInstance(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("ExpungeVmInstance", { pathVars: { uuid } });
}

// ------------------------------------------------------------------- V2V conversion hosts (§7.5)

export const conversionHostsOnHost = (c: ZStackClient, hostUuid: string): Promise<V2VConversionHostInventory[]> =>
  queryList(c, "QueryV2VConversionHost", schemas().V2VConversionHostInventory, [`hostUuid=${hostUuid}`]);

/** AddV2VConversionHost: the new conversion host (ZStack makes it Enabled). */
export async function addV2VConversionHost(c: ZStackClient, call: CreateCall): Promise<V2VConversionHostInventory> {
  const body = await c.call("AddV2VConversionHost", call);
  return inventoryOf(c, "AddV2VConversionHost", body, schemas().V2VConversionHostInventory);
}

export async function updateV2VConversionHost(
  c: ZStackClient,
  uuid: string,
  change: { name?: string; description?: string; storagePath?: string },
): Promise<V2VConversionHostInventory> {
  const body = await c.call("UpdateV2VConversionHost", { pathVars: { uuid }, params: change });
  return inventoryOf(c, "UpdateV2VConversionHost", body, schemas().V2VConversionHostInventory);
}

/** ChangeV2VConversionHostState to `state` (stateEvent `enable` or `disable`). */
export async function changeV2VConversionHostState(
  c: ZStackClient,
  uuid: string,
  state: "Enabled" | "Disabled",
): Promise<V2VConversionHostInventory> {
  const stateEvent = state === "Enabled" ? "enable" : "disable";
  const body = await c.call("ChangeV2VConversionHostState", { pathVars: { uuid }, params: { stateEvent } });
  return inventoryOf(c, "ChangeV2VConversionHostState", body, schemas().V2VConversionHostInventory);
}

/** DeleteV2VConversionHost in Permissive mode: ZStack refuses while the host is in use. */
export async function deleteV2VConversionHost(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DeleteV2VConversionHost", { pathVars: { uuid }, query: { deleteMode: "Permissive" } });
}

// ------------------------------------------------------------------------------ vCenter (§13)

export const getVCenter = (c: ZStackClient, uuid: string): Promise<VCenterInventory | undefined> =>
  getByUuid(c, "QueryVCenter", schemas().VCenterInventory, uuid);

/** The registrations of a vCenter address (ZStack allows one per `domainName`). */
export const vCentersWithDomain = (c: ZStackClient, domainName: string): Promise<VCenterInventory[]> =>
  queryList(c, "QueryVCenter", schemas().VCenterInventory, [`domainName=${domainName}`]);

/** AddVCenter: ZStack logs in to the vCenter and synchronises its VMs before it answers. */
export async function addVCenter(c: ZStackClient, call: CreateCall): Promise<VCenterInventory> {
  const body = await c.call("AddVCenter", call);
  return inventoryOf(c, "AddVCenter", body, schemas().VCenterInventory);
}

/** What UpdateVCenter changes (a new login is checked by ZStack first). */
export type VCenterChange = {
  name?: string;
  description?: string;
  username?: string;
  password?: string;
  domainName?: string;
  port?: number;
  state?: string;
};

export async function updateVCenter(c: ZStackClient, uuid: string, change: VCenterChange): Promise<VCenterInventory> {
  const body = await c.call("UpdateVCenter", { pathVars: { uuid }, params: change });
  return inventoryOf(c, "UpdateVCenter", body, schemas().VCenterInventory);
}

/** SyncVCenter: ZStack reads the vCenter's VMs again (new VMware VMs become ESX VmInstances). */
export async function syncVCenter(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("SyncVCenter", { pathVars: { uuid } });
}

/** DeleteVCenter in Permissive mode. */
export async function deleteVCenter(c: ZStackClient, uuid: string): Promise<void> {
  await c.call("DeleteVCenter", { pathVars: { uuid }, query: { deleteMode: "Permissive" } });
}

// ------------------------------------------------------------------- preserved addresses (§13)

/** An L3 network with its IP ranges, or undefined when there is none. */
export const getL3NetworkWithRanges = (c: ZStackClient, uuid: string): Promise<L3NetworkInventory | undefined> =>
  getByUuid(c, "QueryL3Network", schemas().L3NetworkInventory, uuid);

/** The VMs with a NIC that has address `ip` (on any L3 network: compare the NIC's `l3NetworkUuid`). */
export const vmsWithNicIp = (c: ZStackClient, ip: string): Promise<VmInstanceInventory[]> =>
  queryList(c, "QueryVmInstance", schemas().VmInstanceInventory, [`vmNics.ip=${ip}`]);

/** SetVmStaticIp: pins `ip` on the VM's NIC on `l3NetworkUuid`. */
export async function setVmStaticIp(
  c: ZStackClient,
  vmInstanceUuid: string,
  l3NetworkUuid: string,
  ip: string,
): Promise<void> {
  await c.call("SetVmStaticIp", { pathVars: { vmInstanceUuid }, params: { l3NetworkUuid, ip } });
}
