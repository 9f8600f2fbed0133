/**
 * Typed errors of the ZStack client. Every message is redacted: no password, access-key secret,
 * session id or private key ever reaches `message` or `stack`.
 */
import { redactJson, redactText } from "./redact";

/** ZStack's ErrorCode as it appears in `{"error": …}` (zstack-api.md §4.1); every field optional. */
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

/**
 * ZStack ran the API and it failed: HTTP 503 with `{"error": ErrorCode}`, on a sync call or on the
 * api-job poll. Never retried as a transient fault.
 */
export class ZStackApiError extends ZStackError {
  readonly code: string;
  readonly description: string;
  readonly details: string;
  readonly elaboration?: string;
  /** the outer error followed by each nested `cause`, outermost first */
  readonly causeChain: ZStackErrorCode[];
  /** the raw (redacted) ErrorCode */
  readonly errorCode: ZStackErrorCode;
  readonly status: number;
  /** `METHOD /v1/path` of the API call */
  readonly api: string;

  constructor(api: string, errorCode: ZStackErrorCode, status = 503, secrets: readonly string[] = []) {
    const ec = redactJson(errorCode) as ZStackErrorCode;
    const chain: ZStackErrorCode[] = [];
    for (let c: ZStackErrorCode | undefined = ec; c && chain.length < 20; c = c.cause) chain.push(c);
    const code = String(ec.code ?? "UNKNOWN");
    const description = String(ec.description ?? "");
    const details = String(ec.details ?? "");
    const causes = chain
      .slice(1)
      .map((c) => `${c.code ?? "?"}: ${c.details ?? c.description ?? ""}`)
      .join(" <- ");
    const text = `${api} failed: ${code} ${description}${details ? `: ${details}` : ""}${causes ? ` (caused by ${causes})` : ""}`;
    const causeError = ec.cause ? new ZStackApiError(api, ec.cause, status, secrets) : undefined;
    super(redactText(text, secrets), causeError ? { cause: causeError } : undefined);
    this.code = code;
    this.description = description;
    this.details = redactText(details, secrets);
    if (ec.elaboration !== undefined) this.elaboration = String(ec.elaboration);
    this.causeChain = chain;
    this.errorCode = ec;
    this.status = status;
    this.api = api;
  }

  /** `SYS.1003` "resource not found" and friends. */
  isNotFound(): boolean {
    return this.code === "SYS.1003" || /not found|not exist/i.test(this.details);
  }
}

/** A non-2xx answer that is not an API failure: REST-layer 4xx/5xx with a plain-text body. */
export class ZStackHttpError extends ZStackError {
  readonly status: number;
  readonly body: string;
  readonly api: string;
  constructor(api: string, status: number, body: string, secrets: readonly string[] = []) {
    const shown = redactText(body.length > 2000 ? `${body.slice(0, 2000)}…` : body, secrets);
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
  constructor(api: string, reason: string, attempts: number, cause?: unknown) {
    super(`${api}: cannot reach ZStack after ${attempts} attempt(s): ${reason}`, cause ? { cause } : undefined);
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
    const shown = redactText(body.length > 1000 ? `${body.slice(0, 1000)}…` : body, secrets);
    super(`${api}: unexpected response (HTTP ${status}): ${reason}`);
    this.status = status;
    this.api = api;
    this.body = shown;
  }
}

/** The api-job `location` returned by ZStack is not one the client is willing to follow. */
export class ZStackLocationError extends ZStackError {}
