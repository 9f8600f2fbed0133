// GitOps pattern: the migration plan is data (migrations.json), by name only. A pull request adds,
// changes or removes entries; CI runs `pulumi preview` on the PR (which resolves every name against
// ZStack, validates every entry and checks the references) and `pulumi up` on merge.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { V2vMigration, getL3NetworkOutput, getPrimaryStorageOutput, getV2vConversionHostOutput } from "pulumi-zstack-migration";

type Platform = "Linux" | "Windows" | "WindowsVirtio" | "Paravirtualization" | "Other";
type Strategy = "InstantStart" | "JustConvert";

interface Plan {
  defaults: {
    conversionHost: string;
    primaryStorage: string;
    l3Networks: string[];
    platform?: Platform;
    strategy?: Strategy;
  };
  vms: Array<{
    /** name of the migrated VM (and of the Pulumi resource) */
    name: string;
    /** name of the VMware VM as ZStack knows it (through vCenter) */
    source: string;
    /** only where they differ from the source VM's */
    cpuNum?: number;
    memoryGiB?: number;
    l3Networks?: string[];
    defaultL3Network?: string;
    strategy?: Strategy;
  }>;
}

const plan = JSON.parse(fs.readFileSync(path.join(__dirname, "migrations.json"), "utf8")) as Plan;
const GiB = 1024 ** 3;

// every name is looked up once, however many entries use it
const l3Uuids = new Map<string, pulumi.Output<string>>();
const l3 = (name: string) => l3Uuids.get(name) ?? l3Uuids.set(name, getL3NetworkOutput({ name }).uuid).get(name)!;
const conversionHostUuid = getV2vConversionHostOutput({ name: plan.defaults.conversionHost }).uuid;
const primaryStorageUuid = getPrimaryStorageOutput({ name: plan.defaults.primaryStorage }).uuid;

const migrations = plan.vms.map(
  (vm) =>
    new V2vMigration(vm.name, {
      sourceVmName: vm.source,
      name: vm.name,
      cpuNum: vm.cpuNum,
      memorySize: vm.memoryGiB === undefined ? undefined : vm.memoryGiB * GiB,
      conversionHostUuid,
      primaryStorageUuid,
      l3NetworkUuids: (vm.l3Networks ?? plan.defaults.l3Networks).map(l3),
      defaultL3NetworkUuid: vm.defaultL3Network === undefined ? undefined : l3(vm.defaultL3Network),
      platform: plan.defaults.platform,
      strategy: vm.strategy ?? plan.defaults.strategy,
      longJobName: `v2v ${vm.name}`,
    }),
);

/** VM name → uuid of the migrated ZStack VM */
export const vms = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.vmUuid]))).apply((pairs) => Object.fromEntries(pairs));
/** VM name → final long-job state */
export const states = pulumi.all(migrations.map((m) => pulumi.all([m.name, m.state]))).apply((pairs) => Object.fromEntries(pairs));
