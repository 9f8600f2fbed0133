/**
 * The re-migration guard: a V2vMigration whose long job has Succeeded is a one-shot act on a
 * production VM. A change that would replace it (run the conversion again, leaving a second VM) is
 * refused in `diff`, so `preview` and `up` fail before anything is sent to ZStack, unless the
 * resource opts in with `allowRemigration: true`.
 */
import { containsUnknown } from "../core/values";

/** Why `diff` refuses to replace a migrated VM; names inputs only, never their values. */
export class RemigrationError extends Error {
  /** the replace inputs whose change was refused */
  readonly changed: readonly string[];
  private readonly summary: string;
  constructor(label: string, message: string, changed: readonly string[]) {
    super(message);
    this.name = "RemigrationError";
    this.changed = changed;
    this.summary = `${label}: re-migration refused`;
    // The dynamic-provider server logs what a method throws as `${e}: ${e.stack}`, then the engine
    // shows the message under the resource (docs/engine.md, "Errors thrown by diff"). A refusal is
    // not a bug: one line that points to that error, instead of the message twice and a stack trace.
    this.stack = "the error shown for this resource says why, and how to proceed";
  }

  /** One line: `RemigrationError: V2vMigration web-01: re-migration refused` (the message has the rest). */
  override toString(): string {
    return `${this.name}: ${this.summary}`;
  }
}

/**
 * The refusal of a replacement of a Succeeded migration, or undefined when the replacement may
 * proceed: the job has not Succeeded (Failed, Canceled, still running: today's behaviour), the
 * resource sets `allowRemigration: true`, or every changed input is still unknown (a preview that
 * cannot tell yet; `up` diffs again with the values, and the guard decides then).
 */
export function remigrationError(
  label: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  replaces: readonly string[],
): RemigrationError | undefined {
  if (olds.state !== "Succeeded" || news.allowRemigration === true) return undefined;
  const changed = replaces.filter((k) => !containsUnknown(news[k]));
  if (changed.length === 0) return undefined;
  const vm = typeof olds.vmUuid === "string" ? `VM ${olds.vmUuid}` : "VM (its uuid is not recorded)";
  const job = typeof olds.uuid === "string" ? olds.uuid : "?";
  const names = changed.join(", ");
  // a replace deletes the old resource with its recorded deleteMigratedVm, not the program's new one
  const destroys = olds.deleteMigratedVm === true;
  const outcome = destroys
    ? "the conversion would run again: the migrated VM would be destroyed (deleteMigratedVm is set) and a new one made from the source"
    : "the conversion would run again and leave a second VM next to the first";
  const kept = destroys
    ? `the migrated ${vm} is destroyed and expunged (deleteMigratedVm is set)`
    : `the migrated ${vm} is kept (deleteMigratedVm is not set)`;
  return new RemigrationError(
    label,
    [
      `${label} was already migrated: long job ${job} Succeeded and created ${vm}.`,
      `The change to ${names} would replace this resource: ${outcome}.`,
      "To proceed, either:",
      `  - revert the change to ${names};`,
      `  - or keep the migration as it is and add ${JSON.stringify(changed)} to this resource's ignoreChanges option (in a MigrationPlan: to the entry's ignoreChanges);`,
      `  - or set allowRemigration: true on this resource to migrate it again (a replace: the old long-job record is deleted, ${kept}, and a new conversion is submitted).`,
    ].join("\n"),
    changed,
  );
}
