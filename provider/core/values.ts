/** Plain-value helpers for inputs and outputs: the preview sentinel, comparison, cleaning. */

/** Inputs computed from other resources reach `check`/`diff` as this string during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or contains, the preview sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** Structural equality of JSON values; `undefined` members equal absent ones. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** Deep copy without `undefined` members and array items (protobuf Structs reject them). */
export function withoutUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(withoutUndefined) as unknown as T;
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      if (x !== undefined) out[k] = withoutUndefined(x);
    return out as T;
  }
  return v;
}

/** The given inputs among `keys`, without undefined and preview sentinels, to echo as outputs. */
export function pickInputs(
  values: object,
  keys: readonly string[],
  except: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (values as Record<string, unknown>)[k];
    if (v !== undefined && v !== UNKNOWN && !except.includes(k)) out[k] = v;
  }
  return out;
}
