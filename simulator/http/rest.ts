/**
 * The REST pipeline of the management node, in RestServer.handle/handleApi order (docs/zstack-wire.md §3):
 * the servlet's accepted methods (405 otherwise), api-jobs polling, routing (404 `no api mapping to …`),
 * method/action selection, authentication, query APIs (parameters parsed before the session check),
 * body wrapper and TypeVerifier, X-Job-UUID, then sync (200/503) or async (202 + poll).
 */
import {
  ACCEPTED_HTTP_METHODS,
  DEFAULT_API_TIMEOUT_MS,
  QUERY_PARSE_BEFORE_SESSION_CHECK,
  unsupportedHttpMethod,
} from "../assumptions";
import { REST, RestError, type ErrorCode } from "../core/errors";
import { gsonStringify, javaNumberString } from "../core/gson";
import type { SimWorld } from "../world/world";
import type { ApiDef, SimSettings } from "./api";
import { authenticate, type AuthOutcome, type HeaderGetter } from "./auth";
import { invokeApi, invokeQuery, type SyncOutcome } from "./invoke";
import { parseQueryParams } from "./query";
import { Router } from "./router";

export interface SimRequest {
  method: string;
  /** the request URI's path as received (not decoded), e.g. "/zstack/v1/zones" */
  rawPath: string;
  /** decoded path without the /zstack context, e.g. "/v1/zones" */
  path: string;
  query: Map<string, string[]>;
  header: HeaderGetter;
  body: string;
}

export interface SimReply {
  status: number;
  body: string;
  /** extra response headers */
  headers?: Record<string, string>;
  /** stats key, e.g. "GET /v1/longjobs/{uuid}" */
  route: string;
  /** answer synchronously once this api-job is done (SYNCHRONOUS_ASYNC_APIS in assumptions.ts) */
  awaitApiJob?: string;
}

const API_JOB_ROUTE = "/v1/api-jobs/{uuid}";

export interface RestSettings extends SimSettings {
  /** "host:port" written into api-job locations */
  advertisedHost(): string;
  /** whether this async API answers 200 + its result instead of 202 + a location (a switch) */
  answersSynchronously?(apiName: string): boolean;
}

export class RestServer {
  private readonly router: Router;

  constructor(
    private readonly world: SimWorld,
    apis: readonly ApiDef[],
    private readonly settings: RestSettings,
  ) {
    this.router = new Router(apis);
  }

  handle(req: SimRequest): SimReply {
    let route = `${req.method} (unmatched)`;
    if (!ACCEPTED_HTTP_METHODS.includes(req.method)) {
      // refused by the servlet mapping before RestServer sees the request (assumptions.ts)
      return {
        status: 405,
        body: unsupportedHttpMethod(req.method),
        headers: { Allow: ACCEPTED_HTTP_METHODS.join(", ") },
        route: `${req.method} (method not allowed)`,
      };
    }
    try {
      const jobMatch = /^\/v1\/api-jobs\/([^/]+)$/.exec(req.path);
      if (jobMatch) {
        route = `${req.method} ${API_JOB_ROUTE}`;
        return { ...this.handleJobQuery(req.method, jobMatch[1]), route };
      }
      const match = this.router.match(req.path);
      if (!match) return { status: 404, body: REST.noApiMapping(req.path), route };
      route = `${req.method} ${match.route.apis[0].path}`;
      const body = parseBody(req.body);
      const { api, wrapper } = this.pickApi(match.route.apis, req, body);
      route = `${req.method} ${api.path}`;
      const vars = Router.vars(api, match.values);
      return { ...this.handleApi(api, wrapper, vars, body ?? {}, req), route };
    } catch (e) {
      if (e instanceof RestError) return { status: e.status, body: e.body, route };
      return { status: 500, body: e instanceof Error ? e.message : String(e), route };
    }
  }

  private handleJobQuery(method: string, uuid: string): { status: number; body: string } {
    if (method !== "GET") return { status: 405, body: REST.jobMethod };
    const job = this.world.findApiJob(uuid);
    if (!job) return { status: 404, body: REST.jobExpired };
    if (!job.done) return { status: 202, body: "{}" };
    return { status: job.status ?? 200, body: job.body ?? "{}" };
  }

  /** handleUniqueApi / handleNonUniqueApi */
  private pickApi(
    apis: ApiDef[],
    req: SimRequest,
    body: Record<string, unknown> | null,
  ): { api: ApiDef; wrapper?: string } {
    if (apis.length === 1) {
      const api = apis[0];
      return { api, wrapper: api.wrapper };
    }
    const find = (m: string) => apis.find((a) => a.method === m && !a.action);
    switch (req.method) {
      case "POST": {
        const api = find("POST");
        if (!api) throw new RestError(500, REST.noCreationalApi(req.rawPath));
        return { api, wrapper: api.wrapper };
      }
      case "PUT": {
        // RestServer dereferences the parsed body: an empty body is a NullPointerException (500, no message)
        if (body === null) throw new RestError(500, "");
        const api = apis.find((a) => a.action && a.wrapper !== undefined && a.wrapper in body);
        if (!api) throw new RestError(400, REST.noActionMapping(req.path));
        return { api, wrapper: api.wrapper };
      }
      case "GET": {
        const api = find("GET");
        if (!api) throw new RestError(500, REST.noQueryApi(req.rawPath));
        return { api };
      }
      case "DELETE": {
        const api = find("DELETE");
        if (!api) throw new RestError(500, REST.noDeleteApi(req.rawPath));
        return { api };
      }
      default:
        throw new RestError(405, REST.methodNotAllowed(req.method, req.rawPath));
    }
  }

  private handleApi(
    api: ApiDef,
    wrapper: string | undefined,
    vars: Record<string, string>,
    body: Record<string, unknown>,
    req: SimRequest,
  ): { status: number; body: string; awaitApiJob?: string } {
    const world = this.world;
    const now = world.now();
    let auth: AuthOutcome | undefined;
    if (api.auth) auth = authenticate(world, req.header, req.method, req.path, now, this.settings.sessionErrorCode());

    if (api.kind === "query") {
      // handleQueryApi parses the parameters (400s) before the interceptor checks the session
      if (auth && "sessionError" in auth && !QUERY_PARSE_BEFORE_SESSION_CHECK) return failure(auth.sessionError);
      const query = parseQueryParams(req.query);
      return syncAnswer(invokeQuery(world, { api, auth, query, uuid: vars.uuid }));
    }

    let params: Record<string, unknown>;
    if (req.method === "GET" || req.method === "DELETE") {
      params = {};
      for (const [k, v] of req.query) params[k] = v.length === 1 ? v[0] : v;
    } else {
      const p = wrapper !== undefined ? body[wrapper] : undefined;
      if (p !== undefined && p !== null && (typeof p !== "object" || Array.isArray(p))) {
        throw new RestError(
          500,
          `java.lang.IllegalStateException: Expected BEGIN_OBJECT but was ${Array.isArray(p) ? "BEGIN_ARRAY" : "STRING"}`,
        );
      }
      params = p ? { ...(p as Record<string, unknown>) } : {};
      verifyTypes(api, params);
    }

    const jobUuidHeader = req.header("x-job-uuid");
    if (jobUuidHeader !== undefined) {
      if (jobUuidHeader.length !== 32) throw new RestError(400, REST.badJobUuid);
      if (
        (req.method === "POST" || req.method === "PUT" || req.method === "DELETE") &&
        world.findApiJob(jobUuidHeader, now)
      ) {
        throw new RestError(400, REST.duplicateJob(jobUuidHeader));
      }
    }
    let timeoutMs = api.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    const apiTimeoutHeader = req.header("x-api-timeout");
    if (apiTimeoutHeader !== undefined) {
      if (!/^[+-]?\d+$/.test(apiTimeoutHeader.trim()))
        throw new RestError(500, `For input string: "${apiTimeoutHeader}"`);
      timeoutMs = Number(apiTimeoutHeader.trim()) * 1000;
    }

    let systemTags = params.systemTags as string[] | undefined;
    let userTags = params.userTags as string[] | undefined;
    if (req.method !== "GET" && req.method !== "DELETE") {
      if (body.systemTags !== undefined && body.systemTags !== null) systemTags = body.systemTags as string[];
      if (body.userTags !== undefined && body.userTags !== null) userTags = body.userTags as string[];
    }
    Object.assign(params, vars);

    const outcome = invokeApi(world, this.settings, {
      api,
      auth,
      params,
      systemTags,
      userTags,
      apiId: jobUuidHeader,
      timeoutMs,
    });
    if (!("apiJob" in outcome)) return syncAnswer(outcome);

    // async: 202 now, the outcome on GET /v1/api-jobs/{uuid}
    const apiId = outcome.apiJob;
    if (this.settings.answersSynchronously?.(api.name)) {
      // the switch: the call's own answer is the api-job's outcome, once there is one
      const done = world.findApiJob(apiId);
      if (done?.done) return { status: done.status ?? 200, body: done.body ?? "{}" };
      return { status: 200, body: "{}", awaitApiJob: apiId };
    }
    return {
      status: 202,
      body: gsonStringify({
        location: `http://${this.settings.advertisedHost()}/zstack/v1/api-jobs/${apiId}`,
        apiTimeout: timeoutMs,
      }),
    };
  }
}

/** A sync API's answer: 200 and the reply, or 503 and `{"error": …}`. */
function syncAnswer(outcome: SyncOutcome): { status: number; body: string } {
  return "error" in outcome ? failure(outcome.error) : { status: 200, body: gsonStringify(outcome.body) };
}

function failure(error: ErrorCode): { status: number; body: string } {
  return { status: 503, body: gsonStringify({ error }) };
}

/** `JSONObjectUtil.toObject(body, LinkedHashMap.class)`: Gson errors become 500s. */
function parseBody(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RestError(
      500,
      `com.google.gson.JsonSyntaxException: com.google.gson.stream.MalformedJsonException: ${(e as Error).message}`,
    );
  }
  if (parsed === null) return null;
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new RestError(
      500,
      `com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected BEGIN_OBJECT but was ${Array.isArray(parsed) ? "BEGIN_ARRAY" : "STRING"}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Java's `object.toString()` of what Gson parsed. */
function javaString(v: unknown): string {
  if (typeof v === "number") return javaNumberString(v);
  if (Array.isArray(v)) return `[${v.map(javaString).join(", ")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${javaString(x)}`)
      .join(", ")}}`;
  return String(v);
}

/** TypeVerifier over the message's own int/long and boolean fields (400 plain text). */
function verifyTypes(api: ApiDef, params: Record<string, unknown>): void {
  for (const f of api.boolFields ?? []) {
    const v = params[f];
    if (v === undefined || v === null) continue;
    const s = javaString(v);
    if (s.toLowerCase() !== "true" && s.toLowerCase() !== "false") throw new RestError(400, REST.notBoolean(f, s));
  }
  for (const f of api.intFields ?? []) {
    const v = params[f];
    if (v === undefined || v === null) continue;
    const s = javaString(v);
    const n = Number(s.trim());
    if (s.trim() === "" || !Number.isFinite(n) || n !== Math.floor(n)) throw new RestError(400, REST.notInt(f, s));
  }
}
