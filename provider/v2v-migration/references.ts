/**
 * V2vMigration's checks against ZStack, for a create or a replacement: what the inputs reference
 * exists and is in the state a conversion needs (ZStack would otherwise fail the job later), and the
 * source VM resolves (`sourceVmName`, or a `vmware://` url without CPU or memory) into the inputs,
 * so that preview shows the url, CPU count and memory the migration will use.
 */
import {
  PrimaryStorageInventory,
  ReferenceQuery,
  V2VConversionHostInventory,
  VmInstanceInventory,
  ZStackClient,
  esxVmInstances,
  getConversionHost,
  getPrimaryStorage,
  getReference,
  getReferences,
  getVmInstance,
} from "../client";
import { CheckCache } from "../core/check-cache";
import { Validator } from "../core/validation";
import { findAfterSync } from "../vcenter/sync";
import { SourceVmError, notVmwareVm, sourceVmFromListing, vmwareUuidOf, withSourceDefaults } from "./source";

/** The state (and connection status) a referenced resource must be in; absent fields are not checked. */
type Usable = { state: string; status?: string };

/** Why a referenced resource cannot take part in a conversion, or undefined when it can. */
function unusable(
  kind: string,
  uuid: string,
  found: { state?: string; status?: string },
  usable: Usable,
): string | undefined {
  if (found.state !== undefined && found.state !== usable.state) {
    return `the ${kind}[uuid:${uuid}] is ${found.state}; it must be ${usable.state}`;
  }
  if (usable.status && found.status !== undefined && found.status !== usable.status) {
    return `the ${kind}[uuid:${uuid}] is ${found.status}; it must be ${usable.status}`;
  }
  return undefined;
}

/** References checked alike: exists, and usable. */
const PLACEMENT: ReadonlyArray<[field: string, query: ReferenceQuery, type: string, kind: string, usable: Usable]> = [
  ["zoneUuid", "QueryZone", "ZoneVO", "zone", { state: "Enabled" }],
  ["clusterUuid", "QueryCluster", "ClusterVO", "cluster", { state: "Enabled" }],
  ["hostUuid", "QueryHost", "HostVO", "host", { state: "Enabled", status: "Connected" }],
];

/** What the capacity preflight needs of the checked references (undefined when a check failed). */
export interface CheckedReferences {
  source?: VmInstanceInventory;
  storage?: PrimaryStorageInventory;
  /** the conversion host, or every host of the pool (`conversionHostUuids`), that passed its check */
  conversionHosts?: V2VConversionHostInventory[];
}

/**
 * Runs every check of a migration's references at once (each answer cached for the run), failing
 * `v`'s fields; completes `inputs` with the resolved source. Rejects only when ZStack cannot be
 * asked (the caller decides what an unreachable ZStack means).
 */
export async function checkReferences(
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  inputs: Record<string, unknown>,
): Promise<CheckedReferences> {
  const found: CheckedReferences = {};
  const checks: Array<Promise<void>> = [checkSource(c, cache, v, inputs, found)];
  const host = v.value("conversionHostUuid") as string | undefined;
  if (host) checks.push(checkConversionHost(c, cache, v, host, found, "conversionHostUuid"));
  const pool = v.value("conversionHostUuids");
  if (Array.isArray(pool) && !v.hasFailed("conversionHostUuids"))
    for (const h of pool as string[]) checks.push(checkConversionHost(c, cache, v, h, found, "conversionHostUuids"));
  const storage = v.value("primaryStorageUuid") as string | undefined;
  if (storage) checks.push(checkPrimaryStorage(c, cache, v, storage, found));
  for (const [field, query, type, kind, usable] of PLACEMENT) {
    const uuid = v.value(field) as string | undefined;
    if (!uuid) continue;
    checks.push(
      (async () => {
        const ref = await cache.get(`${query}:${uuid}`, () => getReference(c, query, uuid));
        if (!ref) return v.notFound(field, uuid, type);
        const issue = unusable(kind, uuid, ref, usable);
        if (issue) v.fail(field, issue);
      })(),
    );
  }
  const l3s = v.value("l3NetworkUuids") as string[] | undefined;
  if (l3s) checks.push(checkL3Networks(c, cache, v, l3s));
  await Promise.all(checks);
  return found;
}

/** The source VM, by name or by `vmware://` url, from one listing of every ESX VM per run. */
async function checkSource(
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  inputs: Record<string, unknown>,
  found: CheckedReferences,
): Promise<void> {
  const esxVms = () => cache.get("esx-vms", () => esxVmInstances(c));
  const url = v.value("url") as string | undefined;
  const uuid = vmwareUuidOf(url);
  const name = v.value("sourceVmName");
  if (url === undefined && typeof name === "string" && !v.hasFailed("url")) {
    const find = async () => sourceVmFromListing(c, await esxVms(), name);
    try {
      found.source = await find();
    } catch (e) {
      if (!(e instanceof SourceVmError)) throw e;
      // a VM VMware has but ZStack not yet: after SyncVCenter of the migration's vCenter (vcenter/sync.ts)
      const after = await findAfterSync(c, cache, v, e, find);
      found.source = after === "deferred" ? undefined : after;
    }
    if (found.source) Object.assign(inputs, withSourceDefaults(inputs, found.source));
  } else if (uuid) {
    const lower = uuid.toLowerCase();
    const vm =
      (await esxVms()).find((x) => x.uuid?.toLowerCase() === lower) ??
      (await cache.get(`vm:${lower}`, () => getVmInstance(c, uuid)));
    if (!vm) return v.notFound("url", uuid, "VmInstanceVO");
    const notVmware = notVmwareVm(vm, uuid);
    if (notVmware) return v.fail("url", notVmware);
    found.source = vm;
    Object.assign(inputs, withSourceDefaults(inputs, vm));
  }
}

/** An Enabled conversion host on an Enabled, Connected KVM host. */
async function checkConversionHost(
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  host: string,
  found: CheckedReferences,
  field: "conversionHostUuid" | "conversionHostUuids",
): Promise<void> {
  // the capacity before the run's first conversion: the ledger adds up the whole run against it
  const ch = await cache.get(`conversion-host:${host}`, () => getConversionHost(c, host), Infinity);
  if (!ch) return v.notFound(field, host, "V2VConversionHostVO");
  if (ch.state && ch.state !== "Enabled") {
    return v.fail(
      field,
      `V2V conversion host[uuid:${host}] is ${ch.state}; only an Enabled conversion host can convert VMs`,
    );
  }
  const hostIssue = unusable(
    "the KVM host of V2V conversion host",
    host,
    { state: ch.hostState, status: ch.hostStatus },
    { state: "Enabled", status: "Connected" },
  );
  if (hostIssue) v.fail(field, hostIssue);
  else (found.conversionHosts ??= []).push(ch);
}

/** An Enabled, Connected primary storage; its capacity (first answer of the run) serves the preflight. */
async function checkPrimaryStorage(
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  uuid: string,
  found: CheckedReferences,
): Promise<void> {
  const ps = await cache.get(`primary-storage:${uuid}`, () => getPrimaryStorage(c, uuid), Infinity);
  if (!ps) return v.notFound("primaryStorageUuid", uuid, "PrimaryStorageVO");
  const issue = unusable("primary storage", uuid, ps, { state: "Enabled", status: "Connected" });
  if (issue) v.fail("primaryStorageUuid", issue);
  else found.storage = ps;
}

/** Every L3 network exists and is Enabled. */
async function checkL3Networks(c: ZStackClient, cache: CheckCache, v: Validator, l3s: string[]): Promise<void> {
  const found = await cache.get(`QueryL3Network:${[...l3s].sort().join(",")}`, () =>
    getReferences(c, "QueryL3Network", l3s),
  );
  const have = new Set(found.map((x) => x.uuid));
  const missing = l3s.filter((u) => !have.has(u));
  if (missing.length) {
    v.fail(
      "l3NetworkUuids",
      `invalid field[l3NetworkUuids], resource[uuids:[${missing.join(", ")}], type:L3NetworkVO] not found`,
    );
  }
  for (const l3 of found) {
    const issue = unusable("L3 network", l3.uuid ?? "?", l3, { state: "Enabled" });
    if (issue) v.fail("l3NetworkUuids", issue);
  }
}
