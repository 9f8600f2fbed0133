/**
 * Fault injection: what goes wrong between the client and the management node, decided by a seeded
 * PRNG so a run with the same `randomSeed` and the same request order fails the same way.
 */
import { Prng } from "./core/prng";
import type { FailureSpec } from "./world/world";

export type JobKind = "v2v" | "ova";
export type ResetPhase = "before" | "after";

export interface FaultState {
  pendingFailures: Record<JobKind, FailureSpec[]>;
  latencyMs: number;
  proxyErrorRate: number;
  connectionResetRate: number;
  connectionResetPhase: ResetPhase;
}

const PROXY_STATUSES = [502, 503, 504] as const;
const PROXY_TEXT: Record<number, string> = { 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

function rate(r: number, what: string): number {
  if (!(r >= 0 && r <= 1)) throw new Error(`${what} must be between 0 and 1, got ${r}`);
  return r;
}

export class Faults {
  private state: FaultState = Faults.empty();

  constructor(private readonly rng: Prng) {}

  private static empty(): FaultState {
    return {
      pendingFailures: { v2v: [], ova: [] },
      latencyMs: 0,
      proxyErrorRate: 0,
      connectionResetRate: 0,
      connectionResetPhase: "before",
    };
  }

  failNextJob(kind: JobKind, opts: FailureSpec = {}): void {
    if (kind !== "v2v" && kind !== "ova") throw new Error(`unknown job kind "${kind}" (v2v or ova)`);
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
    if (phase !== "before" && phase !== "after") throw new Error(`phase must be "before" or "after", got ${phase}`);
    this.state.connectionResetRate = rate(r, "connection reset rate");
    this.state.connectionResetPhase = phase;
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
