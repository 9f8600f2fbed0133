/**
 * The vCenter APIs of the licensed "VMware Management" module (docs/zstack-wire.md §13): AddVCenter,
 * UpdateVCenter, SyncVCenter, DeleteVCenter and QueryVCenter. The VMware side they talk to is
 * world/vcenter.ts.
 */
import { VCENTER_MSG_PKG, VCENTER_STATES, duplicateVcenter, vcenterInUse } from "../assumptions";
import { argerr, operr } from "../core/errors";
import { text } from "../core/text";
import type { ApiContext, ApiDef } from "../http/api";
import type { InventoryDecl } from "../http/query";
import type { Row } from "../world/types";
import { loginToVcenter, syncVcenter, vmsOfVcenter } from "../world/vcenter";
import { actionApi, queryApis } from "./resources";
import {
  checkResourceUuidFormat,
  checkResourceUuidFree,
  coerce,
  requireRow,
  validateFields,
  type FieldRule,
} from "./validate";

const PKG = VCENTER_MSG_PKG;

/** VCenterInventory: the [MCP] `primitive_fields` of QueryVCenter. The password is never shown. */
export const VCENTER_INVENTORY = {
  table: "vcenters",
  inventoryClass: `${PKG}.VCenterInventory`,
  fields: [
    "uuid",
    "name",
    "description",
    "domainName",
    "port",
    "userName",
    "zoneUuid",
    "version",
    "https",
    "state",
    "status",
    "createDate",
    "lastOpDate",
  ],
} as const satisfies InventoryDecl;

/** The inventory of a registration: its declared fields only (the stored password is not one). */
function inventory(row: Row): Row {
  const out: Row = { uuid: row.uuid };
  const r: Record<string, unknown> = row;
  for (const f of VCENTER_INVENTORY.fields) if (r[f] !== undefined) out[f] = r[f];
  return out;
}

/** APIAddVCenterMsg (zstack-api.md §12.4: required username, password, zoneUuid, name, domainName). */
const ADD_RULES: FieldRule[] = [
  { name: "username", required: true, maxLength: 255, emptyString: false },
  { name: "password", required: true, maxLength: 255, emptyString: false },
  { name: "zoneUuid", required: true, resource: { table: "zones", type: "ZoneVO" } },
  { name: "name", required: true, maxLength: 255, emptyString: false },
  { name: "https", type: "boolean" },
  { name: "port", type: "int", range: [1, 65535] },
  { name: "domainName", required: true, maxLength: 255, emptyString: false },
  { name: "description", maxLength: 2048 },
  { name: "resourceUuid" },
];

const UPDATE_RULES: FieldRule[] = [
  { name: "name", maxLength: 255, emptyString: false },
  { name: "description", maxLength: 2048 },
  { name: "username", maxLength: 255, emptyString: false },
  { name: "password", maxLength: 255, emptyString: false },
  { name: "domainName", maxLength: 255, emptyString: false },
  { name: "port", type: "int", range: [1, 65535] },
  { name: "state", validValues: VCENTER_STATES },
];

const DELETE_RULES: FieldRule[] = [{ name: "deleteMode", validValues: ["Permissive", "Enforcing"] }];

function requireVcenter(ctx: ApiContext): Row {
  return requireRow(ctx.world, "vcenters", String(ctx.params.uuid), "VCenterVO");
}

function addVcenter(ctx: ApiContext) {
  const { world } = ctx;
  checkResourceUuidFormat(ctx.params);
  const p = coerce(ADD_RULES, ctx.params);
  validateFields(world, `${PKG}.APIAddVCenterMsg`, ADD_RULES, p);
  checkResourceUuidFree(world, "vcenters", p.resourceUuid);
  const domainName = text(p.domainName);
  const other = world.list("vcenters").find((v) => v.domainName === domainName);
  if (other) argerr(duplicateVcenter(domainName, other.uuid));
  const https = p.https === undefined ? true : p.https === true;
  const port = (p.port as number | undefined) ?? (https ? 443 : 80);
  const server = loginToVcenter(world, {
    domainName,
    port,
    username: text(p.username),
    password: text(p.password),
  });
  const row = world.insert("vcenters", {
    uuid: (p.resourceUuid as string | undefined) ?? world.prng.uuid(),
    name: p.name,
    description: p.description,
    domainName,
    port,
    userName: p.username,
    password: p.password,
    zoneUuid: p.zoneUuid,
    version: server.version as unknown,
    https,
    state: "Enabled",
    status: "Connected",
  });
  syncVcenter(world, row);
  return { inventory: inventory(row), skippedResources: { vmInstances: [] } };
}

function updateVcenter(ctx: ApiContext) {
  const { world } = ctx;
  const row = requireVcenter(ctx);
  const p = coerce(UPDATE_RULES, ctx.params);
  validateFields(world, `${PKG}.APIUpdateVCenterMsg`, UPDATE_RULES, p);
  const connection = {
    domainName: (p.domainName as string | undefined) ?? (row.domainName as string),
    port: (p.port as number | undefined) ?? (row.port as number),
    username: (p.username as string | undefined) ?? (row.userName as string),
    password: (p.password as string | undefined) ?? (row.password as string),
  };
  const reconnects = ["domainName", "port", "username", "password"].some((k) => p[k] !== undefined);
  if (reconnects) {
    const other = world.list("vcenters").find((v) => v.domainName === connection.domainName && v.uuid !== row.uuid);
    if (other) argerr(duplicateVcenter(connection.domainName, other.uuid));
    loginToVcenter(world, connection); // refused: nothing changes
  }
  const patch: Record<string, unknown> = {};
  for (const k of ["name", "description", "domainName", "port", "password", "state"]) {
    if (p[k] !== undefined) patch[k] = p[k];
  }
  if (p.username !== undefined) patch.userName = p.username;
  if (reconnects) patch.status = "Connected";
  return { inventory: inventory(world.update("vcenters", row.uuid, patch)) };
}

function syncVcenterApi(ctx: ApiContext) {
  const { world } = ctx;
  const row = requireVcenter(ctx);
  try {
    loginToVcenter(world, {
      domainName: row.domainName as string,
      port: row.port as number,
      username: row.userName as string,
      password: row.password as string,
    });
  } catch (e) {
    world.update("vcenters", row.uuid, { status: "Disconnected" });
    throw e;
  }
  if (row.status !== "Connected") world.update("vcenters", row.uuid, { status: "Connected" });
  syncVcenter(world, row);
  return { inventory: inventory(row) };
}

function deleteVcenter(ctx: ApiContext) {
  const { world } = ctx;
  const p = coerce(DELETE_RULES, ctx.params);
  validateFields(world, `${PKG}.APIDeleteVCenterMsg`, DELETE_RULES, p);
  const row = world.get("vcenters", String(ctx.params.uuid));
  if (!row) return {};
  const vms = vmsOfVcenter(world, row);
  const sources = new Set(vms.map((vm) => `vmware://${vm.uuid}`));
  const busy = world
    .list(
      "longJobs",
      (j) => !["Succeeded", "Failed", "Canceled"].includes(j.state as string) && world.jobRuntimes.has(j.uuid),
    )
    .filter((j) => sources.has(String(world.jobRuntimes.get(j.uuid)?.request.url)))
    .map((j) => j.uuid);
  if (busy.length) operr(vcenterInUse(row.uuid, busy));
  for (const vm of vms) world.delete("vms", vm.uuid);
  world.delete("vcenters", row.uuid);
  return {};
}

const ACTIONS = "/v1/vcenters/{uuid}/actions";

export const VCENTER_APIS: ApiDef[] = [
  ...queryApis("QueryVCenter", `${PKG}.APIQueryVCenterMsg`, "/v1/vcenters", {
    ...VCENTER_INVENTORY,
    render: inventory,
  }),
  {
    name: "AddVCenter",
    msgClass: `${PKG}.APIAddVCenterMsg`,
    method: "POST",
    path: "/v1/vcenters",
    kind: "async",
    wrapper: "params",
    auth: true,
    intFields: ["port"],
    boolFields: ["https"],
    handle: addVcenter,
  },
  {
    ...actionApi(PKG, ACTIONS, "UpdateVCenter", "updateVCenter", updateVcenter),
    intFields: ["port"],
  },
  actionApi(PKG, ACTIONS, "SyncVCenter", "syncVCenter", syncVcenterApi),
  {
    name: "DeleteVCenter",
    msgClass: `${PKG}.APIDeleteVCenterMsg`,
    method: "DELETE",
    path: "/v1/vcenters/{uuid}",
    kind: "async",
    auth: true,
    handle: deleteVcenter,
  },
];
