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
  LookupInventories,
  LookupKind,
  VmInstanceInventory,
  ZStackApiError,
  ZStackConfigError,
  ZStackConnectionError,
  registered,
} from "../provider/client";
import { ConfigSource } from "../provider/core/config";
import { Found, LookupArgs, LookupFailure, lookupAll, lookupOne } from "../provider/lookups/lookups";
import { ArgsOf } from "./dynamic-resource";
import { ZStackProgramError } from "./errors";

export type { Found, LookupArgs } from "../provider/lookups/lookups";

/**
 * A lookup that could not answer: no match, several matches, bad criteria, an unreachable endpoint
 * or ZStack's error. A `pulumi.RunError`, so Pulumi prints its message alone (no stack trace).
 */
export class ZStackLookupError extends ZStackProgramError {
  /** the lookup kind, e.g. `VmInstance` */
  readonly kind: LookupKind;
  /** the query conditions sent (ANDed) */
  readonly criteria: readonly string[];
  constructor(failure: LookupFailure) {
    super(failure.message);
    this.name = "ZStackLookupError";
    this.kind = failure.kind;
    this.criteria = failure.criteria;
  }
}

/**
 * The program's error for a lookup's failure. A failure that is not the lookup's own (a wrong
 * password, an unreachable or missing endpoint) fails every lookup of the run the same way: those are
 * one error, so the program reports it once.
 */
function reported(e: unknown): Error {
  if (!(e instanceof LookupFailure)) return e instanceof Error ? e : new Error(String(e));
  const cause = e.cause;
  if (!(cause instanceof ZStackConfigError || cause instanceof ZStackConnectionError || isLoginFailure(cause))) {
    return new ZStackLookupError(e);
  }
  return registered(connectionFailures, `${cause.name}: ${cause.message}`, () => new ZStackLookupError(e));
}

/** Connection failures already reported, by cause (this process: one program run). */
const connectionFailures = new Map<string, ZStackLookupError>();

/** ZStack refused the account or access key (its identity errors, `ID.*`). */
function isLoginFailure(e: unknown): e is ZStackApiError {
  return e instanceof ZStackApiError && /^ID\./.test(e.code ?? "");
}

/** {@link LookupArgs} of the `...Output` forms: every value may be an `Input`. */
export type LookupOutputArgs = ArgsOf<LookupArgs>;

/** The program's stack config, fully qualified keys (`zstack:endpoint`), read without warnings. */
const programConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/** A lookup of exactly one `kind` (`plural`: the function that lists several, for the error's hint). */
function singular<K extends LookupKind>(fn: string, kind: K, plural?: string) {
  return (args: LookupArgs = {}): Promise<Found<LookupInventories[K]>> =>
    lookupOne(programConfig, fn, kind, args, plural).catch((e: unknown) => Promise.reject(reported(e)));
}

/** The `...Output` form of a lookup: waits for the arguments, then runs it. */
function outputForm<T>(lookup: (args: LookupArgs) => Promise<T>) {
  return (args?: LookupOutputArgs): pulumi.Output<T> => pulumi.output(args ?? {}).apply((a) => lookup(a as LookupArgs));
}

// ---------------------------------------------------------------------------------- the lookups

/** The one zone matching `args` (`QueryZone`). */
export const getZone = singular("getZone", "Zone");
/** {@link getZone} with `Input` arguments. */
export const getZoneOutput = outputForm(getZone);

/** The one cluster matching `args` (`QueryCluster`). */
export const getCluster = singular("getCluster", "Cluster");
/** {@link getCluster} with `Input` arguments. */
export const getClusterOutput = outputForm(getCluster);

/** The one host matching `args` (`QueryHost`). */
export const getHost = singular("getHost", "Host");
/** {@link getHost} with `Input` arguments. */
export const getHostOutput = outputForm(getHost);

/** The one primary storage matching `args` (`QueryPrimaryStorage`). */
export const getPrimaryStorage = singular("getPrimaryStorage", "PrimaryStorage");
/** {@link getPrimaryStorage} with `Input` arguments. */
export const getPrimaryStorageOutput = outputForm(getPrimaryStorage);

/** The one backup storage matching `args` (`QueryBackupStorage`). */
export const getBackupStorage = singular("getBackupStorage", "BackupStorage");
/** {@link getBackupStorage} with `Input` arguments. */
export const getBackupStorageOutput = outputForm(getBackupStorage);

/** The one L3 network matching `args` (`QueryL3Network`). */
export const getL3Network = singular("getL3Network", "L3Network");
/** {@link getL3Network} with `Input` arguments. */
export const getL3NetworkOutput = outputForm(getL3Network);

/** The one V2V conversion host matching `args` (`QueryV2VConversionHost`). */
export const getV2vConversionHost = singular("getV2vConversionHost", "V2VConversionHost");
/** {@link getV2vConversionHost} with `Input` arguments. */
export const getV2vConversionHostOutput = outputForm(getV2vConversionHost);

/**
 * The one VM matching `args` (`QueryVmInstance`): a ZStack VM, or a VMware VM known through the
 * vCenter integration (`hypervisorType` `ESX`). A destroyed VM stays queryable (`state`
 * `Destroyed`) until it is expunged.
 */
export const getVmInstance = singular("getVmInstance", "VmInstance", "getVmInstances");
/** {@link getVmInstance} with `Input` arguments. */
export const getVmInstanceOutput = outputForm(getVmInstance);

/** Every VM matching `args`, in uuid order (an empty list when none does). */
export async function getVmInstances(args: LookupArgs = {}): Promise<VmInstanceInventory[]> {
  try {
    return (await lookupAll(programConfig, "getVmInstances", "VmInstance", args)).items;
  } catch (e) {
    throw reported(e);
  }
}
/** {@link getVmInstances} with `Input` arguments. */
export const getVmInstancesOutput = outputForm(getVmInstances);
