/**
 * The report of any wave, from a stack's state (`pulumi stack export`), whatever way its last `up`
 * ended: the same Markdown as a MigrationPlan's `report` output, one table per plan (and one for the
 * migrations outside any plan), with the migrations the run had begun but not finished (queued or
 * converting when it was killed) as `Interrupted` rows. Used by the `zstack-migration report` command.
 */
import { ReportRow, migrationReport } from "./migration-report";

/** A resource of `pulumi stack export`'s `deployment` (only what the report reads). */
interface StateResource {
  urn?: string;
  type?: string;
  parent?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** `pulumi stack export`'s JSON (a version 3 deployment). */
export interface StackExport {
  deployment?: {
    resources?: StateResource[];
    pending_operations?: Array<{ resource?: StateResource; type?: string }>;
  };
}

/** Why an `Interrupted` row has no state of its own. */
export const INTERRUPTED_NOTE =
  "the run ended while it was queued or converting; the next pulumi up adopts its job if it was submitted, or submits it";

const isMigration = (type: string | undefined) => typeof type === "string" && /[:/]V2vMigration$/.test(type);
const isPlan = (type: string | undefined) => typeof type === "string" && /:MigrationPlan$/.test(type);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
/** A URN's last part: the resource's name. */
const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** A migration's row: its entry (the migrated VM's name), source, state and ZStack's reason. */
function rowOf(r: StateResource, interrupted: boolean): ReportRow {
  const props = { ...(r.inputs ?? {}), ...(r.outputs ?? {}) };
  const url = text(props.url);
  const source = text(props.sourceVmName) ?? (url?.startsWith("vmware://") ? url.slice("vmware://".length) : url);
  const executeTime = typeof props.executeTime === "number" ? props.executeTime : undefined;
  return {
    entry: text(props.name) ?? (r.urn ? nameOfUrn(r.urn) : "?"),
    source: source ?? "",
    state: interrupted ? "Interrupted" : text(props.state),
    vmUuid: text(props.vmUuid),
    executeTime,
    jobResult: text(props.jobResult),
    // where it ran, for a migration that chose its host from a pool
    conversionHost: Array.isArray(props.conversionHostUuids) ? (text(props.convertedOnHostUuid) ?? "") : undefined,
    note: interrupted ? INTERRUPTED_NOTE : undefined,
  };
}

/** The Markdown report of every plan (and of the migrations outside any plan) in a stack's state. */
export function waveReport(exported: StackExport): string {
  const d = exported.deployment ?? {};
  const resources = d.resources ?? [];
  const plans = new Map<string, string>(); // plan URN → plan name
  for (const r of resources) if (isPlan(r.type) && r.urn) plans.set(r.urn, nameOfUrn(r.urn));
  const groups = new Map<string, ReportRow[]>();
  const add = (r: StateResource, interrupted: boolean) => {
    if (!isMigration(r.type)) return;
    const plan = (r.parent && plans.get(r.parent)) ?? "(migrations outside a plan)";
    const rows = groups.get(plan) ?? [];
    const row = rowOf(r, interrupted);
    // a pending create of a resource the state also has (a replace) shows once, as interrupted
    const i = rows.findIndex((x) => x.entry === row.entry);
    if (i >= 0) rows[i] = interrupted ? row : rows[i];
    else rows.push(row);
    groups.set(plan, rows);
  };
  for (const r of resources) add(r, false);
  for (const op of d.pending_operations ?? []) if (op.resource) add(op.resource, true);
  if (groups.size === 0) return "No V2vMigration in this stack's state.\n";
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([plan, rows]) => migrationReport(plan, rows))
    .join("\n");
}
