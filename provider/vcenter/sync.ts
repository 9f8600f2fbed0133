/**
 * Sync before a wave (issue 20, item 2): a migration that names its vCenter (`vCenterUuid`, or a
 * plan's `defaults.vCenterUuid`) and whose `sourceVmName` ZStack does not know yet asks ZStack to
 * synchronise that vCenter (SyncVCenter, once per vCenter per run, in `preview` too: a sync only
 * refreshes what ZStack knows of VMware), then looks the source up again. Without `vCenterUuid`, the
 * error says what to run instead. See docs/resources/vcenter.md, "Sync before a wave".
 */
import { ZStackApiError, ZStackClient, syncVCenter } from "../client";
import type { CheckCache } from "../core/check-cache";
import type { Validator } from "../core/validation";

/** What a `sourceVmName` that ZStack does not know needs, when the migration names no vCenter. */
export const SYNC_HINT =
  "if the VM was created in VMware since ZStack last synchronised its vCenter, set vCenterUuid on this migration " +
  "(a MigrationPlan: defaults.vCenterUuid) so that preview and up synchronise it, or change syncTrigger on the " +
  "VCenter resource and run pulumi up";

/** Whether a source lookup failed because no VM has the name (not several, not a bad name). */
export function isNoSuchSource(e: Error): boolean {
  return /: no VmInstance with name=/.test(e.message);
}

/**
 * A source by name that failed with `notFound` (no such VM): `find` again after SyncVCenter of the
 * migration's `vCenterUuid`. Returns what `find` found, or `deferred` when the vCenter is not known
 * yet (a VCenter this run creates or updates: `up` checks again once it is done); otherwise fails
 * `sourceVmName` with the reason and what to do.
 */
export async function findAfterSync<T>(
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  notFound: Error,
  find: () => Promise<T>,
): Promise<T | "deferred" | undefined> {
  if (!isNoSuchSource(notFound)) return fail(v, notFound.message);
  if (v.isUnknown("vCenterUuid")) return "deferred";
  const vCenterUuid = v.value("vCenterUuid");
  if (typeof vCenterUuid !== "string" || v.hasFailed("vCenterUuid"))
    // a near name is the likelier fix than a sync
    return fail(v, /did you mean/.test(notFound.message) ? notFound.message : `${notFound.message}; ${SYNC_HINT}`);
  try {
    await cache.get(`vcenter-sync:${vCenterUuid}`, () => syncVCenter(c, vCenterUuid), Infinity);
  } catch (e) {
    if (!(e instanceof ZStackApiError)) throw e;
    return fail(
      v,
      `${notFound.message}; SyncVCenter of vCenter ${vCenterUuid} failed (${e.code}): ${e.details || e.description}`,
    );
  }
  try {
    return await find();
  } catch (e) {
    if (!(e instanceof Error) || !isNoSuchSource(e)) throw e;
    return fail(v, `${e.message}, even after SyncVCenter of vCenter ${vCenterUuid}: is the VM in that vCenter?`);
  }
}

function fail(v: Validator, reason: string): undefined {
  v.fail("sourceVmName", reason);
  return undefined;
}
