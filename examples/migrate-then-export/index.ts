// A chain: convert a VMware VM into ZStack with strategy JustConvert (the new VM stays Stopped),
// then export that VM as an OVA package. The OvaPackage depends on the migration through its
// output `vmUuid`, so Pulumi runs them in order.
import * as pulumi from "@pulumi/pulumi";
import {
  OvaPackage,
  V2vMigration,
  getBackupStorageOutput,
  getL3NetworkOutput,
  getPrimaryStorageOutput,
  getV2vConversionHostOutput,
} from "pulumi-zstack-migration";

// Everything by name; each can be set in the stack config. The defaults are names in the
// simulator's seeded world (listed in pulumi-zstack-migration's docs/simulator.md), so the example
// runs unchanged against `npx zstack-sim`.
const config = new pulumi.Config();
const names = {
  source: config.get("sourceVmName") ?? "vmware-app-02", // a Stopped VMware VM
  conversionHost: config.get("conversionHost") ?? "v2v-conversion-host-1",
  primaryStorage: config.get("primaryStorage") ?? "PS-Local",
  l3Network: config.get("l3Network") ?? "L3-Private",
  imageStore: config.get("backupStorage") ?? "BS-ImageStore",
};

const migration = new V2vMigration("app-02", {
  sourceVmName: names.source,
  name: "app-02",
  cpuNum: 2, // smaller than the source's 4; memory stays the source's
  conversionHostUuid: getV2vConversionHostOutput({ name: names.conversionHost }).uuid,
  primaryStorageUuid: getPrimaryStorageOutput({ name: names.primaryStorage }).uuid,
  l3NetworkUuids: [getL3NetworkOutput({ name: names.l3Network }).uuid],
  strategy: "JustConvert", // leave the migrated VM Stopped: OVA export needs a Stopped VM
  // The migrated VM is a build artefact here: destroy and expunge it with the stack.
  deleteMigratedVm: true,
});

const ova = new OvaPackage("app-02-ova", {
  // a migration that is created has Succeeded (a failed one fails the up): its VM's uuid is known
  vmUuid: migration.vmUuid.apply((uuid) => {
    if (!uuid) throw new Error("the migration of app-02 recorded no migrated VM");
    return uuid;
  }),
  backupStorageUuid: getBackupStorageOutput({ name: names.imageStore }).uuid,
  name: "app-02",
});

export const migratedVmUuid = migration.vmUuid;
export const exportUrl = ova.exportUrl;
export const md5Sum = ova.md5Sum;
export const size = ova.size;
