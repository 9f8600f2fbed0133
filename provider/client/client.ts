/**
 * The ZStack HTTP core: authentication, sync calls, queries, and async calls through the api-job
 * protocol (`api-jobs.ts`).
 *
 * - Auth: account login (SHA-512 password, once per process and endpoint through `session.ts`,
 *   re-login once on an expired session: `ZStackApiError.isSessionExpired`), access-key signing of
 *   every request, or a given session id.
 * - Typed reads and writes of the inventories are in `resources.ts`.
 */
import { createHash, randomUUID } from "crypto";
import {
  ApiJob,
  ApiJobHttp,
  ApiJobPoll,
  ApiJobWaiter,
  ApiPollPolicy,
  DEFAULT_API_POLL,
  OutgoingRequest,
  pollApiJob,
  resolveLocation,
  submitApiJob,
  waitApiJob,
} from "./api-jobs";
import { ZStackAuth, accessKeyAuthorization, sha512Hex } from "./auth";
import { Clock, realClock } from "./clock";
import { endpoints, EndpointName, expandPath, parseRoute } from "./endpoints";
import {
  ZStackApiError,
  ZStackConfigError,
  ZStackConnectionError,
  ZStackError,
  ZStackErrorCode,
  ZStackHttpError,
  ZStackResponseError,
} from "./errors";
import { redactText } from "./redact";
import { schemas } from "./schemas";
import { AccountSessions, scrubSessionIds } from "./session";
import { formatAccessKeyDate } from "./time";
import {
  DEFAULT_RETRY,
  exchange,
  HttpResponse,
  RetryPolicy,
  TlsOptions,
  TransientFault,
  withRetries,
} from "./transport";

export type { ZStackAuth } from "./auth";

export interface ZStackClientOptions {
  /** `http(s)://host[:port][/contextPath]`; the context path defaults to `/zstack` */
  endpoint: string;
  auth: ZStackAuth;
  tls?: TlsOptions;
  /** IANA zone of the management node (access-key Date header); default: this process's zone */
  timeZone?: string;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  apiPoll?: Partial<ApiPollPolicy>;
}

export interface CallRequest {
  pathVars?: Record<string, string | undefined>;
  /** the fields inside the body wrapper (POST/PUT) */
  params?: Record<string, unknown>;
  /** query-string parameters (GET/DELETE); arrays repeat the key */
  query?: Record<string, string | number | boolean | Array<string | number> | undefined>;
  systemTags?: string[];
  userTags?: string[];
  /** X-Job-UUID of an async call; random when absent */
  jobUuid?: string;
}

export interface QueryRequest {
  /** `q` conditions, e.g. `uuid=…`, `state=Running` */
  conditions?: string[];
  limit?: number;
  start?: number;
  replyWithCount?: boolean;
  /** `+field` or `-field` (docs/zstack-wire.md §3.7) */
  sort?: string;
}

/** A random dash-less UUID (v4), as ZStack's X-Job-UUID and resourceUuid expect. */
export function randomZStackUuid(): string {
  return randomUUID().replace(/-/g, "");
}

/** RFC 4122 namespace of this package's derived uuids (itself a fixed random uuid). */
const NAME_NAMESPACE = "6f1c3a52-9d0e-4b7a-8e1f-2c4d5b6a7e80";

/**
 * A deterministic dash-less version-5 UUID of a text: the SHA-1 of this package's namespace and the
 * text. It passes ZStack's `resourceUuid` check; the same text gives the same uuid in every process.
 */
export function nameBasedZStackUuid(text: string): string {
  const ns = Buffer.from(NAME_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(ns).update(text, "utf8").digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  return bytes.toString("hex");
}

/**
 * The `defaultResourceUuid` of a resource: the name-based uuid of `project/stack/type/name` (the same
 * on every run). The SDK and the provider plugin both derive it here.
 */
export function resourceUuidOf(project: string, stack: string, type: string, name: string): string {
  return nameBasedZStackUuid(`${project}/${stack}/${type}/${name}`);
}

/** Parses `zstack:endpoint` into the API base (`…/zstack`), rejecting what cannot be an endpoint. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint.includes("://") ? endpoint : `http://${endpoint}`);
  } catch {
    throw new ZStackConfigError(`zstack:endpoint "${endpoint}" is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ZStackConfigError(`zstack:endpoint must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ZStackConfigError("zstack:endpoint must not contain credentials; use zstack:accountName/zstack:password");
  }
  if (url.search || url.hash) throw new ZStackConfigError("zstack:endpoint must not contain a query or fragment");
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") path = "/zstack";
  if (path.endsWith("/v1")) path = path.slice(0, -3) || "/zstack";
  url.pathname = path;
  return url;
}

export class ZStackClient implements ApiJobHttp {
  readonly base: URL;
  readonly auth: ZStackAuth;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly apiPoll: ApiPollPolicy;
  readonly tls: TlsOptions;
  readonly timeZone?: string;
  /** requests sent (attempts, including retries and polls) */
  requestCount: number;
  /** the account's sessions (account auth only) */
  private readonly sessions?: AccountSessions;

  constructor(options: ZStackClientOptions) {
    this.base = parseEndpoint(options.endpoint);
    this.auth = options.auth;
    this.clock = options.clock ?? realClock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.apiPoll = { ...DEFAULT_API_POLL, ...options.apiPoll };
    this.tls = options.tls ?? {};
    this.timeZone = options.timeZone;
    this.requestCount = 0;
    const a = options.auth;
    if (a.kind === "account")
      this.sessions = new AccountSessions(this.baseUrl, a.accountName, a.password, () => this.logIn());
  }

  /** `http://host:port/zstack` */
  get baseUrl(): string {
    return `${this.base.origin}${this.base.pathname}`;
  }

  /**
   * Secret values this client knows, for redaction: the password (and its hash), the access-key
   * secret, and every session id of this endpoint and account (the current one and earlier ones).
   */
  secrets(): string[] {
    const a = this.auth;
    if (a.kind === "accessKey") return [a.accessKeySecret];
    if (a.kind === "session") return [a.sessionId];
    return [a.password, sha512Hex(a.password), ...(this.sessions?.known() ?? [])];
  }

  redact(text: string): string {
    return redactText(text, this.secrets());
  }

  // ---------------------------------------------------------------- auth

  /** The session id to send, logging in once per process when using an account. */
  async sessionId(): Promise<string | undefined> {
    const a = this.auth;
    if (a.kind === "session") return a.sessionId;
    if (a.kind === "accessKey" || !this.sessions) return undefined;
    return this.sessions.current();
  }

  private async logIn(): Promise<string> {
    const a = this.auth;
    if (a.kind !== "account") throw new Error("logIn needs an account");
    const body = await this.rawSync(
      "LogInByAccount",
      { params: { accountName: a.accountName, password: sha512Hex(a.password) } },
      undefined,
      scrubSessionIds,
    ).catch((e: unknown) => {
      if (e instanceof ZStackApiError && e.code === "ID.1000") {
        throw new ZStackConfigError(
          `ZStack refused the login of account "${a.accountName}" (${e.code}: ${e.details || e.description}). ` +
            "Check zstack:accountName and zstack:password (pulumi config set --secret zstack:password …) " +
            "or ZSTACK_ACCOUNT_NAME / ZSTACK_ACCOUNT_PASSWORD.",
          { cause: e },
        );
      }
      throw e;
    });
    // the session uuid is a secret from here on, even in the error about a malformed reply
    const inventory = (body as { inventory?: { uuid?: unknown } } | undefined)?.inventory;
    if (typeof inventory?.uuid === "string" && inventory.uuid !== "") this.sessions?.remember(inventory.uuid);
    const r = schemas().SessionInventory.safeParse(inventory ?? {});
    if (!r.success || !r.data.uuid) {
      const why = r.success ? "no session uuid in the reply" : `does not match the expected shape: ${r.error.message}`;
      throw new ZStackResponseError("LogInByAccount", 200, why, scrubSessionIds(JSON.stringify(body)), this.secrets());
    }
    return r.data.uuid;
  }

  private authHeaders(method: string, path: string, sessionId: string | undefined): Record<string, string> {
    const a = this.auth;
    if (a.kind === "accessKey") {
      const date = formatAccessKeyDate(this.clock.now(), this.timeZone);
      const uri = decodeURIComponent(path.slice(this.base.pathname.length));
      return { Date: date, Authorization: accessKeyAuthorization(a.accessKeyId, a.accessKeySecret, method, date, uri) };
    }
    return sessionId ? { Authorization: `OAuth ${sessionId}` } : {};
  }

  // ---------------------------------------------------------------- HTTP

  private buildUrl(path: string, query?: CallRequest["query"]): string {
    const qs: string[] = [];
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v])
        qs.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
    }
    return `${this.base.origin}${this.base.pathname}${path}${qs.length ? `?${qs.join("&")}` : ""}`;
  }

  private async send(
    method: string,
    url: string,
    body: string | undefined,
    extra: Record<string, string>,
    sessionId: string | undefined,
  ): Promise<HttpResponse> {
    const path = new URL(url).pathname;
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...extra,
      ...this.authHeaders(method, path, sessionId),
    };
    if (body !== undefined) headers["Content-Type"] = "application/json;charset=UTF-8";
    this.requestCount++;
    return exchange({ method, url, headers, body }, this.tls, this.retry.requestTimeoutMs);
  }

  /**
   * One request with transient retries; connection failures after the last retry become
   * ZStackConnectionError. (Internal: for the api-job protocol.)
   */
  async sendWithRetries(
    api: string,
    build: () => Promise<OutgoingRequest>,
    onRetry?: (fault: TransientFault) => void,
  ): Promise<HttpResponse> {
    try {
      const { value } = await withRetries(
        this.clock,
        this.retry,
        async () => {
          const r = await build();
          return this.send(r.method, r.url, r.body, r.headers, r.sessionId);
        },
        (fault) => onRetry?.(fault),
      );
      return value;
    } catch (e) {
      if (e instanceof TransientFault) {
        if (e.response) return e.response; // a proxy 5xx that never went away: report it as HTTP
        throw new ZStackConnectionError(api, this.redact(e.message), this.retry.maxRetries + 1, e, this.base.href);
      }
      if (e instanceof ZStackError) throw e;
      const err = e as Error;
      throw new ZStackConnectionError(api, this.redact(err.message ?? String(e)), 1, e, this.base.href);
    }
  }

  /** The JSON body; `scrub` cleans the text shown in the error when it is not JSON. (Internal.) */
  parseJson(api: string, res: HttpResponse, scrub: (text: string) => string = (t) => t): unknown {
    if (res.text.trim() === "") return {};
    try {
      return JSON.parse(res.text) as unknown;
    } catch {
      throw new ZStackResponseError(api, res.status, "body is not JSON", scrub(res.text), this.secrets());
    }
  }

  /** Turns a non-success answer into the matching typed error. (Internal.) */
  failure(api: string, res: HttpResponse): ZStackError {
    if (res.status === 503) {
      const body = (() => {
        try {
          return JSON.parse(res.text) as { error?: ZStackErrorCode };
        } catch {
          return undefined;
        }
      })();
      if (body?.error && typeof body.error === "object")
        return new ZStackApiError(api, body.error, 503, this.secrets());
    }
    if (res.status === 403 && this.auth.kind === "accessKey") {
      const hint = /TooSkewed/i.test(res.text)
        ? "the Date header is more than 15 minutes away from the management node's clock; set zstack:timeZone to the management node's time zone"
        : "check zstack:accessKeyId and zstack:accessKeySecret (or ZSTACK_ACCESS_KEY_ID / ZSTACK_ACCESS_KEY_SECRET)";
      return new ZStackConfigError(
        `${api}: ZStack rejected the access key (HTTP 403 ${this.redact(res.text)}): ${hint}`,
      );
    }
    return new ZStackHttpError(api, res.status, res.text, this.secrets());
  }

  parse<T>(
    api: string,
    status: number,
    body: unknown,
    schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } },
    envelope?: "inventory",
  ): T {
    const value = envelope ? ((body as Record<string, unknown> | undefined)?.[envelope] ?? {}) : body;
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new ZStackResponseError(
        api,
        status,
        `does not match the expected shape: ${r.error?.message ?? ""}`,
        JSON.stringify(body),
        this.secrets(),
      );
    }
    return r.data as T;
  }

  /** Items of a `{"inventories": [...]}` answer, each parsed with `schema`. */
  parseList<T>(
    api: string,
    body: unknown,
    schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } },
  ): T[] {
    const list = (body as { inventories?: unknown } | undefined)?.inventories;
    if (list === undefined) return [];
    if (!Array.isArray(list))
      throw new ZStackResponseError(api, 200, "inventories is not a list", JSON.stringify(body), this.secrets());
    return list.map((item) => this.parse(api, 200, item, schema));
  }

  // ---------------------------------------------------------------- sync calls

  /** A sync call without session handling (login uses it). */
  private async rawSync(
    name: EndpointName,
    req: CallRequest,
    sessionId: string | undefined,
    scrub?: (text: string) => string,
  ): Promise<unknown> {
    const ep = endpoints[name];
    const { method, path: template } = parseRoute(ep.route);
    const path = expandPath(template, req.pathVars ?? {});
    const api = `${name} (${method} ${template})`;
    const body = "wrapper" in ep && ep.wrapper ? JSON.stringify(this.wrapBody(ep.wrapper, req)) : undefined;
    const res = await this.sendWithRetries(api, () =>
      Promise.resolve({
        method,
        url: this.buildUrl(path, req.query),
        body,
        headers: {},
        sessionId,
      }),
    );
    if (res.status === 200 || res.status === 204) return this.parseJson(api, res, scrub);
    throw this.failure(api, res);
  }

  private wrapBody(wrapper: string, req: CallRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { [wrapper]: stripUndefined(req.params ?? {}) };
    if (req.systemTags) body.systemTags = req.systemTags;
    if (req.userTags) body.userTags = req.userTags;
    return body;
  }

  /**
   * Runs `op` with the current session; on an expired session (ID.1001, ORG_ZSTACK_IDENTITY_10020, or
   * its text: `ZStackApiError.isSessionExpired`) logs in again once and retries.
   */
  private async withSession<T>(op: (sessionId: string | undefined) => Promise<T>): Promise<T> {
    const sessionId = await this.sessionId();
    try {
      return await op(sessionId);
    } catch (e) {
      if (!(e instanceof ZStackApiError) || !e.isSessionExpired()) throw e;
      if (this.auth.kind !== "account") {
        throw new ZStackConfigError(
          this.auth.kind === "session"
            ? "the ZStack session in zstack:sessionId (ZSTACK_SESSION_ID) has expired; set a fresh one, or configure zstack:accountName/zstack:password instead"
            : `ZStack rejected the access-key session (${e.details})`,
          { cause: e },
        );
      }
      await this.sessions?.invalidate(sessionId);
      return op(await this.sessionId());
    }
  }

  /** A sync API call; returns the parsed JSON body. */
  async callSync(name: EndpointName, req: CallRequest = {}): Promise<unknown> {
    const ep = endpoints[name];
    if (ep.async) throw new Error(`${name} is async; use call()`);
    if (!ep.auth) return this.rawSync(name, req, undefined);
    return this.withSession((sid) => this.rawSync(name, req, sid));
  }

  /** A query API (`GET /v1/<resources>?q=…`); returns the raw `inventories` items. */
  async query(name: EndpointName, q: QueryRequest = {}): Promise<unknown> {
    return this.callSync(name, {
      query: {
        q: q.conditions,
        limit: q.limit,
        start: q.start,
        replyWithCount: q.replyWithCount ? "true" : undefined,
        sort: q.sort,
      },
    });
  }

  // ---------------------------------------------------------------- async calls

  /** Submits an async API (see `api-jobs.ts`); returns the job to poll. */
  async submit(name: EndpointName, req: CallRequest, sessionId: string | undefined): Promise<ApiJob> {
    const ep = endpoints[name];
    const { path: template, method } = parseRoute(ep.route);
    const path = expandPath(template, req.pathVars ?? {});
    const jobUuid = req.jobUuid ?? randomZStackUuid();
    const body = "wrapper" in ep && ep.wrapper ? JSON.stringify(this.wrapBody(ep.wrapper, req)) : undefined;
    return submitApiJob(this, name, {
      jobUuid,
      build: () =>
        Promise.resolve({
          method,
          url: this.buildUrl(path, req.query),
          body,
          headers: { "X-Job-UUID": jobUuid },
          sessionId,
        }),
    });
  }

  /** The api-job location checked and rewritten to the configured endpoint (see `api-jobs.ts`). */
  resolveLocation(location: string, jobUuid: string): string {
    return resolveLocation(location, jobUuid, this.baseUrl, (t) => this.redact(t));
  }

  /** One poll of an api job: not done yet, or the success body; throws the API failure. */
  pollApiJob(job: ApiJob): Promise<ApiJobPoll> {
    return pollApiJob(this, job);
  }

  /** Polls an api job with backoff until it finishes or `apiTimeout` + slack passes. */
  waitApiJob(job: ApiJob, deadline?: number): Promise<unknown> {
    return waitApiJob(this, job, deadline);
  }

  /**
   * Calls an async API and waits for its result (the body of the final 200). An expired session
   * (reported on the poll: the API never ran) logs in again and resubmits once with a new X-Job-UUID.
   */
  async call(name: EndpointName, req: CallRequest = {}, wait?: ApiJobWaiter): Promise<unknown> {
    const ep = endpoints[name];
    if (!ep.async) return this.callSync(name, req);
    let first = true;
    return this.withSession(async (sid) => {
      const jobReq = first ? req : { ...req, jobUuid: undefined };
      first = false;
      const job = await this.submit(name, jobReq, sid);
      return wait ? wait(job) : this.waitApiJob(job);
    });
  }
}

/** The parameters without unset ones (one level: ZStack's values are sent as given). */
function stripUndefined(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = v;
  return out;
}
