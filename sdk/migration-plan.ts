/**
 * A migration wave as data: one component, one child V2vMigration per VM entry, a limit of
 * conversions in flight per conversion host, and a Markdown report of the wave.
 */
import * as pulumi from "@pulumi/pulumi";
import { MAX_IN_FLIGHT_LIMIT } from "../provider/core/config";
import { ZStackProgramError } from "./errors";
import { V2vMigration, V2vMigrationArgs } from "./v2v-migration";
import { ReportRow, migrationReport } from "./migration-report";

export { migrationReport } from "./migration-report";
export type { ReportRow } from "./migration-report";

/** Type token of {@link MigrationPlan}. */
export const MIGRATION_PLAN_TYPE = "zstack:index:MigrationPlan";

/** V2vMigration inputs a plan sets itself, or that name one particular job (never shared or overridden). */
type PlanOwned = "url" | "sourceVmName" | "name" | "adoptUuid" | "resourceUuid" | "maxInFlight" | "queuePriority";

/** The orders in which a plan's queued conversions start. */
export const PLAN_ORDERS = ["largestFirst", "asListed"] as const;

/** V2vMigration inputs that apply to every entry of a plan (an entry may override each). */
export type MigrationPlanDefaults = Partial<Omit<V2vMigrationArgs, PlanOwned>>;

/** One VM of a plan. */
export interface MigrationPlanEntry extends MigrationPlanDefaults {
  /**
   * The VMware VM as ZStack knows it: its name (a `VmInstance` with `hypervisorType` ESX, exactly
   * one), or its uuid (32 hex characters, migrated as `vmware://<uuid>`).
   */
  source: string;
  /**
   * Name of the migrated VM, and the entry's name: in the outputs, the report and the child's
   * resource name (`<plan>-<name>`). Default: `source`. Unique within the plan.
   */
  name?: string;
  /**
   * The `ignoreChanges` resource option of this entry's V2vMigration: inputs whose changes are not
   * applied (e.g. `["cpuNum"]` to keep a migrated VM as it is while the entry says otherwise).
   */
  ignoreChanges?: string[];
}

export interface MigrationPlanArgs {
  /** The VMs to migrate, in any order: entries are matched by name, never by position. */
  vms: MigrationPlanEntry[];
  /** V2vMigration inputs for every entry: conversion host, primary storage, networks, platform, … */
  defaults?: MigrationPlanDefaults;
  /**
   * At most this many conversions at once per conversion host (1..1000), counting every migration
   * of the stack on that host. Default: the stack config `zstack:maxConcurrentMigrations` (10).
   */
  maxInFlight?: number;
  /**
   * The order in which queued conversions start: `largestFirst` (the default) by the size of their source
   * disks, descending, so that the longest conversions do not run alone at the end of the wave; `asListed`
   * in the order of `vms`.
   */
  order?: (typeof PLAN_ORDERS)[number];
}

const UUID = /^[0-9a-fA-F]{32}$/;

/** The entries' names, checked: each a non-empty `source`, names unique. Throws an error naming the plan and the entries. */
export function planEntryNames(planName: string, vms: readonly MigrationPlanEntry[]): string[] {
  if (!Array.isArray(vms) || vms.length === 0)
    throw new ZStackProgramError(
      `MigrationPlan "${planName}": vms must be a non-empty list of {source, name?, …} entries`,
    );
  const names: string[] = [];
  const firstIndex = new Map<string, number>();
  vms.forEach((given, i) => {
    // a plain-JavaScript or data-file caller may pass anything: checked as unknown values
    const e = given as unknown as { source?: unknown; name?: unknown } | null;
    if (!e || typeof e !== "object")
      throw new ZStackProgramError(
        `MigrationPlan "${planName}": vms[${i}] is not an object such as {source: "web-01"}`,
      );
    const source = e.source;
    if (typeof source !== "string" || source.trim() === "") {
      throw new ZStackProgramError(
        `MigrationPlan "${planName}": vms[${i}].source must be the VMware VM's name or uuid in ZStack, got ${JSON.stringify(source)}`,
      );
    }
    const entryName = e.name;
    if (entryName !== undefined && (typeof entryName !== "string" || entryName.trim() === "")) {
      throw new ZStackProgramError(
        `MigrationPlan "${planName}": vms[${i}].name must be a non-empty string when set, got ${JSON.stringify(entryName)}`,
      );
    }
    const name = entryName ?? source;
    const seen = firstIndex.get(name);
    if (seen !== undefined) {
      throw new ZStackProgramError(
        `MigrationPlan "${planName}": vms[${seen}] and vms[${i}] both have the name "${name}"; entry names (name, default: source) must be unique: set a different name on one of them`,
      );
    }
    firstIndex.set(name, i);
    names.push(name);
  });
  return names;
}

/** One entry of a plan, resolved: the child V2vMigration to declare. */
export interface PlanEntry {
  entryName: string;
  source: string;
  /** `<plan>-<entry name>` (an alias on the plan is inherited by its children) */
  childName: string;
  args: V2vMigrationArgs;
  ignoreChanges?: string[];
}

/**
 * The children of plan `name`: the entries checked (names, `maxInFlight`), each one's V2vMigration
 * inputs (defaults, then the entry's overrides, then its source, name and the plan's limit). Shared by
 * the SDK's component and the provider plugin's (`construct`).
 */
export function planEntries(name: string, args: MigrationPlanArgs): PlanEntry[] {
  const names = planEntryNames(name, args?.vms);
  const limit = args.maxInFlight;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_IN_FLIGHT_LIMIT)) {
    throw new ZStackProgramError(
      `MigrationPlan "${name}": maxInFlight must be a whole number of conversions per conversion host, 1 to ${MAX_IN_FLIGHT_LIMIT}, got ${JSON.stringify(limit)}`,
    );
  }
  const order = args.order ?? "largestFirst";
  if (!(PLAN_ORDERS as readonly string[]).includes(order)) {
    throw new ZStackProgramError(
      `MigrationPlan "${name}": order must be one of ${PLAN_ORDERS.map((o) => `"${o}"`).join(", ")}, got ${JSON.stringify(order)}`,
    );
  }
  return args.vms.map((entry, i) => {
    const entryName = names[i];
    const { source, name: _name, ignoreChanges, ...given } = entry;
    void _name;
    // an override left undefined (e.g. from an optional field of a data file) keeps the default
    const overrides = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    const from: Partial<V2vMigrationArgs> = UUID.test(source)
      ? { url: `vmware://${source.toLowerCase()}` }
      : { sourceVmName: source };
    // an entry's conversion host (or pool) replaces the defaults' pool (or host): never both
    const defaults: Partial<V2vMigrationArgs> = { ...args.defaults };
    if (overrides.conversionHostUuids !== undefined) delete defaults.conversionHostUuid;
    if (overrides.conversionHostUuid !== undefined) delete defaults.conversionHostUuids;
    const migrationArgs = {
      ...defaults,
      ...overrides,
      ...from,
      name: entryName,
      ...(limit !== undefined ? { maxInFlight: limit } : {}),
      // asListed: the first entry first; largestFirst leaves it to the provider (the source disks' size)
      ...(order === "asListed" ? { queuePriority: args.vms.length - i } : {}),
    } as V2vMigrationArgs;
    // the child's name starts with the plan's: an alias on the plan is inherited by its children
    return { entryName, source, childName: `${name}-${entryName}`, args: migrationArgs, ignoreChanges };
  });
}

/** The outputs of a child migration that the plan's outputs and report read. */
export interface PlanChildOutputs {
  state: pulumi.Output<string | undefined>;
  vmUuid: pulumi.Output<string | undefined>;
  executeTime: pulumi.Output<number | undefined>;
  jobResult: pulumi.Output<string | undefined>;
  convertedOnHostUuid: pulumi.Output<string | undefined>;
}

/** The plan's outputs from its children: entry name → VM uuid, → state, and the Markdown report. */
export function planOutputs(
  name: string,
  children: ReadonlyArray<{ entry: PlanEntry; migration: PlanChildOutputs }>,
): {
  vmUuids: pulumi.Output<Record<string, string | undefined>>;
  states: pulumi.Output<Record<string, string | undefined>>;
  conversionHosts: pulumi.Output<Record<string, string | undefined>>;
  report: pulumi.Output<string>;
} {
  const rows = children.map(({ entry, migration: m }) =>
    pulumi
      .all([m.state, m.vmUuid, m.executeTime, m.jobResult, m.convertedOnHostUuid])
      .apply(([state, vmUuid, executeTime, jobResult, host]): ReportRow => ({
        entry: entry.entryName,
        source: entry.source,
        state,
        vmUuid,
        executeTime,
        jobResult,
        // where it ran, for a migration that chose its host from a pool
        ...(entry.args.conversionHostUuids !== undefined ? { conversionHost: host ?? "" } : {}),
      })),
  );
  const byEntry = <T>(pick: (m: PlanChildOutputs) => pulumi.Output<T>) =>
    pulumi.all(
      Object.fromEntries(children.map((c) => [c.entry.entryName, pick(c.migration)])),
    ) as unknown as pulumi.Output<Record<string, T>>;
  return {
    vmUuids: byEntry((m) => m.vmUuid),
    states: byEntry((m) => m.state),
    conversionHosts: byEntry((m) => m.convertedOnHostUuid),
    report: pulumi.all(rows).apply((r) => migrationReport(name, r)),
  };
}

/**
 * A wave of V2V migrations declared as data, in the style of pulumi-awsx's components: one child
 * {@link V2vMigration} per entry of `vms`, named `<plan>-<entry name>`, so that reordering, adding or
 * removing entries never touches the others, and renaming the plan with an alias keeps them.
 *
 * CPU and memory default to the source VM's; `defaults` apply to every entry, each entry may
 * override any V2vMigration input. At most `maxInFlight` conversions run at once per conversion
 * host; the rest wait in a queue (`queued` progress lines). Every migration is guarded against
 * running twice: see "Re-migration guard" in docs/resources/v2v-migration.md.
 *
 * @example
 * ```ts
 * const host = getV2vConversionHostOutput({ name: "v2v-conversion-host-1" });
 * const plan = new MigrationPlan("wave1", {
 *   maxInFlight: 5,
 *   defaults: { conversionHostUuid: host.uuid, primaryStorageUuid: ps.uuid, l3NetworkUuids: [l3.uuid], platform: "Linux" },
 *   vms: [{ source: "vmware-web-01" }, { source: "vmware-db-01", name: "db-01", cpuNum: 8 }],
 * });
 * export const report = plan.report;
 * ```
 */
export class MigrationPlan extends pulumi.ComponentResource {
  /** entry name → its V2vMigration */
  readonly migrations: Record<string, V2vMigration>;
  /** entry name → uuid of the migrated ZStack VM (once Succeeded) */
  readonly vmUuids: pulumi.Output<Record<string, string | undefined>>;
  /** entry name → the long job's state */
  readonly states: pulumi.Output<Record<string, string | undefined>>;
  /** entry name → the conversion host its job was submitted to (with a pool, the one chosen) */
  readonly conversionHosts: pulumi.Output<Record<string, string | undefined>>;
  /** one Markdown table row per VM: entry, source, state, migrated VM, duration, error */
  readonly report: pulumi.Output<string>;

  constructor(name: string, args: MigrationPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    super(MIGRATION_PLAN_TYPE, name, {}, opts);
    const entries = planEntries(name, args);
    this.migrations = {};
    for (const e of entries) {
      this.migrations[e.entryName] = new V2vMigration(e.childName, e.args, {
        parent: this,
        ...(e.ignoreChanges ? { ignoreChanges: e.ignoreChanges } : {}),
      });
    }
    const outs = planOutputs(
      name,
      entries.map((e) => ({ entry: e, migration: this.migrations[e.entryName] })),
    );
    this.vmUuids = outs.vmUuids;
    this.states = outs.states;
    this.conversionHosts = outs.conversionHosts;
    this.report = outs.report;
    this.registerOutputs(outs); // vmUuids, states, conversionHosts, report: the outputs planOutputs makes
  }
}
