/**
 * ExportVmOvaPackage and the ImagePackage APIs (docs/zstack-wire.md §8). Parameters are read only from the
 * `params` wrapper; a body without it is an empty message that fails on the poll (§1.2).
 */
import { OVA_API_TIMEOUT_MS, OVA_NO_GENERIC_RESOURCE_CHECK } from "../assumptions";
import { argerr, operr } from "../core/errors";
import type { ApiContext, ApiDef } from "../http/api";
import * as exportsEngine from "../world/exports";
import { vmVolumeBytes } from "../world/vm-factory";
import { actionApi, IMAGE_PACKAGE_QUERY, queryApis } from "./resources";
import {
  checkResourceUuidFormat,
  checkResourceUuidFree,
  coerce,
  requireRow,
  validateFields,
  type FieldRule,
} from "./validate";

/** The OVF module's API messages ([MCP] `apiName`, docs/zstack-wire.md §8). */
const OVF = "org.zstack.ovf.api";
const OVA_MSG_CLASS = `${OVF}.APIExportVmOvaPackageMsg`;

export const EXPORT_OVA_RULES: FieldRule[] = [
  {
    name: "vmUuid",
    required: true,
    resource: OVA_NO_GENERIC_RESOURCE_CHECK ? undefined : { table: "vms", type: "VmInstanceVO" },
  },
  {
    name: "backupStorageUuid",
    required: true,
    resource: OVA_NO_GENERIC_RESOURCE_CHECK ? undefined : { table: "backupStorages", type: "BackupStorageVO" },
  },
  { name: "name", maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "resourceUuid" },
  { name: "tagUuids", type: "list" },
];

function exportVmOvaPackage(ctx: ApiContext) {
  const { world } = ctx;
  checkResourceUuidFormat(ctx.params);
  const p = coerce(EXPORT_OVA_RULES, ctx.params);
  validateFields(world, OVA_MSG_CLASS, EXPORT_OVA_RULES, p);
  checkResourceUuidFree(world, "imagePackages", p.resourceUuid);
  const vmUuid = String(p.vmUuid);
  const bsUuid = String(p.backupStorageUuid);
  // OvfInterceptor order (§8.1)
  const existing = world.list("imagePackages").find((x) => x.vmUuid === vmUuid);
  if (existing) {
    argerr(
      `Vm[uuid: ${vmUuid}] is already exported as the ova package[uuid: ${existing.uuid}], please delete the package and try again.`,
    );
  }
  const bs = world.get("backupStorages", bsUuid);
  if (!bs || bs.type !== "ImageStoreBackupStorage") {
    argerr(
      `Export vm requires an ImageStore backup storage, but given backupStorageUuid: ${bsUuid} is not an ImageStore backup storage.`,
    );
  }
  const vm = world.get("vms", vmUuid);
  if (!vm) argerr(`Not found the vm to be exported with the uuid: ${vmUuid}`);
  if (vm.state !== "Stopped") argerr("Only vm in state: Stopped can be exported.");
  // OvfManagerImpl.doExportVmOva: capacity, then the Exporting row
  const required = vmVolumeBytes(vm, "actualSize");
  if (typeof bs.availableCapacity === "number" && bs.availableCapacity < required) {
    operr(
      `backup storage[uuid: ${bsUuid}] does not have enough available capacity for exporting vm[uuid: ${vmUuid}], required capacity is: ${required}`,
    );
  }
  exportsEngine.start(world, {
    packageUuid: (p.resourceUuid as string | undefined) ?? world.prng.uuid(),
    apiJob: ctx.apiJob ?? ctx.apiId,
    vm,
    backupStorageUuid: bsUuid,
    name: (p.name as string | undefined) || `exported-vm-${vm.name}`,
    description: (p.description as string | undefined) || `source vm uuid: ${vmUuid}`,
    systemTags: ctx.systemTags,
    userTags: ctx.userTags,
  });
  return { pending: true as const };
}

const UPDATE_RULES: FieldRule[] = [
  { name: "name", maxLength: 255 },
  { name: "description", maxLength: 2048 },
];

function updateImagePackage(ctx: ApiContext) {
  const row = requireRow(ctx.world, "imagePackages", String(ctx.params.uuid), "ImagePackageVO");
  const p = coerce(UPDATE_RULES, ctx.params);
  validateFields(ctx.world, `${OVF}.APIUpdateImagePackageMsg`, UPDATE_RULES, p);
  const patch: Record<string, unknown> = {};
  // blank values are ignored (§8.3)
  if (typeof p.name === "string" && p.name.trim() !== "") patch.name = p.name;
  if (typeof p.description === "string" && p.description.trim() !== "") patch.description = p.description;
  return { inventory: ctx.world.update("imagePackages", row.uuid, patch) };
}

function deleteImagePackage(ctx: ApiContext) {
  const { world } = ctx;
  const row = requireRow(world, "imagePackages", String(ctx.params.uuid), "ImagePackageVO");
  if (row.state === "Exported" && typeof row.size === "number") {
    const bs = world.get("backupStorages", row.backupStorageUuid as string);
    if (bs && typeof bs.availableCapacity === "number")
      bs.availableCapacity = Math.min(
        (bs.totalCapacity as number | undefined) ?? Infinity,
        bs.availableCapacity + row.size,
      );
  }
  world.delete("imagePackages", row.uuid);
  return {};
}

export const OVA_APIS: ApiDef[] = [
  {
    name: "ExportVmOvaPackage",
    msgClass: OVA_MSG_CLASS,
    method: "POST",
    path: "/v1/ovf/ova-packages",
    kind: "async",
    wrapper: "params",
    auth: true,
    timeoutMs: OVA_API_TIMEOUT_MS,
    handle: exportVmOvaPackage,
  },
  ...queryApis("QueryImagePackage", `${OVF}.APIQueryImagePackageMsg`, "/v1/image-packages", IMAGE_PACKAGE_QUERY),
  actionApi(OVF, "/v1/image-packages/{uuid}", "UpdateImagePackage", "updateImagePackage", updateImagePackage),
  {
    name: "DeleteImagePackage",
    msgClass: `${OVF}.APIDeleteImagePackageMsg`,
    method: "DELETE",
    path: "/v1/image-packages/{uuid}",
    kind: "async",
    auth: true,
    handle: deleteImagePackage,
  },
];
