// Shared set-up of the provider tests: a simulator on a manual clock, a virtual Clock that advances
// it (so every wait is instant and deterministic), configured providers and a log collector.
import { startSimulator, SEED_CREDENTIALS } from "../../simulator";
import { Clock, clearSessionCache } from "../../provider/client";
import { ConfigSource } from "../../provider/core/config";
import { OvaPackageProvider } from "../../provider/hosts/dynamic/providers";
import { V2vMigrationProvider } from "../../provider/hosts/dynamic/providers";
import { V2vConversionHostProvider } from "../../provider/hosts/dynamic/providers";
import { VCenterProvider } from "../../provider/hosts/dynamic/providers";
import { ProviderDeps } from "../../provider/core/context";

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** A Clock shared by client and simulator: sleeping advances simulated time. */
export function virtualClock(
  sim: Sim,
  hooks: { beforeSleep?: (ms: number) => void | Promise<void> } = {},
): Clock & { slept: number } {
  const clock = {
    slept: 0,
    now: () => sim.now(),
    sleep: async (ms: number) => {
      await hooks.beforeSleep?.(ms);
      clock.slept += ms;
      sim.advance(Math.max(0, Math.round(ms)));
    },
  };
  return clock;
}

export async function newSim(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Sim> {
  clearSessionCache();
  return startSimulator({ port: 0, manualClock: true, ...opts });
}

export function config(values: Record<string, string | undefined>): ConfigSource {
  return { get: (k: string) => values[k] };
}

export function accountConfig(sim: Sim, extra: Record<string, string | undefined> = {}): ConfigSource {
  return config({
    "zstack:endpoint": sim.url,
    "zstack:accountName": SEED_CREDENTIALS.accountName,
    "zstack:password": SEED_CREDENTIALS.password,
    ...extra,
  });
}

export interface Harness<P> {
  provider: P;
  clock: Clock & { slept: number };
  lines: string[];
}

async function make<P extends V2vMigrationProvider | OvaPackageProvider | V2vConversionHostProvider | VCenterProvider>(
  ctor: new (deps?: ProviderDeps) => P,
  sim: Sim,
  opts: { config?: ConfigSource; deps?: ProviderDeps; clock?: Clock & { slept: number } } = {},
): Promise<Harness<P>> {
  const clock = opts.clock ?? virtualClock(sim);
  const lines: string[] = [];
  const provider = new ctor({ clock, log: (l) => lines.push(l), ...opts.deps });
  await provider.configure({ config: opts.config ?? accountConfig(sim) });
  return { provider, clock, lines };
}

export const v2vHarness = (sim: Sim, opts?: Parameters<typeof make>[2]) => make(V2vMigrationProvider, sim, opts);
export const ovaHarness = (sim: Sim, opts?: Parameters<typeof make>[2]) => make(OvaPackageProvider, sim, opts);
export const conversionHostHarness = (sim: Sim, opts?: Parameters<typeof make>[2]) =>
  make(V2vConversionHostProvider, sim, opts);
export const vcenterHarness = (sim: Sim, opts?: Parameters<typeof make>[2]) => make(VCenterProvider, sim, opts);

/** Runs `fn` and returns what it threw (failing if it did not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

/** Count of requests the simulator saw for a route key (as the simulator's stats name it). */
export function routeCount(sim: Sim, pattern: RegExp): number {
  let n = 0;
  for (const [route, count] of Object.entries(sim.stats.byRoute)) if (pattern.test(route)) n += count;
  return n;
}
