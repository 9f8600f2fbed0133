/** Durations and byte counts as the package prints and reads them (progress lines, reports, inputs). */

/** `1h02m03s`, `4m05s`, `7s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m${String(sec).padStart(2, "0")}s`;
  if (m) return `${m}m${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** Parses a duration such as `90s`, `45m`, `3h`, `1h30m`, `2d` (or a bare number of seconds). */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const n = Number(m[1]);
    total += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
    matched = re.lastIndex;
  }
  if (matched !== s.length || s.length === 0) return undefined;
  return Math.round(total);
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/**
 * Bytes in binary units, as ZStack's UI shows capacity: `1.50 TiB`, `200.00 GiB`; `digits` after the
 * point (default 2); `unit` fixes the unit (progress lines that count up in MiB).
 */
export function formatBytes(n: number, opts: { digits?: number; unit?: (typeof BYTE_UNITS)[number] } = {}): string {
  const digits = opts.digits ?? 2;
  if (opts.unit) return `${(n / 1024 ** BYTE_UNITS.indexOf(opts.unit)).toFixed(digits)} ${opts.unit}`;
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(digits)} ${BYTE_UNITS[i]}`;
}
