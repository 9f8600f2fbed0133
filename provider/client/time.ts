/**
 * ZStack timestamps (docs/zstack-wire.md §3.6): Gson's Java 8 rendering `MMM d, yyyy h:mm:ss a`
 * in the management node's local zone with no offset, e.g. `May 10, 2022 5:24:03 AM`. JDK 9+ and
 * ICU add a comma after the year and may put a narrow no-break space before AM/PM; all are accepted.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const TIMESTAMP =
  /^\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?[\s\u00a0\u202f]*([AaPp])\.?\s*[Mm]\.?\s*$/;

/** Wall-clock fields of an instant in a zone (IANA name), or in the process's local zone. */
export interface WallClock {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

export function wallClock(epochMs: number, timeZone?: string): WallClock {
  if (!timeZone) {
    const d = new Date(epochMs);
    return {
      year: d.getFullYear(),
      month: d.getMonth() + 1,
      day: d.getDate(),
      hour: d.getHours(),
      minute: d.getMinutes(),
      second: d.getSeconds(),
      weekday: d.getDay(),
    };
  }
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    weekday: "short",
  });
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: DAYS.indexOf(parts.weekday ?? ""),
  };
}

/** Offset of a zone from UTC at an instant, in milliseconds (east positive). */
export function zoneOffsetMs(epochMs: number, timeZone?: string): number {
  const w = wallClock(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Converts a wall-clock time in a zone to epoch milliseconds (DST gaps resolve forward). */
export function fromWallClock(w: Omit<WallClock, "weekday">, timeZone?: string): number {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let t = guess - zoneOffsetMs(guess, timeZone);
  const again = guess - zoneOffsetMs(t, timeZone);
  if (again !== t) t = again;
  return t;
}

/**
 * Parses a ZStack timestamp as wall-clock time in `timeZone` (the management node's zone; default:
 * this process's local zone). Returns epoch milliseconds, or undefined when `text` is not a ZStack
 * timestamp.
 */
export function parseZStackTimestamp(text: string | undefined, timeZone?: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[1].toLowerCase());
  if (month < 0) return undefined;
  const day = Number(m[2]);
  const year = Number(m[3]);
  let hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (day < 1 || day > 31 || hour < 1 || hour > 12 || minute > 59 || second > 60) return undefined;
  const pm = m[7].toLowerCase() === "p";
  if (hour === 12) hour = 0;
  if (pm) hour += 12;
  const probe = new Date(Date.UTC(year, month, day));
  if (probe.getUTCDate() !== day) return undefined; // e.g. Feb 30
  return fromWallClock({ year, month: month + 1, day, hour, minute, second }, timeZone);
}

/** Renders an instant the way a Java 8 management node does: `May 10, 2022 5:24:03 AM`. */
export function formatZStackTimestamp(epochMs: number, timeZone?: string): string {
  const w = wallClock(epochMs, timeZone);
  const h12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[w.month - 1]} ${w.day}, ${w.year} ${h12}:${two(w.minute)}:${two(w.second)} ${w.hour < 12 ? "AM" : "PM"}`;
}

/**
 * The access-key `Date` header (docs/zstack-wire.md §4.3): `EEE, dd MMM yyyy HH:mm:ss z` in English, the
 * wall-clock time of the management node's zone, a two-digit day, and a zone token Java's
 * formatter accepts: `GMT` or `GMT+08:00` (a bare numeric offset such as `+0800` is rejected).
 */
export function formatAccessKeyDate(epochMs: number, timeZone?: string): string {
  const w = wallClock(epochMs, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  const off = Math.round(zoneOffsetMs(epochMs, timeZone) / 60000);
  const zone =
    off === 0 ? "GMT" : `GMT${off < 0 ? "-" : "+"}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${DAYS[w.weekday]}, ${two(w.day)} ${MONTHS[w.month - 1]} ${w.year} ${two(w.hour)}:${two(w.minute)}:${two(w.second)} ${zone}`;
}
