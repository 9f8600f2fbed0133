/**
 * One HTTP exchange with the management node, and the transient-fault retry around it.
 *
 * Transient (retried with exponential backoff and jitter): connection refused/reset, socket and
 * request timeouts, and 502/503/504 whose body is not ZStack's JSON `{"error": …}` (a proxy or a
 * restarting node). ZStack's own 503 `{"error": …}` is an API failure and is never retried here.
 *
 * One keep-alive agent per process and TLS setting, kept on `globalThis` rather than in a module
 * variable so that a provider serialized by value never captures a live agent.
 */
import * as http from "http";
import * as https from "https";
import { createHash } from "crypto";
import fetch from "node-fetch";
import type { Clock } from "./clock";

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

const AGENTS_KEY = "__pulumiZStackMigrationAgents_v1";

/** The process-wide keep-alive agent for a protocol and TLS setting. */
export function agentFor(protocol: string, tls: TlsOptions): http.Agent {
  const g = globalThis as unknown as Record<string, Map<string, http.Agent> | undefined>;
  const agents = g[AGENTS_KEY] ?? (g[AGENTS_KEY] = new Map<string, http.Agent>());
  const isHttps = protocol === "https:";
  const key = isHttps
    ? `https|${tls.insecure ? "insecure" : "verify"}|${tls.caCertificate ? createHash("sha256").update(tls.caCertificate).digest("hex") : "system"}`
    : "http";
  let agent = agents.get(key);
  if (!agent) {
    agent = isHttps
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 16,
          ca: tls.caCertificate || undefined,
          rejectUnauthorized: !tls.insecure,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    agents.set(key, agent);
  }
  return agent;
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

function classifyFetchError(e: unknown): Error {
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
