/**
 * What `check` already asked ZStack during one run: the resources of a run are checked one after
 * the other in one provider process, so a wave that shares its targets asks once per distinct
 * reference, not once per resource. Time comes from the injected clock.
 */
import type { Clock } from "../client";

/** How long an answer serves later checks of the same run (a run's checks take seconds). */
export const CHECK_CACHE_TTL_MS = 60_000;

/** Remote answers by key, each for {@link CHECK_CACHE_TTL_MS}; a failed one is asked again. */
// (fields are assigned in constructors: Pulumi's closure serializer drops field initializers)
export class CheckCache {
  private readonly entries: Map<string, { at: number; value: Promise<unknown> }>;
  private readonly clock: Pick<Clock, "now">;
  private readonly ttlMs: number;

  constructor(clock: Pick<Clock, "now">, ttlMs = CHECK_CACHE_TTL_MS) {
    this.entries = new Map();
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** `ttlMs` Infinity: the first answer of the run serves the whole run (a capacity the ledger is measured against). */
  get<T>(key: string, load: () => Promise<T>, ttlMs = this.ttlMs): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.clock.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: this.clock.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
