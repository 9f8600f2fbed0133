/**
 * Query APIs of the surrounding resources (docs/zstack-wire.md §9) and their inventory declarations.
 * `GET /v1/<resources>` and `GET /v1/<resources>/{uuid}` both answer `{"inventories": [...]}`.
 * Each inventory's `fields` are exactly the `primitive_fields` of ZStack's API metadata ([MCP]; a test
 * compares them with the metadata of the installed package).
 */
import type { ApiContext, ApiDef, ApiOutcome } from "../http/api";
import type { InventoryDecl, QueryDef } from "../http/query";

const STAMP = ["createDate", "lastOpDate"] as const;

export const INVENTORIES = {
  zone: {
    table: "zones",
    inventoryClass: "org.zstack.header.zone.ZoneInventory",
    fields: ["uuid", "name", "description", "state", "type", "isDefault", ...STAMP],
  },
  cluster: {
    table: "clusters",
    inventoryClass: "org.zstack.header.cluster.ClusterInventory",
    fields: ["uuid", "name", "description", "state", "hypervisorType", "type", "zoneUuid", "architecture", ...STAMP],
  },
  host: {
    table: "hosts",
    inventoryClass: "org.zstack.header.host.HostInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "zoneUuid",
      "clusterUuid",
      "managementIp",
      "hypervisorType",
      "state",
      "status",
      "architecture",
      "totalCpuCapacity",
      "availableCpuCapacity",
      "cpuSockets",
      "cpuNum",
      "totalMemoryCapacity",
      "availableMemoryCapacity",
      "ipmiAddress",
      "ipmiPort",
      "ipmiUsername",
      "ipmiPowerStatus",
      "cpuStatus",
      "memoryStatus",
      "diskStatus",
      "nicStatus",
      "gpuStatus",
      "powerSupplyStatus",
      "fanStatus",
      "raidStatus",
      "temperatureStatus",
      ...STAMP,
    ],
  },
  primaryStorage: {
    table: "primaryStorages",
    inventoryClass: "org.zstack.header.storage.primary.PrimaryStorageInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "zoneUuid",
      "url",
      "mountPath",
      "type",
      "state",
      "status",
      "totalCapacity",
      "availableCapacity",
      "totalPhysicalCapacity",
      "availablePhysicalCapacity",
      "systemUsedCapacity",
      "attachedClusterUuids",
      ...STAMP,
    ],
  },
  backupStorage: {
    table: "backupStorages",
    inventoryClass: "org.zstack.header.storage.backup.BackupStorageInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "url",
      "type",
      "state",
      "status",
      "totalCapacity",
      "availableCapacity",
      "attachedZoneUuids",
      ...STAMP,
    ],
  },
  l3Network: {
    table: "l3Networks",
    inventoryClass: "org.zstack.header.network.l3.L3NetworkInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "type",
      "zoneUuid",
      "l2NetworkUuid",
      "state",
      "system",
      "category",
      "ipVersion",
      "dnsDomain",
      "dns",
      "enableIPAM",
      "isolated",
      "internalId",
      ...STAMP,
    ],
    nested: ["ipRanges"],
  },
  conversionHost: {
    table: "conversionHosts",
    inventoryClass: "org.zstack.v2v.V2VConversionHostInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "hostUuid",
      "type",
      "storagePath",
      "state",
      "totalSize",
      "availableSize",
      "hostStatus",
      "hostState",
      ...STAMP,
    ],
  },
  vm: {
    table: "vms",
    inventoryClass: "org.zstack.header.vm.VmInstanceInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "zoneUuid",
      "clusterUuid",
      "hostUuid",
      "lastHostUuid",
      "imageUuid",
      "instanceOfferingUuid",
      "rootVolumeUuid",
      "defaultL3NetworkUuid",
      "platform",
      "guestOsType",
      "type",
      "hypervisorType",
      "architecture",
      "cpuNum",
      "cpuSpeed",
      "memorySize",
      "reservedMemorySize",
      "allocatorStrategy",
      "state",
      ...STAMP,
    ],
    nested: ["vmNics", "allVolumes"],
  },
  tag: {
    table: "tags",
    inventoryClass: "org.zstack.tag2.TagPatternInventory",
    fields: ["uuid", "name", "value", "description", "color", "type", ...STAMP],
  },
  longJob: {
    table: "longJobs",
    inventoryClass: "org.zstack.header.longjob.LongJobInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "apiId",
      "jobName",
      "jobData",
      "jobResult",
      "state",
      "targetResourceUuid",
      "managementNodeUuid",
      "executeTime",
      ...STAMP,
    ],
  },
  imagePackage: {
    table: "imagePackages",
    inventoryClass: "org.zstack.ovf.datatype.ImagePackageInventory",
    fields: [
      "uuid",
      "name",
      "description",
      "vmUuid",
      "backupStorageUuid",
      "state",
      "exportUrl",
      "md5Sum",
      "format",
      "size",
      ...STAMP,
    ],
  },
  accessKey: {
    table: "accessKeys",
    inventoryClass: "org.zstack.accessKey.AccessKeyInventory",
    fields: ["uuid", "accountUuid", "userUuid", "AccessKeyID", "AccessKeySecret", "description", "state", ...STAMP],
  },
} satisfies Record<string, InventoryDecl>;

export const IMAGE_PACKAGE_QUERY: QueryDef = {
  ...INVENTORIES.imagePackage,
  expand: {
    vmInstance: { ...INVENTORIES.vm, key: "vmUuid" },
    backupStorage: { ...INVENTORIES.backupStorage, key: "backupStorageUuid" },
  },
};

/** The two query routes (`/v1/x` and `/v1/x/{uuid}`) of one resource. */
export function queryApis(name: string, msgClass: string, path: string, query: QueryDef): ApiDef[] {
  const base: Omit<ApiDef, "path"> = { name, msgClass, method: "GET", kind: "query", auth: true, query };
  return [
    { ...base, path },
    { ...base, path: `${path}/{uuid}` },
  ];
}

/** An async `PUT <path>` action API with body `{"<wrapper>": {...}}`, message class `<pkg>.API<name>Msg`. */
export function actionApi(
  pkg: string,
  path: string,
  name: string,
  wrapper: string,
  handle: (ctx: ApiContext) => ApiOutcome,
): ApiDef {
  return {
    name,
    msgClass: `${pkg}.API${name}Msg`,
    method: "PUT",
    path,
    kind: "async",
    wrapper,
    action: true,
    auth: true,
    handle,
  };
}

export const RESOURCE_QUERY_APIS: ApiDef[] = [
  ...queryApis("QueryZone", "org.zstack.header.zone.APIQueryZoneMsg", "/v1/zones", INVENTORIES.zone),
  ...queryApis("QueryCluster", "org.zstack.header.cluster.APIQueryClusterMsg", "/v1/clusters", INVENTORIES.cluster),
  ...queryApis("QueryHost", "org.zstack.header.host.APIQueryHostMsg", "/v1/hosts", INVENTORIES.host),
  ...queryApis(
    "QueryPrimaryStorage",
    "org.zstack.header.storage.primary.APIQueryPrimaryStorageMsg",
    "/v1/primary-storage",
    INVENTORIES.primaryStorage,
  ),
  ...queryApis(
    "QueryBackupStorage",
    "org.zstack.header.storage.backup.APIQueryBackupStorageMsg",
    "/v1/backup-storage",
    INVENTORIES.backupStorage,
  ),
  ...queryApis(
    "QueryL3Network",
    "org.zstack.header.network.l3.APIQueryL3NetworkMsg",
    "/v1/l3-networks",
    INVENTORIES.l3Network,
  ),
];
