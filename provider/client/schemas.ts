/**
 * zod schemas for what ZStack returns (docs/zstack-wire.md §3.4, §4.1, §6.1, §6.5, §7.5, §8.2, §9). Inventories are
 * loose objects with every field optional (ZStack omits nulls and adds fields between versions);
 * state enums are strict, so an unknown state is an error rather than a silent misreading.
 *
 * The schemas are built on first use and kept in a process-wide registry: a zod schema holds native bound
 * functions, which Pulumi's closure serializer cannot capture when a provider is serialized by value.
 */
import { z } from "zod";
import type * as I from "./inventories";
import { processRegistry, registered } from "./registry";

export const LONG_JOB_STATES = [
  "Waiting",
  "Suspended",
  "Running",
  "Succeeded",
  "Canceling",
  "Canceled",
  "Failed",
] as const;
export const LONG_JOB_FINAL_STATES: readonly LongJobState[] = ["Succeeded", "Failed", "Canceled"];
export const IMAGE_PACKAGE_STATES = ["Exporting", "Exported"] as const;
export const VM_STATES = [
  "Created",
  "Starting",
  "Running",
  "Stopping",
  "Stopped",
  "Rebooting",
  "Migrating",
  "Pausing",
  "Paused",
  "Resuming",
  "VolumeMigrating",
  "Destroying",
  "Destroyed",
  "Expunging",
  "Unknown",
  "Crashed",
] as const;

export type LongJobState = (typeof LONG_JOB_STATES)[number];
export type ImagePackageState = (typeof IMAGE_PACKAGE_STATES)[number];

function buildSchemas() {
  const str = z.string().optional();
  const num = z.number().optional();
  const strList = z.array(z.string()).optional();

  const SessionInventory = z.looseObject({
    uuid: str,
    accountUuid: str,
    userUuid: str,
    expiredDate: str,
    createDate: str,
  });

  const LongJobInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    apiId: str,
    jobName: str,
    jobData: str,
    jobResult: str,
    state: z.enum(LONG_JOB_STATES).optional(),
    targetResourceUuid: str,
    managementNodeUuid: str,
    createDate: str,
    lastOpDate: str,
    executeTime: num,
  });

  /** A long job's `jobData`: the API message's fields, as JSON text (docs/zstack-wire.md §6.1). */
  const LongJobData = z.looseObject({ url: str, conversionHostUuid: str });
  /**
   * A long job's `jobResult`, as JSON text: the API event's `inventory` when it succeeded, ZStack's
   * reason (`{message, detail, cause}`) when it failed. Each part may be a text or a nested object.
   */
  const LongJobResult = z.looseObject({
    inventory: z.looseObject({ uuid: str }).optional(),
    message: z.unknown().optional(),
    detail: z.unknown().optional(),
    cause: z.unknown().optional(),
  });

  const ImagePackageInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    vmUuid: str,
    backupStorageUuid: str,
    state: z.enum(IMAGE_PACKAGE_STATES).optional(),
    exportUrl: str,
    md5Sum: str,
    format: str,
    size: num,
    createDate: str,
    lastOpDate: str,
  });

  const TaskProgressInventory = z.looseObject({
    taskUuid: str,
    taskName: str,
    parentUuid: str,
    type: str,
    content: z.union([z.string(), z.number()]).optional(),
    opaque: z.unknown().optional(),
    time: z.union([z.number(), z.string()]).optional(),
  });

  const VmInstanceInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    zoneUuid: str,
    clusterUuid: str,
    hostUuid: str,
    hypervisorType: str,
    type: str,
    platform: str,
    state: z.enum(VM_STATES).optional(),
    cpuNum: num,
    memorySize: num,
    createDate: str,
    lastOpDate: str,
    // the rest of VmInstanceInventory (docs/zstack-wire.md §9: the [MCP] field list)
    lastHostUuid: str,
    imageUuid: str,
    instanceOfferingUuid: str,
    rootVolumeUuid: str,
    defaultL3NetworkUuid: str,
    guestOsType: str,
    architecture: str,
    cpuSpeed: num,
    reservedMemorySize: num,
    allocatorStrategy: str,
    vmNics: z
      .array(
        z.looseObject({
          uuid: str,
          vmInstanceUuid: str,
          l3NetworkUuid: str,
          ip: str,
          mac: str,
          netmask: str,
          gateway: str,
          deviceId: num,
        }),
      )
      .optional(),
    allVolumes: z
      .array(z.looseObject({ uuid: str, name: str, type: str, size: num, actualSize: num, primaryStorageUuid: str }))
      .optional(),
  });

  const V2VConversionHostInventory = z.looseObject({
    uuid: str,
    name: str,
    type: str,
    hostUuid: str,
    storagePath: str,
    state: z.enum(["Enabled", "Disabled"]).optional(),
    // the rest of V2VConversionHostInventory (docs/zstack-wire.md §7.5, §9: the [MCP] field list)
    description: str,
    totalSize: num,
    availableSize: num,
    hostStatus: str,
    hostState: str,
    createDate: str,
    lastOpDate: str,
  });

  /** zones, clusters, hosts, primary and backup storage, L3 networks: only what `check` reads */
  const BasicInventory = z.looseObject({
    uuid: str,
    name: str,
    type: str,
    state: str,
    status: str,
    /** hosts: KVM, or ESX for a vCenter host (V2vConversionHost's check) */
    hypervisorType: str,
    zoneUuid: str,
    clusterUuid: str,
    attachedZoneUuids: strList,
    attachedClusterUuids: strList,
  });

  // ---- lookups (sdk/lookups.ts): the whole inventory of each kind, fields as ZStack names them
  // (docs/zstack-wire.md §9: the queryable fields [MCP] lists for each Query API)
  const ZoneInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    state: str,
    type: str,
    isDefault: z.boolean().optional(),
    createDate: str,
    lastOpDate: str,
  });

  const ClusterInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    state: str,
    hypervisorType: str,
    type: str,
    zoneUuid: str,
    architecture: str,
    createDate: str,
    lastOpDate: str,
  });

  const HostInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    zoneUuid: str,
    clusterUuid: str,
    managementIp: str,
    hypervisorType: str,
    state: str,
    status: str,
    architecture: str,
    totalCpuCapacity: num,
    availableCpuCapacity: num,
    cpuSockets: num,
    cpuNum: num,
    totalMemoryCapacity: num,
    availableMemoryCapacity: num,
    createDate: str,
    lastOpDate: str,
  });

  const PrimaryStorageInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    zoneUuid: str,
    url: str,
    mountPath: str,
    type: str,
    state: str,
    status: str,
    totalCapacity: num,
    availableCapacity: num,
    totalPhysicalCapacity: num,
    availablePhysicalCapacity: num,
    systemUsedCapacity: num,
    attachedClusterUuids: strList,
    createDate: str,
    lastOpDate: str,
  });

  const BackupStorageInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    url: str,
    type: str,
    state: str,
    status: str,
    totalCapacity: num,
    availableCapacity: num,
    attachedZoneUuids: strList,
    createDate: str,
    lastOpDate: str,
  });

  const L3NetworkInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    type: str,
    zoneUuid: str,
    l2NetworkUuid: str,
    state: str,
    system: z.boolean().optional(),
    category: str,
    ipVersion: num,
    dnsDomain: str,
    enableIPAM: z.boolean().optional(),
    isolated: z.boolean().optional(),
    createDate: str,
    lastOpDate: str,
    /** the L3's IP ranges (preserved addresses must be inside one) */
    ipRanges: z
      .array(z.looseObject({ uuid: str, startIp: str, endIp: str, netmask: str, gateway: str, networkCidr: str }))
      .optional(),
  });

  /** VCenterInventory (docs/zstack-wire.md §13: the [MCP] field list of QueryVCenter) */
  const VCenterInventory = z.looseObject({
    uuid: str,
    name: str,
    description: str,
    domainName: str,
    port: num,
    userName: str,
    zoneUuid: str,
    version: str,
    https: z.boolean().optional(),
    state: str,
    status: str,
    createDate: str,
    lastOpDate: str,
  });
  // ---- end of lookups

  /** A resource tag (`tag2`'s TagPatternInventory): the conversion-slot leases. */
  const TagInventory = z.looseObject({
    uuid: str,
    name: str,
    value: str,
    description: str,
    createDate: str,
    lastOpDate: str,
  });

  const ErrorCode: z.ZodType<Record<string, unknown>> = z.looseObject({
    code: str,
    description: str,
    details: str,
  });

  return {
    SessionInventory,
    LongJobInventory,
    LongJobData,
    LongJobResult,
    ImagePackageInventory,
    TaskProgressInventory,
    VmInstanceInventory,
    V2VConversionHostInventory,
    BasicInventory,
    ZoneInventory,
    ClusterInventory,
    HostInventory,
    PrimaryStorageInventory,
    BackupStorageInventory,
    L3NetworkInventory,
    VCenterInventory,
    TagInventory,
    ErrorBody: z.looseObject({ error: ErrorCode }),
    ApiJobLocation: z.looseObject({ location: z.string(), apiTimeout: num }),
    ValidSession: z.looseObject({ valid: z.boolean().optional() }),
  };
}

type Schemas = ReturnType<typeof buildSchemas>;

/** The schemas, built once per process. */
export function schemas(): Schemas {
  return registered(processRegistry<"schemas", Schemas>("Schemas"), "schemas", buildSchemas);
}

// The lookups' inventories are the zod-free interfaces of inventories.ts (the public types name them):
// each schema must parse to exactly its interface (both directions), or the build fails.
export type {
  BackupStorageInventory,
  ClusterInventory,
  HostInventory,
  L3NetworkInventory,
  PrimaryStorageInventory,
  V2VConversionHostInventory,
  VCenterInventory,
  VmInstanceInventory,
  ZoneInventory,
} from "./inventories";
/** T without its index signature: the fields it names */
type Known<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** the same fields (names, and types both ways, nested objects included through the field types) */
type Same<A, B> = Mutual<keyof Known<A>, keyof Known<B>> extends true ? Mutual<Known<A>, Known<B>> : false;
type SameAsSchema<K extends keyof Schemas, I> = Same<z.infer<Schemas[K]>, I>;
/** true when every lookup schema parses to its interface; a compile error names the one that does not */
export type InventoriesMatchSchemas = [
  SameAsSchema<"VmInstanceInventory", I.VmInstanceInventory> extends true
    ? true
    : "VmInstanceInventory differs from its schema",
  SameAsSchema<"V2VConversionHostInventory", I.V2VConversionHostInventory> extends true
    ? true
    : "V2VConversionHostInventory differs from its schema",
  SameAsSchema<"ZoneInventory", I.ZoneInventory> extends true ? true : "ZoneInventory differs from its schema",
  SameAsSchema<"ClusterInventory", I.ClusterInventory> extends true ? true : "ClusterInventory differs from its schema",
  SameAsSchema<"HostInventory", I.HostInventory> extends true ? true : "HostInventory differs from its schema",
  SameAsSchema<"PrimaryStorageInventory", I.PrimaryStorageInventory> extends true
    ? true
    : "PrimaryStorageInventory differs from its schema",
  SameAsSchema<"BackupStorageInventory", I.BackupStorageInventory> extends true
    ? true
    : "BackupStorageInventory differs from its schema",
  SameAsSchema<"L3NetworkInventory", I.L3NetworkInventory> extends true
    ? true
    : "L3NetworkInventory differs from its schema",
  SameAsSchema<"VCenterInventory", I.VCenterInventory> extends true ? true : "VCenterInventory differs from its schema",
];
const _inventoriesMatch: InventoriesMatchSchemas = [true, true, true, true, true, true, true, true, true];
void _inventoriesMatch;

export type SessionInventory = z.infer<Schemas["SessionInventory"]>;
export type LongJobInventory = z.infer<Schemas["LongJobInventory"]>;
export type TagInventory = z.infer<Schemas["TagInventory"]>;
export type LongJobData = z.infer<Schemas["LongJobData"]>;
export type LongJobResult = z.infer<Schemas["LongJobResult"]>;
export type ImagePackageInventory = z.infer<Schemas["ImagePackageInventory"]>;
export type TaskProgressInventory = z.infer<Schemas["TaskProgressInventory"]>;
export type BasicInventory = z.infer<Schemas["BasicInventory"]>;
