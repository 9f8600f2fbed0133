/**
 * OvaPackage's `verify` input: when the exported file is checked (create, adoption, the next `up`
 * after a failed check, refresh), what a failure records, and what the user is told. The checking
 * itself is download-check.ts.
 */
import { Clock, ImagePackageInventory, TlsOptions } from "../client";
import { recordedFailure } from "../core/lifecycle";
import { OVA_DEFAULT_TIMEOUTS } from "./inputs";
import { DEFAULT_VERIFY, OvaVerifyError, VERIFY_METHODS, Verified, VerifyMethod, verifyOva } from "./download-check";
import { Validator, timeoutOf, typeName } from "../core/validation";
import { UNKNOWN } from "../core/values";

export { Verified, VerifyMethod } from "./download-check";

/** The `verify` input of check(). */
export function checkVerifyInput(v: Validator): void {
  const value = v.value("verify");
  if (value === undefined || value === null || value === UNKNOWN) return;
  if (typeof value !== "string" || !(VERIFY_METHODS as readonly string[]).includes(value)) {
    v.fail("verify", `verify must be one of "none", "size" (the default) or "md5", got ${typeName(value)}`);
  }
}

const methodOf = (inputs: { verify?: unknown }): VerifyMethod =>
  (inputs.verify as VerifyMethod | undefined) ?? DEFAULT_VERIFY;

/**
 * Whether the recorded package needs the check the inputs ask for again: it was checked and found
 * wrong (a failed create or update, a refresh that saw drift), or checked by size where MD5 is asked.
 * A package recorded without `verified` was exported with `verify: "none"` (then a change of `verify`
 * is an update anyway) or by an earlier version of this package: upgrading alone causes no update.
 */
export function needsVerification(olds: { verified?: unknown; state?: unknown }, news: { verify?: unknown }): boolean {
  const method = methodOf(news);
  if (method === "none" || olds.state !== "Exported") return false;
  const v = olds.verified as Verified | undefined;
  return v !== undefined && (v.error !== undefined || (method === "md5" && v.method !== "md5"));
}

export interface VerifyContext {
  clock: Clock;
  tls: TlsOptions;
  log: (line: string) => void;
  label: string;
  /** the create inputs or update news */
  inputs: { verify?: unknown; timeouts?: unknown };
  /** values to redact from what a failure records */
  secrets: readonly string[];
  /** the resource outputs for this package and `verified` */
  outputs: (verified: Verified | undefined) => object;
}

/**
 * Checks an Exported package as `verify` asks, keeping `previous` when it already covers that check.
 * A failed check throws a RecordedFailure: the package is recorded in the stack with the finding
 * in `verified`, so the next `pulumi up` checks again without exporting again.
 */
export async function verifyOrRecord(
  ctx: VerifyContext,
  pkg: ImagePackageInventory,
  previous?: Verified,
): Promise<Verified | undefined> {
  const method = methodOf(ctx.inputs);
  if (method === "none") return undefined;
  // no previous check (a create, or a package recorded without one): check now
  if (previous && !needsVerification({ verified: previous, state: pkg.state }, ctx.inputs)) return previous;
  const at = () => new Date(ctx.clock.now()).toISOString();
  try {
    if (typeof pkg.exportUrl !== "string" || typeof pkg.size !== "number") {
      throw new OvaVerifyError(
        `${ctx.label}: image package ${pkg.uuid} is Exported but ZStack reports no exportUrl or size to check`,
        "http",
        {},
      );
    }
    return await verifyOva({
      method,
      url: pkg.exportUrl,
      size: pkg.size,
      md5Sum: pkg.md5Sum,
      tls: ctx.tls,
      clock: ctx.clock,
      deadline: ctx.clock.now() + timeoutOf(ctx.inputs.timeouts, "verify", OVA_DEFAULT_TIMEOUTS).ms,
      label: ctx.label,
      log: ctx.log,
    });
  } catch (e) {
    if (!(e instanceof OvaVerifyError)) throw e;
    const message =
      `${e.message}. Image package ${pkg.uuid} stays recorded in the stack, with this finding in \`verified\`: ` +
      `the next \`pulumi up\` verifies the file again without exporting again; \`pulumi up --replace\` exports the package anew`;
    const verified: Verified = { method, ...e.found, at: at(), error: e.message };
    throw recordedFailure(message, pkg.uuid!, ctx.outputs(verified), ctx.secrets);
  }
}

/**
 * Refresh: a cheap check (size) of a package that is `verify`-checked. A file that vanished or
 * changed size replaces `verified` with the finding (drift); a check that passes keeps the recorded
 * `verified` as it is (no diff at every refresh); a host this machine cannot reach changes nothing.
 */
export async function recheckOnRefresh(
  ctx: Omit<VerifyContext, "outputs" | "secrets">,
  pkg: ImagePackageInventory,
  recorded?: Verified,
): Promise<Verified | undefined> {
  if (
    methodOf(ctx.inputs) === "none" ||
    pkg.state !== "Exported" ||
    typeof pkg.exportUrl !== "string" ||
    typeof pkg.size !== "number"
  )
    return recorded;
  try {
    const found = await verifyOva({
      method: "size",
      url: pkg.exportUrl,
      size: pkg.size,
      tls: ctx.tls,
      clock: ctx.clock,
      deadline: ctx.clock.now() + timeoutOf(ctx.inputs.timeouts, "verify", OVA_DEFAULT_TIMEOUTS).ms,
      label: ctx.label,
      log: ctx.log,
    });
    return recorded && recorded.error === undefined ? recorded : found;
  } catch (e) {
    if (!(e instanceof OvaVerifyError)) throw e;
    if (e.failure !== "missing" && e.failure !== "size") {
      ctx.log(`${e.message} (refresh keeps the recorded verification)`);
      return recorded;
    }
    ctx.log(
      `${e.message} (recorded as drift in verified; the next pulumi up verifies again, pulumi up --replace exports anew)`,
    );
    return { method: "size", ...e.found, at: new Date(ctx.clock.now()).toISOString(), error: e.message };
  }
}
