/**
 * The resource lifecycle protocol both providers follow: the resourceUuid an object has or will
 * have, what `check` validates remotely, the precise diff, the adopt-or-submit create, the
 * partial-create error the engine records, and "already gone" on delete.
 */
import {
  ZStackClient,
  ZStackConfigError,
  ZStackConnectionError,
  ZStackError,
  ZStackHttpError,
  ZStackTimeoutError,
  isNotFoundError,
  randomZStackUuid,
  redactText,
} from "../client";
import type { ProviderContext } from "./context";
import { InputSets } from "./input-table";
import { CheckFailure, RESOURCE_UUID, Validator } from "./validation";
import { containsUnknown, jsonEqual, pickInputs, withoutUndefined } from "./values";

/**
 * Thrown when the ZStack object exists but the operation did not end well (a long job Failed or
 * Canceled, a wait that timed out, a check of the result that failed): the host records the
 * resource with `outputs` (its id, its state, the finding) instead of orphaning it, so the next
 * `pulumi up` finishes or retries it without creating it again. Make it with {@link recordedFailure}.
 */
export class RecordedFailure extends ZStackError {
  constructor(
    message: string,
    readonly id: string,
    /** the resource's outputs as they are now */
    readonly outputs: object,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "RecordedFailure";
  }
}

/** The one way a resource records a failed create or update: the reason redacted of `secrets`. */
export function recordedFailure(
  reason: string,
  id: string,
  outputs: object,
  secrets: readonly string[],
): RecordedFailure {
  const text = redactText(reason, secrets);
  return new RecordedFailure(text, id, withoutUndefined(outputs), [text]);
}

/** Values to redact from anything a resource records or reports: the client's credentials and the secret inputs. */
export function secretsOf(c: ZStackClient, spec: InputSets, inputs: object): string[] {
  const values = inputs as Record<string, unknown>;
  const secretInputs = spec.secrets.map((k) => values[k]).filter((x): x is string => typeof x === "string" && x !== "");
  return [...c.secrets(), ...secretInputs];
}

/**
 * ZStack's answer to a write when it carries the object (its uuid), else the object read again
 * (an answer without the inventory), else `fallback`.
 */
export async function answerOrRefetch<T extends { uuid?: string }>(
  answer: T,
  refetch: () => Promise<T | undefined>,
  fallback: T,
): Promise<T> {
  return answer.uuid ? answer : ((await refetch()) ?? fallback);
}

/**
 * Resolves when the call succeeds or its target `uuid` is already gone (ZStack says that uuid is
 * not found). Any other failure, including a "not found" about something else or a 404 `no api
 * mapping` (an MN without the module), is thrown.
 */
export async function ignoreGone(p: Promise<unknown>, uuid: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (isNotFoundError(e, uuid)) return;
    throw e;
  }
}

// ---------------------------------------------------------------------------- resource protocol

/**
 * The SDK sends the uuid it derives from project, stack, type and name as `defaultResourceUuid`,
 * and `resourceUuid` only when the program sets one. `check` consumes it (it never reaches state).
 */
export const DEFAULT_RESOURCE_UUID = "defaultResourceUuid";

/**
 * The SDK also sends the Pulumi resource's name (as `pulumi up` shows it, e.g. `wave1-web-01`), so
 * that progress lines and errors can say which of 200 resources they are about. It is no input of
 * the table: `check` keeps it in the inputs, the outputs carry it (for update and delete), and it is
 * never diffed (a rename with an alias changes nothing) and never sent to ZStack.
 */
export const RESOURCE_NAME = "pulumiResourceName";

/**
 * The inputs `check` returns, with the resourceUuid the object has or will have:
 * 1. the program's own `resourceUuid` (changing it replaces the resource);
 * 2. else the recorded one: renaming the stack, the project or the resource (with an alias)
 *    changes the derived uuid, and must not replace (re-run) a migration;
 * 3. else the SDK's derived `defaultResourceUuid`: the same on every run, so a create that was
 *    interrupted before the engine recorded it adopts the object it already started;
 * 4. else (no SDK, e.g. a raw dynamic resource) a new random one.
 */
export function withResourceUuid(
  olds: Record<string, unknown> | undefined,
  news: Record<string, unknown>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...news };
  const derived = inputs[DEFAULT_RESOURCE_UUID];
  delete inputs[DEFAULT_RESOURCE_UUID];
  if (inputs.resourceUuid === undefined || inputs.resourceUuid === null) {
    const old = olds?.resourceUuid;
    const usable = (x: unknown): x is string => typeof x === "string" && RESOURCE_UUID.test(x);
    inputs.resourceUuid = usable(old) ? old : usable(derived) ? derived : randomZStackUuid();
  }
  return inputs;
}

/** Whether `check` sees a create or a replacement: then the references are checked against ZStack. */
export function isCreateOrReplace(
  olds: Record<string, unknown> | undefined,
  inputs: Record<string, unknown>,
  spec: InputSets,
): boolean {
  if (!olds || Object.keys(olds).every((k) => k === "__provider")) return true;
  return spec.replace.some((k) => !jsonEqual(olds[k], inputs[k]));
}

/**
 * Runs `check`'s validation against ZStack. A configuration problem (a wrong password) is thrown; an
 * unreachable ZStack (a wrong `zstack:endpoint`, a closed port, a proxy's error) fails the check of
 * `v`, so that a preview with a typo in the endpoint does not pass. Previewing without ZStack is
 * `zstack:validateReferences: false` (then no client is made for the checks at all).
 */
export async function checkedAgainstZStack(
  c: ZStackClient,
  label: string,
  v: Validator,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ZStackConfigError) throw e;
    if (e instanceof ZStackConnectionError || e instanceof ZStackTimeoutError || e instanceof ZStackHttpError) {
      v.fail(
        UNREACHABLE,
        `${label}: cannot check the references against ZStack at ${c.base.href}: ${e.message}. ` +
          "Check zstack:endpoint; to preview without ZStack, set zstack:validateReferences to false",
      );
      return;
    }
    throw e;
  }
}

/** The property a check failure names when ZStack itself cannot be asked. */
export const UNREACHABLE = "zstack:endpoint";

/** How `check` finds an object to adopt (`adoptUuid`), and what of it must match the inputs. */
export interface AdoptCheck<T> {
  get: (c: ZStackClient, uuid: string) => Promise<T | undefined>;
  /** ZStack's VO type, for "not found" in ZStack's words, e.g. `LongJobVO` */
  type: string;
  /** fails `v`'s fields where the found object contradicts the inputs */
  verify?: (found: T, v: Validator) => void;
}

/** What a resource's `check` does beyond the shared protocol. */
export interface CheckSteps<T = unknown> {
  /** `V2vMigration`, `OvaPackage` (in messages) */
  typeName: string;
  /** fully qualified API message, for ZStack's validation templates */
  message: string;
  inputs: InputSets;
  /** the provider's context: its check client and log */
  ctx: ProviderContext;
  /** local validation of each input */
  validate: (v: Validator, adopting: boolean) => void;
  /**
   * Completes `inputs` in place with values the resource recorded (after local validation, before
   * the create-or-replace decision), e.g. what a migration resolved from its source VM's name.
   */
  recorded?: (olds: Record<string, unknown>, inputs: Record<string, unknown>) => void;
  /** the object `adoptUuid` names, checked against ZStack instead of the references */
  adopt: AdoptCheck<T>;
  /**
   * Validation of a new object's references against ZStack, run for a create or a replacement. It
   * may complete `inputs` (the object `v` validates) with what it resolved: `check` returns them.
   */
  checkReferences: (c: ZStackClient, v: Validator, inputs: Record<string, unknown>) => Promise<void>;
}

/**
 * `check` of every resource: the resourceUuid ({@link withResourceUuid}), the resource's local
 * validation, unknown inputs, the values it recorded, then (for a create or a replacement) its
 * remote checks: of the adopted object, or of the references. Nothing is asked of ZStack when the
 * connection is not configured or `zstack:validateReferences` is false; an unreachable ZStack
 * fails the check ({@link checkedAgainstZStack}).
 */
export async function checkInputs<T>(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  steps: CheckSteps<T>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const inputs = withResourceUuid(olds, news);
  const v = new Validator(inputs, steps.message);
  const adopting = v.isSet("adoptUuid");
  steps.validate(v, adopting);
  v.unknownInputs([...steps.inputs.names, RESOURCE_NAME], steps.typeName);
  steps.recorded?.(olds ?? {}, inputs);
  const c = isCreateOrReplace(olds, inputs, steps.inputs) ? steps.ctx.checkClient() : undefined;
  if (c) {
    await checkedAgainstZStack(c, steps.typeName, v, () =>
      adopting ? checkAdopted(c, v, steps.adopt) : steps.checkReferences(c, v, inputs),
    );
  }
  return { inputs, failures: v.failures };
}

/** The object `adoptUuid` names exists, and matches what the inputs say of it. */
async function checkAdopted<T>(c: ZStackClient, v: Validator, adopt: AdoptCheck<T>): Promise<void> {
  const uuid = v.value("adoptUuid");
  if (typeof uuid !== "string") return;
  const found = await adopt.get(c, uuid);
  if (!found) v.notFound("adoptUuid", uuid, adopt.type);
  else adopt.verify?.(found, v);
}

export interface DiffOptions {
  /** inputs not to compare this time */
  ignore?: (name: string) => boolean;
  /** the recorded object is unfinished: the next update finishes it */
  unfinished?: boolean;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace?: boolean;
}

/**
 * A precise diff of old outputs against new inputs, by the input table: unknowns are changes,
 * `__provider` is ignored, `updateIfSet` inputs count only when set.
 */
export function diffInputs(
  spec: InputSets,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  opts: DiffOptions = {},
): DiffResult {
  const changed = (k: string) => !opts.ignore?.(k) && (containsUnknown(news[k]) || !jsonEqual(olds[k], news[k]));
  const replaces = spec.replace.filter(changed);
  const changes =
    replaces.length > 0 ||
    spec.update.some(changed) ||
    spec.updateIfSet.some((k) => news[k] !== undefined && news[k] !== null && changed(k)) ||
    opts.unfinished === true;
  // one object per uuid (and one package per VM): the old one must go before the new one is made
  return replaces.length ? { changes, replaces, deleteBeforeReplace: true } : { changes, replaces: [] };
}

/** The inputs among `values` (inputs, or recorded outputs), to echo as outputs or to read back. */
export function echoedInputs<T>(spec: InputSets, values: object, except: readonly string[] = []): T {
  return pickInputs(values, [...spec.names, RESOURCE_NAME], except) as T;
}

/**
 * The inputs part of recorded outputs (for read), without the `updateIfSet` ones: their outputs
 * are ZStack's values (a long job's or a package's name), not what the program set.
 */
export function recordedInputs<T>(spec: InputSets, props: object): T {
  return echoedInputs<T>(spec, props, spec.updateIfSet);
}

/** The error of an update whose ZStack object was deleted behind Pulumi's back. */
export function vanishedBeforeUpdate(label: string, kind: string, id: string): VanishedError {
  return new VanishedError(
    `${label}: ${kind} ${id} no longer exists in ZStack; run pulumi refresh to drop it from the stack`,
  );
}

/** A ZStack object this provider was waiting on no longer exists (deleted, or rolled back by ZStack). */
export class VanishedError extends ZStackError {
  constructor(message: string) {
    super(message);
    this.name = "VanishedError";
  }
}

/**
 * How progress lines and errors name a resource: `Kind resource-name` as `pulumi up` shows it (with
 * the ZStack name when it differs), or `Kind "name"` when the SDK did not send the resource's name.
 * `values` are inputs or recorded outputs.
 */
export function resourceLabel(typeName: string, values: object, name: string | undefined): string {
  const resourceName = (values as Record<string, unknown>)[RESOURCE_NAME];
  if (typeof resourceName !== "string" || resourceName === "") return `${typeName} "${name}"`;
  return name === undefined || name === resourceName
    ? `${typeName} ${resourceName}`
    : `${typeName} ${resourceName} ("${name}")`;
}

/**
 * The create protocol of both resources: with `adoptUuid`, take that object over and never submit;
 * otherwise look `resourceUuid` up first (a retried or interrupted create) and submit only when
 * ZStack has nothing with that uuid.
 */
export async function adoptOrSubmit<T extends { uuid?: string; state?: string }>(how: {
  label: string;
  /** "long job", "image package" */
  kind: string;
  adoptUuid?: string;
  resourceUuid: string;
  get: (uuid: string) => Promise<T | undefined>;
  verify: (found: T, field: "adoptUuid" | "resourceUuid") => void;
  submit: (resourceUuid: string) => Promise<T>;
  log: (line: string) => void;
}): Promise<{ found: T; submitted: boolean }> {
  if (how.adoptUuid) {
    const found = await how.get(how.adoptUuid);
    if (!found) throw new ZStackError(`${how.label}: adoptUuid ${how.adoptUuid}: no ${how.kind} with this uuid exists`);
    how.verify(found, "adoptUuid");
    how.log(`${how.label}: adopting ${how.kind} ${found.uuid} (${found.state})`);
    return { found, submitted: false };
  }
  const existing = await how.get(how.resourceUuid);
  if (existing) {
    how.verify(existing, "resourceUuid");
    how.log(
      `${how.label}: ${how.kind} ${how.resourceUuid} already exists (${existing.state}); adopting it instead of submitting again`,
    );
    return { found: existing, submitted: false };
  }
  return { found: await how.submit(how.resourceUuid), submitted: true };
}
