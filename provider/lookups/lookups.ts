/**
 * The queries behind the lookup functions (`sdk/lookups.ts`): criteria to ZStack query conditions
 * (docs/zstack-wire.md §3.7), every match page by page, the exactly-one rule and its errors, and
 * the client for a configuration, shared by every lookup of the process.
 */
import { createHash } from "crypto";
import { LookupInventories, LookupKind, ZStackClient, processRegistry, queryAll, registered } from "../client";
import { PREVIEW_RETRY, clientFor } from "../core/context";
import { ConfigSource, readConfig, requireConnection } from "../core/config";

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

/**
 * Every lookup function, by name: the kind it queries; `plural`, for a singular lookup, the list form
 * its "several match" error suggests; `many`, a lookup that returns every match. The provider plugin's
 * functions (`zstack:index:<name>`) are made from it; the SDK's (`sdk/lookups.ts`) must be the same
 * (test/provider/hosts/plugin/schema.test.ts).
 */
export const LOOKUP_FUNCTIONS = {
  getZone: { kind: "Zone" },
  getCluster: { kind: "Cluster" },
  getHost: { kind: "Host" },
  getPrimaryStorage: { kind: "PrimaryStorage" },
  getBackupStorage: { kind: "BackupStorage" },
  getL3Network: { kind: "L3Network" },
  getV2vConversionHost: { kind: "V2VConversionHost" },
  getVmInstance: { kind: "VmInstance", plural: "getVmInstances" },
  getVmInstances: { kind: "VmInstance", many: true },
} as const satisfies Record<string, { kind: LookupKind; plural?: string; many?: true }>;

export type LookupFunctionName = keyof typeof LOOKUP_FUNCTIONS;

/**
 * A lookup that could not answer: no match, several matches, bad criteria, or ZStack's error. The
 * SDK reports it to the program as its `ZStackLookupError` (a `pulumi.RunError`).
 */
export class LookupFailure extends Error {
  constructor(
    message: string,
    /** the lookup kind, e.g. `VmInstance` */
    readonly kind: LookupKind,
    /** the query conditions sent (ANDed) */
    readonly criteria: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "LookupFailure";
  }
}

// ---------------------------------------------------------------------------------- connection

/**
 * The client for the program's configuration, shared by every lookup of this process (keyed by a
 * hash of the connection settings, so a changed configuration gets its own client). Lookups run in
 * every preview: like `check`, they retry little, so an unreachable endpoint fails in seconds.
 */
function lookupClient(config: ConfigSource): ZStackClient {
  const cfg = readConfig(config);
  const { endpoint, auth } = requireConnection(cfg);
  const key = createHash("sha256")
    .update(JSON.stringify([endpoint, auth, cfg.caCertificate ?? null, cfg.insecure, cfg.timeZone ?? null]))
    .digest("hex");
  return registered(processRegistry<string, ZStackClient>("LookupClients"), key, () =>
    clientFor(cfg, { retry: PREVIEW_RETRY }),
  );
}

// ---------------------------------------------------------------------------------- criteria

/** ZStack's operators that it tries before `=` (docs/zstack-wire.md §3.7): a value holding one is misread. */
const OPERATORS_BEFORE_EQUALS = ["!=", ">=", "<=", "!?=", "!~=", "~=", "?="];
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `field=value`, or an error when ZStack would not read it as that equality. */
function equality(fn: string, kind: LookupKind, what: string, field: string, value: unknown): string {
  const bad = (why: string): LookupFailure => new LookupFailure(`${fn}: ${what} ${why}`, kind, []);
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
        `and ${op ? `"${op}"` : 'a leading "="'} would be read as one (docs/zstack-wire.md §3.7); use conditions with another operator, e.g. "${field}~=…"`,
    );
  }
  return `${field}=${text}`;
}

/** The query conditions of `args`, in the order uuid, name, filters, conditions. */
function conditionsOf(fn: string, kind: LookupKind, args: LookupArgs): string[] {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new LookupFailure(`${fn}: the arguments must be an object ({ uuid, name, filters, conditions })`, kind, []);
  }
  const known = new Set(["uuid", "name", "filters", "conditions"]);
  const unknown = Object.keys(args).filter((k) => !known.has(k) && (args as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) {
    throw new LookupFailure(
      `${fn}: unknown argument ${unknown.join(", ")} (the arguments are uuid, name, filters and conditions; fields go in filters)`,
      kind,
      [],
    );
  }
  const out: string[] = [];
  if (args.uuid !== undefined) out.push(equality(fn, kind, "uuid", "uuid", args.uuid));
  if (args.name !== undefined) out.push(equality(fn, kind, "name", "name", args.name));
  if (args.filters !== undefined) {
    if (args.filters === null || typeof args.filters !== "object" || Array.isArray(args.filters)) {
      throw new LookupFailure(
        `${fn}: filters must be an object of field = value, e.g. { hypervisorType: "ESX" }`,
        kind,
        [],
      );
    }
    for (const [field, value] of Object.entries(args.filters)) {
      if (value !== undefined) out.push(equality(fn, kind, `filters.${field}`, field, value));
    }
  }
  if (args.conditions !== undefined) {
    if (!Array.isArray(args.conditions)) {
      throw new LookupFailure(
        `${fn}: conditions must be a list of ZStack query conditions, e.g. ["name~=web-%"]`,
        kind,
        [],
      );
    }
    for (const [i, c] of args.conditions.entries()) {
      if (typeof c !== "string" || c.trim() === "")
        throw new LookupFailure(`${fn}: conditions[${i}] must be a non-empty string`, kind, []);
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
  const shown = items
    .slice(0, CANDIDATES_SHOWN)
    .map((x) => `${x.uuid ?? "(no uuid)"} (${x.name === undefined ? "no name" : `"${x.name}"`})`);
  const more = items.length > CANDIDATES_SHOWN ? `, and ${items.length - CANDIDATES_SHOWN} more` : "";
  return shown.join(", ") + more;
}

// ---------------------------------------------------------------------------------- the queries

/** Every match of `args`; `fn` names the lookup in errors. */
export async function lookupAll<K extends LookupKind>(
  config: ConfigSource,
  fn: string,
  kind: K,
  args: LookupArgs,
): Promise<{ items: LookupInventories[K][]; conditions: string[] }> {
  const conditions = conditionsOf(fn, kind, args ?? {});
  let client: ZStackClient;
  try {
    client = lookupClient(config);
  } catch (e) {
    throw new LookupFailure(`${fn}: ${e instanceof Error ? e.message : String(e)}`, kind, conditions, { cause: e });
  }
  let items: LookupInventories[K][];
  try {
    items = await queryAll(client, kind, conditions);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new LookupFailure(
      `${fn}: querying ${kind} where ${describeCriteria(conditions)} failed: ${msg}`,
      kind,
      conditions,
      { cause: e },
    );
  }
  // an item with another uuid than the one asked for does not count (a server or proxy ignoring `q`)
  if (args?.uuid !== undefined) {
    const want = String(args.uuid).toLowerCase();
    items = items.filter((x) => typeof x.uuid === "string" && x.uuid.toLowerCase() === want);
  }
  return { items, conditions };
}

/** The one match of `args`, or an error naming the kind and the criteria; `plural` is the list form to suggest. */
/** A singular lookup's result: the inventory, whose uuid is known to be there. */
export type Found<T> = KnownFields<T> & { uuid: string };

/**
 * `T` without its index signature (the loose inventories keep unknown fields at run time): with
 * one, Pulumi's lifted `Output` properties (`getL3NetworkOutput(…).uuid`) would all be
 * `Output<unknown>`, since a mapped type over a string index keeps only the index.
 */
export type KnownFields<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

export async function lookupOne<K extends LookupKind>(
  config: ConfigSource,
  fn: string,
  kind: K,
  args: LookupArgs,
  plural?: string,
): Promise<Found<LookupInventories[K]>> {
  const { items, conditions } = await lookupAll(config, fn, kind, args);
  if (items.length === 1) {
    const [one] = items;
    // the one match is used by its uuid (a reference): an answer without one cannot be used
    if (typeof one.uuid !== "string" || one.uuid === "") {
      throw new LookupFailure(
        `${fn}: the ${kind} matching ${describeCriteria(conditions)} has no uuid in ZStack's answer`,
        kind,
        conditions,
      );
    }
    return one as Found<LookupInventories[K]>;
  }
  const criteria = describeCriteria(conditions);
  if (items.length === 0) throw new LookupFailure(`${fn}: no ${kind} matches ${criteria}`, kind, conditions);
  const hint = plural
    ? `narrow the criteria, or use ${plural} for a list`
    : "narrow the criteria (uuid, name, filters, conditions)";
  throw new LookupFailure(
    `${fn}: ${items.length} ${kind}s match ${criteria}, and a singular lookup needs exactly one (${hint}): ${candidateList(items)}`,
    kind,
    conditions,
  );
}
