/**
 * Every wait in the client and the providers goes through a Clock, so tests and the benchmark can
 * drive time (a virtual clock whose `sleep` advances the simulator) instead of really sleeping.
 */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
