/**
 * Lookup functions (data sources): ZStack inventories by uuid, name, field equalities and raw query
 * conditions, in Pulumi's `getX` / `getXOutput` convention. They run in the program's process (not
 * in a provider), during `preview` as well as `up`: plain queries, no resource.
 *
 * Connection: the same `zstack:*` stack config and `ZSTACK_*` environment fallbacks as the
 * providers, read from the program's raw config map (`pulumi.runtime.getConfig`: no "secret read
 * as plain" warning, and the secret never becomes an Output); one client per configuration per
 * process (`provider/lookups/lookups.ts`), so one login per program run however many lookups it makes.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  BackupStorageInventory,
  ClusterInventory,
  HostInventory,
  L3NetworkInventory,
  PrimaryStorageInventory,
  V2VConversionHostInventory,
  VmInstanceInventory,
  ZoneInventory,
} from "../provider/client";
import { ConfigSource } from "../provider/core/config";
import { Found, LookupArgs, lookupAll, lookupOne } from "../provider/lookups/lookups";
import { ArgsOf } from "./dynamic-resource";

export { ZStackLookupError } from "../provider/lookups/lookups";
export type { Found, LookupArgs } from "../provider/lookups/lookups";

/** {@link LookupArgs} of the `...Output` forms: every value may be an `Input`. */
export type LookupOutputArgs = ArgsOf<LookupArgs>;

/** The program's stack config, fully qualified keys (`zstack:endpoint`), read without warnings. */
const programConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/** The `...Output` form of a lookup: waits for the arguments, then runs it. */
function lookupOutput<T>(
  lookup: (args: LookupArgs) => Promise<T>,
  args: LookupOutputArgs | undefined,
): pulumi.Output<T> {
  return pulumi.output(args ?? {}).apply((a) => lookup(a as LookupArgs));
}

// ---------------------------------------------------------------------------------- the lookups

/** The one zone matching `args` (`QueryZone`). */
export function getZone(args: LookupArgs = {}): Promise<Found<ZoneInventory>> {
  return lookupOne(programConfig, "getZone", "Zone", args);
}
/** {@link getZone} with `Input` arguments. */
export function getZoneOutput(args?: LookupOutputArgs): pulumi.Output<Found<ZoneInventory>> {
  return lookupOutput(getZone, args);
}

/** The one cluster matching `args` (`QueryCluster`). */
export function getCluster(args: LookupArgs = {}): Promise<Found<ClusterInventory>> {
  return lookupOne(programConfig, "getCluster", "Cluster", args);
}
/** {@link getCluster} with `Input` arguments. */
export function getClusterOutput(args?: LookupOutputArgs): pulumi.Output<Found<ClusterInventory>> {
  return lookupOutput(getCluster, args);
}

/** The one host matching `args` (`QueryHost`). */
export function getHost(args: LookupArgs = {}): Promise<Found<HostInventory>> {
  return lookupOne(programConfig, "getHost", "Host", args);
}
/** {@link getHost} with `Input` arguments. */
export function getHostOutput(args?: LookupOutputArgs): pulumi.Output<Found<HostInventory>> {
  return lookupOutput(getHost, args);
}

/** The one primary storage matching `args` (`QueryPrimaryStorage`). */
export function getPrimaryStorage(args: LookupArgs = {}): Promise<Found<PrimaryStorageInventory>> {
  return lookupOne(programConfig, "getPrimaryStorage", "PrimaryStorage", args);
}
/** {@link getPrimaryStorage} with `Input` arguments. */
export function getPrimaryStorageOutput(args?: LookupOutputArgs): pulumi.Output<Found<PrimaryStorageInventory>> {
  return lookupOutput(getPrimaryStorage, args);
}

/** The one backup storage matching `args` (`QueryBackupStorage`). */
export function getBackupStorage(args: LookupArgs = {}): Promise<Found<BackupStorageInventory>> {
  return lookupOne(programConfig, "getBackupStorage", "BackupStorage", args);
}
/** {@link getBackupStorage} with `Input` arguments. */
export function getBackupStorageOutput(args?: LookupOutputArgs): pulumi.Output<Found<BackupStorageInventory>> {
  return lookupOutput(getBackupStorage, args);
}

/** The one L3 network matching `args` (`QueryL3Network`). */
export function getL3Network(args: LookupArgs = {}): Promise<Found<L3NetworkInventory>> {
  return lookupOne(programConfig, "getL3Network", "L3Network", args);
}
/** {@link getL3Network} with `Input` arguments. */
export function getL3NetworkOutput(args?: LookupOutputArgs): pulumi.Output<Found<L3NetworkInventory>> {
  return lookupOutput(getL3Network, args);
}

/** The one V2V conversion host matching `args` (`QueryV2VConversionHost`). */
export function getV2vConversionHost(args: LookupArgs = {}): Promise<Found<V2VConversionHostInventory>> {
  return lookupOne(programConfig, "getV2vConversionHost", "V2VConversionHost", args);
}
/** {@link getV2vConversionHost} with `Input` arguments. */
export function getV2vConversionHostOutput(args?: LookupOutputArgs): pulumi.Output<Found<V2VConversionHostInventory>> {
  return lookupOutput(getV2vConversionHost, args);
}

/**
 * The one VM matching `args` (`QueryVmInstance`): a ZStack VM, or a VMware VM known through the
 * vCenter integration (`hypervisorType` `ESX`). A destroyed VM stays queryable (`state`
 * `Destroyed`) until it is expunged.
 */
export function getVmInstance(args: LookupArgs = {}): Promise<Found<VmInstanceInventory>> {
  return lookupOne(programConfig, "getVmInstance", "VmInstance", args, "getVmInstances");
}
/** {@link getVmInstance} with `Input` arguments. */
export function getVmInstanceOutput(args?: LookupOutputArgs): pulumi.Output<Found<VmInstanceInventory>> {
  return lookupOutput(getVmInstance, args);
}

/** Every VM matching `args`, in uuid order (an empty list when none does). */
export async function getVmInstances(args: LookupArgs = {}): Promise<VmInstanceInventory[]> {
  return (await lookupAll(programConfig, "getVmInstances", "VmInstance", args)).items;
}
/** {@link getVmInstances} with `Input` arguments. */
export function getVmInstancesOutput(args?: LookupOutputArgs): pulumi.Output<VmInstanceInventory[]> {
  return lookupOutput(getVmInstances, args);
}
