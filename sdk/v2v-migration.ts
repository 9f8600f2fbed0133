import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider module uses `export =`, and the serializer must record this require
import provider = require("../provider/providers/v2v-migration");
import {
  V2V_MIGRATION_INPUTS,
  V2V_MIGRATION_OUTPUTS,
  V2vMigrationInputs,
  V2vMigrationOutputs,
  V2vMigrationTimeouts,
} from "../provider/v2v-migration/inputs";
import { ArgsOf, OutputsOf, ResourceShape, resourceOptions, resourceProps } from "./dynamic-resource";

/** Type token of {@link V2vMigration}. */
export const V2V_MIGRATION_TYPE = "pulumi-nodejs:dynamic/zstack:V2vMigration";

/** How long the provider waits, as durations such as `"90s"`, `"45m"`, `"3h"`, `"1h30m"`. */
export type V2vMigrationTimeoutsArgs = ArgsOf<V2vMigrationTimeouts>;

/** Inputs of {@link V2vMigration}: every ConvertVmFromForeignHypervisor parameter, plus the provider's own. */
export type V2vMigrationArgs = ArgsOf<V2vMigrationInputs>;

/**
 * Inputs of a {@link V2vMigration} that takes over an existing V2V long job (`adoptUuid`): the
 * conversion parameters are optional (when given, `url` must match the job's).
 */
export type V2vMigrationAdoptArgs = Partial<V2vMigrationArgs> & { adoptUuid: pulumi.Input<string> };

const SHAPE: ResourceShape = { type: V2V_MIGRATION_TYPE, inputs: V2V_MIGRATION_INPUTS, outputs: V2V_MIGRATION_OUTPUTS };

/** The output properties of {@link V2vMigration}: its inputs, the LongJobInventory fields and the migrated VM. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging -- declaration merging: this interface declares the class's output properties, which the engine sets
export interface V2vMigration extends OutputsOf<V2vMigrationOutputs> {}

/**
 * A VM migrated into ZStack by a V2V conversion: one `ConvertVmFromForeignHypervisor` long job,
 * submitted once, waited for with progress, and recorded in the stack even when it fails.
 *
 * Replacing (any conversion parameter changes) deletes the old long job first and submits a new one;
 * once the job has `Succeeded`, such a change fails `preview` and `up` unless `allowRemigration` is
 * `true` (the re-migration guard: a second conversion would leave a second VM). `longJobName`,
 * `longJobDescription`, `timeouts`, `waitForCompletion`, `deleteMigratedVm` and `allowRemigration` update in
 * place. A job that ended `Failed` or `Canceled` is rerun by the next `pulumi up`. Delete cancels a
 * running job, deletes the long-job record and keeps the migrated VM unless `deleteMigratedVm` is set.
 *
 * @example
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { V2vMigration } from "pulumi-zstack-migration";
 *
 * const web01 = new V2vMigration("web-01", {
 *   url: "vmware://24e0673e037a4cae904a40a071329d9e",
 *   name: "web-01",
 *   conversionHostUuid: "f93a4dd87b8849ea96e5b2df98aa1c8e",
 *   cpuNum: 2,
 *   memorySize: 4 * 1024 ** 3,
 *   primaryStorageUuid: "568c8fb94e544ce798704424af05bcc2",
 *   l3NetworkUuids: ["00800f4179084aeca86ddf019fc3e45c"],
 *   platform: "Linux",
 *   timeouts: { create: "6h" },
 * });
 * export const migratedVm = web01.vmUuid;
 * ```
 */
// the interface above declares the output properties; the engine sets them from the provider's outputs
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class V2vMigration extends pulumi.dynamic.Resource {
  /** Creates the object from `args` (a missing required input is named by the type checker). */
  constructor(name: string, args: V2vMigrationArgs, opts?: pulumi.CustomResourceOptions);
  /** Takes over an existing object by `adoptUuid`; the other inputs are optional. */
  constructor(name: string, args: V2vMigrationAdoptArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, args: V2vMigrationArgs | V2vMigrationAdoptArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(SHAPE, name, args), resourceOptions(SHAPE, opts), "zstack", "V2vMigration");
  }
}
