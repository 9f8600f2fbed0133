/**
 * What a resource's logic runs with, whichever host serves it: the configuration (from the host's
 * `configure`, or the environment), the ZStack clients built from it, the injectable clock, poll
 * policy and log, and what the checks of one run share.
 */
import { Clock, RetryPolicy, ZStackClient, ZStackConfigError, realClock } from "../client";
import { CheckCache } from "./check-cache";
import { ConfigSource, ProviderConfig, readConfig, requireConnection } from "./config";
import { DEFAULT_POLL_POLICY, PollPolicy } from "./polling";

/** Optional dependencies of a provider (tests and the benchmark inject a virtual clock). */
export interface ProviderDeps {
  clock?: Clock;
  pollPolicy?: Partial<PollPolicy>;
  retry?: Partial<RetryPolicy>;
  /** where progress lines go (default console.log) */
  log?: (line: string) => void;
}

/**
 * What runs in every preview (`check`, the lookups) must answer quickly: fewer retries and a shorter
 * request timeout than the other methods.
 */
export const PREVIEW_RETRY: Partial<RetryPolicy> = { maxRetries: 2, requestTimeoutMs: 15_000 };

/** The one way a client is made from a configuration (providers, checks and lookups). */
export function clientFor(
  cfg: ProviderConfig,
  opts: { clock?: Clock; retry?: Partial<RetryPolicy> } = {},
): ZStackClient {
  const { endpoint, auth } = requireConnection(cfg);
  return new ZStackClient({
    endpoint,
    auth,
    tls: { caCertificate: cfg.caCertificate, insecure: cfg.insecure },
    timeZone: cfg.timeZone,
    clock: opts.clock,
    retry: opts.retry,
  });
}

/**
 * One provider's context. A host makes one per provider instance and keeps it outside that
 * instance (see `hosts/dynamic/provider.ts`), so that a provider serialized by value never captures
 * a configured client or credentials.
 */
// (fields are assigned in the constructor: Pulumi's closure serializer drops field initializers)
export class ProviderContext {
  readonly deps: ProviderDeps;
  private configured?: ProviderConfig;
  private cachedClient?: ZStackClient;
  private checks?: Map<string, unknown>;

  constructor(deps?: ProviderDeps) {
    this.deps = deps ?? {};
  }

  /** The whole stack config (fully qualified keys), once per provider process; throws on an invalid one. */
  configure(config: ConfigSource): void {
    this.configured = readConfig(config);
    this.cachedClient = undefined;
    this.checks = undefined;
  }

  clock(): Clock {
    return this.deps.clock ?? realClock;
  }

  pollPolicy(): PollPolicy {
    return { ...DEFAULT_POLL_POLICY, ...this.deps.pollPolicy };
  }

  log(line: string): void {
    (this.deps.log ?? ((l: string) => console.log(l)))(line);
  }

  /** The configuration from configure(), or from the environment when configure was not called. */
  config(): ProviderConfig {
    return this.configured ?? readConfig(undefined);
  }

  /** The client for this configuration; throws one clear error when it is incomplete. */
  client(): ZStackClient {
    if (this.cachedClient) return this.cachedClient;
    const client = clientFor(this.config(), { clock: this.clock(), retry: this.deps.retry });
    if (this.configured) this.cachedClient = client; // env-only configuration is re-read on every call
    return client;
  }

  /**
   * A client for `check`'s reference validation: few retries, and undefined when the connection
   * is not configured or validation is switched off.
   */
  checkClient(): ZStackClient | undefined {
    let cfg: ProviderConfig;
    try {
      cfg = this.config();
    } catch {
      return undefined;
    }
    if (!cfg.validateReferences || !cfg.endpoint || !cfg.auth) return undefined;
    try {
      return clientFor(cfg, { clock: this.clock(), retry: { ...PREVIEW_RETRY, ...this.deps.retry } });
    } catch (e) {
      if (e instanceof ZStackConfigError) return undefined;
      throw e;
    }
  }

  /** The remote answers this run's checks share (a 200-VM wave asks once per distinct reference). */
  checkCache(): CheckCache {
    return this.runState("check-cache", () => new CheckCache(this.clock()));
  }

  /**
   * State that lives as long as this provider's configuration (one run: the engine configures each
   * provider process once), by key: what a resource's checks add up across the run (e.g. the
   * capacity preflight's ledger).
   */
  runState<T>(key: string, make: () => T): T {
    const checks = (this.checks ??= new Map<string, unknown>());
    if (!checks.has(key)) checks.set(key, make());
    return checks.get(key) as T;
  }
}
