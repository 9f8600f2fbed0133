import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider module uses `export =`, and the serializer must record this require
import provider = require("../provider/providers/v2v-conversion-host");
import {
  V2V_CONVERSION_HOST_INPUTS,
  V2V_CONVERSION_HOST_OUTPUTS,
  V2vConversionHostInputs,
  V2vConversionHostOutputs,
} from "../provider/v2v-conversion-host/inputs";
import { ArgsOf, OutputsOf, ResourceShape, resourceOptions, resourceProps } from "./dynamic-resource";

/** Type token of {@link V2vConversionHost}. */
export const V2V_CONVERSION_HOST_TYPE = "pulumi-nodejs:dynamic/zstack:V2vConversionHost";

/** Inputs of {@link V2vConversionHost}: the AddV2VConversionHost parameters, `state`, and the provider's own. */
export type V2vConversionHostArgs = ArgsOf<V2vConversionHostInputs>;

/**
 * Inputs of a {@link V2vConversionHost} that takes over an existing conversion host (`adoptUuid`):
 * the others are optional (`hostUuid` and `type`, when given, must match; the rest is applied).
 */
export type V2vConversionHostAdoptArgs = Partial<V2vConversionHostArgs> & { adoptUuid: pulumi.Input<string> };

const SHAPE: ResourceShape = {
  type: V2V_CONVERSION_HOST_TYPE,
  inputs: V2V_CONVERSION_HOST_INPUTS,
  outputs: V2V_CONVERSION_HOST_OUTPUTS,
};

/** The output properties of {@link V2vConversionHost}: its inputs and the V2VConversionHostInventory fields. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging -- declaration merging: this interface declares the class's output properties, which the engine sets
export interface V2vConversionHost extends OutputsOf<V2vConversionHostOutputs> {}

/**
 * A KVM host registered as a V2V conversion host (`AddV2VConversionHost`): the host that runs
 * virt-v2v for {@link V2vMigration}s, with its cache directory `storagePath`.
 *
 * `name`, `description`, `storagePath` and `state` update in place; `hostUuid` and `type` replace
 * it. Delete is `DeleteV2VConversionHost`, which ZStack refuses while a migration uses the host.
 *
 * @example
 * ```ts
 * import { V2vConversionHost } from "pulumi-zstack-migration";
 *
 * const ch = new V2vConversionHost("v2v-host-3", {
 *   name: "v2v-host-3",
 *   hostUuid: "3c1d7e5b2a9f4e08b6d4c2a1f0e9d8c7",
 *   storagePath: "/zstack/v2v-cache",
 *   type: "VMWARE",
 * });
 * export const conversionHostUuid = ch.uuid;
 * ```
 */
// the interface above declares the output properties; the engine sets them from the provider's outputs
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class V2vConversionHost extends pulumi.dynamic.Resource {
  /** Creates the object from `args` (a missing required input is named by the type checker). */
  constructor(name: string, args: V2vConversionHostArgs, opts?: pulumi.CustomResourceOptions);
  /** Takes over an existing object by `adoptUuid`; the other inputs are optional. */
  constructor(name: string, args: V2vConversionHostAdoptArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    args: V2vConversionHostArgs | V2vConversionHostAdoptArgs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      provider,
      name,
      resourceProps(SHAPE, name, args),
      resourceOptions(SHAPE, opts),
      "zstack",
      "V2vConversionHost",
    );
  }
}
