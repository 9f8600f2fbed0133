/**
 * The inventories the lookups return (sdk/lookups.ts), as plain interfaces: the package's public types
 * name these, so a user's `tsc` never loads zod's declarations (issue 17: zod's `.d.cts` files fail a
 * project without `esModuleInterop` and `skipLibCheck`, as Pulumi's TypeScript template is).
 *
 * `schemas.ts` checks at compile time that each zod schema parses to exactly its interface here; a
 * field added to one and not the other fails the build. Every field is optional (ZStack omits nulls)
 * and other fields ZStack adds are kept (`[field: string]: unknown`).
 */

interface Loose {
  [field: string]: unknown;
}

/** A ZStack zone (`QueryZone`). */
export interface ZoneInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  state?: string;
  type?: string;
  isDefault?: boolean;
  createDate?: string;
  lastOpDate?: string;
}

/** A cluster (`QueryCluster`). */
export interface ClusterInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  state?: string;
  hypervisorType?: string;
  type?: string;
  zoneUuid?: string;
  architecture?: string;
  createDate?: string;
  lastOpDate?: string;
}

/** A physical host (`QueryHost`); capacities in Hz (CPU) and bytes (memory). */
export interface HostInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  zoneUuid?: string;
  clusterUuid?: string;
  managementIp?: string;
  hypervisorType?: string;
  state?: string;
  status?: string;
  architecture?: string;
  totalCpuCapacity?: number;
  availableCpuCapacity?: number;
  cpuSockets?: number;
  cpuNum?: number;
  totalMemoryCapacity?: number;
  availableMemoryCapacity?: number;
  createDate?: string;
  lastOpDate?: string;
}

/** A primary storage (`QueryPrimaryStorage`); capacities in bytes. */
export interface PrimaryStorageInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  zoneUuid?: string;
  url?: string;
  mountPath?: string;
  type?: string;
  state?: string;
  status?: string;
  totalCapacity?: number;
  availableCapacity?: number;
  totalPhysicalCapacity?: number;
  availablePhysicalCapacity?: number;
  systemUsedCapacity?: number;
  attachedClusterUuids?: string[];
  createDate?: string;
  lastOpDate?: string;
}

/** A backup storage (`QueryBackupStorage`); capacities in bytes. */
export interface BackupStorageInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  url?: string;
  type?: string;
  state?: string;
  status?: string;
  totalCapacity?: number;
  availableCapacity?: number;
  attachedZoneUuids?: string[];
  createDate?: string;
  lastOpDate?: string;
}

/** An L3 network (`QueryL3Network`). */
export interface L3NetworkInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  type?: string;
  zoneUuid?: string;
  l2NetworkUuid?: string;
  state?: string;
  system?: boolean;
  category?: string;
  ipVersion?: number;
  dnsDomain?: string;
  enableIPAM?: boolean;
  isolated?: boolean;
  createDate?: string;
  lastOpDate?: string;
  /** the L3's IP ranges (preserved addresses must be inside one) */
  ipRanges?: IpRangeInventory[];
}

/** An IP range of an L3 network. */
export interface IpRangeInventory extends Loose {
  uuid?: string;
  startIp?: string;
  endIp?: string;
  netmask?: string;
  gateway?: string;
  networkCidr?: string;
}

/** A V2V conversion host (`QueryV2VConversionHost`); sizes in bytes. */
export interface V2VConversionHostInventory extends Loose {
  uuid?: string;
  name?: string;
  type?: string;
  hostUuid?: string;
  storagePath?: string;
  state?: "Enabled" | "Disabled";
  description?: string;
  totalSize?: number;
  availableSize?: number;
  hostStatus?: string;
  hostState?: string;
  createDate?: string;
  lastOpDate?: string;
}

/** A VM's network interface. */
export interface VmNicInventory extends Loose {
  uuid?: string;
  vmInstanceUuid?: string;
  l3NetworkUuid?: string;
  ip?: string;
  mac?: string;
  netmask?: string;
  gateway?: string;
  deviceId?: number;
}

/** A VM's volume; sizes in bytes. */
export interface VmVolumeInventory extends Loose {
  uuid?: string;
  name?: string;
  type?: string;
  size?: number;
  actualSize?: number;
  primaryStorageUuid?: string;
}

/** The states of a ZStack VM. */
export type VmState =
  | "Created"
  | "Starting"
  | "Running"
  | "Stopping"
  | "Stopped"
  | "Rebooting"
  | "Migrating"
  | "Pausing"
  | "Paused"
  | "Resuming"
  | "VolumeMigrating"
  | "Destroying"
  | "Destroyed"
  | "Expunging"
  | "Unknown"
  | "Crashed";

/** A VM (`QueryVmInstance`): a ZStack VM, or a VMware VM ZStack knows through vCenter (`hypervisorType` ESX); memory in bytes. */
export interface VmInstanceInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  zoneUuid?: string;
  clusterUuid?: string;
  hostUuid?: string;
  hypervisorType?: string;
  type?: string;
  platform?: string;
  state?: VmState;
  cpuNum?: number;
  memorySize?: number;
  createDate?: string;
  lastOpDate?: string;
  lastHostUuid?: string;
  imageUuid?: string;
  instanceOfferingUuid?: string;
  rootVolumeUuid?: string;
  defaultL3NetworkUuid?: string;
  guestOsType?: string;
  architecture?: string;
  cpuSpeed?: number;
  reservedMemorySize?: number;
  allocatorStrategy?: string;
  vmNics?: VmNicInventory[];
  allVolumes?: VmVolumeInventory[];
}

/** A vCenter registered in ZStack (`QueryVCenter`); never its password. */
export interface VCenterInventory extends Loose {
  uuid?: string;
  name?: string;
  description?: string;
  domainName?: string;
  port?: number;
  userName?: string;
  zoneUuid?: string;
  version?: string;
  https?: boolean;
  state?: string;
  status?: string;
  createDate?: string;
  lastOpDate?: string;
}

/** The inventory each lookup kind answers with. */
export interface LookupInventories {
  Zone: ZoneInventory;
  Cluster: ClusterInventory;
  Host: HostInventory;
  PrimaryStorage: PrimaryStorageInventory;
  BackupStorage: BackupStorageInventory;
  L3Network: L3NetworkInventory;
  V2VConversionHost: V2VConversionHostInventory;
  VmInstance: VmInstanceInventory;
  VCenter: VCenterInventory;
}

/** A kind of inventory the lookups query, named as ZStack names its Query API (`Query<kind>`). */
export type LookupKind = keyof LookupInventories;
