/**
 * The source VM of a V2vMigration: `sourceVmName` resolved to the VMware VM ZStack knows by that
 * name (a `VmInstance` with `hypervisorType` ESX, docs/zstack-wire.md §9), and the CPU count and
 * memory a migration defaults to. A recorded migration never resolves its source again: the values
 * recorded at create are carried over ({@link recordedSource}).
 */
import { VmInstanceInventory, ZStackClient, ZStackError, esxVmInstancesNamed, getVmInstance } from "../client";
import { distance } from "fastest-levenshtein";
import { jsonEqual } from "../core/values";

/** The source VM cannot be resolved: no VM, several, or not a VMware one. */
export class SourceVmError extends ZStackError {
  constructor(message: string) {
    super(message);
    this.name = "SourceVmError";
  }
}

/** `vmware://<32 hex>`: a VMware VM by the uuid of its ESX VmInstance in ZStack. */
const VMWARE_URL = /^vmware:\/\/([0-9a-fA-F]{32})$/;

/** `vmware://<32 hex>`: the uuid of the ESX VmInstance, or undefined for another url. */
export function vmwareUuidOf(url: unknown): string | undefined {
  const m = typeof url === "string" ? VMWARE_URL.exec(url) : null;
  return m ? m[1] : undefined;
}

/** A url that means a VMware source (`vmware://…`) but is not `vmware://<32 hex>`. */
export function isMalformedVmwareUrl(url: string): boolean {
  return /^vmware:\/\//i.test(url) && vmwareUuidOf(url) === undefined;
}

/** Why the VM a `vmware://` url names is no source: it is no ESX VM (undefined when it is one). */
export function notVmwareVm(vm: VmInstanceInventory, uuid: string): string | undefined {
  if (!vm.hypervisorType || vm.hypervisorType === "ESX") return undefined;
  return `the VM[uuid:${uuid}] named by url is a ${vm.hypervisorType} VM, not a VMware (ESX) VM known to ZStack through vCenter`;
}

export const vmwareUrl = (uuid: string): string => `vmware://${uuid}`;

/** The one ESX VM named `name`; throws an error naming the criteria and the candidates otherwise. */
export async function sourceVmByName(c: ZStackClient, name: string): Promise<VmInstanceInventory> {
  return oneSourceNamed(name, await esxVmInstancesNamed(c, name));
}

/**
 * The source VM named `name` among all ESX VMs ZStack listed (`check` lists them once per run); one
 * the listing does not have (created since) is looked up by name.
 */
export async function sourceVmFromListing(
  c: ZStackClient,
  listing: readonly VmInstanceInventory[],
  name: string,
): Promise<VmInstanceInventory> {
  const found = listing.filter((vm) => vm.name === name);
  if (found.length) return oneSourceNamed(name, found);
  try {
    return await sourceVmByName(c, name);
  } catch (e) {
    if (!(e instanceof SourceVmError)) throw e;
    const near = nearestNames(name, listing);
    if (near.length === 0) throw e;
    throw new SourceVmError(`${e.message}; did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?`);
  }
}

/**
 * The VMware VM names closest to a misspelled `name`: those the fewest edits away (at most 3, and at
 * most half its length), at most three.
 */
function nearestNames(name: string, listing: readonly VmInstanceInventory[]): string[] {
  const limit = Math.min(3, Math.floor(name.length / 2));
  const scored = [...new Set(listing.map((vm) => vm.name).filter((n): n is string => typeof n === "string"))]
    .map((n) => ({ n, d: distance(name.toLowerCase(), n.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored
    .filter((x) => x.d === scored[0].d)
    .slice(0, 3)
    .map((x) => x.n);
}

/** The one VM of `found` (the ESX VMs named `name`); an error naming the criteria and the candidates otherwise. */
function oneSourceNamed(name: string, found: readonly VmInstanceInventory[]): VmInstanceInventory {
  const criteria = `VmInstance with name=${JSON.stringify(name)} and hypervisorType=ESX`;
  if (found.length === 1 && found[0].uuid) return found[0];
  if (found.length === 0) throw new SourceVmError(`sourceVmName: no ${criteria} exists in ZStack`);
  const candidates = found.map((vm) => `${vm.uuid} (${JSON.stringify(vm.name)})`).join(", ");
  throw new SourceVmError(
    `sourceVmName: ${found.length} VMs match ${criteria}: ${candidates}; give url: "vmware://<uuid>" to choose one (in a MigrationPlan: source: "<uuid>")`,
  );
}

/** The ESX VM a `vmware://` url names; throws when ZStack has none (or it is not ESX). */
export async function sourceVmByUrl(c: ZStackClient, uuid: string): Promise<VmInstanceInventory> {
  const vm = await getVmInstance(c, uuid);
  if (!vm)
    throw new SourceVmError(
      `url: no VmInstance with uuid ${uuid} exists in ZStack, so cpuNum and memorySize cannot default to the source VM's; set them`,
    );
  const notVmware = notVmwareVm(vm, uuid);
  if (notVmware) throw new SourceVmError(`url: ${notVmware}`);
  return vm;
}

interface SourceInputs {
  url?: unknown;
  sourceVmName?: unknown;
  cpuNum?: unknown;
  memorySize?: unknown;
}

/**
 * `inputs` completed with what a recorded migration of the same source recorded: the url resolved
 * from an unchanged `sourceVmName`, and the CPU count and memory the program leaves unset. The
 * source is the same when the url given equals the recorded one, or, without a url, the name does.
 */
export function recordedSource<T extends SourceInputs>(recorded: SourceInputs | undefined, inputs: T): T {
  if (!recorded || typeof recorded.url !== "string") return inputs;
  const given = inputs.url !== undefined && inputs.url !== null;
  const same = given
    ? jsonEqual(inputs.url, recorded.url)
    : inputs.sourceVmName !== undefined && jsonEqual(inputs.sourceVmName, recorded.sourceVmName);
  if (!same) return inputs;
  const out: T = { ...inputs, url: recorded.url };
  for (const k of ["cpuNum", "memorySize"] as const) {
    if ((out[k] === undefined || out[k] === null) && recorded[k] !== undefined) out[k] = recorded[k];
  }
  return out;
}

/** `inputs` with the source's url, CPU count and memory filled in from `vm` where unset. */
export function withSourceDefaults<T extends SourceInputs>(inputs: T, vm: VmInstanceInventory): T {
  const out: T = { ...inputs };
  if (out.url === undefined || out.url === null) out.url = vmwareUrl(vm.uuid!);
  if ((out.cpuNum === undefined || out.cpuNum === null) && vm.cpuNum !== undefined) out.cpuNum = vm.cpuNum;
  if ((out.memorySize === undefined || out.memorySize === null) && vm.memorySize !== undefined)
    out.memorySize = vm.memorySize;
  return out;
}

/** Whether a source lookup is needed: no url yet, or a VMware url with unset CPU or memory. */
export function needsSource(inputs: SourceInputs): boolean {
  const unset = (x: unknown) => x === undefined || x === null;
  if (unset(inputs.url)) return typeof inputs.sourceVmName === "string";
  return vmwareUuidOf(inputs.url) !== undefined && (unset(inputs.cpuNum) || unset(inputs.memorySize));
}

/** The source VM of `inputs` (by name, else by `vmware://` url), resolved against ZStack. */
export function resolveSource(c: ZStackClient, inputs: SourceInputs): Promise<VmInstanceInventory> {
  const uuid = vmwareUuidOf(inputs.url);
  if (uuid) return sourceVmByUrl(c, uuid);
  return sourceVmByName(c, String(inputs.sourceVmName));
}
