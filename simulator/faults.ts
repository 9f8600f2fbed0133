/**
 * Fault injection: what goes wrong between the client and the management node, decided by a seeded
 * PRNG so a run with the same `randomSeed` and the same request order fails the same way.
 */
import { SESSION_ERROR_CODES, type SessionErrorCode } from "./assumptions";
import { Prng } from "./core/prng";
import { text } from "./core/text";
import type { FailureSpec } from "./world/world";

/** a long job (`v2v`, `ova`), or a SetVmStaticIp call (`static-ip`, whose api-job fails) */
export type JobKind = "v2v" | "ova" | "static-ip";
export type ResetPhase = "before" | "after";
/** How a download of an exported file goes wrong (see DOWNLOAD_FAULTS in assumptions.ts). */
export type DownloadCorruption = "flip" | "truncate" | "missing";
export const DOWNLOAD_CORRUPTIONS: readonly DownloadCorruption[] = ["flip", "truncate", "missing"];

/** A download fault; `remaining` undefined: until clear(). */
export interface CorruptDownloads {
  mode: DownloadCorruption;
  remaining?: number;
}
export interface DropDownloads {
  afterBytes: number;
  remaining?: number;
}

/** What one download answer suffers. */
export interface DownloadFault {
  corruption?: DownloadCorruption;
  /** destroy the connection after this many body bytes */
  dropAfterBytes?: number;
}

export interface FaultState {
  pendingFailures: Record<JobKind, FailureSpec[]>;
  latencyMs: number;
  proxyErrorRate: number;
  connectionResetRate: number;
  connectionResetPhase: ResetPhase;
  corruptDownloads: CorruptDownloads | null;
  dropDownloads: DropDownloads | null;
  /** how an invalid or expired session is reported (SESSION_ERROR_CODES in assumptions.ts) */
  sessionErrorCode: SessionErrorCode;
}

const PROXY_STATUSES = [502, 503, 504] as const;
const PROXY_TEXT: Record<number, string> = { 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

function positiveCount(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`count must be an integer >= 1, got ${n}`);
  return n;
}

function rate(r: number, what: string): number {
  if (!(r >= 0 && r <= 1)) throw new Error(`${what} must be between 0 and 1, got ${r}`);
  return r;
}

export class Faults {
  private state: FaultState = Faults.empty();

  constructor(private readonly rng: Prng) {}

  private static empty(): FaultState {
    return {
      pendingFailures: { v2v: [], ova: [], "static-ip": [] },
      latencyMs: 0,
      proxyErrorRate: 0,
      connectionResetRate: 0,
      connectionResetPhase: "before",
      corruptDownloads: null,
      dropDownloads: null,
      sessionErrorCode: "ID.1001",
    };
  }

  failNextJob(kind: JobKind, opts: FailureSpec = {}): void {
    if (kind !== "v2v" && kind !== "ova" && kind !== "static-ip")
      throw new Error(`unknown job kind "${text(kind)}" (v2v, ova or static-ip)`);
    if (opts.atFraction !== undefined) rate(opts.atFraction, "atFraction");
    this.state.pendingFailures[kind].push({ ...opts });
  }

  takeFailure(kind: JobKind): FailureSpec | undefined {
    return this.state.pendingFailures[kind].shift();
  }

  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new Error(`latency must be >= 0, got ${ms}`);
    this.state.latencyMs = ms;
  }

  setProxyErrorRate(r: number): void {
    this.state.proxyErrorRate = rate(r, "proxy error rate");
  }

  setConnectionResetRate(r: number, phase: ResetPhase = "before"): void {
    if (phase !== "before" && phase !== "after")
      throw new Error(`phase must be "before" or "after", got ${text(phase)}`);
    this.state.connectionResetRate = rate(r, "connection reset rate");
    this.state.connectionResetPhase = phase;
  }

  /** Downloads of exported files are corrupted: `count` answers, or until clear(). */
  corruptDownloads(mode: DownloadCorruption, count?: number): void {
    if (!DOWNLOAD_CORRUPTIONS.includes(mode))
      throw new Error(`mode must be one of ${DOWNLOAD_CORRUPTIONS.join(", ")}, got ${String(mode)}`);
    this.state.corruptDownloads = { mode, ...(count === undefined ? {} : { remaining: positiveCount(count) }) };
  }

  /** GET downloads of exported files lose their connection after `afterBytes` body bytes: `count` answers, or until clear(). */
  dropDownloads(afterBytes: number, count?: number): void {
    if (!(Number.isInteger(afterBytes) && afterBytes >= 0))
      throw new Error(`afterBytes must be an integer >= 0, got ${afterBytes}`);
    this.state.dropDownloads = { afterBytes, ...(count === undefined ? {} : { remaining: positiveCount(count) }) };
  }

  /**
   * The fault one download answer suffers, counted against the faults' `count`. A HEAD has no body
   * to flip or cut, so it only takes (and counts) "missing" and "truncate".
   */
  takeDownloadFault(method: string): DownloadFault {
    const out: DownloadFault = {};
    const c = this.state.corruptDownloads;
    if (c && (method === "GET" || c.mode !== "flip")) {
      out.corruption = c.mode;
      if (c.remaining !== undefined && --c.remaining <= 0) this.state.corruptDownloads = null;
    }
    const d = this.state.dropDownloads;
    if (d && method === "GET" && out.corruption !== "missing") {
      out.dropAfterBytes = d.afterBytes;
      if (d.remaining !== undefined && --d.remaining <= 0) this.state.dropDownloads = null;
    }
    return out;
  }

  /** Invalid or expired sessions are reported with this code from now on (until clear()). */
  setSessionErrorCode(code: SessionErrorCode): void {
    if (!SESSION_ERROR_CODES.includes(code))
      throw new Error(`the session error code must be one of ${SESSION_ERROR_CODES.join(", ")}, got ${text(code)}`);
    this.state.sessionErrorCode = code;
  }

  get sessionErrorCode(): SessionErrorCode {
    return this.state.sessionErrorCode;
  }

  clear(): void {
    this.state = Faults.empty();
  }

  get latencyMs(): number {
    return this.state.latencyMs;
  }

  /** A proxy answer for this request, or undefined to let it through. */
  proxyError(): { status: number; text: string } | undefined {
    if (this.state.proxyErrorRate <= 0 || this.rng.next() >= this.state.proxyErrorRate) return undefined;
    const status = PROXY_STATUSES[this.rng.nextU32() % PROXY_STATUSES.length];
    return { status, text: `${status} ${PROXY_TEXT[status]}` };
  }

  /** Whether to destroy this request's connection, and when. */
  connectionReset(): ResetPhase | undefined {
    if (this.state.connectionResetRate <= 0 || this.rng.next() >= this.state.connectionResetRate) return undefined;
    return this.state.connectionResetPhase;
  }

  describe(): FaultState {
    return JSON.parse(JSON.stringify(this.state)) as FaultState;
  }
}
