/**
 * Typed reads of the inventories the providers use: each function names an endpoint and unwraps
 * its envelope; the HTTP core does the rest.
 */
import type { ZStackClient } from "./client";
import type { EndpointName } from "./endpoints";
import {
  BasicInventory,
  ImagePackageInventory,
  LongJobInventory,
  TaskProgressInventory,
  V2VConversionHostInventory,
  VmInstanceInventory,
  schemas,
} from "./schemas";

type Schema<T> = { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } };

/** Items of a query with `q` conditions. */
export async function queryList<T>(client: ZStackClient, name: EndpointName, schema: Schema<T>, conditions: string[], limit?: number): Promise<T[]> {
  const body = await client.query(name, { conditions, limit });
  return client.parseList(name, body, schema);
}

/**
 * One inventory by uuid, or undefined when ZStack has none (queries answer `[]`, never 404). Only
 * an item whose uuid is the one asked for counts: a server (or proxy) that ignored `q` would
 * otherwise hand back an unrelated object to read or adopt.
 */
export async function getByUuid<T>(client: ZStackClient, name: EndpointName, schema: Schema<T>, uuid: string): Promise<T | undefined> {
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

export const getBasic = (c: ZStackClient, name: EndpointName, uuid: string): Promise<BasicInventory | undefined> =>
  getByUuid(c, name, schemas().BasicInventory, uuid);

/**
 * The percent GetTaskProgress reports for an API id (`content` is an integer percent string), or
 * undefined when ZStack reports none.
 */
export async function taskProgressPercent(c: ZStackClient, apiId: string): Promise<number | undefined> {
  const body = await c.callSync("GetTaskProgress", { pathVars: { apiId }, query: { all: "false" } });
  const items: TaskProgressInventory[] = c.parseList("GetTaskProgress", body, schemas().TaskProgressInventory);
  let best: number | undefined;
  for (const it of items) {
    const n = typeof it.content === "number" ? it.content : it.content !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(it.content) ? Number(it.content) : NaN;
    if (Number.isFinite(n) && n >= 0 && n <= 100) best = best === undefined ? n : Math.max(best, n);
  }
  return best === undefined ? undefined : Math.floor(best);
}
