/**
 * The capacity preflight: the source disks of the migrations this run creates, added up per
 * primary storage and per conversion host, against what ZStack reports available.
 *
 * The engine checks the resources of a run one after the other in one provider process (see
 * `in-flight.ts`), so a check sees every migration checked before it. A migration that tips a
 * storage over fails its check, naming the storage, the migrations' need and what is available;
 * the ones after it fail too, so `preview` fails whatever the order.
 */
import type { PrimaryStorageInventory, V2VConversionHostInventory, VmInstanceInventory } from "../client";
import { formatBytes } from "../core/units";
import { Validator } from "../core/validation";

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
  /** the conversion host, or the hosts of its pool: it may convert on any of them */
  conversionHostUuids: string[];
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

  /** The source disks' bytes of a migration this run creates (its queue priority), if it was checked. */
  bytesOf(resourceUuid: string): number | undefined {
    return this.needs.get(resourceUuid)?.bytes;
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
      .filter((n) => n.conversionHostUuids.includes(uuid))
      .map((n) => n.bytes)
      .sort((a, b) => b - a)
      .slice(0, limit);
    return { count: sizes.length, bytes: sizes.reduce((s, b) => s + b, 0) };
  }
}

/**
 * The capacity preflight of a migration this run creates: the source disks of the run's migrations
 * per primary storage against its `availableCapacity`, and the largest set that may convert at once
 * on the conversion host (its in-flight limit) against its `availableSize`. Fails `v`'s fields.
 */
export function capacityPreflight(
  v: Validator,
  ledger: CapacityLedger,
  inputs: Record<string, unknown>,
  limit: number,
  found: {
    source: VmInstanceInventory;
    storage?: PrimaryStorageInventory;
    conversionHosts?: V2VConversionHostInventory[];
    /** per conversion host: what the conversions running there now (other runs') hold of its cache, given back when they end */
    heldOn?: Map<string, { count: number; bytes: number }>;
  },
): void {
  const { source, storage, conversionHosts, heldOn } = found;
  const pool = Array.isArray(inputs.conversionHostUuids) ? (inputs.conversionHostUuids as string[]) : undefined;
  ledger.add(inputs.resourceUuid as string, {
    bytes: sourceDiskBytes(source, inputs.volumeFilters),
    primaryStorageUuid: inputs.primaryStorageUuid as string | undefined,
    conversionHostUuids: pool ?? (typeof inputs.conversionHostUuid === "string" ? [inputs.conversionHostUuid] : []),
    limit,
  });
  const plural = (n: number) => (n === 1 ? "migration" : "migrations");
  if (storage?.uuid && typeof storage.availableCapacity === "number") {
    const need = ledger.onStorage(storage.uuid);
    if (need.bytes > storage.availableCapacity) {
      v.fail(
        "primaryStorageUuid",
        `primary storage ${storage.name ?? ""} [uuid:${storage.uuid}]: the ${need.count} ${plural(need.count)} this run creates on it need ${formatBytes(need.bytes)} of source disks; ZStack reports ${formatBytes(storage.availableCapacity)} available (availableCapacity)`,
      );
    }
  }
  for (const conversionHost of conversionHosts ?? []) {
    if (!conversionHost.uuid || typeof conversionHost.availableSize !== "number") continue;
    const need = ledger.atOnceOnHost(conversionHost.uuid, limit);
    // conversions running there now give their share back before this run's can all run at once
    const held = heldOn?.get(conversionHost.uuid) ?? { count: 0, bytes: 0 };
    if (need.bytes > conversionHost.availableSize + held.bytes) {
      const running =
        held.count > 0
          ? `, and ${held.count === 1 ? "the conversion running on it now holds" : `the ${held.count} conversions running on it now hold`} ${formatBytes(held.bytes)} more`
          : "";
      v.fail(
        pool ? "conversionHostUuids" : "conversionHostUuid",
        `V2V conversion host ${conversionHost.name ?? ""} [uuid:${conversionHost.uuid}]: the ${need.count} largest ${plural(need.count)} this run may convert on it at once (maxInFlight ${limit}) need ${formatBytes(need.bytes)}; ZStack reports ${formatBytes(conversionHost.availableSize)} available (availableSize)${running}`,
      );
    }
  }
}
