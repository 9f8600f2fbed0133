/**
 * VmInstance APIs the providers need around migrations and exports (docs/zstack-wire.md §9).
 */
import { vmStateNotAllowed } from "../assumptions";
import { ApiFailure, errorCode } from "../core/errors";
import { text } from "../core/text";
import type { ApiContext, ApiDef, ApiOutcome } from "../http/api";
import type { Row } from "../world/types";
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

const ACTIONS = "/v1/vm-instances/{uuid}/actions";
const action = (name: string, wrapper: string, handle: (ctx: ApiContext) => ApiOutcome) =>
  actionApi(VM, ACTIONS, name, wrapper, handle);

export const VM_APIS: ApiDef[] = [
  ...queryApis("QueryVmInstance", `${VM}.APIQueryVmInstanceMsg`, "/v1/vm-instances", INVENTORIES.vm),
  action("StopVmInstance", "stopVmInstance", stopVm),
  action("StartVmInstance", "startVmInstance", startVm),
  action("ExpungeVmInstance", "expungeVmInstance", expungeVm),
  action("RecoverVmInstance", "recoverVmInstance", recoverVm),
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
