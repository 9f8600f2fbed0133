// A chain: convert a VMware VM into ZStack with strategy JustConvert (the new VM stays Stopped),
// then export that VM as an OVA package. The OvaPackage depends on the migration through its
// output `vmUuid`, so Pulumi runs them in order.
import * as pulumi from "@pulumi/pulumi";
import { OvaPackage, V2vMigration } from "pulumi-zstack-migration";
import { SEED_UUIDS } from "pulumi-zstack-migration/simulator";

// Each UUID can be set in the stack config; the defaults are the simulator's seeded world
// (SEED_UUIDS, listed in pulumi-zstack-migration's docs/simulator.md), so the example runs unchanged against `npx zstack-sim`.
const config = new pulumi.Config();
const world = {
  source: config.get("sourceVmUuid") ?? SEED_UUIDS.vmwareApp02, // VMware VM "vmware-app-02"
  conversionHost: config.get("conversionHostUuid") ?? SEED_UUIDS.convHost,
  primaryStorage: config.get("primaryStorageUuid") ?? SEED_UUIDS.primaryStorage,
  l3Network: config.get("l3NetworkUuid") ?? SEED_UUIDS.l3Private,
  imageStore: config.get("backupStorageUuid") ?? SEED_UUIDS.bsImageStore,
};

const migration = new V2vMigration("app-02", {
  url: `vmware://${world.source}`,
  name: "app-02",
  cpuNum: 2,
  memorySize: 4 * 1024 ** 3,
  conversionHostUuid: world.conversionHost,
  primaryStorageUuid: world.primaryStorage,
  l3NetworkUuids: [world.l3Network],
  strategy: "JustConvert", // leave the migrated VM Stopped: OVA export needs a Stopped VM
  // The migrated VM is a build artefact here: destroy and expunge it with the stack.
  deleteMigratedVm: true,
});

const ova = new OvaPackage("app-02-ova", {
  vmUuid: migration.vmUuid,
  backupStorageUuid: world.imageStore,
  name: "app-02",
});

export const migratedVmUuid = migration.vmUuid;
export const exportUrl = ova.exportUrl;
export const md5Sum = ova.md5Sum;
export const size = ova.size;
