// The quickstart program, entirely by name: register a V2V conversion host on a KVM host, migrate a
// few VMware VMs into ZStack through it, and export a stopped ZStack VM as an OVA package.
// `./quickstart.sh` runs it against the embedded ZStack simulator; every name below can be pointed at
// a real ZStack with `pulumi config set zstack-migration-quickstart:<key> …` (and `zstack:endpoint`
// plus credentials, see the README).
import * as pulumi from "@pulumi/pulumi";
import {
  OvaPackage,
  V2vConversionHost,
  V2vMigration,
  getBackupStorageOutput,
  getHostOutput,
  getL3NetworkOutput,
  getPrimaryStorageOutput,
  getVmInstanceOutput,
} from "pulumi-zstack-migration";

const config = new pulumi.Config();

// Defaults: the names in the simulator's seeded world (listed in docs/simulator.md).
const names = {
  /** VMware VMs as ZStack knows them (through vCenter) → the names of the migrated VMs */
  vmwareVms: config.getObject<Record<string, string>>("vmwareVms") ?? {
    "web-01": "vmware-web-01",
    "web-02": "vmware-web-02",
    "db-01": "vmware-db-01",
  },
  /** the KVM host that converts, and the directory it converts into */
  conversionKvmHost: config.get("conversionKvmHost") ?? "kvm-host-3",
  conversionStoragePath: config.get("conversionStoragePath") ?? "/zstack/v2v-quickstart",
  primaryStorage: config.get("primaryStorage") ?? "PS-Local",
  l3Network: config.get("l3Network") ?? "L3-Private",
  exportVm: config.get("exportVm") ?? "legacy-db-1",
  backupStorage: config.get("backupStorage") ?? "BS-ImageStore",
};

const conversionHost = new V2vConversionHost("quickstart-conversion-host", {
  name: "quickstart-conversion-host",
  hostUuid: getHostOutput({ name: names.conversionKvmHost }).uuid,
  storagePath: names.conversionStoragePath,
  type: "VMWARE",
});
const primaryStorageUuid = getPrimaryStorageOutput({ name: names.primaryStorage }).uuid;
const l3NetworkUuid = getL3NetworkOutput({ name: names.l3Network }).uuid;

const migrations = Object.entries(names.vmwareVms).map(
  ([name, sourceVmName]) =>
    new V2vMigration(name, {
      sourceVmName, // CPU and memory default to the source VM's
      name,
      conversionHostUuid: conversionHost.uuid,
      primaryStorageUuid,
      l3NetworkUuids: [l3NetworkUuid],
      defaultL3NetworkUuid: l3NetworkUuid,
      platform: "Linux",
      strategy: "InstantStart",
      longJobName: `migrate ${name}`,
    }),
);

const ova = new OvaPackage("app-template-ova", {
  vmUuid: getVmInstanceOutput({ name: names.exportVm, filters: { hypervisorType: "KVM" } }).uuid,
  backupStorageUuid: getBackupStorageOutput({ name: names.backupStorage }).uuid,
  name: "app-template",
  description: "golden image exported by the quickstart",
});

export const conversionHostUuid = conversionHost.uuid;
/** migrated VM name → uuid of the new ZStack VM */
export const migratedVms = pulumi
  .all(migrations.map((m) => pulumi.all([m.name, m.vmUuid])))
  .apply((pairs) => Object.fromEntries(pairs));
export const migrationStates = pulumi
  .all(migrations.map((m) => pulumi.all([m.name, m.state])))
  .apply((pairs) => Object.fromEntries(pairs));
export const ovaExportUrl = ova.exportUrl;
export const ovaMd5Sum = ova.md5Sum;
export const ovaSize = ova.size;
