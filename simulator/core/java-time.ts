/**
 * Time rendering and parsing the way a ZStack management node does it.
 *
 * - Inventory timestamps: Gson's default rendering of java.sql.Timestamp on Java 8, US locale,
 *   `MMM d, yyyy h:mm:ss a`, in the MN's local zone, without offset (docs/zstack-wire.md §3.6).
 *   Formatted by hand: Intl adds a comma and a U+202F before AM/PM.
 * - Access-key `Date` header: `EEE, dd MMM yyyy HH:mm:ss z`, English, case-insensitive
 *   (docs/zstack-wire.md §4.3, RestServer.checkTime).
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** `May 10, 2022 5:24:03 AM` in the process's local time zone. */
export function formatJavaTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const h = d.getHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()} ${h12}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** Local wall-clock fields of an access-key `Date` header; the zone token is checked, then ignored. */
export interface AkDate {
  /** epoch ms of the same wall-clock time read in the simulator's local zone */
  localEpochMs: number;
  zone: string;
}

const AK_DATE_RE = /^([a-z]{3}), (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (\S+)$/i;

/** Zone abbreviations java.time's `z` parser accepts in practice (short names of the tz database). */
const ZONE_ABBREVIATIONS = new Set([
  "GMT",
  "UTC",
  "UT",
  "Z",
  "PRC",
  "CST",
  "CDT",
  "EST",
  "EDT",
  "MST",
  "MDT",
  "PST",
  "PDT",
  "HST",
  "AKST",
  "AKDT",
  "JST",
  "KST",
  "HKT",
  "IST",
  "CET",
  "CEST",
  "EET",
  "EEST",
  "WET",
  "WEST",
  "BST",
  "MSK",
  "SGT",
  "ICT",
  "MMT",
  "AEST",
  "AEDT",
  "ACST",
  "ACDT",
  "AWST",
  "NZST",
  "NZDT",
  "WIB",
  "PHT",
  "ROK",
  "NZ",
  "EST5EDT",
  "CST6CDT",
  "MST7MDT",
  "PST8PDT",
]);

function isAcceptedZone(token: string): boolean {
  const upper = token.toUpperCase();
  if (ZONE_ABBREVIATIONS.has(upper)) return true;
  // GMT+08:00, UTC-05:00, GMT+8 (java accepts the localized offset forms after GMT/UTC/UT)
  if (/^(GMT|UTC|UT)[+-]\d{1,2}(:\d{2}(:\d{2})?)?$/i.test(token)) return true;
  // Region ids such as Asia/Shanghai (java matches them case-insensitively with parseCaseInsensitive)
  if (token.includes("/")) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: token });
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Parses an access-key `Date` header like java's `ZonedDateTime.parse(s, "EEE, dd MMM yyyy HH:mm:ss z")`.
 * Returns undefined when java would throw (wrong shape, one-digit day, numeric offset, unknown zone,
 * impossible field values, day-of-week not matching the date).
 */
export function parseAkDate(value: string): AkDate | undefined {
  const m = AK_DATE_RE.exec(value);
  if (!m) return undefined;
  const [, dow, dd, mon, yyyy, HH, MM, SS, zone] = m;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === mon.toLowerCase());
  const dowIdx = DAYS.indexOf(dow.toLowerCase());
  if (month < 0 || dowIdx < 0) return undefined;
  const day = Number(dd);
  const year = Number(yyyy);
  const hour = Number(HH);
  const minute = Number(MM);
  const second = Number(SS);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (!isAcceptedZone(zone)) return undefined;
  // SMART resolver: a day past the end of the month is clipped to the month's last day.
  const lastDay = new Date(year, month + 1, 0).getDate();
  const d = new Date(year, month, Math.min(day, lastDay), hour, minute, second);
  if (d.getDay() !== dowIdx) return undefined;
  return { localEpochMs: d.getTime(), zone };
}

/** Renders an epoch as an access-key Date header in local wall-clock time, e.g. for tests and docs. */
export function formatAkDate(epochMs: number, zone = "GMT"): string {
  const d = new Date(epochMs);
  const dow = DAYS[d.getDay()];
  return `${dow[0].toUpperCase()}${dow.slice(1)}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad2(
    d.getHours(),
  )}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`;
}

/** Parses "90s", "30m", "1h", "1500ms", "2h30m" or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t));
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const n = Number(m[1]);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms"];
    total += n * unit;
    consumed = re.lastIndex;
  }
  if (consumed !== t.length || t.length === 0) throw new Error(`invalid duration "${text}" (use e.g. 90s, 30m, 1h)`);
  return Math.round(total);
}
