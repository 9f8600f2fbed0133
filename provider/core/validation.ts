/**
 * Local validation for `check`: one CheckFailure per property, in ZStack's own words where ZStack
 * has words for it (docs/zstack-wire.md §5.3), tolerating the preview sentinel anywhere.
 */
import { UNKNOWN, containsUnknown } from "./values";
import { parseDuration } from "./units";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** ZStack's resourceUuid pattern: a dash-less v1–v5 UUID. */
export const RESOURCE_UUID = /^[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/;
export const UUID32 = /^[0-9a-fA-F]{32}$/;

export class Validator {
  // no class-field initializers in provider code: a provider serialized by value keeps only the
  // constructor, so every field is assigned there
  readonly failures: CheckFailure[];
  private readonly failed: Set<string>;

  constructor(
    private readonly inputs: Record<string, unknown>,
    /** fully qualified API message class, for ZStack's message templates */
    private readonly message: string,
  ) {
    this.failures = [];
    this.failed = new Set<string>();
  }

  fail(property: string, reason: string): void {
    if (this.failed.has(property)) return;
    this.failed.add(property);
    this.failures.push({ property, reason });
  }

  /** ZStack's SYS.1003 for a referenced `type` (e.g. `HostVO`) that has no row with `uuid`. */
  notFound(property: string, uuid: string, type: string): void {
    this.fail(property, `invalid field[${property}], resource[uuid:${uuid}, type:${type}] not found`);
  }

  hasFailed(property: string): boolean {
    return this.failed.has(property);
  }

  /** The value when present, known and not yet failed. */
  value(property: string): unknown {
    const v = this.inputs[property];
    if (v === undefined || v === null || containsUnknown(v) || this.failed.has(property)) return undefined;
    return v;
  }

  isUnknown(property: string): boolean {
    return containsUnknown(this.inputs[property]);
  }

  isSet(property: string): boolean {
    const v = this.inputs[property];
    return v !== undefined && v !== null;
  }

  required(property: string): boolean {
    if (this.isSet(property)) return true;
    this.fail(property, `field[${property}] of message[${this.message}] is mandatory, can not be null`);
    return false;
  }

  string(property: string, opts: { maxLength?: number; nonEmpty?: boolean } = {}): string | undefined {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === UNKNOWN) return undefined;
    if (typeof v !== "string") {
      this.fail(property, `${property} must be a string, got ${typeName(v)}`);
      return undefined;
    }
    if (opts.nonEmpty && v.trim() === "") {
      this.fail(property, `field[${property}] cannot be an empty string`);
      return undefined;
    }
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      this.fail(
        property,
        `field[${property}] of message[${this.message}] exceeds max length of string. expected was <= ${opts.maxLength}, actual was ${v.length}`,
      );
      return undefined;
    }
    return v;
  }

  uuid(property: string): string | undefined {
    const v = this.string(property);
    if (v === undefined) return undefined;
    if (!UUID32.test(v)) {
      this.fail(property, `${property} must be a ZStack UUID: 32 hexadecimal characters without dashes, got "${v}"`);
      return undefined;
    }
    return v;
  }

  resourceUuid(property: string): string | undefined {
    const v = this.string(property);
    if (v === undefined) return undefined;
    if (!RESOURCE_UUID.test(v)) {
      this.fail(
        property,
        `resourceUuid[${v}] is not a valid uuid. A valid uuid is a UUID(v1 ~ v5) with '-' stripped, ` +
          `see http://en.wikipedia.org/wiki/Universally_unique_identifier for format of UUID, ` +
          `the regular expression ZStack uses to validate a UUID is '${RESOURCE_UUID.source.slice(1, -1)}'`,
      );
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(property: string, valid: readonly T[]): T | undefined {
    const v = this.string(property);
    if (v === undefined) return undefined;
    if (!(valid as readonly string[]).includes(v)) {
      this.fail(
        property,
        `valid value for field[${property}] of message[${this.message}] are [${valid.join(", ")}], but ${v} found`,
      );
      return undefined;
    }
    return v as T;
  }

  integer(property: string, min: number, max: number): number | undefined {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === UNKNOWN) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.fail(property, `${property} must be a number, got ${typeName(v)}`);
      return undefined;
    }
    if (!Number.isInteger(v)) {
      this.fail(property, `[${property}] field is excepted an int or long, but was [${v}].`);
      return undefined;
    }
    if (v < min || v > max) {
      this.fail(property, `field[${property}] must be in range of [${min}, ${max}]`);
      return undefined;
    }
    return v;
  }

  boolean(property: string): boolean | undefined {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === UNKNOWN) return undefined;
    if (typeof v !== "boolean") {
      this.fail(property, `${property} must be true or false, got ${typeName(v)}`);
      return undefined;
    }
    return v;
  }

  /** A list whose known elements each pass `item`; returns the list when fully known and valid. */
  list<T>(
    property: string,
    item: (v: unknown) => string | undefined,
    opts: { nonEmpty?: boolean } = {},
  ): T[] | undefined {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === UNKNOWN) return undefined;
    if (!Array.isArray(v)) {
      this.fail(property, `${property} must be a list, got ${typeName(v)}`);
      return undefined;
    }
    if (opts.nonEmpty && v.length === 0) {
      this.fail(property, `field[${property}] must be a nonempty list`);
      return undefined;
    }
    for (const x of v) {
      if (x === null || x === undefined) {
        this.fail(property, `field[${property}] cannot contain a NULL element`);
        return undefined;
      }
      if (containsUnknown(x)) continue;
      const problem = item(x);
      if (problem) {
        this.fail(property, `${property}: ${problem}`);
        return undefined;
      }
    }
    return containsUnknown(v) ? undefined : (v as T[]);
  }

  /** One failure per input that is not among `known` (a typo such as `l3NetworkUuid`). */
  unknownInputs(known: readonly string[], resource: string): void {
    for (const k of Object.keys(this.inputs)) {
      if (k !== "__provider" && !known.includes(k) && this.inputs[k] !== undefined && this.inputs[k] !== null) {
        this.fail(k, `${k} is not an input of ${resource}`);
      }
    }
  }

  /** `timeouts: {create?, delete?}` (and `update?` where given) as duration strings. */
  timeouts(property: string, keys: readonly string[]): void {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === UNKNOWN) return;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.fail(property, `${property} must be an object like {create: "3h", delete: "30m"}, got ${typeName(v)}`);
      return;
    }
    for (const [k, d] of Object.entries(v as Record<string, unknown>)) {
      if (!keys.includes(k)) {
        this.fail(property, `${property}.${k} is not a known timeout; valid keys are ${keys.join(", ")}`);
        return;
      }
      if (d === undefined || d === null || d === UNKNOWN) continue;
      const ms = typeof d === "string" ? parseDuration(d) : undefined;
      if (ms === undefined || ms <= 0) {
        this.fail(
          property,
          `${property}.${k} must be a positive duration such as "90s", "45m", "3h" or "1h30m", got ${JSON.stringify(d)}`,
        );
        return;
      }
    }
  }
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Item check for UUID lists. */
export function uuidItem(v: unknown): string | undefined {
  if (typeof v !== "string" || !UUID32.test(v)) return `${JSON.stringify(v)} is not a 32-character hex UUID`;
  return undefined;
}

/** Item check for tag lists. */
export function tagItem(v: unknown): string | undefined {
  if (typeof v !== "string" || v.trim() === "") return `${JSON.stringify(v)} is not a non-empty string`;
  return undefined;
}

/** Between a duration and where it comes from, in a `timeouts` value a host sets (see {@link timeoutFrom}). */
const FROM = ", from ";

/**
 * A `timeouts` value that says where its duration comes from, for the messages of a wait that ends on it:
 * `timeoutFrom("20s", "customTimeouts.create")` is `"20s, from customTimeouts.create"`. Only a host sets such
 * a value, after `check` (which accepts plain durations only): the plugin, for Pulumi's customTimeouts.
 */
export function timeoutFrom(duration: string, origin: string): string {
  return `${duration}${FROM}${origin}`;
}

/**
 * A wait's timeout: `timeouts[key]` when set and valid, else the default duration; as text (with where it
 * comes from, when {@link timeoutFrom} made it) and in ms.
 */
export function timeoutOf(
  timeouts: unknown,
  key: string,
  defaults: Readonly<Record<string, string>>,
): { text: string; ms: number } {
  const v = (timeouts as Record<string, unknown> | undefined)?.[key];
  const ms = typeof v === "string" ? parseDuration(v.split(FROM)[0]) : undefined;
  if (typeof v === "string" && ms !== undefined && ms > 0) return { text: v, ms };
  const text = defaults[key];
  return { text, ms: parseDuration(text) ?? 0 };
}
