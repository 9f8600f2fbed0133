// A chain: convert a VMware VM into ZStack with strategy JustConvert (the new VM stays Stopped),
// then export that VM as an OVA package. The OvaPackage depends on the migration through its
// output `vmUuid`, so Pulumi runs them in order.
import { OvaPackage, V2vMigration } from "pulumi-zstack-migration";

// The simulator's default world (its seeded UUIDs: pulumi-zstack-migration's docs/simulator.md).
const world = {
  source: "303c77659086488ca50a81082e3d4573", // VMware VM "app-02"
  conversionHost: "f93a4dd87b8849ea96e5b2df98aa1c8e",
  primaryStorage: "568c8fb94e544ce798704424af05bcc2",
  l3Network: "00800f4179084aeca86ddf019fc3e45c",
  imageStore: "da1d1df67794446da932739519c65751",
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
