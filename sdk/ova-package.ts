import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider module uses `export =`, and the serializer must record this require
import provider = require("../provider/providers/ova-package");
import {
  OVA_PACKAGE_INPUTS,
  OVA_PACKAGE_OUTPUTS,
  OvaPackageInputs,
  OvaPackageOutputs,
  OvaPackageTimeouts,
} from "../provider/ova-package/inputs";
import { ArgsOf, OutputsOf, ResourceShape, resourceOptions, resourceProps } from "./dynamic-resource";

/** Type token of {@link OvaPackage}. */
export const OVA_PACKAGE_TYPE = "pulumi-nodejs:dynamic/zstack:OvaPackage";

/** How long the provider waits, as durations such as `"90s"`, `"45m"`, `"3h"`. */
export type OvaPackageTimeoutsArgs = ArgsOf<OvaPackageTimeouts>;

/** Inputs of {@link OvaPackage}: the ExportVmOvaPackage parameters, plus the provider's own. */
export type OvaPackageArgs = ArgsOf<OvaPackageInputs>;

/**
 * Inputs of an {@link OvaPackage} that takes over an existing image package (`adoptUuid`):
 * `vmUuid` and `backupStorageUuid` are optional (when given, they must match the package's).
 */
export type OvaPackageAdoptArgs = Partial<OvaPackageArgs> & { adoptUuid: pulumi.Input<string> };

const SHAPE: ResourceShape = { type: OVA_PACKAGE_TYPE, inputs: OVA_PACKAGE_INPUTS, outputs: OVA_PACKAGE_OUTPUTS };

/** The output properties of {@link OvaPackage}: its inputs and the ImagePackageInventory fields. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging -- declaration merging: this interface declares the class's output properties, which the engine sets
export interface OvaPackage extends OutputsOf<OvaPackageOutputs> {}

/**
 * An OVA export of a stopped ZStack VM to an ImageStore backup storage (`ExportVmOvaPackage`),
 * tracked as an ImagePackage until it is `Exported` with its `exportUrl`, `md5Sum` and `size`.
 *
 * `name` and `description` update in place; any other change replaces the package (the old one is
 * deleted first: ZStack allows one package per VM). Delete is `DeleteImagePackage`, a hard delete of
 * the package and its OVA file.
 *
 * @example
 * ```ts
 * import { OvaPackage } from "pulumi-zstack-migration";
 *
 * const ova = new OvaPackage("web-01-ova", {
 *   vmUuid: "a5af1e606b5143f9b57edb0ce8d14264",
 *   backupStorageUuid: "da1d1df67794446da932739519c65751",
 *   name: "web-01.ova",
 * });
 * export const url = ova.exportUrl;
 * export const md5 = ova.md5Sum;
 * ```
 */
// the interface above declares the output properties; the engine sets them from the provider's outputs
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class OvaPackage extends pulumi.dynamic.Resource {
  /** Creates the object from `args` (a missing required input is named by the type checker). */
  constructor(name: string, args: OvaPackageArgs, opts?: pulumi.CustomResourceOptions);
  /** Takes over an existing object by `adoptUuid`; the other inputs are optional. */
  constructor(name: string, args: OvaPackageAdoptArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, args: OvaPackageArgs | OvaPackageAdoptArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(SHAPE, name, args), resourceOptions(SHAPE, opts), "zstack", "OvaPackage");
  }
}
