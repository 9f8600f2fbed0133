import * as pulumi from "@pulumi/pulumi";
import provider = require("../provider/providers/v2v-migration");
import { DEFAULT_RESOURCE_UUID } from "../provider/common";
import { deriveResourceUuid } from "./resource-uuid";

/** Type token of {@link V2vMigration}. */
export const V2V_MIGRATION_TYPE = "pulumi-nodejs:dynamic/zstack:V2vMigration";

/** How long the provider waits, as durations such as `"90s"`, `"45m"`, `"3h"`, `"1h30m"`. */
export interface V2vMigrationTimeoutsArgs {
  /** wait for the long job in create (and in an update that reruns it); default `"24h"` */
  create?: pulumi.Input<string>;
  /** wait for a running job to cancel in delete; default `"1h"` */
  delete?: pulumi.Input<string>;
}

/** Inputs of {@link V2vMigration}: every ConvertVmFromForeignHypervisor parameter, plus the provider's own. */
export interface V2vMigrationArgs {
  /** Source VM locator, e.g. `vmware://<uuid of the VMware VM as registered in ZStack>` (≤ 1024). */
  url: pulumi.Input<string>;
  /** Name of the new ZStack VM (≤ 255). */
  name: pulumi.Input<string>;
  /** Description of the new VM (≤ 2048). */
  description?: pulumi.Input<string>;
  /** V2V conversion host (must be Enabled). */
  conversionHostUuid?: pulumi.Input<string>;
  /** vCPUs of the new VM, 1..1024. */
  cpuNum: pulumi.Input<number>;
  /** Memory of the new VM in bytes, ≥ 1. */
  memorySize: pulumi.Input<number>;
  zoneUuid?: pulumi.Input<string>;
  clusterUuid?: pulumi.Input<string>;
  hostUuid?: pulumi.Input<string>;
  primaryStorageUuid: pulumi.Input<string>;
  /** L3 networks of the new VM (non-empty). */
  l3NetworkUuids: pulumi.Input<pulumi.Input<string>[]>;
  /** Default L3 network; must be one of `l3NetworkUuids`. */
  defaultL3NetworkUuid?: pulumi.Input<string>;
  platform?: pulumi.Input<"Linux" | "Windows" | "WindowsVirtio" | "Paravirtualization" | "Other">;
  type?: pulumi.Input<"UserVm" | "ApplianceVm">;
  /** `InstantStart` (ZStack's default) starts the VM after conversion; `JustConvert` does not. */
  strategy?: pulumi.Input<"InstantStart" | "JustConvert">;
  /** Name of the ZStack long job (≤ 255); updated in place. */
  longJobName?: pulumi.Input<string>;
  /** Description of the ZStack long job (≤ 2048); updated in place. */
  longJobDescription?: pulumi.Input<string>;
  /**
   * uuid of the long job (dash-less v1–v5 UUID). Default: derived from project, stack and resource
   * name, so an interrupted `pulumi up` adopts the job it already submitted.
   */
  resourceUuid?: pulumi.Input<string>;
  convertStrategy?: pulumi.Input<"CapacityOptimized" | "EfficiencyFirst">;
  /** Private key for SSH to a KVM source; stored as a secret. Prefer `pulumi.secret(...)`. */
  sshPrivKey?: pulumi.Input<string>;
  /** Pause the source VM before conversion. */
  pauseVm?: pulumi.Input<boolean>;
  /** Source disks to skip, e.g. `[{deviceId: "vdb", skip: true}]` (shape unconfirmed by ZStack docs). */
  volumeFilters?: pulumi.Input<pulumi.Input<Record<string, unknown>>[]>;
  tagUuids?: pulumi.Input<pulumi.Input<string>[]>;
  systemTags?: pulumi.Input<pulumi.Input<string>[]>;
  userTags?: pulumi.Input<pulumi.Input<string>[]>;
  /** The provider's own waits (Pulumi's `customTimeouts` do not reach dynamic providers). */
  timeouts?: pulumi.Input<V2vMigrationTimeoutsArgs>;
  /** Wait in create until the long job ends (default true); false returns once it is submitted. */
  waitForCompletion?: pulumi.Input<boolean>;
  /** On delete, also destroy and expunge the migrated VM (default false: the VM is kept). */
  deleteMigratedVm?: pulumi.Input<boolean>;
  /** Take over an existing V2V long job by uuid instead of submitting one. */
  adoptUuid?: pulumi.Input<string>;
}

/**
 * Inputs of a {@link V2vMigration} that takes over an existing V2V long job (`adoptUuid`): the
 * conversion parameters are optional (when given, `url` must match the job's).
 */
export type V2vMigrationAdoptArgs = Partial<V2vMigrationArgs> & { adoptUuid: pulumi.Input<string> };

const OUTPUT_ONLY = [
  "uuid", "apiId", "jobName", "jobData", "jobResult", "targetResourceUuid", "managementNodeUuid",
  "createDate", "lastOpDate", "state", "executeTime", "vmUuid",
] as const;
const INPUT_NAMES = [
  "url", "name", "description", "conversionHostUuid", "cpuNum", "memorySize", "zoneUuid", "clusterUuid", "hostUuid",
  "primaryStorageUuid", "l3NetworkUuids", "defaultL3NetworkUuid", "platform", "type", "strategy", "longJobName",
  "longJobDescription", "resourceUuid", "convertStrategy", "sshPrivKey", "pauseVm", "volumeFilters", "tagUuids",
  "systemTags", "userTags", "timeouts", "waitForCompletion", "deleteMigratedVm", "adoptUuid",
] as const;

/**
 * A VM migrated into ZStack by a V2V conversion: one `ConvertVmFromForeignHypervisor` long job,
 * submitted once, waited for with progress, and recorded in the stack even when it fails.
 *
 * Replacing (any conversion parameter changes) deletes the old long job first and submits a new one;
 * `longJobName`, `longJobDescription`, `timeouts`, `waitForCompletion` and `deleteMigratedVm` update in
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
export class V2vMigration extends pulumi.dynamic.Resource {
  declare readonly url: pulumi.Output<string>;
  /** name of the migrated VM (the input) */
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly conversionHostUuid: pulumi.Output<string | undefined>;
  declare readonly cpuNum: pulumi.Output<number>;
  declare readonly memorySize: pulumi.Output<number>;
  declare readonly zoneUuid: pulumi.Output<string | undefined>;
  declare readonly clusterUuid: pulumi.Output<string | undefined>;
  declare readonly hostUuid: pulumi.Output<string | undefined>;
  declare readonly primaryStorageUuid: pulumi.Output<string>;
  declare readonly l3NetworkUuids: pulumi.Output<string[]>;
  declare readonly defaultL3NetworkUuid: pulumi.Output<string | undefined>;
  declare readonly platform: pulumi.Output<string | undefined>;
  declare readonly type: pulumi.Output<string | undefined>;
  declare readonly strategy: pulumi.Output<string | undefined>;
  /** the long job's name as ZStack reports it (LongJobInventory.name) */
  declare readonly longJobName: pulumi.Output<string | undefined>;
  /** the long job's description as ZStack reports it (LongJobInventory.description) */
  declare readonly longJobDescription: pulumi.Output<string | undefined>;
  declare readonly resourceUuid: pulumi.Output<string>;
  declare readonly convertStrategy: pulumi.Output<string | undefined>;
  /** secret in state */
  declare readonly sshPrivKey: pulumi.Output<string | undefined>;
  declare readonly pauseVm: pulumi.Output<boolean | undefined>;
  declare readonly volumeFilters: pulumi.Output<Record<string, unknown>[] | undefined>;
  declare readonly tagUuids: pulumi.Output<string[] | undefined>;
  declare readonly systemTags: pulumi.Output<string[] | undefined>;
  declare readonly userTags: pulumi.Output<string[] | undefined>;
  declare readonly timeouts: pulumi.Output<{ create?: string; delete?: string } | undefined>;
  declare readonly waitForCompletion: pulumi.Output<boolean | undefined>;
  declare readonly deleteMigratedVm: pulumi.Output<boolean | undefined>;
  declare readonly adoptUuid: pulumi.Output<string | undefined>;

  /** uuid of the long job (the resource id) */
  declare readonly uuid: pulumi.Output<string>;
  /** id of the API whose progress GetTaskProgress reports */
  declare readonly apiId: pulumi.Output<string | undefined>;
  /** `APIConvertVmFromForeignHypervisorMsg` */
  declare readonly jobName: pulumi.Output<string | undefined>;
  /** the job's request as JSON, with sessions and private keys redacted */
  declare readonly jobData: pulumi.Output<string | undefined>;
  /** the job's result (or failure) as JSON, redacted */
  declare readonly jobResult: pulumi.Output<string | undefined>;
  declare readonly targetResourceUuid: pulumi.Output<string | undefined>;
  declare readonly managementNodeUuid: pulumi.Output<string | undefined>;
  /** ZStack timestamp, management node local time, e.g. `May 10, 2022 5:24:03 AM` */
  declare readonly createDate: pulumi.Output<string | undefined>;
  declare readonly lastOpDate: pulumi.Output<string | undefined>;
  /** LongJobState: Waiting, Suspended, Running, Succeeded, Canceling, Canceled, Failed */
  declare readonly state: pulumi.Output<string>;
  /** seconds the job ran, once final */
  declare readonly executeTime: pulumi.Output<number | undefined>;
  /** uuid of the migrated ZStack VM, once Succeeded */
  declare readonly vmUuid: pulumi.Output<string | undefined>;

  constructor(name: string, args: V2vMigrationArgs | V2vMigrationAdoptArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {};
    for (const k of OUTPUT_ONLY) props[k] = undefined;
    for (const k of INPUT_NAMES) props[k] = (args as unknown as Record<string, unknown>)[k];
    // a secret in the state's inputs and outputs even when the program passes a plain string
    // (additionalSecretOutputs alone would leave the recorded input in plain text)
    if (args.sshPrivKey !== undefined) props.sshPrivKey = pulumi.secret(args.sshPrivKey);
    // the provider's check uses it unless the resource already has a uuid (a renamed stack or
    // resource keeps its object) or the program sets resourceUuid
    props[DEFAULT_RESOURCE_UUID] = deriveResourceUuid(V2V_MIGRATION_TYPE, name);
    super(
      provider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["sshPrivKey"] }),
      "zstack",
      "V2vMigration",
    );
  }
}
