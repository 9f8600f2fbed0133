// GitOps pattern: the migration plan is data (migrations.json). A pull request adds, changes or
// removes entries; CI runs `pulumi preview` on the PR (which validates every entry and checks the
// referenced UUIDs against ZStack) and `pulumi up` on merge.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { V2vMigration } from "pulumi-zstack-migration";

interface Plan {
  defaults: {
    conversionHostUuid: string;
    primaryStorageUuid: string;
    l3NetworkUuids: string[];
    platform?: string;
    strategy?: string;
  };
  vms: Array<{
    name: string;
    source: string; // uuid of the VMware VM as registered in ZStack
    cpuNum: number;
    memoryGiB: number;
    l3NetworkUuids?: string[];
    defaultL3NetworkUuid?: string;
    strategy?: string;
  }>;
}

const plan: Plan = JSON.parse(fs.readFileSync(path.join(__dirname, "migrations.json"), "utf8"));
const GiB = 1024 ** 3;

const migrations = plan.vms.map(
  (vm) =>
    new V2vMigration(vm.name, {
      url: `vmware://${vm.source}`,
      name: vm.name,
      cpuNum: vm.cpuNum,
      memorySize: vm.memoryGiB * GiB,
      conversionHostUuid: plan.defaults.conversionHostUuid,
      primaryStorageUuid: plan.defaults.primaryStorageUuid,
      l3NetworkUuids: vm.l3NetworkUuids ?? plan.defaults.l3NetworkUuids,
      defaultL3NetworkUuid: vm.defaultL3NetworkUuid,
      platform: plan.defaults.platform,
      strategy: vm.strategy ?? plan.defaults.strategy,
      longJobName: `v2v ${vm.name}`,
    }),
);

/** VM name → uuid of the migrated ZStack VM */
export const vms = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.vmUuid]))).apply((pairs) => Object.fromEntries(pairs));
/** VM name → final long-job state */
export const states = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.state]))).apply((pairs) => Object.fromEntries(pairs));
