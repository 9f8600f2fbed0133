/**
 * Query APIs (`GET /v1/<resources>`), as RestServer.handleQueryApi parses them and the query facade
 * evaluates them (docs/zstack-wire.md §3.7): `q` conditions with the server's operator table and its exact
 * 400 messages, `limit` (default 1000), `start`, `count`, `replyWithCount`, `sort`, `fields`, dotted
 * names through nested lists (`vmNics.ip`), expanded joins (`vmInstance.name`), and the tag pseudo-fields
 * `__systemTag__`, `__userTag__` and `__tagUuid__`. The conditions' evaluation (`runQuery`) also serves the
 * RPC API's queries (rpc.ts).
 */
import { QUERY_CASE_SENSITIVE, unknownQueryField } from "../assumptions";
import { fail, RestError, REST } from "../core/errors";
import { text } from "../core/text";
import type { Row, TableName } from "../world/types";
import type { SimWorld } from "../world/world";

/** Delimiter -> QueryOp, in RestServer's order (a delimiter contained in another comes after it). */
const QUERY_OPS: ReadonlyArray<readonly [string, string]> = [
  ["!=", "!="],
  [">=", ">="],
  ["<=", "<="],
  ["!?=", "not in"],
  ["!~=", "not like"],
  ["~=", "like"],
  ["?=", "in"],
  ["=", "="],
  [">", ">"],
  ["<", "<"],
  ["is null", "is null"],
  ["not null", "is not null"],
];
const DELIMITERS = QUERY_OPS.map(([d]) => d);

/** What a query API serves: its table and the inventory's queryable fields. */
export interface InventoryDecl {
  table: TableName;
  inventoryClass: string;
  /**
   * the inventory's queryable fields, exactly ZStack's metadata's `primitive_fields` without the tag
   * pseudo-fields (nulls are omitted on the wire, so they are declared)
   */
  fields: readonly string[];
  /** fields holding lists of inventories of their own: returned, queryable only with dotted names (`vmNics.ip`) */
  nested?: readonly string[];
}

export interface QueryDef extends InventoryDecl {
  /** expanded queries: `<name>.<field>` joins another table through a key of this row */
  expand?: Record<string, InventoryDecl & { key: string }>;
  /** extra filter applied before the conditions */
  where?: (row: Row) => boolean;
  /** wire form of a row, when it differs from the row */
  render?: (row: Row) => Row;
}

export interface Condition {
  name: string;
  op: string;
  value?: string;
}

export interface QueryRequest {
  conditions: Condition[];
  limit: number;
  start: number;
  count: boolean;
  replyWithCount: boolean;
  sortBy?: string;
  sortDirection: "asc" | "desc";
  fields?: string[];
}

/** `StringUtils.splitByWholeSeparator(s, sep, 2)`: empty tokens are dropped. */
function splitWhole(s: string, sep: string): string[] {
  const out: string[] = [];
  let beg = 0;
  while (beg < s.length) {
    const end = s.indexOf(sep, beg);
    if (end < 0) {
      out.push(s.slice(beg));
      break;
    }
    if (end > beg) {
      if (out.length + 1 === 2) {
        out.push(s.slice(beg));
        break;
      }
      out.push(s.slice(beg, end));
    }
    beg = end + sep.length;
  }
  return out;
}

/** Java's Integer.valueOf on a trimmed string. */
function javaInt(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

export function parseQueryParams(params: Map<string, string[]>): QueryRequest {
  const q: QueryRequest = {
    conditions: [],
    limit: 1000,
    start: 0,
    count: false,
    replyWithCount: false,
    sortDirection: "asc",
  };
  for (const [rawName, values] of params) {
    const name = rawName.trim();
    let value = values[0].trim();
    if (name === "limit") {
      const n = javaInt(value);
      if (n === undefined) throw new RestError(400, REST.queryLimit);
      q.limit = n;
    } else if (name === "start") {
      const n = javaInt(value);
      if (n === undefined) throw new RestError(400, REST.queryStart);
      q.start = n;
    } else if (name === "count") {
      q.count = value.toLowerCase() === "true";
    } else if (name === "replyWithCount") {
      q.replyWithCount = value.toLowerCase() === "true";
    } else if (name === "sort") {
      if (value.startsWith("+")) value = value.replace(/^\++/, "");
      else if (value.startsWith("-")) {
        q.sortDirection = "desc";
        value = value.replace(/^-+/, "");
      }
      q.sortBy = value;
    } else if ("q".startsWith(name)) {
      // sic: RestServer tests `"q".startsWith(varname)`, so an empty name also counts
      for (const cond of values) {
        const idx = QUERY_OPS.findIndex(([d]) => cond.includes(d));
        if (idx < 0) throw new RestError(400, REST.queryNoOperator(cond, DELIMITERS));
        const [delimiter, op] = QUERY_OPS[idx];
        const ks = splitWhole(cond, delimiter);
        if (op === "is null" || op === "is not null") {
          q.conditions.push({ name: (ks[0] ?? "").trim(), op });
        } else {
          if (ks.length !== 2) throw new RestError(400, REST.queryNotPair(cond, op));
          q.conditions.push({ name: ks[0].trim(), op, value: ks[1] });
        }
      }
    } else if (name === "fields") {
      const fs = value
        .split(",")
        .map((f) => f.trim())
        .filter((f) => f.length > 0);
      if (fs.length === 0) throw new RestError(400, REST.queryFields);
      q.fields = fs;
    }
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

function valuesAt(root: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      const child = (v as Record<string, unknown>)[key];
      if (Array.isArray(child)) next.push(...(child as unknown[]));
      else next.push(child);
    }
    current = next;
  }
  return current;
}

function toNumber(v: string, dateLike: boolean): number | undefined {
  if (/^\s*[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  if (dateLike) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms;
  }
  return undefined;
}

/** A string as the query compares it: as is, or folded when the collation ignores case (assumptions.ts). */
function collate(s: string): string {
  return QUERY_CASE_SENSITIVE ? s : s.toLowerCase();
}

function likeRegex(pattern: string): RegExp {
  let re = "^";
  for (const ch of pattern) {
    if (ch === "%") re += "[\\s\\S]*";
    else if (ch === "_") re += "[\\s\\S]";
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(re + "$", QUERY_CASE_SENSITIVE ? "" : "i");
}

function equals(actual: unknown, value: string, dateLike: boolean): boolean {
  if (typeof actual === "number") {
    const n = toNumber(value, dateLike);
    return n !== undefined && n === actual;
  }
  if (typeof actual === "boolean") return String(actual) === value.toLowerCase();
  return collate(String(actual)) === collate(value);
}

function compare(actual: unknown, value: string, dateLike: boolean): number | undefined {
  if (typeof actual === "number") {
    const n = toNumber(value, dateLike);
    return n === undefined ? undefined : actual - n;
  }
  const a = collate(String(actual));
  const b = collate(value);
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchOne(actual: unknown, c: Condition, dateLike: boolean): boolean {
  const v = c.value ?? "";
  switch (c.op) {
    case "=":
      return equals(actual, v, dateLike);
    case "!=":
      return !equals(actual, v, dateLike);
    case "in":
      return v.split(",").some((x) => equals(actual, x, dateLike));
    case "not in":
      return !v.split(",").some((x) => equals(actual, x, dateLike));
    case "like":
      return likeRegex(v).test(String(actual));
    case "not like":
      return !likeRegex(v).test(String(actual));
    default: {
      const d = compare(actual, v, dateLike);
      if (d === undefined) return false;
      if (c.op === ">") return d > 0;
      if (c.op === "<") return d < 0;
      if (c.op === ">=") return d >= 0;
      return d <= 0;
    }
  }
}

interface CompiledCondition {
  c: Condition;
  values: (row: Row) => unknown[];
  dateLike: boolean;
}

/** A top-level field, or `<nested>.<anything>` below a nested list. */
function isQueryable(decl: InventoryDecl, parts: readonly string[]): boolean {
  return parts.length === 1 ? decl.fields.includes(parts[0]) : (decl.nested ?? []).includes(parts[0]);
}

function compile(world: SimWorld, def: QueryDef, c: Condition): CompiledCondition {
  const dateLike = /Date$/.test(c.name);
  if (c.name === "__systemTag__" || c.name === "__userTag__") {
    const kind = c.name === "__systemTag__" ? "system" : "user";
    return { c, dateLike: false, values: (row) => world.tags.get(row.uuid)?.[kind] ?? [] };
  }
  // the simulator serves no tag patterns, so no resource carries one (assumptions.ts, `__tagUuid__`)
  if (c.name === "__tagUuid__") return { c, dateLike: false, values: () => [] };
  const parts = c.name.split(".");
  const head = parts[0];
  if (parts.length > 1 && def.expand?.[head]) {
    const ex = def.expand[head];
    const rest = parts.slice(1);
    if (!isQueryable(ex, rest)) fail("SYS.1007", unknownQueryField(rest.join("."), ex.inventoryClass));
    return {
      c,
      dateLike,
      values: (row) => {
        const joined = row[ex.key] ? world.get(ex.table, row[ex.key] as string) : undefined;
        return joined ? valuesAt(joined, rest) : [];
      },
    };
  }
  if (!isQueryable(def, parts)) fail("SYS.1007", unknownQueryField(c.name, def.inventoryClass));
  return { c, dateLike, values: (row) => valuesAt(row, parts) };
}

function rowMatches(row: Row, cc: CompiledCondition): boolean {
  const values = cc.values(row).filter((v) => v !== undefined && v !== null);
  if (cc.c.op === "is null") return values.length === 0;
  if (cc.c.op === "is not null") return values.length > 0;
  return values.some((v) => matchOne(v, cc.c, cc.dateLike));
}

/**
 * Runs a parsed query. `uuid` set means `GET /v1/<resources>/{uuid}`: the same query API with the
 * condition `uuid=<uuid>` added to the others (§3.7), so `fields`, `count`, `replyWithCount`, `q`…
 * apply as on the collection path.
 */
export function runQuery(
  world: SimWorld,
  def: QueryDef,
  uuid: string | undefined,
  q: QueryRequest,
): Record<string, unknown> {
  const render = def.render ?? ((r: Row) => r);
  const conditions: Condition[] =
    uuid !== undefined ? [{ name: "uuid", op: "=", value: uuid }, ...q.conditions] : q.conditions;
  const compiled = conditions.map((c) => compile(world, def, c));
  // the path's uuid condition selects at most one row: look it up instead of scanning the table
  const candidates: Iterable<Row> =
    uuid !== undefined
      ? [world.get(def.table, uuid)].filter((r): r is Row => r !== undefined)
      : world.tables[def.table].values();
  let rows: Row[] = [];
  for (const row of candidates) {
    if (def.where && !def.where(row)) continue;
    if (compiled.every((cc) => rowMatches(row, cc))) rows.push(row);
  }
  const total = rows.length;
  if (q.count) return { total };
  if (q.sortBy) {
    const key = q.sortBy;
    if (!def.fields.includes(key)) fail("SYS.1007", unknownQueryField(key, def.inventoryClass));
    const dir = q.sortDirection === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x: unknown = a[key];
      const y: unknown = b[key];
      if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
      if (y === undefined || y === null) return -1;
      if (typeof x === "number" && typeof y === "number") return (x - y) * dir;
      return (text(x) < text(y) ? -1 : text(x) > text(y) ? 1 : 0) * dir;
    });
  }
  const start = Math.max(0, q.start);
  const limit = q.limit < 0 ? rows.length : q.limit;
  let inventories = rows.slice(start, start + limit).map(render);
  if (q.fields) {
    const fs = q.fields;
    inventories = inventories.map((r) => {
      const out: Row = { uuid: r.uuid };
      if (!fs.includes("uuid")) delete (out as Partial<Row>).uuid;
      for (const f of fs) if (r[f] !== undefined) out[f] = r[f] as unknown;
      return out;
    });
  }
  const reply: Record<string, unknown> = { inventories };
  if (q.replyWithCount) reply.total = total;
  return reply;
}
