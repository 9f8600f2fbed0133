/**
 * The vCenter side of the world (issue 20): simulated vCenter servers (`vcenterServers`) and the VMs
 * they hold (`vcenterVms`), which ZStack sees as ESX VmInstances only once a registration
 * (`vcenters`, AddVCenter) has synchronised them: at AddVCenter and at each SyncVCenter. The control
 * endpoint adds servers and VMs (`POST /_sim/vcenter/servers`, `POST /_sim/vcenter/vms`); a server's
 * `reachable` and `password` change with `PATCH /_sim/world/vcenterServers/{uuid}`.
 */
import { vcenterLoginFailed, vcenterUnreachable } from "../assumptions";
import { operr } from "../core/errors";
import { buildVm, esxVmSpec, GiB } from "./vm-factory";
import type { Row } from "./types";
import type { SimWorld } from "./world";

/** A bad control request: the control endpoint answers 400 with the message. */
export class VcenterSpecError extends Error {}

export interface VcenterNicSpec {
  /** the guest's IPv4 address as VMware Tools reports it; absent: the NIC has none */
  ip?: string;
  netmask?: string;
  gateway?: string;
  mac?: string;
}

export interface AddVcenterVmSpec {
  name: string;
  /** the vCenter server (default: the only one, or the seeded `vcenter.sim.local`) */
  domainName?: string;
  /** default 2 */
  cpuNum?: number;
  /** bytes, default 4 GiB */
  memorySize?: number;
  /** bytes of each disk, default one of 40 GiB */
  disks?: number[];
  /** "Running" (default) or "Stopped" */
  state?: string;
  platform?: string;
  guestOsType?: string;
  nics?: VcenterNicSpec[];
}

export interface AddVcenterServerSpec {
  domainName: string;
  username: string;
  password: string;
  /** default 443 */
  port?: number;
  /** default "7.0.3" */
  version?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: unknown): s is string {
  return typeof s === "string" && IPV4.test(s);
}

function text(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw new VcenterSpecError(`${what} must be a non-empty string`);
  return v;
}

function positive(v: unknown, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new VcenterSpecError(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

export function serverByDomain(w: SimWorld, domainName: string): Row | undefined {
  return w.list("vcenterServers").find((s) => s.domainName === domainName);
}

/** Adds a simulated vCenter server (the VMware side; ZStack knows it only after AddVCenter). */
export function addVcenterServer(w: SimWorld, spec: AddVcenterServerSpec): Row {
  const domainName = text(spec?.domainName, "domainName");
  if (serverByDomain(w, domainName)) throw new VcenterSpecError(`a vCenter server ${domainName} already exists`);
  return w.insert("vcenterServers", {
    uuid: w.prng.uuid(),
    domainName,
    username: text(spec.username, "username"),
    password: text(spec.password, "password"),
    port: positive(spec.port, "port", 443),
    version: spec.version === undefined ? "7.0.3" : text(spec.version, "version"),
    reachable: true,
  });
}

/**
 * Adds a VM to a simulated vCenter. ZStack does not see it until a registration of that vCenter is
 * synchronised (SyncVCenter, or AddVCenter). Its NICs carry the guest's IPv4 addresses.
 */
export function addVcenterVm(w: SimWorld, spec: AddVcenterVmSpec): Row {
  if (!spec || typeof spec !== "object") throw new VcenterSpecError('give a JSON object such as {"name": "web-03"}');
  const name = text(spec.name, "name");
  const servers = w.list("vcenterServers");
  const domainName = spec.domainName ?? (servers.length === 1 ? (servers[0].domainName as string) : undefined);
  if (!domainName || !serverByDomain(w, domainName))
    throw new VcenterSpecError(
      `domainName must name a simulated vCenter server (${servers.map((s) => String(s.domainName)).join(", ") || "none"})`,
    );
  const clash = [...w.list("vcenterVms"), ...w.list("vms")].find((vm) => vm.name === name);
  if (clash) throw new VcenterSpecError(`VM names must be unique: ${name} exists (uuid ${clash.uuid})`);
  const state = spec.state ?? "Running";
  if (state !== "Running" && state !== "Stopped")
    throw new VcenterSpecError(`state must be "Running" or "Stopped", got ${JSON.stringify(state)}`);
  const disks = spec.disks ?? [40 * GiB];
  if (!Array.isArray(disks) || disks.length === 0) throw new VcenterSpecError("disks must be a non-empty list");
  disks.forEach((d, i) => positive(d, `disks[${i}]`, 1));
  const nics = (spec.nics ?? []).map((n, i) => {
    if (n.ip !== undefined && !isIpv4(n.ip)) throw new VcenterSpecError(`nics[${i}].ip must be an IPv4 address`);
    return {
      ip: n.ip,
      netmask: n.netmask ?? (n.ip ? "255.255.255.0" : undefined),
      gateway: n.gateway,
      mac: n.mac ?? vmwareMac(w),
    };
  });
  return w.insert("vcenterVms", {
    uuid: w.prng.uuid(),
    domainName,
    name,
    cpuNum: positive(spec.cpuNum, "cpuNum", 2),
    memorySize: positive(spec.memorySize, "memorySize", 4 * GiB),
    disks,
    state,
    platform: spec.platform ?? "Linux",
    guestOsType: spec.guestOsType ?? "CentOS 7",
    nics,
  });
}

/** VMware's own OUI for generated MACs. */
function vmwareMac(w: SimWorld): string {
  const bytes = [0x00, 0x50, 0x56];
  for (let i = 0; i < 3; i++) bytes.push(w.prng.nextU32() & (i === 0 ? 0x3f : 255));
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * What AddVCenter/UpdateVCenter/SyncVCenter get when they log in: the server, or the operr ZStack
 * answers (unreachable, wrong credentials).
 */
export function loginToVcenter(
  w: SimWorld,
  login: { domainName: string; port?: number; username: string; password: string },
): Row {
  const server = serverByDomain(w, login.domainName);
  const port = login.port ?? 443;
  if (!server || server.reachable === false || (login.port !== undefined && server.port !== port))
    operr(vcenterUnreachable(login.domainName, port));
  if (server.username !== login.username || server.password !== login.password)
    operr(vcenterLoginFailed(login.domainName));
  return server;
}

/** The ESX VmNics of a vCenter VM: no ZStack L3 network, the guest's addresses (assumptions.ts). */
function esxNics(vm: Row, at: number): Row[] {
  return ((vm.nics as Record<string, unknown>[] | undefined) ?? []).map((n, i) => ({
    uuid: (n.uuid as string | undefined) ?? `${vm.uuid.slice(0, 24)}${String(i).padStart(8, "0")}`,
    vmInstanceUuid: vm.uuid,
    ip: n.ip,
    netmask: n.netmask,
    gateway: n.gateway,
    mac: n.mac,
    deviceId: i,
    type: "VNIC",
    ipVersion: 4,
    createDate: at,
    lastOpDate: at,
  }));
}

/**
 * Synchronises a registration: every VM of its vCenter server becomes (or updates) an ESX
 * VmInstance with the same uuid. Returns how many VMs ZStack knows of it.
 */
export function syncVcenter(w: SimWorld, vcenter: Row): number {
  const at = w.now();
  const vms = w.list("vcenterVms", (v) => v.domainName === vcenter.domainName);
  for (const src of vms) {
    const known = w.get("vms", src.uuid);
    const nics = esxNics(src, at);
    if (known) {
      const patch: Record<string, unknown> = {};
      for (const k of ["name", "cpuNum", "memorySize", "platform", "guestOsType"]) {
        if (known[k] !== src[k]) patch[k] = src[k];
      }
      if (
        JSON.stringify(((known.vmNics as Record<string, unknown>[]) ?? []).map((n) => [n.mac, n.ip])) !==
        JSON.stringify(nics.map((n) => [n.mac as unknown, n.ip as unknown]))
      )
        patch.vmNics = nics;
      if (Object.keys(patch).length) w.update("vms", src.uuid, patch);
      if (known.state !== src.state) w.setVmState(src.uuid, src.state as string);
      continue;
    }
    const vm = buildVm(
      esxVmSpec({
        uuid: src.uuid,
        name: src.name as string,
        state: src.state as string,
        cpuNum: src.cpuNum as number,
        memorySize: src.memorySize as number,
        disks: src.disks as number[],
        platform: src.platform as string,
        guestOsType: src.guestOsType as string,
        createdAt: at,
      }),
      w.prng,
      w.tables.l3Networks,
      [],
    );
    vm.vmNics = nics;
    w.tables.vms.set(vm.uuid, vm);
  }
  // a VM deleted from vCenter stays known to ZStack (assumptions.ts, VCENTER_SYNC)
  w.changed();
  return vms.length;
}

/**
 * The vCenter-side row of each VM `addVmwareVms` (or the default world) creates on the first
 * vCenter server: such VMs are known to ZStack already, and stay so through syncs.
 */
export function vcenterRowOf(row: Row, domainName: string, disks: number[]): Row {
  const vm: Record<string, unknown> = row;
  return {
    uuid: row.uuid,
    domainName,
    name: vm.name,
    cpuNum: vm.cpuNum,
    memorySize: vm.memorySize,
    disks,
    state: vm.state,
    platform: vm.platform,
    guestOsType: vm.guestOsType,
    nics: [],
    createDate: vm.createDate,
    lastOpDate: vm.lastOpDate,
  };
}

/** The ESX VmInstances a registration brought into ZStack (its server's VMs that ZStack knows). */
export function vmsOfVcenter(w: SimWorld, vcenter: Row): Row[] {
  return w
    .list("vcenterVms", (v) => v.domainName === vcenter.domainName)
    .map((v) => w.get("vms", v.uuid))
    .filter((v): v is Row => v !== undefined);
}
