export { V2vMigration, V2V_MIGRATION_TYPE } from "./v2v-migration";
export type { V2vMigrationArgs, V2vMigrationAdoptArgs, V2vMigrationTimeoutsArgs } from "./v2v-migration";
export { OvaPackage, OVA_PACKAGE_TYPE } from "./ova-package";
export type { OvaPackageArgs, OvaPackageAdoptArgs, OvaPackageTimeoutsArgs } from "./ova-package";
export type { V2vMigrationInputs, V2vMigrationOutputs } from "../provider/v2v-migration/inputs";
export type { OvaPackageInputs, OvaPackageOutputs } from "../provider/ova-package/inputs";
// lookups (data sources)
export {
  getZone,
  getZoneOutput,
  getCluster,
  getClusterOutput,
  getHost,
  getHostOutput,
  getPrimaryStorage,
  getPrimaryStorageOutput,
  getBackupStorage,
  getBackupStorageOutput,
  getL3Network,
  getL3NetworkOutput,
  getV2vConversionHost,
  getV2vConversionHostOutput,
  getVmInstance,
  getVmInstanceOutput,
  getVmInstances,
  getVmInstancesOutput,
  getVCenter,
  getVCenterOutput,
  ZStackLookupError,
} from "./lookups";
export type { LookupArgs, LookupOutputArgs } from "./lookups";
export type {
  ZoneInventory,
  ClusterInventory,
  HostInventory,
  PrimaryStorageInventory,
  BackupStorageInventory,
  L3NetworkInventory,
  V2VConversionHostInventory,
  VmInstanceInventory,
  VCenterInventory,
} from "../provider/client/inventories";
// V2vConversionHost
export { V2vConversionHost, V2V_CONVERSION_HOST_TYPE } from "./v2v-conversion-host";
export type { V2vConversionHostArgs, V2vConversionHostAdoptArgs } from "./v2v-conversion-host";
export type { V2vConversionHostInputs, V2vConversionHostOutputs } from "../provider/v2v-conversion-host/inputs";
// VCenter
export { VCenter, VCENTER_TYPE } from "./vcenter";
export type { VCenterArgs, VCenterAdoptArgs } from "./vcenter";
export type { VCenterInputs, VCenterOutputs } from "../provider/vcenter/inputs";
// MigrationPlan (a wave of migrations as data)
export { ZStackProgramError } from "./errors";
export { MigrationPlan, MIGRATION_PLAN_TYPE, migrationReport, planEntryNames } from "./migration-plan";
export type { MigrationPlanArgs, MigrationPlanEntry, MigrationPlanDefaults, ReportRow } from "./migration-plan";
