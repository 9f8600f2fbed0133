/** The Markdown report of a migration wave, one row per VM, ready to post as a pull-request comment. */
import { formatDuration } from "../provider/core/units";
import { jobResultReasons } from "../provider/client/long-job";

/** What the report shows of one migration (its V2vMigration's outputs). */
export interface ReportRow {
  entry: string;
  source: string;
  /** the long job's state; undefined before it was submitted */
  state?: string;
  vmUuid?: string;
  /** seconds the job ran (ZStack's `executeTime`) */
  executeTime?: number;
  /** the job's result: ZStack's reason when it failed */
  jobResult?: string;
  /** the conversion host it ran on, when it chose one from a pool (`conversionHostUuids`) */
  conversionHost?: string;
  /** shown in the Error column when there is no failure reason (e.g. why a row is `Interrupted`) */
  note?: string;
}

/** ZStack's reason of a Failed or Canceled job, from `jobResult`. */
function failureReason(row: ReportRow): string {
  if (row.state !== "Failed" && row.state !== "Canceled") return "";
  if (!row.jobResult) return row.state === "Canceled" ? "canceled" : "";
  return jobResultReasons(row.jobResult).join("; ");
}

/** A table cell: one line, pipes escaped, long text cut. */
function cell(text: string | undefined, max = 200): string {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  const cut = t.length > max ? `${t.slice(0, max - 1)}…` : t;
  return cut.replace(/\|/g, "\\|");
}

/**
 * The report: a summary line (how many VMs in each state) and a table with the entry, the source,
 * the state, the migrated VM's uuid, the duration and, for a failed job, ZStack's reason.
 */
export function migrationReport(planName: string, rows: readonly ReportRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.state ?? "Pending", (counts.get(r.state ?? "Pending") ?? 0) + 1);
  const summary = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(", ");
  // the conversion host column only when a row chose its host from a pool
  const hosts = rows.some((r) => r.conversionHost !== undefined);
  const lines = [
    `**MigrationPlan ${planName}**: ${rows.length} VM${rows.length === 1 ? "" : "s"} (${summary})`,
    "",
    `| VM | Source | State | Migrated VM |${hosts ? " Conversion host |" : ""} Duration | Error |`,
    `| --- | --- | --- | --- |${hosts ? " --- |" : ""} --- | --- |`,
  ];
  for (const r of [...rows].sort((a, b) => a.entry.localeCompare(b.entry))) {
    const duration = typeof r.executeTime === "number" ? formatDuration(r.executeTime * 1000) : "";
    const host = hosts ? ` ${cell(r.conversionHost)} |` : "";
    lines.push(
      `| ${cell(r.entry)} | ${cell(r.source)} | ${cell(r.state ?? "Pending")} | ${cell(r.vmUuid)} |${host} ${duration} | ${cell(failureReason(r) || r.note)} |`,
    );
  }
  return lines.join("\n") + "\n";
}
