/**
 * Typed errors of the ZStack client. Every message is redacted: no password, access-key secret,
 * session id or private key ever reaches `message` or `stack`.
 */
import { redactJson, redactText } from "./redact";

/** ZStack's ErrorCode as it appears in `{"error": …}` (docs/zstack-wire.md §5.1); every field optional. */
export interface ZStackErrorCode {
  code?: string;
  description?: string;
  details?: string;
  elaboration?: string;
  location?: string;
  cost?: string;
  cause?: ZStackErrorCode;
  causes?: ZStackErrorCode[];
  opaque?: unknown;
  [key: string]: unknown;
}

/** Base class of every error the client throws. */
export class ZStackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(redactText(message), options);
    this.name = new.target.name;
  }
}

/** The configuration is missing or contradictory (no endpoint, no credentials, bad CA, …). */
export class ZStackConfigError extends ZStackError {}

/** how deep nested `cause` / `causes` are followed, and how many ErrorCodes are kept in all */
const MAX_CAUSE_DEPTH = 20;
const MAX_CAUSE_NODES = 100;
/** how long the "caused by …" part of a message may grow */
const MAX_CAUSE_TEXT = 4000;

function isErrorCode(v: unknown): v is ZStackErrorCode {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * A copy of an ErrorCode redacted by key and by value (every string, at any depth, goes through
 * {@link redactText} with `secrets`), its nested `cause` / `causes` cut at a depth and a count.
 */
function redactErrorCode(
  ec: ZStackErrorCode,
  secrets: readonly string[],
  budget: { nodes: number },
  depth = 0,
): ZStackErrorCode {
  budget.nodes--;
  const { cause, causes, ...rest } = ec;
  const out = redactJson(rest, secrets) as ZStackErrorCode;
  if (depth >= MAX_CAUSE_DEPTH) return out;
  if (isErrorCode(cause) && budget.nodes > 0) out.cause = redactErrorCode(cause, secrets, budget, depth + 1);
  if (Array.isArray(causes)) {
    const list: ZStackErrorCode[] = [];
    for (const c of causes)
      if (isErrorCode(c) && budget.nodes > 0) list.push(redactErrorCode(c, secrets, budget, depth + 1));
    out.causes = list;
  }
  return out;
}

/** `CODE: details` of an ErrorCode, followed by its `cause` (`<- …`) and its `causes` (`<- [a; b]`). */
function summarize(c: ZStackErrorCode): string {
  let s = `${c.code ?? "?"}: ${c.details ?? c.description ?? ""}`;
  if (isErrorCode(c.cause)) s += ` <- ${summarize(c.cause)}`;
  if (Array.isArray(c.causes) && c.causes.length > 0) s += ` <- [${c.causes.map(summarize).join("; ")}]`;
  return s;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The codes of an invalid or expired session: ID.1001, and ORG_ZSTACK_IDENTITY_10020 on newer
 * management nodes, as `code` or as `globalErrorCode` (docs/zstack-wire.md §12.2).
 */
const SESSION_EXPIRED_CODES: readonly string[] = ["ID.1001", "ORG_ZSTACK_IDENTITY_10020"];

/** Whether a text says that the session is invalid or expired, as ZStack's own client reads it. */
function saysSessionInvalid(text: string): boolean {
  const t = text.toLowerCase();
  return t.includes("session") && (t.includes("invalid") || t.includes("expired"));
}

const GONE = String.raw`(?:not found|not exist|does not exist|doesn't exist|can ?not be found|cannot be found)`;

/** SYS.1003 from the API parameter check: `resource[uuid:<u>, type:<T>] not found`. */
const SYS1003_TEMPLATE = /resource\[uuid:\s*[^\s,\][]+\s*(?:,[^\][]*)?\]\s*not found/i;

/**
 * Whether `text` says that the resource `uuid` itself is gone, in one of ZStack's phrasings:
 * `resource[uuid:<u>, type:T] not found` / `resource[uuids:[…, <u>, …], type:T] not found` (SYS.1003),
 * `ova package[uuid: <u>] not found.` (a manager's own words), `Not found the vm … with the uuid: <u>`.
 * A uuid named elsewhere in the text ("host[uuid:H] not found while deleting vm[uuid:<u>]") is not.
 */
export function textSaysGone(text: string, uuid: string): boolean {
  if (!uuid) return false;
  const u = escapeRegExp(uuid);
  const patterns = [
    String.raw`\[\s*uuid\s*[:=]\s*${u}\s*(?:,[^\][]*)?\]\s*(?:is\s+|was\s+|has\s+)?${GONE}`,
    String.raw`\[\s*uuids\s*[:=]\s*\[[^\][]*\b${u}\b[^\][]*\](?:,[^\][]*)?\]\s*${GONE}`,
    String.raw`(?:^|[.;:]\s*)not found\b[^\][;]*?\buuid\b\s*[:=]?\s*\[?${u}\]?\s*\.?\s*$`,
  ];
  return patterns.some((p) => new RegExp(p, "i").test(text));
}

/**
 * ZStack ran the API and it failed: HTTP 503 with `{"error": ErrorCode}`, on a sync call or on the
 * api-job poll. Never retried as a transient fault.
 */
export class ZStackApiError extends ZStackError {
  readonly code: string;
  readonly description: string;
  readonly details: string;
  readonly elaboration?: string;
  /**
   * The outer error and every nested one, outermost first: each ErrorCode is followed by its
   * `cause` chain, then by each of its `causes` (ZStack's ErrorCodeList) with theirs.
   */
  readonly causeChain: ZStackErrorCode[];
  /** the raw ErrorCode, redacted by key and by value */
  readonly errorCode: ZStackErrorCode;
  readonly status: number;
  /** `METHOD /v1/path` of the API call */
  readonly api: string;

  constructor(api: string, errorCode: ZStackErrorCode, status = 503, secrets: readonly string[] = []) {
    const ec = redactErrorCode(isErrorCode(errorCode) ? errorCode : {}, secrets, { nodes: MAX_CAUSE_NODES });
    const chain: ZStackErrorCode[] = [];
    const walk = (c: ZStackErrorCode): void => {
      chain.push(c);
      if (isErrorCode(c.cause)) walk(c.cause);
      if (Array.isArray(c.causes)) for (const x of c.causes) walk(x);
    };
    walk(ec);
    const code = String(ec.code ?? "UNKNOWN");
    const description = String(ec.description ?? "");
    const details = String(ec.details ?? "");
    const parts: string[] = [];
    if (isErrorCode(ec.cause)) parts.push(summarize(ec.cause));
    if (Array.isArray(ec.causes) && ec.causes.length > 0) parts.push(`[${ec.causes.map(summarize).join("; ")}]`);
    let causes = parts.join(" <- ");
    if (causes.length > MAX_CAUSE_TEXT) causes = `${causes.slice(0, MAX_CAUSE_TEXT)}…`;
    const text = `${api} failed: ${code} ${description}${details ? `: ${details}` : ""}${causes ? ` (caused by ${causes})` : ""}`;
    const causeError = isErrorCode(ec.cause) ? new ZStackApiError(api, ec.cause, status, secrets) : undefined;
    super(redactText(text, secrets), causeError ? { cause: causeError } : undefined);
    this.code = code;
    this.description = description;
    this.details = details;
    if (ec.elaboration !== undefined) this.elaboration = String(ec.elaboration);
    this.causeChain = chain;
    this.errorCode = ec;
    this.status = status;
    this.api = api;
  }

  /**
   * Whether ZStack says the session is invalid or expired, so that a new login may succeed: the code
   * (`code` or `globalErrorCode`) is ID.1001 or ORG_ZSTACK_IDENTITY_10020, or the details or the
   * description say that the session is invalid or expired (docs/zstack-wire.md §12.2).
   */
  isSessionExpired(): boolean {
    const global = this.errorCode.globalErrorCode;
    if (SESSION_EXPIRED_CODES.includes(this.code)) return true;
    if (typeof global === "string" && SESSION_EXPIRED_CODES.includes(global)) return true;
    return [this.details, this.description].some(saysSessionInvalid);
  }

  /**
   * Whether ZStack says the resource operated on is gone. With its `uuid`: SYS.1003
   * `resource[uuid:<uuid>…] not found`, or any code whose details say that this uuid is not found
   * (see {@link textSaysGone}). Without a uuid (strict): only SYS.1003 with that template.
   */
  isNotFound(uuid?: string): boolean {
    if (!uuid) return this.code === "SYS.1003" && SYS1003_TEMPLATE.test(this.details);
    return textSaysGone(this.details, uuid);
  }
}

/**
 * Whether a failed call on the resource `uuid` means that the resource is gone: a
 * {@link ZStackApiError} that {@link ZStackApiError.isNotFound says so}, or an HTTP 404 whose body
 * says that this uuid is not found (ZStack's own 404s, `no api mapping to …` and
 * `the job has been expired`, are not about the resource and do not count).
 */
export function isNotFoundError(err: unknown, uuid?: string): boolean {
  if (err instanceof ZStackApiError) return err.isNotFound(uuid);
  if (err instanceof ZStackHttpError) return err.status === 404 && !!uuid && textSaysGone(err.body, uuid);
  return false;
}

/** A non-2xx answer that is not an API failure: REST-layer 4xx/5xx with a plain-text body. */
export class ZStackHttpError extends ZStackError {
  readonly status: number;
  readonly body: string;
  readonly api: string;
  constructor(api: string, status: number, body: string, secrets: readonly string[] = []) {
    const clean = redactText(body, secrets); // before cutting: a secret across the cut would leak its head
    const shown = clean.length > 2000 ? `${clean.slice(0, 2000)}…` : clean;
    super(`${api} failed: HTTP ${status}${shown ? `: ${shown}` : ""}`);
    this.status = status;
    this.body = shown;
    this.api = api;
  }
}

/** No connection could be made, or the connection failed, and retries are exhausted. */
export class ZStackConnectionError extends ZStackError {
  readonly api: string;
  readonly attempts: number;
  /** `endpoint`: the management node's base URL, named in the message */
  constructor(api: string, reason: string, attempts: number, cause?: unknown, endpoint?: string) {
    super(
      `${api}: cannot reach ZStack${endpoint ? ` at ${endpoint}` : ""} after ${attempts} attempt(s): ${reason}`,
      cause ? { cause } : undefined,
    );
    this.api = api;
    this.attempts = attempts;
  }
}

/** A deadline passed: an api-job poll, a long job, an export, a delete. */
export class ZStackTimeoutError extends ZStackError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(message);
    this.timeoutMs = timeoutMs;
  }
}

/** ZStack answered with a body the client cannot understand (not JSON, or not the expected shape). */
export class ZStackResponseError extends ZStackError {
  readonly status: number;
  readonly api: string;
  readonly body: string;
  constructor(api: string, status: number, reason: string, body: string, secrets: readonly string[] = []) {
    const clean = redactText(body, secrets); // before cutting: a secret across the cut would leak its head
    const shown = clean.length > 1000 ? `${clean.slice(0, 1000)}…` : clean;
    super(`${api}: unexpected response (HTTP ${status}): ${reason}`);
    this.status = status;
    this.api = api;
    this.body = shown;
  }
}

/** The api-job `location` returned by ZStack is not one the client is willing to follow. */
export class ZStackLocationError extends ZStackError {}
