/**
 * One HTTP exchange with the management node, and the transient-fault retry around it.
 *
 * Transient (retried with exponential backoff and jitter): connection refused/reset, socket and
 * request timeouts, and 502/503/504 whose body is not ZStack's JSON `{"error": …}` (a proxy or a
 * restarting node). ZStack's own 503 `{"error": …}` is an API failure and is never retried here.
 *
 * One keep-alive agent per process and TLS setting, in a process-wide registry (`registry.ts`), so
 * that a provider serialized by value never captures a live agent.
 */
import * as http from "http";
import * as https from "https";
import { createHash } from "crypto";
import fetch from "node-fetch";
import type { Clock } from "./clock";
import { processRegistry, registered } from "./registry";

export interface TlsOptions {
  /** PEM bundle trusted in addition to (instead of) the system CAs */
  caCertificate?: string;
  /** skip certificate verification (self-signed management nodes); never the default */
  insecure?: boolean;
}

export interface RetryPolicy {
  /** retries after the first attempt */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** per-request timeout (real time: a socket that hangs) */
  requestTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 12,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  requestTimeoutMs: 60_000,
};

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** A failure worth retrying; carries the reason for the final error message. */
export class TransientFault extends Error {
  readonly response?: HttpResponse;
  constructor(reason: string, response?: HttpResponse, cause?: unknown) {
    super(reason, cause ? { cause } : undefined);
    this.name = "TransientFault";
    this.response = response;
  }
}

/** The process-wide keep-alive agent for a protocol and TLS setting. */
export function agentFor(protocol: string, tls: TlsOptions): http.Agent {
  const isHttps = protocol === "https:";
  const key = isHttps
    ? `https|${tls.insecure ? "insecure" : "verify"}|${tls.caCertificate ? createHash("sha256").update(tls.caCertificate).digest("hex") : "system"}`
    : "http";
  return registered(processRegistry<string, http.Agent>("Agents"), key, () =>
    isHttps
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 16,
          ca: tls.caCertificate || undefined,
          rejectUnauthorized: !tls.insecure,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 16 }),
  );
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/** Whether a 5xx body is ZStack's own `{"error": …}` (an API failure, not a proxy's page). */
export function isZStackErrorBody(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && "error" in v;
  } catch {
    return false;
  }
}

/** Sends one request; throws TransientFault for retryable failures, returns every HTTP answer. */
export async function exchange(req: HttpRequest, tls: TlsOptions, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(req.url);
  let res;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      agent: agentFor(url.protocol, tls),
      timeout: timeoutMs,
      redirect: "manual",
      compress: false,
    });
  } catch (e) {
    throw classifyFetchError(e);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    // the connection dropped after the status line: the request may have been processed
    throw classifyFetchError(e);
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const out = { status: res.status, headers, text };
  if ((res.status === 502 || res.status === 503 || res.status === 504) && !isZStackErrorBody(text)) {
    throw new TransientFault(`HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ""}`, out);
  }
  return out;
}

/** An answer whose body is read as a stream (a download of any size). */
export interface HttpStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the body: iterate it chunk by chunk (backpressure), or `resume()`/`destroy()` it */
  body: http.IncomingMessage;
}

/**
 * Sends one request and answers with the body unread, for downloads: the same agents and TLS
 * settings as `exchange`, and the same classification of failures (TransientFault for retryable
 * ones). `idleTimeoutMs` limits a socket that sends nothing (not the whole transfer).
 */
export function openStream(
  req: { method: "GET" | "HEAD"; url: string; headers: Record<string, string> },
  tls: TlsOptions,
  idleTimeoutMs: number,
): Promise<HttpStream> {
  const url = new URL(req.url);
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const r = lib.request(
      url,
      { method: req.method, headers: req.headers, agent: agentFor(url.protocol, tls) },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    r.setTimeout(idleTimeoutMs, () =>
      r.destroy(Object.assign(new Error("no data for too long"), { code: "ETIMEDOUT" })),
    );
    r.on("error", (e) => reject(classifyFetchError(e)));
    r.end();
  });
}

/** A network failure as TransientFault when retrying may help, else as it is. */
export function classifyFetchError(e: unknown): Error {
  const err = e as { code?: string; errno?: string; type?: string; message?: string; name?: string };
  const code = err.code ?? err.errno;
  if (err.type === "request-timeout" || err.type === "body-timeout")
    return new TransientFault("request timed out", undefined, e);
  if (code && TRANSIENT_CODES.has(code)) return new TransientFault(code, undefined, e);
  if (/socket hang up|premature close|other side closed/i.test(err.message ?? "")) {
    return new TransientFault(err.message ?? "connection failed", undefined, e);
  }
  // anything else (a TLS certificate problem, an unknown host, …) will not fix itself: not retried
  return e instanceof Error ? e : new Error(String(e));
}

/** Full-jitter-ish exponential backoff: the n-th retry waits between 50% and 100% of base·2^n (capped). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp * (0.5 + 0.5 * random()));
}

/**
 * Runs `attempt` until it returns, retrying TransientFaults with backoff through `clock`.
 * `onRetry` sees each fault (for logging and for the submit protocol's bookkeeping).
 */
export async function withRetries<T>(
  clock: Clock,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  onRetry?: (fault: TransientFault, n: number) => void,
): Promise<{ value: T; attempts: number }> {
  for (let n = 0; ; n++) {
    try {
      return { value: await attempt(n), attempts: n + 1 };
    } catch (e) {
      if (!(e instanceof TransientFault) || n >= policy.maxRetries) throw e;
      onRetry?.(e, n);
      await clock.sleep(backoffDelay(n, policy));
    }
  }
}
