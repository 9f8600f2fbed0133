/**
 * What `check` knows across the resources of one run: the remote answers it already has (so a
 * 200-VM wave that shares its targets asks ZStack once per distinct reference, not once per VM),
 * and the capacity preflight: the source disks of the migrations this run creates, added up per
 * primary storage and per conversion host, against what ZStack reports available.
 *
 * The engine checks the resources of a run one after the other in one provider process (see
 * `in-flight.ts`), so a check sees every migration checked before it. A migration that tips a
 * storage over fails its check, naming the storage, the migrations' need and what is available;
 * the ones after it fail too, so `preview` fails whatever the order.
 */
import type { VmInstanceInventory } from "../client";

/** How long an answer serves later checks of the same run (a run's checks take seconds). */
export const CHECK_CACHE_TTL_MS = 60_000;

/** Remote answers by key, each for {@link CHECK_CACHE_TTL_MS}; a failed one is asked again. */
// (fields are assigned in constructors: Pulumi's closure serializer drops field initializers)
export class CheckCache {
  private readonly entries: Map<string, { at: number; value: Promise<unknown> }>;
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(now: () => number = () => Date.now(), ttlMs = CHECK_CACHE_TTL_MS) {
    this.entries = new Map();
    this.now = now;
    this.ttlMs = ttlMs;
  }

  /** `ttlMs` Infinity: the first answer of the run serves the whole run (a capacity the ledger is measured against). */
  get<T>(key: string, load: () => Promise<T>, ttlMs = this.ttlMs): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

/** Bytes as `1.50 TiB`, `200.00 GiB` (binary units, as ZStack's UI shows capacity). */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(2)} ${units[i]}`;
}

/** `vda`, `vdb`, … of a volume's `deviceId` 0, 1, … (how `volumeFilters` name disks, UNCONFIRMED: docs/zstack-wire.md §7). */
function deviceName(deviceId: unknown): string | undefined {
  const n =
    typeof deviceId === "number"
      ? deviceId
      : typeof deviceId === "string" && /^\d+$/.test(deviceId)
        ? Number(deviceId)
        : undefined;
  return n === undefined ? undefined : `vd${String.fromCharCode(97 + n)}`;
}

/** Bytes of the source VM's disks a conversion copies: every volume's `size`, less those `volumeFilters` skip. */
export function sourceDiskBytes(vm: VmInstanceInventory, volumeFilters: unknown): number {
  const skipped = new Set<string>();
  if (Array.isArray(volumeFilters)) {
    for (const f of volumeFilters as Array<Record<string, unknown>>) {
      if (f && f.skip === true && typeof f.deviceId === "string") skipped.add(f.deviceId);
    }
  }
  let total = 0;
  for (const v of vm.allVolumes ?? []) {
    const dev = deviceName((v as Record<string, unknown>).deviceId);
    if (dev && skipped.has(dev)) continue;
    total += typeof v.size === "number" ? v.size : 0;
  }
  return total;
}

/** One migration this run creates: what it needs where. */
export interface CapacityNeed {
  bytes: number;
  primaryStorageUuid?: string;
  conversionHostUuid?: string;
  /** its in-flight limit: how many may convert at once on its host */
  limit: number;
}

/** The migrations this run creates so far, by resourceUuid (a second check of one replaces its entry). */
export class CapacityLedger {
  private readonly needs: Map<string, CapacityNeed>;

  constructor() {
    this.needs = new Map();
  }

  add(resourceUuid: string, need: CapacityNeed): void {
    this.needs.set(resourceUuid, need);
  }

  /** Migrations, and their bytes, on a primary storage. */
  onStorage(uuid: string): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const n of this.needs.values()) {
      if (n.primaryStorageUuid === uuid) {
        count++;
        bytes += n.bytes;
      }
    }
    return { count, bytes };
  }

  /** The largest set that may convert at once on a host: the `limit` biggest of its migrations. */
  atOnceOnHost(uuid: string, limit: number): { count: number; bytes: number } {
    const sizes = [...this.needs.values()]
      .filter((n) => n.conversionHostUuid === uuid)
      .map((n) => n.bytes)
      .sort((a, b) => b - a)
      .slice(0, limit);
    return { count: sizes.length, bytes: sizes.reduce((s, b) => s + b, 0) };
  }
}
