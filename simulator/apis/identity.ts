/**
 * Login, sessions and access keys (docs/zstack-wire.md §2, §4).
 */
import { duplicateAccessKeyId, MAX_CONCURRENT_SESSIONS } from "../assumptions";
import { ApiFailure, fail, T } from "../core/errors";
import { text } from "../core/text";
import type { ApiContext, ApiDef } from "../http/api";
import { lookupSession } from "../http/auth";
import type { Row } from "../world/types";
import type { SimWorld } from "../world/world";
import { INVENTORIES, queryApis } from "./resources";
import { checkResourceUuidFormat, checkResourceUuidFree, coerce, validateFields, type FieldRule } from "./validate";

const ID = "org.zstack.header.identity";

function sessionInventory(row: Row): Row {
  return {
    uuid: row.uuid,
    accountUuid: row.accountUuid as string,
    userUuid: row.userUuid as string,
    expiredDate: row.expiredDate as number,
    createDate: row.createDate as number,
    noSessionEvaluation: false,
  };
}

function liveSessions(world: SimWorld, accountUuid: string, now: number): Row[] {
  const out: Row[] = [];
  for (const s of world.list("sessions")) {
    if (s.expiredDate < now) world.tables.sessions.delete(s.uuid);
    else if (s.accountUuid === accountUuid) out.push(s);
  }
  return out;
}

function createSession(ctx: ApiContext, accountUuid: string, userUuid: string): Row {
  const { world, now } = ctx;
  if (liveSessions(world, accountUuid, now).length >= MAX_CONCURRENT_SESSIONS) {
    fail("ID.1006", "Login sessions hit limit of max allowed concurrent login sessions");
  }
  return world.insert("sessions", {
    uuid: world.prng.uuid(),
    accountUuid,
    userUuid,
    createDate: now,
    lastOpDate: now,
    expiredDate: now + ctx.settings.sessionTimeoutMs,
  });
}

const LOGIN_ACCOUNT_RULES: FieldRule[] = [
  { name: "accountName", required: true },
  { name: "password", required: true },
  { name: "accountType" },
  { name: "captchaUuid" },
  { name: "verifyCode" },
];

function logInByAccount(ctx: ApiContext) {
  const msg = `${ID}.APILogInByAccountMsg`;
  const p = coerce(LOGIN_ACCOUNT_RULES, ctx.params);
  validateFields(ctx.world, msg, LOGIN_ACCOUNT_RULES, p);
  const account = ctx.world.list("accounts").find((a) => a.name === p.accountName);
  if (!account || account.password !== p.password) fail("ID.1000", T.wrongAccountPassword);
  return { inventory: sessionInventory(createSession(ctx, account.uuid, account.uuid)) };
}

const LOGIN_USER_RULES: FieldRule[] = [
  { name: "accountName" },
  { name: "accountUuid" },
  { name: "userName", required: true },
  { name: "password", required: true },
];

/** No IAM sub-users exist in the simulator: every attempt fails the way a wrong password does. */
function logInByUser(ctx: ApiContext) {
  const p = coerce(LOGIN_USER_RULES, ctx.params);
  validateFields(ctx.world, `${ID}.APILogInByUserMsg`, LOGIN_USER_RULES, p);
  return fail("ID.1000", T.wrongUserPassword);
}

function logOut(ctx: ApiContext) {
  const uuid = text(ctx.params.sessionUuid ?? "");
  if (uuid) ctx.world.delete("sessions", uuid);
  return {};
}

function validateSession(ctx: ApiContext) {
  const uuid = text(ctx.params.sessionUuid ?? "");
  return { valid: "session" in lookupSession(ctx.world, uuid, ctx.now, ctx.settings.sessionErrorCode()) };
}

const RENEW_RULES: FieldRule[] = [
  { name: "sessionUuid", required: true },
  { name: "duration", type: "long", range: [60, 31536000] },
];

function renewSession(ctx: ApiContext) {
  const p = coerce(RENEW_RULES, ctx.params);
  validateFields(ctx.world, `${ID}.APIRenewSessionMsg`, RENEW_RULES, p);
  const found = lookupSession(ctx.world, String(p.sessionUuid), ctx.now, ctx.settings.sessionErrorCode());
  if ("sessionError" in found) throw new ApiFailure(found.sessionError);
  const durationMs = p.duration !== undefined ? Number(p.duration) * 1000 : ctx.settings.sessionTimeoutMs;
  const row = ctx.world.update("sessions", String(p.sessionUuid), { expiredDate: ctx.now + durationMs });
  return { inventory: sessionInventory(row) };
}

const AK = "org.zstack.accessKey";
const CREATE_AK_RULES: FieldRule[] = [
  { name: "accountUuid", required: true, resource: { table: "accounts", type: "AccountVO" } },
  { name: "userUuid", required: true },
  { name: "description", maxLength: 2048 },
  // §4.3: AccessKeyID 10–20 characters, AccessKeySecret 10–40
  { name: "AccessKeyID", maxLength: 20, minLength: 10 },
  { name: "AccessKeySecret", maxLength: 40, minLength: 10 },
  { name: "resourceUuid" },
];

function randomAlnum(world: SimWorld, n: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < n; i++) s += chars[world.prng.nextU32() % chars.length];
  return s;
}

function createAccessKey(ctx: ApiContext) {
  const { world } = ctx;
  checkResourceUuidFormat(ctx.params);
  const p = coerce(CREATE_AK_RULES, ctx.params);
  validateFields(world, `${AK}.APICreateAccessKeyMsg`, CREATE_AK_RULES, p);
  checkResourceUuidFree(world, "accessKeys", p.resourceUuid);
  const id = (p.AccessKeyID as string | undefined) ?? randomAlnum(world, 20);
  if (world.list("accessKeys").some((k) => k.AccessKeyID === id)) fail("SYS.1007", duplicateAccessKeyId(id));
  const row = world.insert("accessKeys", {
    uuid: (p.resourceUuid as string | undefined) ?? world.prng.uuid(),
    accountUuid: p.accountUuid,
    userUuid: p.userUuid,
    AccessKeyID: id,
    AccessKeySecret: (p.AccessKeySecret as string | undefined) ?? randomAlnum(world, 40),
    description: p.description,
    state: "Enabled",
  });
  return { inventory: row };
}

function deleteAccessKey(ctx: ApiContext) {
  ctx.world.delete("accessKeys", String(ctx.params.uuid));
  return {};
}

export const IDENTITY_APIS: ApiDef[] = [
  {
    name: "LogInByAccount",
    msgClass: `${ID}.APILogInByAccountMsg`,
    responseName: "APILogInReply",
    method: "PUT",
    path: "/v1/accounts/login",
    kind: "sync",
    wrapper: "logInByAccount",
    auth: false,
    handle: logInByAccount,
  },
  {
    name: "LogInByUser",
    msgClass: `${ID}.APILogInByUserMsg`,
    responseName: "APILogInReply",
    method: "PUT",
    path: "/v1/accounts/users/login",
    kind: "sync",
    wrapper: "logInByUser",
    auth: false,
    handle: logInByUser,
  },
  {
    name: "LogOut",
    msgClass: `${ID}.APILogOutMsg`,
    method: "DELETE",
    path: "/v1/accounts/sessions/{sessionUuid}",
    kind: "sync",
    auth: false,
    handle: logOut,
  },
  {
    name: "ValidateSession",
    msgClass: `${ID}.APIValidateSessionMsg`,
    method: "GET",
    path: "/v1/accounts/sessions/{sessionUuid}/valid",
    kind: "sync",
    auth: false,
    handle: validateSession,
  },
  {
    name: "RenewSession",
    msgClass: `${ID}.APIRenewSessionMsg`,
    method: "PUT",
    path: "/v1/accounts/sessions/{sessionUuid}/renew",
    kind: "async",
    wrapper: "renewSession",
    auth: true,
    intFields: ["duration"],
    handle: renewSession,
  },
  {
    name: "CreateAccessKey",
    msgClass: `${AK}.APICreateAccessKeyMsg`,
    method: "POST",
    path: "/v1/accesskeys",
    kind: "async",
    wrapper: "params",
    auth: true,
    handle: createAccessKey,
  },
  {
    name: "DeleteAccessKey",
    msgClass: `${AK}.APIDeleteAccessKeyMsg`,
    method: "DELETE",
    path: "/v1/accesskeys/{uuid}",
    kind: "async",
    auth: true,
    handle: deleteAccessKey,
  },
  ...queryApis("QueryAccessKey", `${AK}.APIQueryAccessKeyMsg`, "/v1/accesskeys", INVENTORIES.accessKey),
];
