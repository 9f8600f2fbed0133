/**
 * What a long job's two JSON texts hold, read through one schema each (`LongJobData`,
 * `LongJobResult` in `schemas.ts`): the request's fields in `jobData`, and the created inventory
 * or ZStack's reason in `jobResult`. Pure functions of the texts: no request is sent.
 */
import { LongJobData, LongJobInventory, LongJobResult, schemas } from "./schemas";

/** JSON text parsed by `schema`, or undefined when it is absent, not JSON or not that shape. */
function parsed<T>(text: string | undefined, schema: { safeParse(v: unknown): { success: boolean; data?: T } }) {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** The request a long job runs (its `jobData`), or undefined when it is absent or not JSON. */
export function longJobData(job: Pick<LongJobInventory, "jobData">): LongJobData | undefined {
  return parsed<LongJobData>(job.jobData, schemas().LongJobData);
}

/** A long job's `jobResult` as an object, or undefined when it is absent or not JSON. */
export function longJobResult(jobResult: string | undefined): LongJobResult | undefined {
  return parsed<LongJobResult>(jobResult, schemas().LongJobResult);
}

/**
 * The distinct parts of ZStack's reason in a job's `jobResult` (`{message, detail, cause}`, detail
 * first), or `[jobResult]` when it is not JSON; `[]` when there is none.
 */
export function jobResultReasons(jobResult: string | undefined): string[] {
  if (!jobResult) return [];
  const r = longJobResult(jobResult);
  if (!r) return [jobResult];
  const parts = [r.detail, r.message, r.cause]
    .map((x) => (typeof x === "string" ? x : x && typeof x === "object" ? JSON.stringify(x) : undefined))
    .filter((x): x is string => !!x);
  return [...new Set(parts)];
}
