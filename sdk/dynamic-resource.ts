/**
 * What the SDK's resource classes share: their argument and output types mapped from the
 * provider's interfaces, and the property bag and options every one of them hands to
 * `pulumi.dynamic.Resource`, derived from the resource's input table.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputSets } from "../provider/core/input-table";
import { DEFAULT_RESOURCE_UUID, RESOURCE_NAME } from "../provider/core/lifecycle";
import { deriveResourceUuid } from "./resource-uuid";

/** A plain value type as a program may give it: each level an `Input`. */
export type InputOf<T> = [T] extends [readonly (infer U)[]]
  ? pulumi.Input<InputOf<U>[]>
  : [T] extends [Record<string, unknown>]
    ? pulumi.Input<{ [K in keyof T]: InputOf<T[K]> }>
    : pulumi.Input<T>;

/** The arguments of a resource, from the provider's input interface (documentation included). */
export type ArgsOf<T> = { [K in keyof T]: InputOf<NonNullable<T[K]>> };

/** The output properties of a resource, from the provider's output interface. */
export type OutputsOf<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** A resource's table and output names, as the SDK needs them. */
export interface ResourceShape {
  /** type token, e.g. `pulumi-nodejs:dynamic/zstack:V2vMigration` */
  type: string;
  inputs: InputSets;
  outputs: readonly string[];
}

/**
 * The properties handed to the dynamic resource: every output name (unknown until the provider
 * answers), every input of `args`, secret inputs wrapped in `pulumi.secret` (so the state's inputs
 * are encrypted even when the program passes a plain string), and the derived resourceUuid.
 */
export function resourceProps(shape: ResourceShape, name: string, args: object): Record<string, unknown> {
  const given = args as Record<string, unknown>;
  const props: Record<string, unknown> = {};
  for (const k of shape.outputs) props[k] = undefined;
  for (const k of shape.inputs.names) props[k] = given[k];
  for (const k of shape.inputs.secrets) if (given[k] !== undefined) props[k] = pulumi.secret(given[k]);
  // the provider's check uses it unless the resource already has a uuid (a renamed stack or
  // resource keeps its object) or the program sets resourceUuid
  props[DEFAULT_RESOURCE_UUID] = deriveResourceUuid(shape.type, name);
  props[RESOURCE_NAME] = name; // for progress lines and errors (never diffed, never sent)
  return props;
}

/** The options, with secret inputs also marked as secret outputs. */
export function resourceOptions(
  shape: ResourceShape,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  if (shape.inputs.secrets.length === 0) return opts;
  return pulumi.mergeOptions(opts, { additionalSecretOutputs: [...shape.inputs.secrets] });
}
