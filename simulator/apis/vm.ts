/**
 * VmInstance APIs the providers need around migrations and exports (docs/zstack-wire.md §9).
 */
import {
  STATIC_IP_FAULT_DETAILS,
  invalidIpv4,
  ipInUse,
  ipOutsideRanges,
  noNicOnL3,
  vmStateNotAllowed,
} from "../assumptions";
import { ApiFailure, argerr, errorCode, operr } from "../core/errors";
import { text } from "../core/text";
import type { ApiContext, ApiDef, ApiOutcome } from "../http/api";
import type { Row } from "../world/types";
import { isIpv4 } from "../world/vcenter";
import { ipInRange } from "../world/vm-factory";
import { actionApi, INVENTORIES, queryApis } from "./resources";
import { coerce, requireRow, validateFields, type FieldRule } from "./validate";

const VM = "org.zstack.header.vm";

/** VmInstanceBase.validateOperationByState: VM.1010 with the allowed states. */
function checkState(vm: Row, msgName: string, allowed: readonly string[]): void {
  if (allowed.includes(vm.state as string)) return;
  throw new ApiFailure(errorCode("VM.1010", vmStateNotAllowed(vm.state as string, `${VM}.${msgName}`, allowed)));
}

function requireVm(ctx: ApiContext) {
  return requireRow(ctx.world, "vms", String(ctx.params.uuid), "VmInstanceVO");
}

const STOP_RULES: FieldRule[] = [{ name: "type", validValues: ["grace", "cold"] }];

function stopVm(ctx: ApiContext) {
  const vm = requireVm(ctx);
  const p = coerce(STOP_RULES, ctx.params);
  validateFields(ctx.world, `${VM}.APIStopVmInstanceMsg`, STOP_RULES, p);
  if (vm.state === "Stopped") return { inventory: vm };
  checkState(vm, "StopVmInstanceMsg", ["Running", "Paused", "Unknown", "Stopping", "Starting", "Crashed"]);
  return { inventory: ctx.world.setVmState(vm.uuid, "Stopped") };
}

function startVm(ctx: ApiContext) {
  const vm = requireVm(ctx);
  if (vm.state === "Running") return { inventory: vm };
  checkState(vm, "StartVmInstanceMsg", ["Stopped", "Created", "Starting"]);
  if (ctx.params.hostUuid) {
    const host = requireRow(ctx.world, "hosts", text(ctx.params.hostUuid), "HostVO", "hostUuid");
    ctx.world.update("vms", vm.uuid, { lastHostUuid: host.uuid, hostUuid: host.uuid });
  }
  return { inventory: ctx.world.setVmState(vm.uuid, "Running") };
}

/** DestroyVmInstance: successIfResourceNotExisting; the VM stays queryable as Destroyed. */
function destroyVm(ctx: ApiContext) {
  const vm = ctx.world.get("vms", String(ctx.params.uuid));
  if (!vm || vm.state === "Destroyed") return {};
  ctx.world.setVmState(vm.uuid, "Destroyed");
  return {};
}

function expungeVm(ctx: ApiContext) {
  const vm = requireVm(ctx);
  checkState(vm, "ExpungeVmInstanceMsg", ["Destroyed"]);
  // ImagePackageVO.vmUuid is ON DELETE SET NULL (§8.2)
  for (const pkg of ctx.world.list("imagePackages", (x) => x.vmUuid === vm.uuid)) delete pkg.vmUuid;
  ctx.world.delete("vms", vm.uuid);
  return {};
}

function recoverVm(ctx: ApiContext) {
  const vm = requireVm(ctx);
  checkState(vm, "RecoverVmInstanceMsg", ["Destroyed"]);
  return { inventory: ctx.world.setVmState(vm.uuid, "Stopped") };
}

const STATIC_IP_RULES: FieldRule[] = [
  { name: "vmInstanceUuid", required: true, resource: { table: "vms", type: "VmInstanceVO" } },
  { name: "l3NetworkUuid", required: true, resource: { table: "l3Networks", type: "L3NetworkVO" } },
  { name: "ip" },
  { name: "ip6" },
  { name: "netmask" },
  { name: "gateway" },
  { name: "ipv6Gateway" },
  { name: "ipv6Prefix" },
];

/** SetVmStaticIp (zstack-api.md §12.5): pins `ip` on the VM's NIC on the L3 network, refusals in assumptions.ts. */
function setVmStaticIp(ctx: ApiContext) {
  const { world } = ctx;
  const p = coerce(STATIC_IP_RULES, ctx.params);
  validateFields(world, `${VM}.APISetVmStaticIpMsg`, STATIC_IP_RULES, p);
  const vm = world.get("vms", text(p.vmInstanceUuid))!;
  const l3 = world.get("l3Networks", text(p.l3NetworkUuid))!;
  if (p.ip === undefined) return { inventory: vm };
  const ip = text(p.ip);
  if (!isIpv4(ip)) argerr(invalidIpv4(ip));
  const nics = (vm.vmNics as Row[] | undefined) ?? [];
  const nic = nics.find((n) => n.l3NetworkUuid === l3.uuid);
  if (!nic) argerr(noNicOnL3(vm.uuid, l3.uuid));
  if (nic.ip === ip) return { inventory: vm };
  const fault = world.hooks.takeFailure("static-ip");
  if (fault) operr(fault.details ?? STATIC_IP_FAULT_DETAILS);
  const range = ((l3.ipRanges as Row[] | undefined) ?? []).find((r) => ipInRange(ip, r));
  if (!range) argerr(ipOutsideRanges(ip, l3.uuid));
  for (const other of world.list("vms"))
    for (const n of (other.vmNics as Row[] | undefined) ?? [])
      if (n.l3NetworkUuid === l3.uuid && n.ip === ip && n.uuid !== nic.uuid) argerr(ipInUse(ip, l3.uuid, n.uuid));
  const now = world.now();
  Object.assign(nic, {
    ip,
    netmask: (p.netmask as string | undefined) ?? (range.netmask as unknown),
    gateway: (p.gateway as string | undefined) ?? (range.gateway as unknown),
    lastOpDate: now,
  });
  const tags = world.tags.get(vm.uuid) ?? {};
  const system = (tags.system ?? []).filter((t) => !t.startsWith(`staticIp::${l3.uuid}::`));
  world.tags.set(vm.uuid, { ...tags, system: [...system, `staticIp::${l3.uuid}::${ip}`] });
  return { inventory: world.update("vms", vm.uuid, { vmNics: nics }) };
}

const ACTIONS = "/v1/vm-instances/{uuid}/actions";
const action = (name: string, wrapper: string, handle: (ctx: ApiContext) => ApiOutcome) =>
  actionApi(VM, ACTIONS, name, wrapper, handle);

export const VM_APIS: ApiDef[] = [
  ...queryApis("QueryVmInstance", `${VM}.APIQueryVmInstanceMsg`, "/v1/vm-instances", INVENTORIES.vm),
  action("StopVmInstance", "stopVmInstance", stopVm),
  action("StartVmInstance", "startVmInstance", startVm),
  action("ExpungeVmInstance", "expungeVmInstance", expungeVm),
  action("RecoverVmInstance", "recoverVmInstance", recoverVm),
  actionApi(VM, "/v1/vm-instances/{vmInstanceUuid}/actions", "SetVmStaticIp", "setVmStaticIp", setVmStaticIp),
  {
    name: "DestroyVmInstance",
    msgClass: `${VM}.APIDestroyVmInstanceMsg`,
    method: "DELETE",
    path: "/v1/vm-instances/{uuid}",
    kind: "async",
    auth: true,
    handle: destroyVm,
  },
];
