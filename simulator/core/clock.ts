/**
 * The simulator's notion of "now". Everything time-dependent (job progress, session expiry,
 * api-job retention) is computed from `now()` when a request arrives, so jumping hours ahead costs nothing.
 *
 * Three sources:
 * - real time scaled by `speed` (default; speed 600 makes a 1 h job take 6 s);
 * - manual: time moves only through `advance()` (deterministic tests);
 * - external: an injected `{ now() }` shared with a client (benchmarks with a virtual clock).
 */
export interface ClockSource {
  now(): number;
}

export type ClockMode =
  { kind: "real"; speed: number } | { kind: "manual" } | { kind: "external"; source: ClockSource };

export class SimClock {
  private readonly mode: ClockMode;
  private simBase: number;
  private realBase: number;
  private offset = 0;

  constructor(mode: ClockMode, startSimMs: number) {
    this.mode = mode;
    this.simBase = Math.floor(startSimMs);
    this.realBase = Date.now();
    if (mode.kind === "real" && !(mode.speed > 0)) throw new Error("speed must be a positive number");
  }

  now(): number {
    switch (this.mode.kind) {
      case "manual":
        return this.simBase;
      case "external":
        return Math.floor(this.mode.source.now()) + this.offset;
      case "real":
        return this.simBase + Math.floor((Date.now() - this.realBase) * this.mode.speed) + this.offset;
    }
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`cannot advance the clock by ${ms} ms`);
    if (this.mode.kind === "manual") this.simBase += Math.floor(ms);
    else this.offset += Math.floor(ms);
  }

  describe(): string {
    switch (this.mode.kind) {
      case "manual":
        return "manual";
      case "external":
        return "external";
      case "real":
        return `speed x${this.mode.speed}`;
    }
  }
}
