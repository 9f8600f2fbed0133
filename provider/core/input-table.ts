/**
 * One declaration of each resource's inputs. A table says, per input, how a change applies and
 * whether (and how) the value reaches ZStack; everything else is derived from it: the replace and
 * update sets of `diff`, the parameters of the create call, the names `check` accepts, the inputs
 * echoed as outputs, and the SDK's property lists and secrets. The resource's TypeScript interface
 * is checked against its table ({@link SameKeys}), so an input missing from either fails to compile.
 *
 * Adding an input: one row in the table, its validation in `check`, its documentation (the
 * interface's comment and docs/resources/).
 */

/** How a change to an input applies. */
export type InputChange =
  /** a new ZStack object is needed: the engine deletes the old one, then creates */
  | "replace"
  /** applied in place by `update` */
  | "update"
  /** applied in place, and only a set value counts: unset means "ZStack's value stays" */
  | "updateIfSet";

export interface InputSpec {
  readonly change: InputChange;
  /**
   * How the value reaches ZStack in the create call: a parameter of the API, or one of the tag
   * lists next to the parameters (`systemTags`, `userTags`). Absent: our own setting, never sent.
   */
  readonly sent?: "param" | "tags";
  /** a secret: the SDK stores it encrypted, the provider redacts it from what it reports */
  readonly secret?: boolean;
}

export type InputTable = { readonly [name: string]: InputSpec };

/** Names of the inputs in table `T` whose spec matches `S`. */
type NamesWhere<T extends InputTable, S> = { [K in keyof T]: T[K] extends S ? K : never }[keyof T] & string;

/** The sets derived from any input table (what the shared lifecycle code reads). */
export interface InputSets {
  readonly table: InputTable;
  readonly names: readonly string[];
  readonly replace: readonly string[];
  readonly update: readonly string[];
  readonly updateIfSet: readonly string[];
  readonly params: readonly string[];
  readonly tags: readonly string[];
  readonly secrets: readonly string[];
}

/** What the providers and the SDK derive from an input table, typed by the table's names. */
export interface ResourceInputs<T extends InputTable> extends InputSets {
  readonly table: T;
  /** every input name, in table order */
  readonly names: readonly (keyof T & string)[];
  readonly replace: readonly NamesWhere<T, { change: "replace" }>[];
  readonly update: readonly NamesWhere<T, { change: "update" }>[];
  readonly updateIfSet: readonly NamesWhere<T, { change: "updateIfSet" }>[];
  /** parameters of the create call, in table order */
  readonly params: readonly NamesWhere<T, { sent: "param" }>[];
  /** tag lists sent next to the parameters */
  readonly tags: readonly NamesWhere<T, { sent: "tags" }>[];
  readonly secrets: readonly NamesWhere<T, { secret: true }>[];
}

/**
 * The inputs every ZStack create takes alike: the new object's `resourceUuid`, its tags, and
 * `adoptUuid` (take over an existing object instead of creating one). A table spreads them in.
 */
export const CREATE_INPUTS = {
  resourceUuid: { change: "replace", sent: "param" },
  tagUuids: { change: "replace", sent: "param" },
  systemTags: { change: "replace", sent: "tags" },
  userTags: { change: "replace", sent: "tags" },
  adoptUuid: { change: "replace" },
} as const satisfies InputTable;

export function describeInputs<const T extends InputTable>(table: T): ResourceInputs<T> {
  const names = Object.keys(table) as (keyof T & string)[];
  const where = (f: (s: InputSpec) => boolean) => names.filter((n) => f(table[n])) as never[];
  return {
    table,
    names,
    replace: where((s) => s.change === "replace"),
    update: where((s) => s.change === "update"),
    updateIfSet: where((s) => s.change === "updateIfSet"),
    params: where((s) => s.sent === "param"),
    tags: where((s) => s.sent === "tags"),
    secrets: where((s) => s.secret === true),
  };
}

/**
 * `true` when `A` and `B` have the same keys, `never` otherwise: `const x: SameKeys<I, typeof T> = true`
 * fails to compile when an interface and its table disagree.
 */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : never;

/**
 * `true` when a resource's interfaces name exactly the inputs of its table and, beyond them, the
 * outputs of its output list; `never` otherwise, so `const ok: Declared<…> = true` fails to compile.
 */
export type Declared<I, O, T extends InputTable, Outputs extends readonly string[]> = SameKeys<I, T> &
  SameKeys<Omit<O, keyof I>, Record<Outputs[number], unknown>>;

/** The parameters and tag lists of a create call, from inputs (unset ones left out). */
export function createCallArgs(
  spec: InputSets,
  inputs: object,
): { params: Record<string, unknown>; systemTags?: string[]; userTags?: string[] } {
  const values = inputs as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const k of spec.params) if (values[k] !== undefined) params[k] = values[k];
  const tags: Record<string, string[]> = {};
  for (const k of spec.tags) if (values[k] !== undefined) tags[k] = values[k] as string[];
  return { params, ...tags };
}
