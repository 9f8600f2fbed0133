/**
 * Never twice, even after removal (docs/resources/v2v-migration.md, "Re-migration guard"). The guard
 * in `remigration-guard.ts` protects a migration the stack records; this protects a source whose
 * migration the stack no longer records: an entry removed and added back, a destroyed stack run
 * again, another stack or tool that migrated the same VM.
 *
 * The evidence is ZStack's own: a Succeeded V2V long job whose `jobData.url` is the source, and whose
 * migrated VM still exists. Deleting a migration therefore keeps a Succeeded job's record while its
 * VM is kept: the record is *released* (a mark appended to its description, UpdateLongJob) instead
 * of deleted, so that a later create with the same derived `resourceUuid` can tell it from an
 * interrupted run's job, which it adopts.
 */
import {
  LongJobInventory,
  VmInstanceInventory,
  ZStackClient,
  longJobData,
  queryList,
  schemas,
  updateLongJob,
} from "../client";
import { migratedVmUuid } from "./long-job";

/** Appended to the description of a Succeeded long job whose resource left the stack with its VM kept. */
export const RELEASED_MARK = "[released by pulumi-zstack-migration: the resource left its stack; the VM was kept]";

export function isReleased(job: object): boolean {
  const description = (job as { description?: unknown }).description;
  return typeof description === "string" && description.includes(RELEASED_MARK);
}

/** Marks a Succeeded job's record as released (its description keeps what it said). */
export async function releaseLongJob(c: ZStackClient, job: LongJobInventory): Promise<void> {
  if (isReleased(job)) return;
  const description = job.description ? `${job.description} ${RELEASED_MARK}` : RELEASED_MARK;
  await updateLongJob(c, job.uuid!, { description });
}

/** Takes a released record back (adoptUuid): its description as it was before the release. */
export async function unreleaseLongJob(c: ZStackClient, job: LongJobInventory): Promise<LongJobInventory> {
  if (!isReleased(job)) return job;
  const description = job.description!.replace(` ${RELEASED_MARK}`, "").replace(RELEASED_MARK, "");
  return updateLongJob(c, job.uuid!, { description });
}

/** A Succeeded conversion of the same source whose VM still exists. */
export interface EarlierMigration {
  job: LongJobInventory;
  /** the migrated VM, or undefined when the job does not say which VM it made */
  vmUuid?: string;
  vm?: VmInstanceInventory;
}

/**
 * The earlier migrations of `url` among `jobs` (V2V long jobs, any state): Succeeded jobs of that
 * source whose VM still exists (or is not named), except this resource's own job when it is not
 * released (an interrupted run's, which create adopts).
 */
export async function earlierMigrations(
  c: ZStackClient,
  jobs: readonly LongJobInventory[],
  url: string,
  resourceUuid: string | undefined,
): Promise<EarlierMigration[]> {
  const candidates = jobs.filter(
    (j) =>
      j.state === "Succeeded" &&
      longJobData(j)?.url === url &&
      !(resourceUuid !== undefined && j.uuid === resourceUuid && !isReleased(j)),
  );
  if (candidates.length === 0) return [];
  const vmUuids = candidates.map(migratedVmUuid).filter((u): u is string => u !== undefined);
  const vms = vmUuids.length
    ? await queryList(c, "QueryVmInstance", schemas().VmInstanceInventory, [`uuid?=${vmUuids.join(",")}`])
    : [];
  const out: EarlierMigration[] = [];
  for (const job of candidates) {
    const vmUuid = migratedVmUuid(job);
    const vm = vmUuid ? vms.find((v) => v.uuid === vmUuid) : undefined;
    // a VM that was expunged is no duplicate to fear: migrating again is a first migration again
    if (vmUuid && !vm) continue;
    out.push({ job, vmUuid, vm });
  }
  return out;
}

/** Why a create is refused, naming the earlier VM and job and what to do (for single resources and plan entries). */
export function alreadyMigratedMessage(label: string, url: string, earlier: readonly EarlierMigration[]): string {
  const lines = earlier.map(({ job, vmUuid, vm }) => {
    const made = vm
      ? `VM ${vm.name ? `"${vm.name}" ` : ""}(uuid ${vmUuid}, ${vm.state ?? "state unknown"}), which still exists`
      : "a VM it does not name";
    const when = job.createDate ? ` (submitted ${job.createDate})` : "";
    const released = isReleased(job) ? "; its resource left a Pulumi stack earlier" : "";
    return `  - long job ${job.uuid}${when} Succeeded and created ${made}${released}`;
  });
  const first = earlier[0].job.uuid;
  return [
    `${label}: the source ${url} was already migrated:`,
    ...lines,
    "Migrating it again would leave a second VM next to the first. To proceed, either:",
    "  - take the earlier migration into this stack: a V2vMigration with adoptUuid: " +
      `"${first}" (a MigrationPlan entry cannot adopt: declare that one V2vMigration next to the plan and remove the entry);`,
    "  - or remove this migration from the program (the VM is already migrated);",
    "  - or set allowRemigration: true on this resource (in a MigrationPlan: on the entry) to migrate it again; the earlier VM is kept.",
  ].join("\n");
}
