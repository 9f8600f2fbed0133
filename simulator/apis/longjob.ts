/**
 * LongJob APIs (docs/zstack-wire.md §6.4) and GetTaskProgress (§6.5).
 */
import {
  badJobData,
  looksLikeApiMessage,
  notAnApi,
  SUBMIT_LONG_JOB_TYPES,
  TASK_PROGRESS_TYPE,
  unsupportedLongJobType,
} from "../assumptions";
import { argerr } from "../core/errors";
import { text } from "../core/text";
import type { ApiContext, ApiDef, ApiOutcome } from "../http/api";
import * as exportsEngine from "../world/exports";
import * as longJobs from "../world/long-jobs";
import type { Row } from "../world/types";
import { actionApi, INVENTORIES, queryApis } from "./resources";
import { checkResourceUuidFormat, coerce, validateFields, type FieldRule } from "./validate";
import { submitConvertVm } from "./v2v";

const LJ = "org.zstack.header.longjob";
const JOB_PATH = "/v1/longjobs/{uuid}/actions";

const SUBMIT_RULES: FieldRule[] = [
  { name: "name", maxLength: 255 },
  { name: "description", maxLength: 2048 },
  { name: "jobName", required: true },
  { name: "jobData", required: true },
  { name: "targetResourceUuid" },
  { name: "resourceUuid" },
  { name: "tagUuids", type: "list" },
];

function submitLongJob(ctx: ApiContext) {
  checkResourceUuidFormat(ctx.params);
  const p = coerce(SUBMIT_RULES, ctx.params);
  validateFields(ctx.world, `${LJ}.APISubmitLongJobMsg`, SUBMIT_RULES, p);
  const jobName = String(p.jobName);
  if (!SUBMIT_LONG_JOB_TYPES.includes(jobName))
    argerr(looksLikeApiMessage(jobName) ? unsupportedLongJobType(jobName) : notAnApi(jobName));
  let wrapped: unknown;
  try {
    wrapped = JSON.parse(String(p.jobData));
  } catch {
    argerr(badJobData(`${LJ}.APISubmitLongJobMsg`));
  }
  const msg =
    wrapped && typeof wrapped === "object" && !Array.isArray(wrapped) ? (wrapped as Record<string, unknown>) : {};
  return submitConvertVm(ctx, msg, {
    systemTags: ctx.systemTags ?? (msg.systemTags as string[] | undefined),
    userTags: ctx.userTags ?? (msg.userTags as string[] | undefined),
    name: p.name as string | undefined,
    description: p.description as string | undefined,
    resourceUuid: p.resourceUuid as string | undefined,
  });
}

function uuidOf(ctx: ApiContext): string {
  return text(ctx.params.uuid ?? "");
}

function cancelLongJob(ctx: ApiContext) {
  const outcome = longJobs.cancel(ctx.world, uuidOf(ctx), ctx.apiJob ?? ctx.apiId);
  return outcome === "pending" ? { pending: true as const } : {};
}

function resumeLongJob(ctx: ApiContext) {
  return { inventory: longJobs.resume(ctx.world, uuidOf(ctx)) };
}

function rerunLongJob(ctx: ApiContext) {
  return { inventory: longJobs.rerun(ctx.world, uuidOf(ctx), ctx.apiId) };
}

function cleanLongJob(ctx: ApiContext) {
  longJobs.clean(ctx.world, uuidOf(ctx));
  return {};
}

const UPDATE_RULES: FieldRule[] = [
  { name: "name", maxLength: 255 },
  { name: "description", maxLength: 2048 },
];

function updateLongJob(ctx: ApiContext) {
  const p = coerce(UPDATE_RULES, ctx.params);
  validateFields(ctx.world, `${LJ}.APIUpdateLongJobMsg`, UPDATE_RULES, p);
  return { inventory: longJobs.update(ctx.world, uuidOf(ctx), p) };
}

function deleteLongJob(ctx: ApiContext) {
  longJobs.remove(ctx.world, uuidOf(ctx));
  return {};
}

/** GET /v1/task-progresses/{apiId}: see assumptions.ts for the shape. */
function getTaskProgress(ctx: ApiContext) {
  const { world, now } = ctx;
  const apiId = text(ctx.params.apiId ?? "");
  const ref = world.progress.get(apiId);
  if (!ref) return { inventories: [] };
  let p: { percent: number; time: number } | undefined;
  if (ref.longJobUuid) p = longJobs.progressOf(world, ref.longJobUuid, now);
  else if (ref.packageUuid) {
    const rt = world.exports.get(ref.packageUuid);
    if (rt) p = exportsEngine.progressOf(rt, now);
  }
  if (!p) p = { percent: ref.frozenPercent ?? 0, time: ref.frozenAt ?? ref.startedAt };
  const entry = (percent: number, time: number): Row => ({
    uuid: ref.taskUuid,
    taskUuid: ref.taskUuid,
    taskName: ref.taskName,
    type: TASK_PROGRESS_TYPE,
    content: String(percent),
    time,
  });
  const all = text(ctx.params.all ?? "false").toLowerCase() === "true";
  if (!all) return { inventories: [stripUuid(entry(p.percent, p.time))] };
  const history: Row[] = [];
  const span = Math.max(1, p.time - ref.startedAt);
  for (let step = 0; step < p.percent; step += 10) {
    history.push(stripUuid(entry(step, ref.startedAt + Math.round((span * step) / Math.max(1, p.percent)))));
  }
  history.push(stripUuid(entry(p.percent, p.time)));
  return { inventories: history };
}

function stripUuid(r: Row): Row {
  const { uuid: _uuid, ...rest } = r;
  return rest as Row;
}

const action = (name: string, wrapper: string, handle: (ctx: ApiContext) => ApiOutcome) =>
  actionApi(LJ, JOB_PATH, name, wrapper, handle);

export const LONG_JOB_APIS: ApiDef[] = [
  ...queryApis("QueryLongJob", `${LJ}.APIQueryLongJobMsg`, "/v1/longjobs", INVENTORIES.longJob),
  {
    name: "SubmitLongJob",
    msgClass: `${LJ}.APISubmitLongJobMsg`,
    method: "POST",
    path: "/v1/longjobs",
    kind: "async",
    wrapper: "params",
    auth: true,
    handle: submitLongJob,
  },
  action("CancelLongJob", "cancelLongJob", cancelLongJob),
  action("ResumeLongJob", "resumeLongJob", resumeLongJob),
  action("RerunLongJob", "rerunLongJob", rerunLongJob),
  action("CleanLongJob", "cleanLongJob", cleanLongJob),
  action("UpdateLongJob", "updateLongJob", updateLongJob),
  {
    name: "DeleteLongJob",
    msgClass: `${LJ}.APIDeleteLongJobMsg`,
    method: "DELETE",
    path: "/v1/longjobs/{uuid}",
    kind: "async",
    auth: true,
    handle: deleteLongJob,
  },
  {
    name: "GetTaskProgress",
    msgClass: "org.zstack.header.core.progress.APIGetTaskProgressMsg",
    method: "GET",
    path: "/v1/task-progresses/{apiId}",
    kind: "sync",
    auth: true,
    handle: getTaskProgress,
  },
];
