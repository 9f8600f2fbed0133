/**
 * ZStack's resource tags (`tag2`: CreateTag, QueryTag, DeleteTag; routes UNCONFIRMED, see
 * `TAG_ROUTES` in assumptions.ts). A tag is an inert named object; nothing in the simulator reads it.
 */
import { TAG_DEFAULTS, TAG_ROUTES } from "../assumptions";
import type { ApiContext, ApiDef } from "../http/api";
import { INVENTORIES, queryApis } from "./resources";
import { checkResourceUuidFormat, checkResourceUuidFree, coerce, validateFields, type FieldRule } from "./validate";

const TAG2 = "org.zstack.tag2";

const CREATE_TAG_RULES: FieldRule[] = [
  { name: "name", required: true, maxLength: 255 },
  { name: "value", required: true, maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "color", maxLength: 255 },
  { name: "type", validValues: ["simple", "withToken"] },
  { name: "resourceUuid" },
  { name: "tagUuids", type: "list" },
];

function createTag(ctx: ApiContext) {
  const { world } = ctx;
  checkResourceUuidFormat(ctx.params);
  const p = coerce(CREATE_TAG_RULES, ctx.params);
  validateFields(world, `${TAG2}.APICreateTagMsg`, CREATE_TAG_RULES, p);
  checkResourceUuidFree(world, "tags", p.resourceUuid);
  const row = world.insert("tags", {
    uuid: (p.resourceUuid as string | undefined) ?? world.prng.uuid(),
    name: p.name,
    value: p.value,
    description: p.description,
    color: (p.color as string | undefined) ?? TAG_DEFAULTS.color,
    type: (p.type as string | undefined) ?? TAG_DEFAULTS.type,
  });
  return { inventory: row };
}

function deleteTag(ctx: ApiContext) {
  ctx.world.delete("tags", String(ctx.params.uuid));
  return {};
}

export const TAG_APIS: ApiDef[] = [
  {
    name: "CreateTag",
    msgClass: `${TAG2}.APICreateTagMsg`,
    method: "POST",
    path: TAG_ROUTES.create,
    kind: "async",
    wrapper: "params",
    auth: true,
    handle: createTag,
  },
  ...queryApis("QueryTag", `${TAG2}.APIQueryTagMsg`, TAG_ROUTES.query, INVENTORIES.tag),
  {
    name: "DeleteTag",
    msgClass: "org.zstack.header.tag.APIDeleteTagMsg",
    method: "DELETE",
    path: TAG_ROUTES.delete,
    kind: "async",
    auth: true,
    handle: deleteTag,
  },
];
