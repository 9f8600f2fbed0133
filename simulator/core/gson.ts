/**
 * JSON the way the MN's Gson writes it (docs/zstack-wire.md §3.6):
 * - null fields are omitted (no serializeNulls);
 * - timestamps (`createDate`, `lastOpDate`, `expiredDate`, kept as epoch ms in the world) become
 *   Java 8 strings such as `May 10, 2022 5:24:03 AM`;
 * - HTML-sensitive characters inside strings are escaped (`=` -> `\u003d`, also `<`, `>`, `&`, `'`),
 *   plus U+2028/U+2029. None of them can occur outside strings in JSON, so a pass over the text is exact.
 */
import { formatJavaTimestamp } from "./java-time";

const DATE_KEYS = new Set(["createDate", "lastOpDate", "expiredDate"]);

function replacer(key: string, value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === "number" && DATE_KEYS.has(key)) return formatJavaTimestamp(value);
  return value;
}

const HTML_CHARS = /[<>&='\u2028\u2029]/g;
const HAS_HTML_CHARS = /[<>&='\u2028\u2029]/;
const ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "=": "\\u003d",
  "'": "\\u0027",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

export function gsonStringify(value: unknown): string {
  const text = JSON.stringify(value, replacer);
  return HAS_HTML_CHARS.test(text) ? text.replace(HTML_CHARS, (c) => ESCAPES[c]) : text;
}

/** Java's Double.toString for the numbers Gson hands to TypeVerifier (`1.0`, `1.5`, `1.073741824E9`). */
export function javaNumberString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mant, exp] = n.toExponential().split("e");
    const m = mant.includes(".") ? mant : mant + ".0";
    return `${m}E${Number(exp)}`;
  }
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}
