/**
 * What both providers share: the preview sentinel, precise value comparison, the partial-create
 * error the engine understands, per-instance runtime state, and the ZStack client each method uses.
 */
import {
  Clock,
  RetryPolicy,
  ZStackClient,
  ZStackConfigError,
  ZStackConnectionError,
  ZStackError,
  ZStackHttpError,
  ZStackTimeoutError,
  isNotFoundError,
  randomZStackUuid,
  realClock,
} from "./client";
import { ConfigSource, ProviderConfig, readConfig, requireConnection } from "./config";
import { DEFAULT_POLL_POLICY, PollPolicy } from "./polling";
import { RESOURCE_UUID } from "./validation";

export { UNKNOWN, clean, containsUnknown, jsonEqual, pickInputs } from "./values";
import { clean, containsUnknown, jsonEqual } from "./values";

/**
 * Thrown when the ZStack object exists but the operation did not end well (a long job Failed or
 * Canceled, a wait that timed out). The dynamic-provider server turns `{id, properties, reasons}`
 * into ErrorResourceInitFailed, so the engine records the resource instead of orphaning it.
 *
 * The engine stores `properties` as the resource's whole outputs, and the server does not add
 * `__provider` to them as it does to a successful result: without it, the next `refresh` or
 * `destroy` cannot load the provider. So `__provider` is copied from the method's inputs.
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  /** `inputs`: the create inputs or update news the engine sent (they carry `__provider`). */
  constructor(message: string, id: string, properties: object, reasons: string[], inputs: object) {
    super(message);
    this.name = "ResourceInitError";
    this.id = id;
    const provider = (inputs as Record<string, unknown>).__provider;
    this.properties = clean({ ...properties, ...(typeof provider === "string" ? { __provider: provider } : {}) }) as Record<string, unknown>;
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

/**
 * Resolves when the call succeeds or its target `uuid` is already gone (ZStack says that uuid is
 * not found). Any other failure, including a "not found" about something else or a 404 `no api
 * mapping` (an MN without the module), is thrown.
 */
export async function ignoreGone(p: Promise<unknown>, uuid: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (isNotFoundError(e, uuid)) return;
    throw e;
  }
}

// ---------------------------------------------------------------------------- resource protocol

/**
 * The SDK sends the uuid it derives from project, stack, type and name as `defaultResourceUuid`,
 * and `resourceUuid` only when the program sets one. `check` consumes it (it never reaches state).
 */
export const DEFAULT_RESOURCE_UUID = "defaultResourceUuid";

/**
 * The inputs `check` returns, with the resourceUuid the object has or will have:
 * 1. the program's own `resourceUuid` (changing it replaces the resource);
 * 2. else the recorded one: renaming the stack, the project or the resource (with an alias)
 *    changes the derived uuid, and must not replace (re-run) a migration;
 * 3. else the SDK's derived `defaultResourceUuid`: the same on every run, so a create that was
 *    interrupted before the engine recorded it adopts the object it already started;
 * 4. else (no SDK, e.g. a raw dynamic resource) a new random one.
 */
export function withResourceUuid(olds: Record<string, unknown> | undefined, news: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...news };
  const derived = inputs[DEFAULT_RESOURCE_UUID];
  delete inputs[DEFAULT_RESOURCE_UUID];
  if (inputs.resourceUuid === undefined || inputs.resourceUuid === null) {
    const old = olds?.resourceUuid;
    const usable = (x: unknown): x is string => typeof x === "string" && RESOURCE_UUID.test(x);
    inputs.resourceUuid = usable(old) ? old : usable(derived) ? derived : randomZStackUuid();
  }
  return inputs;
}

/** Whether `check` sees a create or a replacement: then the references are checked against ZStack. */
export function isCreateOrReplace(olds: Record<string, unknown> | undefined, inputs: Record<string, unknown>, replaceKeys: readonly string[]): boolean {
  if (!olds || Object.keys(olds).every((k) => k === "__provider")) return true;
  return replaceKeys.some((k) => !jsonEqual(olds[k], inputs[k]));
}

/**
 * Runs `check`'s reference validation; an unreachable ZStack skips it with a note (a preview must
 * work offline), a configuration problem (wrong password) is reported.
 */
export async function unlessUnreachable(what: string, log: (line: string) => void, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ZStackConfigError) throw e;
    if (e instanceof ZStackConnectionError || e instanceof ZStackTimeoutError || e instanceof ZStackHttpError) {
      log(`${what}: skipping reference validation, ZStack is not reachable (${e.message})`);
      return;
    }
    throw e;
  }
}

export interface DiffSpec {
  /** inputs whose change needs a new ZStack object */
  replace: readonly string[];
  /** inputs that change in place */
  inPlace: readonly string[];
  /** in-place inputs that only count when set (unset means "ZStack's value stays") */
  inPlaceIfSet: readonly string[];
  /** replace keys not to compare for these inputs */
  ignore?: (key: string) => boolean;
  /** the recorded object is unfinished: the next update finishes it */
  unfinished?: boolean;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace?: boolean;
}

/** A precise diff of old outputs against new inputs: unknowns are changes, `__provider` is ignored. */
export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>, spec: DiffSpec): DiffResult {
  const changed = (k: string) => containsUnknown(news[k]) || !jsonEqual(olds[k], news[k]);
  const replaces = spec.replace.filter((k) => !spec.ignore?.(k) && changed(k));
  const changes =
    replaces.length > 0 ||
    spec.inPlace.some(changed) ||
    spec.inPlaceIfSet.some((k) => news[k] !== undefined && news[k] !== null && changed(k)) ||
    spec.unfinished === true;
  // one object per uuid (and one package per VM): the old one must go before the new one is made
  return replaces.length ? { changes, replaces, deleteBeforeReplace: true } : { changes, replaces: [] };
}

/**
 * The create protocol of both resources: with `adoptUuid`, take that object over and never submit;
 * otherwise look `resourceUuid` up first (a retried or interrupted create) and submit only when
 * ZStack has nothing with that uuid.
 */
export async function adoptOrSubmit<T extends { uuid?: string; state?: string }>(o: {
  what: string;
  /** "long job", "image package" */
  kind: string;
  adoptUuid?: string;
  resourceUuid: string;
  get: (uuid: string) => Promise<T | undefined>;
  verify: (found: T, field: "adoptUuid" | "resourceUuid") => void;
  submit: (resourceUuid: string) => Promise<T>;
  log: (line: string) => void;
}): Promise<{ found: T; submitted: boolean }> {
  if (o.adoptUuid) {
    const found = await o.get(o.adoptUuid);
    if (!found) throw new ZStackError(`${o.what}: adoptUuid ${o.adoptUuid}: no ${o.kind} with this uuid exists`);
    o.verify(found, "adoptUuid");
    o.log(`${o.what}: adopting ${o.kind} ${found.uuid} (${found.state})`);
    return { found, submitted: false };
  }
  const existing = await o.get(o.resourceUuid);
  if (existing) {
    o.verify(existing, "resourceUuid");
    o.log(`${o.what}: ${o.kind} ${o.resourceUuid} already exists (${existing.state}); adopting it instead of submitting again`);
    return { found: existing, submitted: false };
  }
  return { found: await o.submit(o.resourceUuid), submitted: true };
}
