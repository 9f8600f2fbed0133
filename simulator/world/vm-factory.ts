/**
 * Builds VmInstance inventories (with vmNics and allVolumes) for the default world and for the VMs
 * a V2V conversion creates.
 */
import type { Prng } from "../core/prng";
import type { Row } from "./types";

export const GiB = 1024 ** 3;

export interface VolumeSpec {
  size: number;
  /** bytes really used; defaults to 40 % of size */
  actualSize?: number;
}

export interface VmSpec {
  uuid: string;
  name: string;
  description?: string;
  state: string;
  hypervisorType: string;
  cpuNum: number;
  memorySize: number;
  platform?: string;
  guestOsType?: string;
  type?: string;
  zoneUuid?: string;
  clusterUuid?: string;
  hostUuid?: string;
  lastHostUuid?: string;
  primaryStorageUuid?: string;
  l3NetworkUuids: string[];
  defaultL3NetworkUuid?: string;
  volumes: VolumeSpec[];
  createdAt: number;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Whether `ip` is inside an IP range (`startIp`..`endIp`) of an L3 network. */
export function ipInRange(ip: string, range: Row): boolean {
  const n = ipToInt(ip);
  return n >= ipToInt(range.startIp as string) && n <= ipToInt(range.endIp as string);
}

/** First free address of the L3 network's ranges, given the VMs that exist. */
export function allocateIp(
  l3: Row | undefined,
  vms: Iterable<Row>,
): { ip?: string; netmask?: string; gateway?: string } {
  if (!l3 || !Array.isArray(l3.ipRanges) || l3.ipRanges.length === 0) return {};
  const used = new Set<string>();
  for (const vm of vms) {
    for (const nic of (vm.vmNics as Row[] | undefined) ?? [])
      if (nic.l3NetworkUuid === l3.uuid && nic.ip) used.add(nic.ip as string);
  }
  for (const r of l3.ipRanges as Row[]) {
    for (let n = ipToInt(r.startIp as string); n <= ipToInt(r.endIp as string); n++) {
      const ip = intToIp(n);
      if (!used.has(ip))
        return { ip, netmask: r.netmask as string | undefined, gateway: r.gateway as string | undefined };
    }
  }
  return {};
}

function mac(prng: Prng): string {
  const bytes = [0xfa];
  for (let i = 0; i < 5; i++) bytes.push(prng.nextU32() & 255);
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

export function buildVm(spec: VmSpec, prng: Prng, l3s: Map<string, Row>, existingVms: Iterable<Row>): Row {
  const at = spec.createdAt;
  const vmNics = spec.l3NetworkUuids.map((l3Uuid, i) => {
    const addr = allocateIp(l3s.get(l3Uuid), existingVms);
    return {
      uuid: prng.uuid(),
      vmInstanceUuid: spec.uuid,
      l3NetworkUuid: l3Uuid,
      ip: addr.ip,
      netmask: addr.netmask,
      gateway: addr.gateway,
      mac: mac(prng),
      deviceId: i,
      type: "VNIC",
      ipVersion: 4,
      createDate: at,
      lastOpDate: at,
    };
  });
  const allVolumes = spec.volumes.map((v, i) => {
    const uuid = prng.uuid();
    return {
      uuid,
      name: i === 0 ? `ROOT-for-${spec.name}` : `DATA-${i}-for-${spec.name}`,
      primaryStorageUuid: spec.primaryStorageUuid,
      vmInstanceUuid: spec.uuid,
      type: i === 0 ? "Root" : "Data",
      format: spec.hypervisorType === "ESX" ? "vmdk" : "qcow2",
      size: v.size,
      actualSize: v.actualSize ?? Math.round(v.size * 0.4),
      deviceId: i,
      state: "Enabled",
      status: "Ready",
      isShareable: false,
      installPath: spec.primaryStorageUuid
        ? `/zstack_ps/rootVolumes/acct-36c27e8f/vol-${uuid}/${uuid}.qcow2`
        : undefined,
      createDate: at,
      lastOpDate: at,
    };
  });
  return {
    uuid: spec.uuid,
    name: spec.name,
    description: spec.description,
    zoneUuid: spec.zoneUuid,
    clusterUuid: spec.clusterUuid,
    hostUuid: spec.state === "Running" ? spec.hostUuid : undefined,
    lastHostUuid: spec.lastHostUuid ?? spec.hostUuid,
    rootVolumeUuid: allVolumes[0]?.uuid,
    defaultL3NetworkUuid: spec.defaultL3NetworkUuid ?? spec.l3NetworkUuids[0],
    platform: spec.platform ?? "Linux",
    guestOsType: spec.guestOsType,
    type: spec.type ?? "UserVm",
    hypervisorType: spec.hypervisorType,
    architecture: "x86_64",
    cpuNum: spec.cpuNum,
    cpuSpeed: 0,
    memorySize: spec.memorySize,
    reservedMemorySize: 0,
    allocatorStrategy: spec.hypervisorType === "KVM" ? "LastHostPreferredAllocatorStrategy" : undefined,
    state: spec.state,
    createDate: at,
    lastOpDate: at,
    vmNics,
    allVolumes,
  };
}

/** What tells one VMware source VM from another; the rest is the same for all of them. */
export interface EsxVmSpec {
  uuid: string;
  name: string;
  state: string;
  cpuNum: number;
  memorySize: number;
  /** bytes of each disk, the first one the root disk */
  disks: number[];
  platform: string;
  guestOsType: string;
  createdAt: number;
}

/**
 * A VMware VM as ZStack's vCenter integration registers it (hypervisorType ESX, no NICs on ZStack
 * networks, vmdk volumes half used): the default world's `vmware-*` VMs and `sim.addVmwareVms`.
 */
export function esxVmSpec(s: EsxVmSpec): VmSpec {
  return {
    uuid: s.uuid,
    name: s.name,
    description: "VMware VM known through the vCenter integration",
    state: s.state,
    hypervisorType: "ESX",
    cpuNum: s.cpuNum,
    memorySize: s.memorySize,
    platform: s.platform,
    guestOsType: s.guestOsType,
    l3NetworkUuids: [],
    volumes: s.disks.map((bytes) => ({ size: bytes, actualSize: Math.round(bytes * 0.5) })),
    createdAt: s.createdAt,
  };
}

/** Sum of volume sizes (or of actual sizes) of a VM row. */
export function vmVolumeBytes(vm: Row, which: "size" | "actualSize" = "size"): number {
  return ((vm.allVolumes as Row[] | undefined) ?? []).reduce((sum, v) => sum + (Number(v[which] ?? v.size) || 0), 0);
}
