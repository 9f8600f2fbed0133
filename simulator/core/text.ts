/**
 * A request value as text, for values that arrive as `unknown` (JSON bodies, query parameters, rows):
 * strings as they are, numbers, booleans and bigints in their usual form, null and undefined as "",
 * and objects (arrays included) as JSON, never the "[object Object]" of `String()`.
 */
export function text(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "boolean":
    case "bigint":
      return v.toString();
    case "undefined":
      return "";
    case "object":
      return v === null ? "" : (JSON.stringify(v) ?? "");
    case "symbol":
      return v.toString();
    default:
      return "";
  }
}
