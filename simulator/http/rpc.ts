/**
 * The RPC API (docs/zstack-wire.md §12.3): ZStack's older message endpoint, which zstack-cli and ZStack's
 * own Python client speak. `POST|PUT /zstack/api[/]` carries `{"<APIxxxMsg class>": {...fields, "session":
 * {"uuid": …}}}` and is answered, always with 200, by RESTApiController's RestAPIResponse
 * `{uuid, state: Processing|Done, createdDate, finishedDate, result}`, whose `result` is the JSON string
 * of `{"<reply or event class>": {success, error | inventory…}}`. An async API answers `Processing`;
 * `GET|PUT /zstack/api/result/{uuid}` reads its outcome.
 *
 * It runs the same handlers, validation, sessions and faults as the REST API (invoke.ts), and its async
 * APIs share the REST API's api-job store. Choices the sources leave open are in assumptions.ts (RPC).
 */
import {
  DEFAULT_API_TIMEOUT_MS,
  rpcBrokenMessage,
  rpcDuplicateApiId,
  rpcUndecodable,
  rpcUnknownClass,
  rpcUnknownQueryOp,
  unsupportedHttpMethod,
} from "../assumptions";
import { ApiFailure, fail, T, type ErrorCode } from "../core/errors";
import { gsonStringify } from "../core/gson";
import { formatJavaTimestamp } from "../core/java-time";
import { text } from "../core/text";
import type { ApiJob } from "../world/types";
import type { SimWorld } from "../world/world";
import type { ApiDef, SimSettings } from "./api";
import { lookupSession } from "./auth";
import { invokeApi, type CallOutcome, type SyncOutcome } from "./invoke";
import type { Condition, QueryRequest } from "./query";
import type { SimReply, SimRequest } from "./rest";

const CALL_PATHS = new Set(["/api", "/api/"]);
const RESULT_PATH = /^\/api\/result\/([^/]+)$/;

/** ZStack's query operators (QueryOp). */
const QUERY_OPS: ReadonlySet<string> = new Set([
  "=",
  "!=",
  ">",
  ">=",
  "<",
  "<=",
  "in",
  "not in",
  "is null",
  "is not null",
  "like",
  "not like",
]);

/** Whether a path (without the /zstack context) belongs to the RPC API. */
export function isRpcPath(path: string): boolean {
  return CALL_PATHS.has(path) || RESULT_PATH.test(path);
}

/** The fully qualified class of an API's reply (sync and query APIs) or event (async APIs). */
export function responseClass(api: ApiDef): string {
  const pkg = api.msgClass.slice(0, api.msgClass.lastIndexOf("."));
  return `${pkg}.${api.responseName ?? `API${api.name}${api.kind === "async" ? "Event" : "Reply"}`}`;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Gson's name for the JSON token a value starts with. */
function token(v: unknown): string {
  if (v === null) return "NULL";
  if (Array.isArray(v)) return "BEGIN_ARRAY";
  if (typeof v === "object") return "BEGIN_OBJECT";
  return typeof v === "number" ? "NUMBER" : typeof v === "boolean" ? "BOOLEAN" : "STRING";
}

/** Decoding a message field Gson could not convert: the problem's text, or undefined. */
function typeProblem(
  path: string,
  v: unknown,
  type: "object" | "list" | "int" | "boolean" | "string",
): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = token(v);
  switch (type) {
    case "object":
      return t === "BEGIN_OBJECT" ? undefined : rpcUndecodable("BEGIN_OBJECT", t, path);
    case "list":
      return t === "BEGIN_ARRAY" ? undefined : rpcUndecodable("BEGIN_ARRAY", t, path);
    case "boolean":
      // Gson reads a boolean from a string too (Boolean.parseBoolean)
      return t === "BOOLEAN" || t === "STRING" ? undefined : rpcUndecodable("a boolean", t, path);
    case "string":
      return t === "STRING" || t === "NUMBER" || t === "BOOLEAN" ? undefined : rpcUndecodable("a string", t, path);
    case "int": {
      const ok = (t === "NUMBER" || t === "STRING") && /^\s*[+-]?\d+\s*$/.test(text(v));
      return ok ? undefined : rpcUndecodable("an int", t === "NUMBER" || t === "STRING" ? text(v) : t, path);
    }
  }
}

/** The first field of the message Gson would fail to decode, if any. */
function decodeProblem(api: ApiDef, msg: Json): string | undefined {
  const at = (f: string) => `$.${api.msgClass}.${f}`;
  const checks: Array<[string, Parameters<typeof typeProblem>[2]]> = [
    ["session", "object"],
    ["systemTags", "list"],
    ["userTags", "list"],
    ...(api.intFields ?? []).map((f): [string, "int"] => [f, "int"]),
    ...(api.boolFields ?? []).map((f): [string, "boolean"] => [f, "boolean"]),
  ];
  if (api.kind === "query") {
    checks.push(
      ["conditions", "list"],
      ["limit", "int"],
      ["start", "int"],
      ["count", "boolean"],
      ["replyWithCount", "boolean"],
      ["sortBy", "string"],
      ["sortDirection", "string"],
      ["fields", "list"],
    );
  }
  for (const [f, type] of checks) {
    const problem = typeProblem(at(f), msg[f], type);
    if (problem) return problem;
  }
  if (api.kind === "query" && Array.isArray(msg.conditions)) {
    for (const [i, c] of msg.conditions.entries()) {
      const problem =
        typeProblem(`${at("conditions")}[${i}]`, c, "object") ??
        (isObject(c)
          ? ["name", "op", "value"]
              .map((k) => typeProblem(`${at("conditions")}[${i}].${k}`, c[k], "string"))
              .find(Boolean)
          : undefined);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** A decoded String field: absent stays absent. */
const optionalText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : text(v));

/** APIQueryMessage's fields as the query facade reads them (§12.3). */
function rpcQuery(api: ApiDef, msg: Json): QueryRequest {
  if (msg.conditions === undefined || msg.conditions === null)
    fail("SYS.1007", T.mandatory("conditions", api.msgClass));
  const conditions: Condition[] = (msg.conditions as Json[]).map((c) => {
    const op = optionalText(c.op) ?? "";
    if (!QUERY_OPS.has(op)) fail("SYS.1000", rpcUnknownQueryOp(op));
    return { name: optionalText(c.name) ?? "", op, value: optionalText(c.value) };
  });
  const sortDirection = optionalText(msg.sortDirection) ?? "asc";
  if (sortDirection !== "asc" && sortDirection !== "desc")
    fail("SYS.1007", T.validValues("sortDirection", api.msgClass, ["asc", "desc"], sortDirection));
  const flag = (v: unknown) => text(v).toLowerCase() === "true";
  return {
    conditions,
    limit: msg.limit === undefined || msg.limit === null ? 1000 : Number(msg.limit),
    start: msg.start === undefined || msg.start === null ? 0 : Number(msg.start),
    count: flag(msg.count),
    replyWithCount: flag(msg.replyWithCount),
    sortBy: optionalText(msg.sortBy),
    sortDirection,
    fields: Array.isArray(msg.fields) && msg.fields.length > 0 ? msg.fields.map(text) : undefined,
  };
}

/** What a message carries besides the API's own fields. */
const MESSAGE_ENVELOPE = new Set(["session", "id", "systemTags", "userTags"]);

export class RpcServer {
  private readonly byClass = new Map<string, ApiDef>();
  private readonly byName = new Map<string, ApiDef>();

  constructor(
    private readonly world: SimWorld,
    apis: readonly ApiDef[],
    private readonly settings: SimSettings,
  ) {
    // a query API has two REST routes and one message class: the first one stands for both
    for (const api of apis) {
      if (!this.byClass.has(api.msgClass)) this.byClass.set(api.msgClass, api);
      if (!this.byName.has(api.name)) this.byName.set(api.name, api);
    }
  }

  handle(req: SimRequest): SimReply {
    const result = RESULT_PATH.exec(req.path);
    const [route, methods] = result ? ["/api/result/{uuid}", ["GET", "PUT"]] : ["/api", ["POST", "PUT"]];
    if (!methods.includes(req.method)) {
      // Spring refuses a method the controller does not map (HttpRequestMethodNotSupportedException)
      return {
        status: 405,
        body: unsupportedHttpMethod(req.method),
        headers: { Allow: methods.join(", ") },
        route: `${req.method} ${route}`,
      };
    }
    const answer = result ? this.result(result[1]) : this.call(req);
    return { ...answer, route: `${req.method} ${route}` };
  }

  /** `GET|PUT /zstack/api/result/{uuid}`: RESTApiFacadeImpl.getResult. */
  private result(uuid: string): { status: number; body: string } {
    const job = this.world.findApiJob(uuid);
    if (!job) return { status: 404, body: `No api result[uuid:${uuid}] found` };
    const api = this.byName.get(job.api);
    return {
      status: 200,
      body: restApiResponse({
        uuid,
        state: job.done ? "Done" : "Processing",
        createdAt: job.createdAt,
        finishedAt: job.finishedAt ?? job.createdAt,
        result: job.done && api ? replyJson(api, jobOutcome(job)) : undefined,
      }),
    };
  }

  /** `POST|PUT /zstack/api`: RESTApiController.handleByMessageType. */
  private call(req: SimRequest): { status: number; body: string } {
    const world = this.world;
    const now = world.now();
    let parsed: unknown;
    try {
      parsed = req.body.trim() === "" ? undefined : JSON.parse(req.body);
    } catch (e) {
      return decodeFailure(`com.google.gson.stream.MalformedJsonException: ${(e as Error).message}`);
    }
    if (parsed !== undefined && !isObject(parsed))
      return decodeFailure(rpcUndecodable("BEGIN_OBJECT", token(parsed), "$"));
    const className = parsed === undefined ? undefined : Object.keys(parsed)[0];
    if (className === undefined) return { status: 500, body: rpcBrokenMessage(req.rawPath) };
    const api = this.byClass.get(className);
    if (!api) return decodeFailure(rpcUnknownClass(className));
    const msg = (parsed as Json)[className];
    if (msg === null) return { status: 500, body: rpcBrokenMessage(req.rawPath) };
    if (!isObject(msg)) return decodeFailure(rpcUndecodable("BEGIN_OBJECT", token(msg), `$.${className}`));
    const problem = decodeProblem(api, msg);
    if (problem) return decodeFailure(problem);

    const apiId = typeof msg.id === "string" && msg.id !== "" ? msg.id : undefined;
    if (apiId !== undefined && world.findApiJob(apiId, now)) return { status: 500, body: rpcDuplicateApiId(apiId) };
    const session = isObject(msg.session) ? msg.session : {};
    const auth = api.auth ? lookupSession(world, text(session.uuid), now, this.settings.sessionErrorCode()) : undefined;
    const params: Json = {};
    for (const [k, v] of Object.entries(msg)) if (!MESSAGE_ENVELOPE.has(k)) params[k] = v;
    let outcome: CallOutcome;
    try {
      outcome = invokeApi(world, this.settings, {
        api,
        auth,
        // the query facade reads the query after the session check
        query: api.kind === "query" && auth && "session" in auth ? rpcQuery(api, msg) : undefined,
        params,
        systemTags: msg.systemTags as string[] | undefined,
        userTags: msg.userTags as string[] | undefined,
        apiId,
        timeoutMs: api.timeoutMs ?? DEFAULT_API_TIMEOUT_MS,
      });
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      outcome = { error: e.error };
    }
    if ("apiJob" in outcome) {
      // RESTApiFacadeImpl.send: the message is on its way, its outcome comes with the event
      return { status: 200, body: restApiResponse({ uuid: outcome.apiJob, state: "Processing", createdAt: now }) };
    }
    // RESTApiFacadeImpl.call: a sync message's reply, at once and without a uuid
    return {
      status: 200,
      body: restApiResponse({ state: "Done", createdAt: now, finishedAt: now, result: replyJson(api, outcome) }),
    };
  }
}

/** What handleByMessageType answers when it cannot decode the message: 200 and the exception's message. */
function decodeFailure(message: string): { status: number; body: string } {
  return { status: 200, body: message };
}

/** A finished api-job's outcome, read back from what the REST API would answer. */
function jobOutcome(job: ApiJob): SyncOutcome {
  const body = JSON.parse(job.body ?? "{}") as Json;
  return job.status === 503 ? { error: body.error as ErrorCode } : { body };
}

/** RESTApiDecoder.dump of the reply or event: `{"<class>": {…fields, success, error?}}`. */
function replyJson(api: ApiDef, outcome: SyncOutcome): string {
  const reply = "error" in outcome ? { success: false, error: outcome.error } : { ...outcome.body, success: true };
  return gsonStringify({ [responseClass(api)]: reply });
}

/** RestAPIResponse as JSONObjectUtil writes it: nulls omitted, dates in Java's format. */
function restApiResponse(r: {
  uuid?: string;
  state: "Processing" | "Done";
  createdAt: number;
  finishedAt?: number;
  result?: string;
}): string {
  return gsonStringify({
    uuid: r.uuid,
    state: r.state,
    createdDate: formatJavaTimestamp(r.createdAt),
    finishedDate: r.finishedAt === undefined ? undefined : formatJavaTimestamp(r.finishedAt),
    result: r.result,
  });
}
