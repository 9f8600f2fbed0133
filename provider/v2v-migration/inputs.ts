/**
 * V2vMigration's inputs and outputs, declared once: the table (how each input changes and whether
 * it is sent to ConvertVmFromForeignHypervisor), the valid values, and the typed interfaces the
 * provider and the SDK share (the SDK's argument and output types are mapped from these).
 */
import { CREATE_INPUTS, Declared, describeInputs } from "../core/input-table";

/** The long job's API message, for ZStack's validation messages. */
export const V2V_MESSAGE = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";
/** `LongJobInventory.jobName` of a V2V conversion. */
export const V2V_JOB_NAME = "APIConvertVmFromForeignHypervisorMsg";

export const PLATFORMS = ["Linux", "Windows", "WindowsVirtio", "Paravirtualization", "Other"] as const;
export const VM_TYPES = ["UserVm", "ApplianceVm"] as const;
export const STRATEGIES = ["InstantStart", "JustConvert"] as const;
export const CONVERT_STRATEGIES = ["CapacityOptimized", "EfficiencyFirst"] as const;

/** The provider's own waits; durations such as `"90s"`, `"45m"`, `"3h"`, `"1h30m"`. */
export const V2V_DEFAULT_TIMEOUTS = { create: "24h", delete: "1h" } as const;

/**
 * Every input: ConvertVmFromForeignHypervisor's parameters (sent), ZStack's long-job name and
 * description (updated in place), and the provider's own settings (never sent).
 */
export const V2V_MIGRATION_INPUTS = describeInputs({
  ...CREATE_INPUTS,
  url: { change: "replace", sent: "param" },
  sourceVmName: { change: "replace" },
  name: { change: "replace", sent: "param" },
  description: { change: "replace", sent: "param" },
  conversionHostUuid: { change: "replace", sent: "param" },
  conversionHostUuids: { change: "update" },
  cpuNum: { change: "replace", sent: "param" },
  memorySize: { change: "replace", sent: "param" },
  zoneUuid: { change: "replace", sent: "param" },
  clusterUuid: { change: "replace", sent: "param" },
  hostUuid: { change: "replace", sent: "param" },
  primaryStorageUuid: { change: "replace", sent: "param" },
  l3NetworkUuids: { change: "replace", sent: "param" },
  defaultL3NetworkUuid: { change: "replace", sent: "param" },
  platform: { change: "replace", sent: "param" },
  type: { change: "replace", sent: "param" },
  strategy: { change: "replace", sent: "param" },
  longJobName: { change: "updateIfSet", sent: "param" },
  longJobDescription: { change: "updateIfSet", sent: "param" },
  convertStrategy: { change: "replace", sent: "param" },
  sshPrivKey: { change: "replace", sent: "param", secret: true },
  pauseVm: { change: "replace", sent: "param" },
  volumeFilters: { change: "replace", sent: "param" },
  timeouts: { change: "update" },
  waitForCompletion: { change: "update" },
  deleteMigratedVm: { change: "update" },
  maxInFlight: { change: "update" },
  queuePriority: { change: "update" },
  allowRemigration: { change: "update" },
  vCenterUuid: { change: "update" },
  preserveIps: { change: "update" },
});

/** How long the provider waits. */
export interface V2vMigrationTimeouts {
  /** wait for the long job in create (and in an update that reruns it); default `"24h"` */
  create?: string;
  /** wait for a running job to cancel in delete; default `"1h"` */
  delete?: string;
}

/** Inputs of a V2vMigration: every ConvertVmFromForeignHypervisor parameter, plus the provider's own. */
export interface V2vMigrationInputs {
  /**
   * Source VM locator, e.g. `vmware://<uuid of the VMware VM as registered in ZStack>` (≤ 1024).
   * Exactly one of `url` and `sourceVmName`. As an output: the url migrated (resolved from
   * `sourceVmName` when that was given).
   */
  url?: string;
  /**
   * Name of the VMware VM as ZStack knows it (a `VmInstance` with `hypervisorType` `ESX`), instead
   * of `url`: exactly one VM must have it. Resolved when the resource is created (or replaced);
   * a recorded migration never resolves it again, so the source may be removed after cutover.
   */
  sourceVmName?: string;
  /** Name of the new ZStack VM (≤ 255). */
  name: string;
  /** Description of the new VM (≤ 2048). */
  description?: string;
  /** V2V conversion host (must be Enabled). Not with `conversionHostUuids`. */
  conversionHostUuid?: string;
  /**
   * A pool of V2V conversion hosts (each Enabled), instead of `conversionHostUuid`: the migration takes a
   * slot on whichever host of the pool frees first (each host's in-flight limit holds) and is submitted
   * there; `convertedOnHostUuid` says which. Read when the job is submitted: changing the pool afterwards
   * changes no recorded migration (it never migrates again).
   */
  conversionHostUuids?: string[];
  /**
   * vCPUs of the new VM, 1..1024. Default: the source VM's (a VMware source: `sourceVmName` or a
   * `vmware://` url); required for other sources. As an output: the value migrated with.
   */
  cpuNum?: number;
  /**
   * Memory of the new VM in **bytes** (≥ 1), e.g. `4 * 1024 ** 3` for 4 GiB. Default: the source VM's,
   * as for `cpuNum`. As an output: the value migrated with.
   */
  memorySize?: number;
  /** Zone of the new VM (Enabled). Default: ZStack chooses, from the primary storage and networks. */
  zoneUuid?: string;
  /** Cluster of the new VM (Enabled). Default: ZStack chooses. */
  clusterUuid?: string;
  /** KVM host the new VM is placed on (Enabled and Connected). Default: ZStack's allocator chooses. */
  hostUuid?: string;
  /** Primary storage of the new VM's disks (Enabled and Connected); the capacity preflight checks its space. */
  primaryStorageUuid: string;
  /** L3 networks of the new VM (non-empty). */
  l3NetworkUuids: string[];
  /** Default L3 network; must be one of `l3NetworkUuids`. */
  defaultL3NetworkUuid?: string;
  /**
   * Guest platform of the new VM, which decides its device drivers: `Linux`, `Windows`, `WindowsVirtio`,
   * `Paravirtualization` or `Other`. Default: ZStack's (from the source VM's guest OS where it knows it).
   */
  platform?: (typeof PLATFORMS)[number];
  /** `UserVm` (ZStack's default) or `ApplianceVm`. */
  type?: (typeof VM_TYPES)[number];
  /** `InstantStart` (ZStack's default) starts the VM after conversion; `JustConvert` does not. */
  strategy?: (typeof STRATEGIES)[number];
  /** Name of the ZStack long job (≤ 255); updated in place. As an output: the job's name as ZStack reports it. */
  longJobName?: string;
  /** Description of the ZStack long job (≤ 2048); updated in place. As an output: as ZStack reports it. */
  longJobDescription?: string;
  /**
   * uuid of the long job (dash-less v1–v5 UUID). Default: derived from project, stack and resource
   * name, so an interrupted `pulumi up` adopts the job it already submitted.
   */
  resourceUuid?: string;
  /** How virt-v2v converts the disks: `CapacityOptimized` or `EfficiencyFirst`. Default: ZStack's. */
  convertStrategy?: (typeof CONVERT_STRATEGIES)[number];
  /** Private key for SSH to a KVM source; stored as a secret. Prefer `pulumi.secret(...)`. */
  sshPrivKey?: string;
  /** Pause the source VM before conversion. */
  pauseVm?: boolean;
  /** Source disks to skip, e.g. `[{deviceId: "vdb", skip: true}]` (shape unconfirmed by ZStack docs). */
  volumeFilters?: Array<Record<string, unknown>>;
  /** uuids of existing ZStack tags for what the conversion creates (ZStack's `tagUuids` parameter). */
  tagUuids?: string[];
  /** ZStack system tags of the conversion request, e.g. `v2v::network::…` (sent with the create call). */
  systemTags?: string[];
  /** ZStack user tags of the conversion request (sent with the create call). */
  userTags?: string[];
  /** The provider's own waits (Pulumi's `customTimeouts` do not reach dynamic providers). */
  timeouts?: V2vMigrationTimeouts;
  /** Wait in create until the long job ends (default true); false returns once it is submitted. */
  waitForCompletion?: boolean;
  /** On delete, also destroy and expunge the migrated VM (default false: the VM is kept). */
  deleteMigratedVm?: boolean;
  /** Take over an existing V2V long job by uuid instead of submitting one. */
  adoptUuid?: string;
  /**
   * At most this many conversions run at once on this migration's conversion host during a
   * `pulumi up` (1..1000); the migration waits for a slot before it is submitted. Default: the
   * stack config `zstack:maxConcurrentMigrations` (default 10). A MigrationPlan sets it on its
   * migrations. Read when the job is submitted (or rerun): changing it changes no recorded migration.
   */
  maxInFlight?: number;
  /**
   * Among the migrations of a `pulumi up` queued for the same conversion host, a higher one starts first
   * (equal ones: first come). Default: the size of the source VM's disks in bytes, as the capacity
   * preflight found it, so the largest conversions start first. A MigrationPlan with `order: "asListed"`
   * sets it from the entries' order. Read when the job is queued: changing it changes no recorded migration.
   */
  queuePriority?: number;
  /**
   * Allow a change that replaces this migration after its long job has Succeeded (default false):
   * the conversion runs again and makes a second VM. Without it, such a change fails `preview` and
   * `up` (the re-migration guard). Migrations that have not Succeeded replace as before.
   */
  allowRemigration?: boolean;
  /**
   * The VCenter the source VM comes from (e.g. `vcenter.uuid`). A `sourceVmName` ZStack does not know
   * yet is looked up again after a SyncVCenter of this vCenter (once per run, in `preview` too), and
   * the migration waits for the VCenter resource (its sync) in `up`. Never sent; a change is recorded
   * in place.
   */
  vCenterUuid?: string;
  /**
   * Give each migrated NIC its source NIC's IPv4 address (SetVmStaticIp) after the conversion, before
   * the migration is reported done (default false). Source NIC `i` (by device order) goes to
   * `l3NetworkUuids[i]`; `preview` fails when an address is outside that L3 network's IP ranges or used
   * by another NIC. A failed pinning is recorded (`staticIps`), and the next `up` retries it without
   * converting again. See docs/resources/v2v-migration.md, "Preserved addresses".
   */
  preserveIps?: boolean;
}

/** One NIC of a migrated VM with `preserveIps`: the address it should have, and whether it has it. */
export interface StaticIpOutput {
  /** the NIC's index: source NIC `nic` (by device order), `l3NetworkUuids[nic]` */
  nic: number;
  l3NetworkUuid: string;
  /** the source NIC's IPv4 address, pinned on the migrated NIC */
  ip: string;
  /** the migrated NIC's address as ZStack reports it */
  vmIp?: string;
  /** `Pinned`, or `Failed` (the next `up` pins it again) */
  state: "Pinned" | "Failed";
  /** ZStack's reason when `Failed` */
  error?: string;
}

/** Output-only properties: the LongJobInventory fields and the migrated VM. */
export const V2V_MIGRATION_OUTPUTS = [
  "uuid",
  "apiId",
  "jobName",
  "jobData",
  "jobResult",
  "targetResourceUuid",
  "managementNodeUuid",
  "createDate",
  "lastOpDate",
  "state",
  "executeTime",
  "vmUuid",
  "staticIps",
  "convertedOnHostUuid",
] as const;

/** What the provider returns: the inputs, the LongJobInventory fields and the migrated VM. */
export interface V2vMigrationOutputs extends V2vMigrationInputs {
  /** uuid of the long job (the resource id) */
  uuid: string;
  /** id of the API whose progress GetTaskProgress reports */
  apiId?: string;
  /** `APIConvertVmFromForeignHypervisorMsg` */
  jobName?: string;
  /** the job's request as JSON, with sessions and private keys redacted */
  jobData?: string;
  /** the job's result (or failure) as JSON, redacted */
  jobResult?: string;
  /** the resource the job works on: the migrated VM once the job has Succeeded */
  targetResourceUuid?: string;
  /** uuid of the management node that runs the job */
  managementNodeUuid?: string;
  /** when the job was submitted: ZStack timestamp, management node local time, e.g. `May 10, 2022 5:24:03 AM` */
  createDate?: string;
  /** when the job last changed (same format as `createDate`) */
  lastOpDate?: string;
  /** LongJobState: Waiting, Suspended, Running, Succeeded, Canceling, Canceled, Failed */
  state?: string;
  /** seconds the job ran, once final */
  executeTime?: number;
  /** uuid of the migrated ZStack VM, once Succeeded */
  vmUuid?: string;
  /** with `preserveIps`: each NIC's preserved address and whether it is pinned (empty without it) */
  staticIps?: StaticIpOutput[];
  /** the V2V conversion host the job was submitted to (the request's `conversionHostUuid`): with a pool, the one chosen */
  convertedOnHostUuid?: string;
}

// the interfaces and the tables must name the same properties (a missing one fails to compile)
const declared: Declared<
  V2vMigrationInputs,
  V2vMigrationOutputs,
  typeof V2V_MIGRATION_INPUTS.table,
  typeof V2V_MIGRATION_OUTPUTS
> = true;
void declared;
