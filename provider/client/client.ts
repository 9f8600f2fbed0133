/**
 * The ZStack HTTP core: authentication, sync calls, the async api-job protocol and queries.
 *
 * - Auth: account login (SHA-512 password, once per process and endpoint, re-login once on ID.1001),
 *   access-key signing of every request, or a given session id.
 * - Async APIs: every call carries an `X-Job-UUID` chosen before the first attempt. A resubmission
 *   after a transient fault keeps it, so ZStack's `Duplicate job uuid` answer proves the first
 *   attempt got through and the client polls that job instead of creating twice.
 * - The api-job `location` is validated and rewritten to the configured endpoint before polling.
 */
import { randomUUID, createHash } from "crypto";
import { accessKeyAuthorization, sha512Hex } from "./auth";
import { Clock, realClock } from "./clock";
import { endpoints, EndpointName, expandPath, parseRoute } from "./endpoints";
import {
  ZStackApiError,
  ZStackConfigError,
  ZStackConnectionError,
  ZStackError,
  ZStackErrorCode,
  ZStackHttpError,
  ZStackLocationError,
  ZStackResponseError,
  ZStackTimeoutError,
} from "./errors";
import { REDACTED, redactText } from "./redact";
import { schemas } from "./schemas";
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

export type ZStackAuth =
  | { kind: "account"; accountName: string; password: string }
  | { kind: "accessKey"; accessKeyId: string; accessKeySecret: string }
  | { kind: "session"; sessionId: string };

/** Backoff of api-job polls: first poll after `firstDelayMs`, then ×`factor` up to `maxDelayMs`. */
export interface ApiPollPolicy {
  firstDelayMs: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** added to the server's `apiTimeout` to form the poll deadline */
  slackMs: number;
}

export const DEFAULT_API_POLL: ApiPollPolicy = {
  firstDelayMs: 250,
  initialDelayMs: 1000,
  factor: 1.5,
  maxDelayMs: 5000,
  slackMs: 60_000,
};

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

/** A submitted async call. */
export interface ApiJob {
  api: string;
  jobUuid: string;
  /** the validated, rewritten poll URL */
  pollUrl: string;
  apiTimeoutMs: number;
  submittedAt: number;
}

export type ApiJobPoll = { done: false } | { done: true; body: unknown };

/** Waits for an api job; the default polls with {@link ApiPollPolicy} backoff. */
export type ApiJobWaiter = (job: ApiJob) => Promise<unknown>;

export interface QueryRequest {
  /** `q` conditions, e.g. `uuid=…`, `state=Running` */
  conditions?: string[];
  limit?: number;
  start?: number;
  replyWithCount?: boolean;
}

interface CachedSession {
  sessionId: Promise<string>;
}

const SESSIONS_KEY = "__pulumiZStackMigrationSessions_v1";

/** Process-wide session cache: one login per endpoint and account. */
function sessionCache(): Map<string, CachedSession> {
  const g = globalThis as unknown as Record<string, Map<string, CachedSession> | undefined>;
  return g[SESSIONS_KEY] ?? (g[SESSIONS_KEY] = new Map());
}

/** Forgets every cached session (tests; a password change). */
export function clearSessionCache(): void {
  sessionCache().clear();
}

const KNOWN_SESSIONS_KEY = "__pulumiZStackMigrationKnownSessions_v1";
/** how many session ids of one endpoint and account are remembered for redaction */
const KNOWN_SESSIONS_MAX = 16;

/**
 * Process-wide record of the session ids each endpoint and account has had (the current one and
 * earlier ones), kept for value-based redaction after the session cache has dropped them.
 */
function knownSessions(): Map<string, string[]> {
  const g = globalThis as unknown as Record<string, Map<string, string[]> | undefined>;
  return g[KNOWN_SESSIONS_KEY] ?? (g[KNOWN_SESSIONS_KEY] = new Map());
}

const HEX32 = /^[0-9a-f]{32}$/i;

/** A random dash-less UUID (v4), as ZStack's X-Job-UUID and resourceUuid expect. */
export function randomZStackUuid(): string {
  return randomUUID().replace(/-/g, "");
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

export class ZStackClient {
  readonly base: URL;
  readonly auth: ZStackAuth;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly apiPoll: ApiPollPolicy;
  readonly tls: TlsOptions;
  readonly timeZone?: string;
  /** requests sent (attempts, including retries and polls) */
  requestCount: number;
  /** session ids this client has used or been given by a login, for redaction */
  private readonly sessionIds: string[];

  constructor(options: ZStackClientOptions) {
    this.base = parseEndpoint(options.endpoint);
    this.auth = options.auth;
    this.clock = options.clock ?? realClock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.apiPoll = { ...DEFAULT_API_POLL, ...options.apiPoll };
    this.tls = options.tls ?? {};
    this.timeZone = options.timeZone;
    this.requestCount = 0;
    this.sessionIds = [];
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
    const known = knownSessions().get(this.sessionKey()) ?? [];
    return [a.password, sha512Hex(a.password), ...new Set([...this.sessionIds, ...known])];
  }

  /** Records a session id for redaction (by this client and by every client of the same account). */
  private rememberSession(sessionId: string): void {
    if (!this.sessionIds.includes(sessionId)) this.sessionIds.push(sessionId);
    const all = knownSessions();
    const key = this.sessionKey();
    const list = all.get(key) ?? [];
    if (!list.includes(sessionId)) {
      list.push(sessionId);
      if (list.length > KNOWN_SESSIONS_MAX) list.splice(0, list.length - KNOWN_SESSIONS_MAX);
      all.set(key, list);
    }
  }

  redact(text: string): string {
    return redactText(text, this.secrets());
  }

  // ---------------------------------------------------------------- auth

  private sessionKey(): string {
    const a = this.auth;
    if (a.kind !== "account") return "";
    const pw = createHash("sha256").update(a.password).digest("hex");
    return `${this.baseUrl}|${a.accountName}|${pw}`;
  }

  /** The session id to send, logging in once per process when using an account. */
  async sessionId(): Promise<string | undefined> {
    const a = this.auth;
    if (a.kind === "session") return a.sessionId;
    if (a.kind === "accessKey") return undefined;
    const cache = sessionCache();
    const key = this.sessionKey();
    let entry = cache.get(key);
    if (!entry) {
      entry = { sessionId: this.logIn() };
      cache.set(key, entry);
      entry.sessionId.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
    }
    const sessionId = await entry.sessionId;
    this.rememberSession(sessionId);
    return sessionId;
  }

  /** Drops the cached session if it is still `stale` (so concurrent callers log in only once). */
  private async invalidateSession(stale: string | undefined): Promise<void> {
    const cache = sessionCache();
    const key = this.sessionKey();
    const entry = cache.get(key);
    if (!entry) return;
    const current = await entry.sessionId.catch(() => undefined);
    if (current === stale && cache.get(key) === entry) cache.delete(key);
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
    if (typeof inventory?.uuid === "string" && inventory.uuid !== "") this.rememberSession(inventory.uuid);
    const r = schemas().SessionInventory.safeParse(inventory ?? {});
    if (!r.success || !r.data.uuid) {
      const why = r.success ? "no session uuid in the reply" : `does not match the expected shape: ${r.error.message}`;
      throw new ZStackResponseError("LogInByAccount", 200, why, scrubSessionIds(JSON.stringify(body)), this.secrets());
    }
    return r.data.uuid;
  }

  private async authHeaders(method: string, path: string, sessionId: string | undefined): Promise<Record<string, string>> {
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
      for (const item of Array.isArray(v) ? v : [v]) qs.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
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
      ...(await this.authHeaders(method, path, sessionId)),
    };
    if (body !== undefined) headers["Content-Type"] = "application/json;charset=UTF-8";
    this.requestCount++;
    return exchange({ method, url, headers, body }, this.tls, this.retry.requestTimeoutMs);
  }

  /** One request with transient retries; connection failures after the last retry become ZStackConnectionError. */
  private async sendWithRetries(
    api: string,
    build: () => Promise<{ method: string; url: string; body?: string; headers: Record<string, string>; sessionId?: string }>,
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
        throw new ZStackConnectionError(api, this.redact(e.message), this.retry.maxRetries + 1, e);
      }
      if (e instanceof ZStackError) throw e;
      const err = e as Error;
      throw new ZStackConnectionError(api, this.redact(err.message ?? String(e)), 1, e);
    }
  }

  /** The JSON body; `scrub` cleans the text shown in the error when it is not JSON. */
  private parseJson(api: string, res: HttpResponse, scrub: (text: string) => string = (t) => t): unknown {
    if (res.text.trim() === "") return {};
    try {
      return JSON.parse(res.text) as unknown;
    } catch {
      throw new ZStackResponseError(api, res.status, "body is not JSON", scrub(res.text), this.secrets());
    }
  }

  /** Turns a non-success answer into the matching typed error. */
  private failure(api: string, res: HttpResponse): ZStackError {
    if (res.status === 503) {
      const body = (() => {
        try {
          return JSON.parse(res.text) as { error?: ZStackErrorCode };
        } catch {
          return undefined;
        }
      })();
      if (body?.error && typeof body.error === "object") return new ZStackApiError(api, body.error, 503, this.secrets());
    }
    if (res.status === 403 && this.auth.kind === "accessKey") {
      const hint = /TooSkewed/i.test(res.text)
        ? "the Date header is more than 15 minutes away from the management node's clock; set zstack:timeZone to the management node's time zone"
        : "check zstack:accessKeyId and zstack:accessKeySecret (or ZSTACK_ACCESS_KEY_ID / ZSTACK_ACCESS_KEY_SECRET)";
      return new ZStackConfigError(`${api}: ZStack rejected the access key (HTTP 403 ${this.redact(res.text)}): ${hint}`);
    }
    return new ZStackHttpError(api, res.status, res.text, this.secrets());
  }

  parse<T>(api: string, status: number, body: unknown, schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } }, envelope?: "inventory"): T {
    const value = envelope ? (body as Record<string, unknown> | undefined)?.[envelope] ?? {} : body;
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new ZStackResponseError(api, status, `does not match the expected shape: ${r.error?.message ?? ""}`, JSON.stringify(body), this.secrets());
    }
    return r.data as T;
  }

  /** Items of a `{"inventories": [...]}` answer, each parsed with `schema`. */
  parseList<T>(api: string, body: unknown, schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } }): T[] {
    const list = (body as { inventories?: unknown } | undefined)?.inventories;
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw new ZStackResponseError(api, 200, "inventories is not a list", JSON.stringify(body), this.secrets());
    return list.map((item) => this.parse(api, 200, item, schema));
  }

  // ---------------------------------------------------------------- sync calls

  /** A sync call without session handling (login uses it). */
  private async rawSync(name: EndpointName, req: CallRequest, sessionId: string | undefined, scrub?: (text: string) => string): Promise<unknown> {
    const ep = endpoints[name];
    const { method, path: template } = parseRoute(ep.route);
    const path = expandPath(template, req.pathVars ?? {});
    const api = `${name} (${method} ${template})`;
    const body = "wrapper" in ep && ep.wrapper ? JSON.stringify(this.wrapBody(ep.wrapper, req)) : undefined;
    const res = await this.sendWithRetries(api, async () => ({
      method,
      url: this.buildUrl(path, req.query),
      body,
      headers: {},
      sessionId,
    }));
    if (res.status === 200 || res.status === 204) return this.parseJson(api, res, scrub);
    throw this.failure(api, res);
  }

  private wrapBody(wrapper: string, req: CallRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { [wrapper]: stripUndefined(req.params ?? {}) };
    if (req.systemTags) body.systemTags = req.systemTags;
    if (req.userTags) body.userTags = req.userTags;
    return body;
  }

  /** Runs `op` with the current session; on ID.1001 (expired session) logs in again once and retries. */
  private async withSession<T>(op: (sessionId: string | undefined) => Promise<T>): Promise<T> {
    const sessionId = await this.sessionId();
    try {
      return await op(sessionId);
    } catch (e) {
      if (!(e instanceof ZStackApiError) || e.code !== "ID.1001") throw e;
      if (this.auth.kind !== "account") {
        throw new ZStackConfigError(
          this.auth.kind === "session"
            ? "the ZStack session in zstack:sessionId (ZSTACK_SESSION_ID) has expired; set a fresh one, or configure zstack:accountName/zstack:password instead"
            : `ZStack rejected the access-key session (${e.details})`,
          { cause: e },
        );
      }
      await this.invalidateSession(sessionId);
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
      },
    });
  }

  // ---------------------------------------------------------------- async calls

  /**
   * Submits an async API: 202 with a location. Transient faults resubmit with the same X-Job-UUID;
   * `Duplicate job uuid` after a fault means an earlier attempt was accepted, and that job is used.
   */
  async submit(name: EndpointName, req: CallRequest, sessionId: string | undefined): Promise<ApiJob> {
    const ep = endpoints[name];
    const { method, path: template } = parseRoute(ep.route);
    const path = expandPath(template, req.pathVars ?? {});
    const api = `${name} (${method} ${template})`;
    const jobUuid = req.jobUuid ?? randomZStackUuid();
    if (!HEX32.test(jobUuid)) throw new ZStackError(`X-Job-UUID must be 32 hex characters, got "${jobUuid}"`);
    const body = "wrapper" in ep && ep.wrapper ? JSON.stringify(this.wrapBody(ep.wrapper, req)) : undefined;
    let faults = 0;
    const submittedAt = this.clock.now();
    const res = await this.sendWithRetries(
      api,
      async () => ({
        method,
        url: this.buildUrl(path, req.query),
        body,
        headers: { "X-Job-UUID": jobUuid },
        sessionId,
      }),
      () => faults++,
    );
    if (res.status === 202) {
      const parsed = this.parse(api, res.status, this.parseJson(api, res), schemas().ApiJobLocation);
      return {
        api,
        jobUuid,
        pollUrl: this.resolveLocation(parsed.location, jobUuid),
        apiTimeoutMs: parsed.apiTimeout ?? 1_800_000,
        submittedAt,
      };
    }
    if (res.status === 400 && faults > 0 && /duplicate job uuid/i.test(res.text)) {
      // the attempt that "failed" reached the server: follow the job it started
      return { api, jobUuid, pollUrl: `${this.baseUrl}/v1/api-jobs/${jobUuid}`, apiTimeoutMs: 1_800_000, submittedAt };
    }
    if (res.status === 200 || res.status === 204) {
      throw new ZStackResponseError(api, res.status, "an async API answered synchronously", res.text, this.secrets());
    }
    throw this.failure(api, res);
  }

  /**
   * Validates the api-job location ZStack returned and rewrites it to the configured endpoint (the
   * MN advertises its own IP and its own context path, which may not be reachable from here, e.g.
   * behind a reverse proxy that maps `/zs` to `/zstack`). Only the job id is taken from it: the path
   * must be `[/<one context segment>]/v1/api-jobs/<the job uuid we sent>`. Rejects userinfo, other
   * schemes, queries, fragments, any traversal or escaping, and any other path.
   */
  resolveLocation(location: string, jobUuid: string): string {
    const reject = (why: string) =>
      new ZStackLocationError(`refusing to poll api-job location "${this.redact(location).slice(0, 300)}": ${why}`);
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw reject("not an absolute URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw reject("scheme is not http or https");
    if (url.username || url.password || /@/.test(location.split("/")[2] ?? "")) throw reject("it carries userinfo");
    if (url.search || url.hash || /[?#]/.test(location)) throw reject("it carries a query or fragment");
    const rawPath = location.replace(/^[a-z]+:\/\/[^/]*/i, "");
    if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(rawPath)) throw reject("path traversal");
    const m = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?\/v1\/api-jobs\/([^/]*)$/.exec(rawPath);
    if (!m) throw reject("path is not [/<context>]/v1/api-jobs/<job uuid>");
    const id = m[1];
    if (!HEX32.test(id)) throw reject("job id is not 32 hex characters");
    if (id.toLowerCase() !== jobUuid.toLowerCase()) throw reject("job id differs from the X-Job-UUID sent");
    return `${this.baseUrl}/v1/api-jobs/${id}`;
  }

  /** One poll of an api job: not done yet, or the success body; throws the API failure. */
  async pollApiJob(job: ApiJob): Promise<ApiJobPoll> {
    const sessionId = await this.sessionId().catch(() => undefined);
    const res = await this.sendWithRetries(job.api, async () => ({
      method: "GET",
      url: job.pollUrl,
      headers: {},
      sessionId,
    }));
    if (res.status === 202) return { done: false };
    if (res.status === 200 || res.status === 204) return { done: true, body: this.parseJson(job.api, res) };
    if (res.status === 404) {
      throw new ZStackHttpError(`${job.api}: api job ${job.jobUuid}`, 404, res.text || "the job has been expired", this.secrets());
    }
    throw this.failure(job.api, res);
  }

  /** Polls an api job with backoff until it finishes or `apiTimeout` + slack passes. */
  async waitApiJob(job: ApiJob, deadline?: number): Promise<unknown> {
    const p = this.apiPoll;
    const end = deadline ?? job.submittedAt + job.apiTimeoutMs + p.slackMs;
    let delay = p.initialDelayMs;
    await this.clock.sleep(p.firstDelayMs);
    for (;;) {
      const r = await this.pollApiJob(job);
      if (r.done) return r.body;
      const now = this.clock.now();
      if (now >= end) {
        throw new ZStackTimeoutError(`${job.api}: api job ${job.jobUuid} did not finish within ${Math.round((end - job.submittedAt) / 1000)} s`, end - job.submittedAt);
      }
      await this.clock.sleep(Math.min(delay, Math.max(0, end - now)));
      delay = Math.min(p.maxDelayMs, delay * p.factor);
    }
  }

  /**
   * Calls an async API and waits for its result (the body of the final 200). An expired session
   * (ID.1001 on the poll: the API never ran) logs in again and resubmits once with a new X-Job-UUID.
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

/**
 * A login reply as shown in an error: every `"uuid"` value and every UUID-shaped token (32 hex
 * characters, or the dashed form) replaced, since one of them is the new session id.
 */
function scrubSessionIds(text: string): string {
  return text
    .replace(/("uuid"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`)
    .replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, REDACTED);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
