/**
 * The base of every provider: its configuration (from `configure` or the environment), the ZStack
 * client built from it, and the injectable clock, poll policy and log.
 */
import { Clock, RetryPolicy, ZStackClient, ZStackConfigError, realClock } from "../client";
import { ConfigSource, ProviderConfig, readConfig, requireConnection } from "./config";
import { DEFAULT_POLL_POLICY, PollPolicy } from "./polling";
import { CapacityLedger, CheckCache } from "../v2v-migration/preflight";

/** Optional dependencies of a provider (tests and the benchmark inject a virtual clock). */
export interface ProviderDeps {
  clock?: Clock;
  pollPolicy?: Partial<PollPolicy>;
  retry?: Partial<RetryPolicy>;
  /** where progress lines go (default console.log) */
  log?: (line: string) => void;
}

interface RuntimeState {
  config?: ProviderConfig;
  client?: ZStackClient;
  /** what this run's checks learned: remote answers, and the capacity the run's creations need */
  checks?: { cache: CheckCache; ledger: CapacityLedger };
}

/** `check` must answer quickly: fewer retries and a shorter request timeout than the other methods. */
const CHECK_RETRY: Partial<RetryPolicy> = { maxRetries: 2, requestTimeoutMs: 15_000 };

const STATE_KEY = "__pulumiZStackMigrationProviderState_v1";

/**
 * Runtime state of a provider instance, kept outside the instance (on a WeakMap on globalThis) so
 * that a provider serialized by value never captures a configured client or credentials.
 */
function runtimeOf(p: object): RuntimeState {
  const g = globalThis as unknown as Record<string, WeakMap<object, RuntimeState> | undefined>;
  const map = g[STATE_KEY] ?? (g[STATE_KEY] = new WeakMap<object, RuntimeState>());
  let s = map.get(p);
  if (!s) {
    s = {};
    map.set(p, s);
  }
  return s;
}

/** Base of both providers: configuration, the client and injectable time. */
export abstract class ZStackProviderBase {
  readonly deps: ProviderDeps;

  constructor(deps?: ProviderDeps) {
    this.deps = deps ?? {};
  }

  /** Called once per provider process with the whole stack config (fully qualified keys). */
  // Synchronous work; a Promise because Pulumi's ResourceProvider.configure returns one. The executor
  // runs at once, and a throw (an invalid config) rejects the promise, as the async method did.
  configure(req: { config: ConfigSource }): Promise<void> {
    return new Promise((resolve) => {
      const s = runtimeOf(this);
      s.config = readConfig(req.config);
      s.client = undefined;
      s.checks = undefined;
      resolve();
    });
  }

  protected clock(): Clock {
    return this.deps.clock ?? realClock;
  }

  protected pollPolicy(): PollPolicy {
    return { ...DEFAULT_POLL_POLICY, ...this.deps.pollPolicy };
  }

  protected log(line: string): void {
    (this.deps.log ?? ((l: string) => console.log(l)))(line);
  }

  /** What the checks of this run (this provider process) share: see `preflight.ts`. */
  protected checkState(): { cache: CheckCache; ledger: CapacityLedger } {
    const s = runtimeOf(this);
    return (s.checks ??= { cache: new CheckCache(), ledger: new CapacityLedger() });
  }

  /** The configuration from configure(), or from the environment when configure was not called. */
  protected config(): ProviderConfig {
    const s = runtimeOf(this);
    return s.config ?? readConfig(undefined);
  }

  /** The client for this provider's configuration; throws one clear error when it is incomplete. */
  protected client(): ZStackClient {
    const s = runtimeOf(this);
    if (s.client) return s.client;
    const cfg = this.config();
    const { endpoint, auth } = requireConnection(cfg);
    const client = new ZStackClient({
      endpoint,
      auth,
      tls: { caCertificate: cfg.caCertificate, insecure: cfg.insecure },
      timeZone: cfg.timeZone,
      clock: this.clock(),
      retry: this.deps.retry,
    });
    if (s.config) s.client = client; // env-only configuration is re-read on every call
    return client;
  }

  /**
   * A client for `check`'s reference validation: few retries, and undefined when the connection
   * is not configured or validation is switched off.
   */
  protected checkClient(): ZStackClient | undefined {
    let cfg: ProviderConfig;
    try {
      cfg = this.config();
    } catch {
      return undefined;
    }
    if (!cfg.validateReferences || !cfg.endpoint || !cfg.auth) return undefined;
    try {
      return new ZStackClient({
        endpoint: cfg.endpoint,
        auth: cfg.auth,
        tls: { caCertificate: cfg.caCertificate, insecure: cfg.insecure },
        timeZone: cfg.timeZone,
        clock: this.clock(),
        retry: { ...CHECK_RETRY, ...this.deps.retry },
      });
    } catch (e) {
      if (e instanceof ZStackConfigError) return undefined;
      throw e;
    }
  }
}
