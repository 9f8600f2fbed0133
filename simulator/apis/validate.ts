/**
 * @APIParam validation as ApiMessageProcessorImpl runs it, field by field in declaration order:
 * mandatory, valid values, max length, min length, non-empty list, NULL element, empty string,
 * number range, then existence of the referenced resource (SYS.1003), before the next field
 * (assumptions.ts, VALIDATION_ORDER). Messages are the templates of docs/zstack-wire.md §5.3.
 */
import { duplicateResourceUuid, minLengthDetails } from "../assumptions";
import { argerr, fail, T } from "../core/errors";
import { text } from "../core/text";
import type { TableName } from "../world/types";
import type { SimWorld } from "../world/world";

export interface FieldRule {
  name: string;
  required?: boolean;
  type?: "string" | "int" | "long" | "boolean" | "list" | "object";
  maxLength?: number;
  minLength?: number;
  validValues?: readonly string[];
  range?: readonly [number, number | string];
  nonEmpty?: boolean;
  /** list fields reject null elements unless this is true */
  nullElements?: boolean;
  /** strings may be empty unless this is false */
  emptyString?: boolean;
  /** referenced resource: table and VO type name for the SYS.1003 message */
  resource?: { table: TableName; type: string; where?: (row: Record<string, unknown>) => boolean };
}

const ZSTACK_UUID = /^[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/;

export function isZStackUuid(s: string): boolean {
  return ZSTACK_UUID.test(s);
}

/** Gson's rehash onto the message class: numbers into strings, numeric strings into numbers. */
export function coerce(rules: readonly FieldRule[], params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rules) {
    let v = params[r.name];
    if (v === undefined || v === null) continue;
    if ((r.type === "int" || r.type === "long") && typeof v === "string" && v.trim() !== "") v = Number(v);
    else if (r.type === "boolean" && typeof v === "string") v = v.toLowerCase() === "true";
    else if ((r.type === undefined || r.type === "string") && (typeof v === "number" || typeof v === "boolean"))
      v = String(v);
    out[r.name] = v;
  }
  return out;
}

export function validateFields(
  world: SimWorld,
  msgClass: string,
  rules: readonly FieldRule[],
  params: Record<string, unknown>,
): void {
  for (const r of rules) {
    const v = params[r.name];
    if (v === undefined || v === null) {
      if (r.required) argerr(T.mandatory(r.name, msgClass));
      continue;
    }
    if (r.validValues && !r.validValues.includes(text(v))) argerr(T.validValues(r.name, msgClass, r.validValues, v));
    if (r.maxLength !== undefined && typeof v === "string" && v.length > r.maxLength) {
      argerr(T.maxLength(r.name, msgClass, r.maxLength, v.length));
    }
    if (r.minLength !== undefined && typeof v === "string" && v.length < r.minLength) {
      argerr(minLengthDetails(r.name, msgClass, r.minLength, v.length));
    }
    if (Array.isArray(v)) {
      if (r.nonEmpty && v.length === 0) argerr(T.nonEmptyList(r.name));
      if (!r.nullElements && v.some((x) => x === null || x === undefined)) argerr(T.nullElement(r.name));
    }
    if (r.emptyString === false && typeof v === "string" && v.trim() === "") argerr(T.emptyString(r.name));
    if (r.range && typeof v === "number") {
      const [min, max] = r.range;
      if (v < min || v > Number(max)) argerr(T.range(r.name, min, max));
    }
    if (r.resource) {
      const res = r.resource;
      const exists = (u: unknown) => {
        const row = typeof u === "string" ? world.get(res.table, u) : undefined;
        return !!row && (!res.where || res.where(row));
      };
      if (Array.isArray(v)) {
        const missing = v.filter((u) => !exists(u)).map(String);
        if (missing.length) fail("SYS.1003", T.notFoundList(r.name, missing, res.type));
      } else if (!exists(v)) {
        fail("SYS.1003", T.notFound(r.name, text(v), res.type));
      }
    }
  }
}

/** APICreateMessage.resourceUuid: the FRONT interceptor's format check. */
export function checkResourceUuidFormat(params: Record<string, unknown>): void {
  const u = params.resourceUuid;
  if (u !== undefined && u !== null && !isZStackUuid(text(u))) argerr(T.invalidResourceUuid(text(u)));
}

/** The uuid must not be taken in the table the resource goes to. */
export function checkResourceUuidFree(world: SimWorld, table: TableName, uuid: unknown): void {
  if (typeof uuid === "string" && world.get(table, uuid)) argerr(duplicateResourceUuid(uuid));
}

/** A row referenced by a path variable, or SYS.1003 as the @APIParam(resourceType) check answers. */
export function requireRow(world: SimWorld, table: TableName, uuid: string, type: string, field = "uuid") {
  const row = world.get(table, uuid);
  if (!row) fail("SYS.1003", T.notFound(field, uuid, type));
  return row;
}
