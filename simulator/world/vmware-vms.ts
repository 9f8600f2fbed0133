/**
 * Bulk VMware source VMs (`sim.addVmwareVms`, `POST /_sim/vmware-vms`), for tests and benchmarks that
 * migrate tens or hundreds of VMs. Each is built like the default world's `vmware-web-01`.
 */
import { buildVm, esxVmSpec, GiB } from "./vm-factory";
import type { Row } from "./types";
import type { SimWorld } from "./world";
import { vcenterRowOf } from "./vcenter";

export interface AddVmwareVmsSpec {
  /** how many VMs, 1 to 999 */
  count: number;
  /** names are `${prefix}-01`, `-02`, … (`-100` on from the 100th); default "vmware-vm" */
  prefix?: string;
  /** number of the first VM, default 1 (to add more VMs under a prefix already used) */
  start?: number;
  /** default 2 */
  cpuNum?: number;
  /** bytes, default 4 GiB */
  memorySize?: number;
  /** one disk of this many bytes (default 40 GiB: a 20-minute conversion); or `disks` */
  diskBytes?: number;
  /** bytes of each disk, the first one the root disk */
  disks?: number[];
  /** "Running" (default) or "Stopped" */
  state?: string;
  /** default "Linux" */
  platform?: string;
  /** default "CentOS 7" */
  guestOsType?: string;
}

export const DEFAULT_VMWARE_VM_PREFIX = "vmware-vm";
export const MAX_VMWARE_VMS = 999;

/** The spec's fault: thrown with a message naming the field (the control endpoint answers 400). */
export class VmwareVmsError extends Error {}

function positiveInt(v: unknown, what: string, max?: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || (max !== undefined && v > max)) {
    throw new VmwareVmsError(
      `${what} must be an integer from 1${max !== undefined ? ` to ${max}` : ""}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function optionalText(v: unknown, what: string, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || v === "")
    throw new VmwareVmsError(`${what} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** The VM names a spec creates: two digits up to 99, three beyond. */
export function vmwareVmNames(prefix: string, start: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(start + i).padStart(2, "0")}`);
}

/**
 * Adds `count` ESX VmInstances and returns their rows. All or nothing: a name that some VM already
 * has (or an invalid field) refuses the whole call before anything is created.
 */
export function addVmwareVms(w: SimWorld, input: AddVmwareVmsSpec): Row[] {
  if (!input || typeof input !== "object") throw new VmwareVmsError('give a JSON object such as {"count": 12}');
  const count = positiveInt(input.count, "count", MAX_VMWARE_VMS);
  const start = input.start === undefined ? 1 : positiveInt(input.start, "start");
  if (start + count - 1 > MAX_VMWARE_VMS)
    throw new VmwareVmsError(`start + count - 1 must be at most ${MAX_VMWARE_VMS} (three digits)`);
  const prefix = optionalText(input.prefix, "prefix", DEFAULT_VMWARE_VM_PREFIX);
  const cpuNum = input.cpuNum === undefined ? 2 : positiveInt(input.cpuNum, "cpuNum", 1024);
  const memorySize = input.memorySize === undefined ? 4 * GiB : positiveInt(input.memorySize, "memorySize");
  if (input.diskBytes !== undefined && input.disks !== undefined)
    throw new VmwareVmsError("give diskBytes or disks, not both");
  let disks: number[];
  if (input.disks !== undefined) {
    if (!Array.isArray(input.disks) || input.disks.length === 0)
      throw new VmwareVmsError("disks must be a non-empty list of sizes in bytes");
    disks = input.disks.map((d, i) => positiveInt(d, `disks[${i}]`));
  } else {
    disks = [input.diskBytes === undefined ? 40 * GiB : positiveInt(input.diskBytes, "diskBytes")];
  }
  const state = optionalText(input.state, "state", "Running");
  if (state !== "Running" && state !== "Stopped")
    throw new VmwareVmsError(`state must be "Running" or "Stopped", got ${JSON.stringify(state)}`);
  const platform = optionalText(input.platform, "platform", "Linux");
  const guestOsType = optionalText(input.guestOsType, "guestOsType", "CentOS 7");

  const names = vmwareVmNames(prefix, start, count);
  const taken = new Map<string, string>();
  for (const vm of w.tables.vms.values()) taken.set(String(vm.name), vm.uuid);
  for (const vm of w.tables.vcenterVms.values()) taken.set(String(vm.name), vm.uuid);
  const clashes = names.filter((n) => taken.has(n));
  if (clashes.length) {
    const shown = clashes.slice(0, 5).map((n) => `${n} (uuid ${taken.get(n)})`);
    throw new VmwareVmsError(
      `VM names must be unique: ${clashes.length} of the names to create already exist: ${shown.join(", ")}${clashes.length > 5 ? ", …" : ""}; ` +
        `choose another prefix or a start after the last number used`,
    );
  }

  const at = w.now();
  const created: Row[] = [];
  for (const name of names) {
    const vm = buildVm(
      esxVmSpec({ uuid: w.prng.uuid(), name, state, cpuNum, memorySize, disks, platform, guestOsType, createdAt: at }),
      w.prng,
      w.tables.l3Networks,
      w.tables.vms.values(),
    );
    w.tables.vms.set(vm.uuid, vm);
    // the VM is in the first simulated vCenter too, so that a SyncVCenter keeps it as it is
    const server = w.list("vcenterServers")[0];
    if (server) w.tables.vcenterVms.set(vm.uuid, vcenterRowOf(vm, server.domainName as string, disks));
    created.push(vm);
  }
  w.changed();
  return created;
}
