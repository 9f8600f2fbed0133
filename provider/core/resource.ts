/**
 * A resource's logic as every host calls it: check, diff, create, read, update, delete, over plain
 * values, with no host's types. A host (the dynamic-provider adapter in `hosts/dynamic/`, a provider
 * plugin) is a thin adapter: it makes the {@link ProviderContext}, passes the values through, and
 * turns a {@link RecordedFailure} into its own way of recording a partly created resource.
 */
import type { ProviderContext } from "./context";
import type { DiffResult } from "./lifecycle";
import type { CheckFailure } from "./validation";

export interface CheckResult {
  /** the inputs to record (completed: the resourceUuid, what the references resolved) */
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export interface ResourceLogic<I, O> {
  /** `V2vMigration`, `OvaPackage`, … (in messages) */
  readonly typeName: string;
  /** validates `news` (against ZStack for a create or a replacement) */
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult>;
  /** a precise diff of the recorded outputs against the new inputs; may throw to refuse a change */
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  /** `{id: undefined}` when the object is gone */
  read(id: string, props: O): Promise<{ id?: string; props?: O }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

/** How a host makes a resource's logic for a provider's context. */
export type ResourceFactory<I, O> = new (ctx: ProviderContext) => ResourceLogic<I, O>;
