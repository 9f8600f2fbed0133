// GitOps pattern: the migration wave is data (wave.yaml), by name only. A pull request adds, changes
// or removes entries; CI runs `pulumi preview` on the PR (which resolves every name against ZStack,
// validates every entry, checks the capacity the wave needs and refuses to migrate a VM twice) and
// `pulumi up` on merge, which converts at most `maxInFlight` VMs at once on the conversion host.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  MigrationPlan,
  MigrationPlanEntry,
  getL3NetworkOutput,
  getPrimaryStorageOutput,
  getV2vConversionHostOutput,
} from "pulumi-zstack-migration";

type Platform = "Linux" | "Windows" | "WindowsVirtio" | "Paravirtualization" | "Other";
type Strategy = "InstantStart" | "JustConvert";

interface Wave {
  maxInFlight?: number;
  defaults: {
    conversionHost: string;
    primaryStorage: string;
    l3Networks: string[];
    platform?: Platform;
    strategy?: Strategy;
  };
  vms: Array<{
    /** name of the VMware VM as ZStack knows it (through vCenter) */
    source: string;
    /** name of the migrated VM; default: the source's */
    name?: string;
    /** only where they differ from the source VM's */
    cpuNum?: number;
    memoryGiB?: number;
    l3Networks?: string[];
    defaultL3Network?: string;
    strategy?: Strategy;
    /** keep a migrated VM as it is while its entry says otherwise (the re-migration guard) */
    ignoreChanges?: string[];
    /** migrate it again: a second conversion and a second VM */
    allowRemigration?: boolean;
    /** on removal from the wave, also destroy and expunge the migrated VM */
    deleteMigratedVm?: boolean;
  }>;
}

const wave = parse(fs.readFileSync(path.join(__dirname, "wave.yaml"), "utf8")) as Wave;
const GiB = 1024 ** 3;

// every name is looked up once, however many entries use it
const l3Uuids = new Map<string, pulumi.Output<string>>();
const l3 = (name: string) => l3Uuids.get(name) ?? l3Uuids.set(name, getL3NetworkOutput({ name }).uuid).get(name)!;

const plan = new MigrationPlan("wave", {
  maxInFlight: wave.maxInFlight,
  defaults: {
    conversionHostUuid: getV2vConversionHostOutput({ name: wave.defaults.conversionHost }).uuid,
    primaryStorageUuid: getPrimaryStorageOutput({ name: wave.defaults.primaryStorage }).uuid,
    l3NetworkUuids: wave.defaults.l3Networks.map(l3),
    platform: wave.defaults.platform,
    strategy: wave.defaults.strategy,
  },
  vms: wave.vms.map((vm): MigrationPlanEntry => ({
    source: vm.source,
    name: vm.name,
    cpuNum: vm.cpuNum,
    memorySize: vm.memoryGiB === undefined ? undefined : vm.memoryGiB * GiB,
    l3NetworkUuids: vm.l3Networks?.map(l3),
    defaultL3NetworkUuid: vm.defaultL3Network === undefined ? undefined : l3(vm.defaultL3Network),
    strategy: vm.strategy,
    ignoreChanges: vm.ignoreChanges,
    allowRemigration: vm.allowRemigration,
    deleteMigratedVm: vm.deleteMigratedVm,
  })),
});

/** VM name → uuid of the migrated ZStack VM */
export const vms = plan.vmUuids;
/** VM name → final long-job state */
export const states = plan.states;
/** the wave as a Markdown table, for a pull-request comment: `pulumi stack output report` */
export const report = plan.report;
