/**
 * The dynamic-provider host: a thin adapter from Pulumi's dynamic-provider interface
 * (`pulumi.dynamic.ResourceProvider`, served by `@pulumi/pulumi/cmd/dynamic-provider`) to a
 * resource's logic (`core/resource.ts`). What is particular to this host lives here and nowhere else:
 * - the serialized provider travels in the properties as `__provider`: the logic never sees it;
 * - a partly created resource ({@link RecordedFailure}) is reported as `{id, properties, reasons}`,
 *   which the server turns into ErrorResourceInitFailed, with `__provider` put back;
 * - the provider's runtime (its context: configuration, clients) is kept outside the instance.
 */
import type { dynamic } from "@pulumi/pulumi";
import { processWeakRegistry, registered } from "../../client";
import { ConfigSource } from "../../core/config";
import { ProviderContext, ProviderDeps } from "../../core/context";
import { DiffResult, RecordedFailure } from "../../core/lifecycle";
import type { CheckResult, ResourceFactory, ResourceLogic } from "../../core/resource";
import { withoutUndefined } from "../../core/values";
import { watchEngineCancel } from "./engine-cancel";
import { installProcessLifecycle } from "./process-lifecycle";

/** Where the dynamic-provider server carries the serialized provider, in inputs and outputs. */
const PROVIDER_KEY = "__provider";

/**
 * A create or update that left the ZStack object behind, as the dynamic-provider server expects it:
 * it turns `{id, properties, reasons}` into ErrorResourceInitFailed, so the engine records the
 * resource instead of orphaning it.
 *
 * The engine stores `properties` as the resource's whole outputs, and the server does not add
 * `__provider` to them as it does to a successful result: without it, the next `refresh` or
 * `destroy` cannot load the provider. So `__provider` is copied from the method's inputs.
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(failure: RecordedFailure, inputs: object) {
    super(failure.message);
    this.name = "ResourceInitError";
    this.id = failure.id;
    const provider = (inputs as Record<string, unknown>)[PROVIDER_KEY];
    this.properties = withoutUndefined({
      ...failure.outputs,
      ...(typeof provider === "string" ? { [PROVIDER_KEY]: provider } : {}),
    });
    this.reasons = failure.reasons;
  }
}

/** The values without the server's `__provider`. */
function values<T>(props: T): T {
  if (props === null || typeof props !== "object" || !(PROVIDER_KEY in props)) return props;
  const { [PROVIDER_KEY]: _provider, ...rest } = props as Record<string, unknown>;
  return rest as T;
}

/** A failure the logic recorded, as this host reports it. */
function reported(e: unknown, inputs: object): unknown {
  return e instanceof RecordedFailure ? new ResourceInitError(e, inputs) : e;
}

interface Runtime {
  context: ProviderContext;
  logic: ResourceLogic<unknown, unknown>;
}

/** One resource type's dynamic provider over its logic. */
// (fields are assigned in the constructor: Pulumi's closure serializer drops field initializers)
export class DynamicProvider<I extends object, O extends object> implements dynamic.ResourceProvider {
  readonly deps: ProviderDeps;
  private readonly Logic: ResourceFactory<I, O>;

  constructor(Logic: ResourceFactory<I, O>, deps?: ProviderDeps) {
    this.Logic = Logic;
    this.deps = deps ?? {};
  }

  /** The context and logic of this instance, on a process-wide WeakMap (never a field: see above). */
  private runtime(): { context: ProviderContext; logic: ResourceLogic<I, O> } {
    return registered(processWeakRegistry<object, Runtime>("ProviderState"), this, () => {
      const context = new ProviderContext(this.deps);
      return { context, logic: new this.Logic(context) };
    }) as { context: ProviderContext; logic: ResourceLogic<I, O> };
  }

  /** The context the logic runs with (its configuration and clients). */
  context(): ProviderContext {
    return this.runtime().context;
  }

  /** Called once per provider process with the whole stack config (fully qualified keys). */
  // Synchronous work; a Promise because the interface returns one. A throw (an invalid config) rejects it.
  configure(req: { config: ConfigSource }): Promise<void> {
    return new Promise((resolve) => {
      this.runtime().context.configure(req.config);
      resolve();
    });
  }

  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
    return this.runtime().logic.check(values(olds) ?? {}, values(news));
  }

  // Synchronous; a Promise because the interface returns one (a throw, e.g. the re-migration guard, rejects it).
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult> {
    return new Promise((resolve) => resolve(this.runtime().logic.diff(id, values(olds), values(news))));
  }

  async create(inputs: I): Promise<{ id: string; outs: O }> {
    try {
      return await this.runtime().logic.create(values(inputs));
    } catch (e) {
      throw reported(e, inputs);
    }
  }

  read(id: string, props?: O): Promise<{ id?: string; props?: O }> {
    return this.runtime().logic.read(id, values(props ?? ({} as O)));
  }

  async update(id: string, olds: O, news: I): Promise<{ outs: O }> {
    try {
      return await this.runtime().logic.update(id, values(olds), values(news));
    } catch (e) {
      throw reported(e, news);
    }
  }

  delete(id: string, props: O): Promise<void> {
    return this.runtime().logic.delete(id, values(props));
  }
}

/**
 * The provider an entry module exports (`provider/providers/*.ts`): in the engine's
 * dynamic-provider process, the process ends with the engine (see process-lifecycle.ts), and the
 * engine's Cancel (a first Ctrl-C) cancels the run (engine-cancel.ts).
 */
export function entryProvider<P>(make: () => P): P {
  if (installProcessLifecycle()) watchEngineCancel(require.main?.filename);
  return make();
}
