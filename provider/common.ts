/**
 * What both providers share: the preview sentinel, precise value comparison, the partial-create
 * error the engine understands, per-instance runtime state, and the ZStack client each method uses.
 */
import { Clock, realClock, RetryPolicy, ZStackApiError, ZStackClient, ZStackConfigError, ZStackHttpError } from "./client";
import { ConfigSource, ProviderConfig, readConfig, requireConnection } from "./config";
import { DEFAULT_POLL_POLICY, PollPolicy } from "./polling";

/** Inputs computed from other resources reach `check`/`diff` as this string during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or contains, the preview sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v as object).some(containsUnknown);
  return false;
}

/** Structural equality of JSON values; `undefined` members equal absent ones. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** Deep copy without `undefined` members (protobuf Structs reject them). */
export function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(clean) as unknown as T;
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = clean(x);
    return out as T;
  }
  return v;
}

/**
 * Thrown when the ZStack object exists but the operation did not end well (a long job Failed or
 * Canceled, a wait that timed out). The dynamic-provider server turns `{id, properties, reasons}`
 * into ErrorResourceInitFailed, so the engine records the resource instead of orphaning it.
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(message: string, id: string, properties: object, reasons: string[]) {
    super(message);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = clean(properties) as Record<string, unknown>;
    this.reasons = reasons;
  }
}

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
}

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
  async configure(req: { config: ConfigSource }): Promise<void> {
    const s = runtimeOf(this);
    s.config = readConfig(req.config);
    s.client = undefined;
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
        retry: { maxRetries: 2, requestTimeoutMs: 15_000, ...this.deps.retry },
      });
    } catch (e) {
      if (e instanceof ZStackConfigError) return undefined;
      throw e;
    }
  }
}

/** Resolves when the call succeeds or its target is already gone (SYS.1003, "not found", 404). */
export async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ZStackApiError && e.isNotFound()) return;
    if (e instanceof ZStackHttpError && e.status === 404 && !/api job/.test(e.message)) return;
    throw e;
  }
}
