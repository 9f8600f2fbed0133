// The quickstart program: migrate a few VMware VMs into ZStack and export a stopped ZStack VM as an
// OVA package. `./quickstart.sh` runs it against the embedded ZStack simulator; every UUID below
// can be pointed at a real ZStack with `pulumi config set zstack-migration-quickstart:<key> …`
// (and `zstack:endpoint` plus credentials, see the README).
import * as pulumi from "@pulumi/pulumi";
import { OvaPackage, V2vMigration } from "pulumi-zstack-migration";

const config = new pulumi.Config();

// Defaults: the simulator's seeded world (simulator/seed-uuids.ts, listed in docs/simulator.md).
const sim = {
  vmwareVms: [
    { name: "web-01", uuid: "24e0673e037a4cae904a40a071329d9e", cpuNum: 2, memoryGiB: 4 },
    { name: "web-02", uuid: "9366710c51954ee5be1793428a1139e8", cpuNum: 2, memoryGiB: 4 },
    { name: "db-01", uuid: "234c5f9ca5d0421fb0f742c1b4f3f34d", cpuNum: 4, memoryGiB: 8 },
  ],
  conversionHostUuid: "f93a4dd87b8849ea96e5b2df98aa1c8e",
  primaryStorageUuid: "568c8fb94e544ce798704424af05bcc2",
  l3NetworkUuid: "00800f4179084aeca86ddf019fc3e45c",
  exportVmUuid: "a5af1e606b5143f9b57edb0ce8d14264",
  backupStorageUuid: "da1d1df67794446da932739519c65751",
};

const GiB = 1024 * 1024 * 1024;
const vmwareVmUuids = config.getObject<string[]>("vmwareVmUuids");
const sources = vmwareVmUuids ? vmwareVmUuids.map((uuid, i) => ({ name: `migrated-${i + 1}`, uuid, cpuNum: 2, memoryGiB: 4 })) : sim.vmwareVms;
const l3NetworkUuid = config.get("l3NetworkUuid") ?? sim.l3NetworkUuid;

const migrations = sources.map(
  (vm) =>
    new V2vMigration(vm.name, {
      url: `vmware://${vm.uuid}`,
      name: vm.name,
      conversionHostUuid: config.get("conversionHostUuid") ?? sim.conversionHostUuid,
      cpuNum: vm.cpuNum,
      memorySize: vm.memoryGiB * GiB,
      primaryStorageUuid: config.get("primaryStorageUuid") ?? sim.primaryStorageUuid,
      l3NetworkUuids: [l3NetworkUuid],
      defaultL3NetworkUuid: l3NetworkUuid,
      platform: "Linux",
      strategy: "InstantStart",
      longJobName: `migrate ${vm.name}`,
    }),
);

const ova = new OvaPackage("app-template-ova", {
  vmUuid: config.get("exportVmUuid") ?? sim.exportVmUuid,
  backupStorageUuid: config.get("backupStorageUuid") ?? sim.backupStorageUuid,
  name: "app-template",
  description: "golden image exported by the quickstart",
});

/** migrated VM name → uuid of the new ZStack VM */
export const migratedVms = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.vmUuid]))).apply((pairs) => Object.fromEntries(pairs));
export const migrationStates = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.state]))).apply((pairs) => Object.fromEntries(pairs));
export const ovaExportUrl = ova.exportUrl;
export const ovaMd5Sum = ova.md5Sum;
export const ovaSize = ova.size;
