/**
 * Lookup functions (data sources): ZStack inventories by uuid, name, field equalities and raw query
 * conditions, in Pulumi's `getX` / `getXOutput` convention. They run in the program's process (not
 * in a provider), during `preview` as well as `up`: plain queries, no resource.
 *
 * Connection: the same `zstack:*` stack config and `ZSTACK_*` environment fallbacks as the
 * providers (`readConfig`), read from the program's raw config map (`pulumi.runtime.getConfig`: no
 * "secret read as plain" warning, and the secret never becomes an Output), and one client per
 * configuration per process, so one login per program run however many lookups it makes.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import {
  BackupStorageInventory,
  ClusterInventory,
  HostInventory,
  L3NetworkInventory,
  LookupInventories,
  LookupKind,
  PrimaryStorageInventory,
  V2VConversionHostInventory,
  VmInstanceInventory,
  ZStackClient,
  ZoneInventory,
  queryAll,
} from "../provider/client";
import { ConfigSource, readConfig, requireConnection } from "../provider/config";
import { ArgsOf } from "./dynamic-resource";

/** What a lookup matches: every criterion given, ANDed (as ZStack ANDs its query conditions). */
export interface LookupArgs {
  /** The object's uuid. */
  uuid?: string;
  /** The object's name (ZStack names need not be unique: several matches fail a singular lookup). */
  name?: string;
  /** Field equalities, fields as ZStack names them, e.g. `{ hypervisorType: "ESX", state: "Running" }`. */
  filters?: Record<string, string | number | boolean>;
  /** Raw ZStack query conditions, e.g. `["name~=web-%", "cpuNum>=4"]` (docs/zstack-wire.md §3.7). */
  conditions?: string[];
}

/** {@link LookupArgs} of the `...Output` forms: every value may be an `Input`. */
export type LookupOutputArgs = ArgsOf<LookupArgs>;

/** A lookup that could not answer: no match, several matches, bad criteria, or ZStack's error. */
export class ZStackLookupError extends Error {
  constructor(
    message: string,
    /** the lookup kind, e.g. `VmInstance` */
    readonly kind: LookupKind,
    /** the query conditions sent (ANDed) */
    readonly criteria: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ZStackLookupError";
  }
}

// ---------------------------------------------------------------------------------- connection

const CLIENTS_KEY = "__pulumiZStackMigrationLookupClients_v1";

/** The program's stack config, fully qualified keys (`zstack:endpoint`), read without warnings. */
const programConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * The client for the program's configuration, shared by every lookup of this process (keyed by a
 * hash of the connection settings, so a changed configuration gets its own client).
 */
function lookupClient(): ZStackClient {
  const cfg = readConfig(programConfig);
  const { endpoint, auth } = requireConnection(cfg);
  const key = createHash("sha256")
    .update(JSON.stringify([endpoint, auth, cfg.caCertificate ?? null, cfg.insecure, cfg.timeZone ?? null]))
    .digest("hex");
  const g = globalThis as unknown as Record<string, Map<string, ZStackClient> | undefined>;
  const clients = g[CLIENTS_KEY] ?? (g[CLIENTS_KEY] = new Map());
  let client = clients.get(key);
  if (!client) {
    client = new ZStackClient({ endpoint, auth, tls: { caCertificate: cfg.caCertificate, insecure: cfg.insecure }, timeZone: cfg.timeZone });
    clients.set(key, client);
  }
  return client;
}

// ---------------------------------------------------------------------------------- criteria

/** ZStack's operators that it tries before `=` (docs/zstack-wire.md §3.7): a value holding one is misread. */
const OPERATORS_BEFORE_EQUALS = ["!=", ">=", "<=", "!?=", "!~=", "~=", "?="];
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `field=value`, or an error when ZStack would not read it as that equality. */
function equality(fn: string, kind: LookupKind, what: string, field: string, value: unknown): string {
  const bad = (why: string): ZStackLookupError => new ZStackLookupError(`${fn}: ${what} ${why}`, kind, []);
  if (!FIELD_NAME.test(field)) throw bad(`is not a field name (letters, digits, _ and dotted paths such as vmNics.ip)`);
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw bad(`must be a string, a number or a boolean, got ${value === null ? "null" : typeof value}`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw bad(`must be a finite number, got ${value}`);
  const text = String(value);
  if (text === "") throw bad("is empty (ZStack rejects a condition without a value)");
  const op = OPERATORS_BEFORE_EQUALS.find((o) => text.includes(o));
  if (op || text.startsWith("=")) {
    throw bad(
      `"${text}" cannot be sent as an equality: ZStack splits a condition at the first operator it finds, ` +
        `and ${op ? `"${op}"` : "a leading \"=\""} would be read as one (docs/zstack-wire.md §3.7); use conditions with another operator, e.g. "${field}~=…"`,
    );
  }
  return `${field}=${text}`;
}

/** The query conditions of `args`, in the order uuid, name, filters, conditions. */
function conditionsOf(fn: string, kind: LookupKind, args: LookupArgs): string[] {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ZStackLookupError(`${fn}: the arguments must be an object ({ uuid, name, filters, conditions })`, kind, []);
  }
  const known = new Set(["uuid", "name", "filters", "conditions"]);
  const unknown = Object.keys(args).filter((k) => !known.has(k) && (args as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) {
    throw new ZStackLookupError(`${fn}: unknown argument ${unknown.join(", ")} (the arguments are uuid, name, filters and conditions; fields go in filters)`, kind, []);
  }
  const out: string[] = [];
  if (args.uuid !== undefined) out.push(equality(fn, kind, "uuid", "uuid", args.uuid));
  if (args.name !== undefined) out.push(equality(fn, kind, "name", "name", args.name));
  if (args.filters !== undefined) {
    if (args.filters === null || typeof args.filters !== "object" || Array.isArray(args.filters)) {
      throw new ZStackLookupError(`${fn}: filters must be an object of field = value, e.g. { hypervisorType: "ESX" }`, kind, []);
    }
    for (const [field, value] of Object.entries(args.filters)) {
      if (value !== undefined) out.push(equality(fn, kind, `filters.${field}`, field, value));
    }
  }
  if (args.conditions !== undefined) {
    if (!Array.isArray(args.conditions)) {
      throw new ZStackLookupError(`${fn}: conditions must be a list of ZStack query conditions, e.g. ["name~=web-%"]`, kind, []);
    }
    for (const [i, c] of args.conditions.entries()) {
      if (typeof c !== "string" || c.trim() === "") throw new ZStackLookupError(`${fn}: conditions[${i}] must be a non-empty string`, kind, []);
      out.push(c);
    }
  }
  return out;
}

function describeCriteria(conditions: readonly string[]): string {
  return conditions.length === 0 ? "(no criteria)" : conditions.join(" AND ");
}

/** How many candidates a "several match" error lists. */
const CANDIDATES_SHOWN = 20;

function candidateList(items: ReadonlyArray<{ uuid?: string; name?: string }>): string {
  const shown = items.slice(0, CANDIDATES_SHOWN).map((x) => `${x.uuid ?? "(no uuid)"} (${x.name === undefined ? "no name" : `"${x.name}"`})`);
  const more = items.length > CANDIDATES_SHOWN ? `, and ${items.length - CANDIDATES_SHOWN} more` : "";
  return shown.join(", ") + more;
}

// ---------------------------------------------------------------------------------- the queries

async function lookupAll<K extends LookupKind>(fn: string, kind: K, args: LookupArgs): Promise<{ items: LookupInventories[K][]; conditions: string[] }> {
  const conditions = conditionsOf(fn, kind, args ?? {});
  let client: ZStackClient;
  try {
    client = lookupClient();
  } catch (e) {
    throw new ZStackLookupError(`${fn}: ${e instanceof Error ? e.message : String(e)}`, kind, conditions, { cause: e });
  }
  let items: LookupInventories[K][];
  try {
    items = await queryAll(client, kind, conditions);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ZStackLookupError(`${fn}: querying ${kind} where ${describeCriteria(conditions)} failed: ${msg}`, kind, conditions, { cause: e });
  }
  // an item with another uuid than the one asked for does not count (a server or proxy ignoring `q`)
  if (args?.uuid !== undefined) {
    const want = args.uuid.toLowerCase();
    items = items.filter((x) => typeof x.uuid === "string" && x.uuid.toLowerCase() === want);
  }
  return { items, conditions };
}

async function lookupOne<K extends LookupKind>(fn: string, kind: K, args: LookupArgs, plural?: string): Promise<LookupInventories[K]> {
  const { items, conditions } = await lookupAll(fn, kind, args);
  if (items.length === 1) return items[0];
  const criteria = describeCriteria(conditions);
  if (items.length === 0) throw new ZStackLookupError(`${fn}: no ${kind} matches ${criteria}`, kind, conditions);
  const hint = plural ? `narrow the criteria, or use ${plural} for a list` : "narrow the criteria (uuid, name, filters, conditions)";
  throw new ZStackLookupError(
    `${fn}: ${items.length} ${kind}s match ${criteria}, and a singular lookup needs exactly one (${hint}): ${candidateList(items)}`,
    kind,
    conditions,
  );
}

/** The `...Output` form of a lookup: waits for the arguments, then runs it. */
function lookupOutput<T>(lookup: (args: LookupArgs) => Promise<T>, args: LookupOutputArgs | undefined): pulumi.Output<T> {
  return pulumi.output(args ?? {}).apply((a) => lookup(a as LookupArgs)) as unknown as pulumi.Output<T>;
}

// ---------------------------------------------------------------------------------- the lookups

/** The one zone matching `args` (`QueryZone`). */
export function getZone(args: LookupArgs = {}): Promise<ZoneInventory> {
  return lookupOne("getZone", "Zone", args);
}
/** {@link getZone} with `Input` arguments. */
export function getZoneOutput(args?: LookupOutputArgs): pulumi.Output<ZoneInventory> {
  return lookupOutput(getZone, args);
}

/** The one cluster matching `args` (`QueryCluster`). */
export function getCluster(args: LookupArgs = {}): Promise<ClusterInventory> {
  return lookupOne("getCluster", "Cluster", args);
}
/** {@link getCluster} with `Input` arguments. */
export function getClusterOutput(args?: LookupOutputArgs): pulumi.Output<ClusterInventory> {
  return lookupOutput(getCluster, args);
}

/** The one host matching `args` (`QueryHost`). */
export function getHost(args: LookupArgs = {}): Promise<HostInventory> {
  return lookupOne("getHost", "Host", args);
}
/** {@link getHost} with `Input` arguments. */
export function getHostOutput(args?: LookupOutputArgs): pulumi.Output<HostInventory> {
  return lookupOutput(getHost, args);
}

/** The one primary storage matching `args` (`QueryPrimaryStorage`). */
export function getPrimaryStorage(args: LookupArgs = {}): Promise<PrimaryStorageInventory> {
  return lookupOne("getPrimaryStorage", "PrimaryStorage", args);
}
/** {@link getPrimaryStorage} with `Input` arguments. */
export function getPrimaryStorageOutput(args?: LookupOutputArgs): pulumi.Output<PrimaryStorageInventory> {
  return lookupOutput(getPrimaryStorage, args);
}

/** The one backup storage matching `args` (`QueryBackupStorage`). */
export function getBackupStorage(args: LookupArgs = {}): Promise<BackupStorageInventory> {
  return lookupOne("getBackupStorage", "BackupStorage", args);
}
/** {@link getBackupStorage} with `Input` arguments. */
export function getBackupStorageOutput(args?: LookupOutputArgs): pulumi.Output<BackupStorageInventory> {
  return lookupOutput(getBackupStorage, args);
}

/** The one L3 network matching `args` (`QueryL3Network`). */
export function getL3Network(args: LookupArgs = {}): Promise<L3NetworkInventory> {
  return lookupOne("getL3Network", "L3Network", args);
}
/** {@link getL3Network} with `Input` arguments. */
export function getL3NetworkOutput(args?: LookupOutputArgs): pulumi.Output<L3NetworkInventory> {
  return lookupOutput(getL3Network, args);
}

/** The one V2V conversion host matching `args` (`QueryV2VConversionHost`). */
export function getV2vConversionHost(args: LookupArgs = {}): Promise<V2VConversionHostInventory> {
  return lookupOne("getV2vConversionHost", "V2VConversionHost", args);
}
/** {@link getV2vConversionHost} with `Input` arguments. */
export function getV2vConversionHostOutput(args?: LookupOutputArgs): pulumi.Output<V2VConversionHostInventory> {
  return lookupOutput(getV2vConversionHost, args);
}

/**
 * The one VM matching `args` (`QueryVmInstance`): a ZStack VM, or a VMware VM known through the
 * vCenter integration (`hypervisorType` `ESX`). A destroyed VM stays queryable (`state`
 * `Destroyed`) until it is expunged.
 */
export function getVmInstance(args: LookupArgs = {}): Promise<VmInstanceInventory> {
  return lookupOne("getVmInstance", "VmInstance", args, "getVmInstances");
}
/** {@link getVmInstance} with `Input` arguments. */
export function getVmInstanceOutput(args?: LookupOutputArgs): pulumi.Output<VmInstanceInventory> {
  return lookupOutput(getVmInstance, args);
}

/** Every VM matching `args`, in uuid order (an empty list when none does). */
export async function getVmInstances(args: LookupArgs = {}): Promise<VmInstanceInventory[]> {
  return (await lookupAll("getVmInstances", "VmInstance", args)).items;
}
/** {@link getVmInstances} with `Input` arguments. */
export function getVmInstancesOutput(args?: LookupOutputArgs): pulumi.Output<VmInstanceInventory[]> {
  return lookupOutput(getVmInstances, args);
}
