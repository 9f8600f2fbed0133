/**
 * Which conversion host a migration converts on: its `conversionHostUuid`, or the first host of its
 * pool (`conversionHostUuids`) with a free slot (docs/resources/v2v-migration.md, "Conversion-host pool").
 * The slots themselves are `in-flight.ts`'s; this is where a migration's inputs meet them.
 */
import { Clock, LongJobInventory, ZStackClient } from "../client";
import { Slot, SlotRequest, acquireInPool, conversionHostOfJob, hostSlots } from "./in-flight";
import { V2V_JOB_NAME, V2vMigrationInputs } from "./inputs";

/** The hosts a migration may convert on (undefined: ZStack chooses). */
export function hostsOf(inputs: Pick<V2vMigrationInputs, "conversionHostUuid" | "conversionHostUuids">) {
  const pool = inputs.conversionHostUuids;
  return Array.isArray(pool) && pool.length > 0 ? pool : [inputs.conversionHostUuid];
}

/** A slot on the migration's host, or on whichever host of its pool frees first; `slot.conversionHostUuid` says which. */
export function takeSlot(c: ZStackClient, clock: Clock, inputs: V2vMigrationInputs, req: SlotRequest): Promise<Slot> {
  return acquireInPool(
    hostsOf(inputs).map((h) => hostSlots(c, clock, h, V2V_JOB_NAME)),
    req,
  );
}

/** The host a submitted job converts on: the one its request names (with a pool, the one chosen). */
export function hostOfJob(job: LongJobInventory, inputs: V2vMigrationInputs): string | undefined {
  return conversionHostOfJob(job) ?? (inputs.conversionHostUuids ? undefined : inputs.conversionHostUuid);
}

/** A slot for a job that already runs (adopted), or is rerun, on the host it was submitted to. */
export function jobHostSlot(
  c: ZStackClient,
  clock: Clock,
  job: LongJobInventory,
  inputs: V2vMigrationInputs,
): ReturnType<typeof hostSlots> {
  return hostSlots(c, clock, hostOfJob(job, inputs), V2V_JOB_NAME);
}
