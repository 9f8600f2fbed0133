/**
 * What a V2vMigration reads of its long job: whether it has ended, the migrated VM, and ZStack's
 * reason when it failed. The job's JSON texts are read through the client's schemas (`client/long-job.ts`).
 */
import { LONG_JOB_FINAL_STATES, LongJobInventory, jobResultReasons, longJobResult } from "../client";

/** Succeeded, Failed or Canceled. */
export function isFinal(state: string | undefined): boolean {
  return state !== undefined && (LONG_JOB_FINAL_STATES as readonly string[]).includes(state);
}

/** The migrated VM: `inventory.uuid` of the job result, else the job's target resource. */
export function migratedVmUuid(job: LongJobInventory): string | undefined {
  const fromResult = longJobResult(job.jobResult)?.inventory?.uuid;
  if (typeof fromResult === "string") return fromResult;
  if (job.state === "Succeeded" && job.targetResourceUuid && job.targetResourceUuid !== job.uuid) {
    return job.targetResourceUuid;
  }
  return undefined;
}

/** ZStack's reason for a Failed or Canceled job, from its `jobResult` (`{message, detail, cause}`). */
export function longJobFailureReason(job: LongJobInventory): string {
  const reason = jobResultReasons(job.jobResult).join("; cause: ");
  if (job.state === "Canceled") return reason ? `the long job was canceled: ${reason}` : "the long job was canceled";
  return reason || `the long job ended ${job.state}`;
}
