/**
 * The provider-plugin host: a thin adapter from Pulumi's provider interface (`@pulumi/pulumi/provider`,
 * served to every language by the `pulumi-resource-zstack` plugin) to the resources' logic
 * (`core/resource.ts`), the same logic the dynamic host serves. What is particular to this host lives
 * here and in `server.ts`:
 * - the type token picks the logic; the URN gives the resource's name (`pulumiResourceName`) and its
 *   derived `resourceUuid` (what the dynamic host's SDK adds to the inputs);
 * - secrets arrive wrapped (the logic sees plain values) and the table's secrets leave wrapped;
 * - a partly created resource ({@link RecordedFailure}) is an initialization failure with id and
 *   properties, which the engine records;
 * - the resource's `customTimeouts` win over its `timeouts` input for the operation they are set for;
 * - progress lines go to the engine's log with the resource's URN: waits as the row's live status,
 *   the rest under the resource;
 * - the engine's Cancel cancels the run (`core/cancellation.ts`): nothing new is submitted, and a
 *   create or update waiting for a job that ZStack already runs ends at once, recording the job (the
 *   next `pulumi up` waits for it again). The engine also calls Cancel at every normal end of a run,
 *   when nothing is in flight: then there is nothing to stop.
 */
import * as fs from "fs";
import * as path from "path";
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import type * as pulumi from "@pulumi/pulumi";
import { cancelRun, onRunCancelled } from "../../core/cancellation";
import { ConfigFailure, SECRET_CONFIG_VARIABLES, configFailures } from "../../core/config";
import { ProviderContext, ProviderDeps } from "../../core/context";
import { DEFAULT_RESOURCE_UUID, RESOURCE_NAME, RecordedFailure } from "../../core/lifecycle";
import type { ResourceLogic } from "../../core/resource";
import { timeoutFrom } from "../../core/validation";
import { UNKNOWN, containsUnknown, withoutUndefined } from "../../core/values";
import type { LookupKind } from "../../client";
import { LOOKUP_FUNCTIONS, LookupFailure, LookupFunctionName, lookupAll, lookupOne } from "../../lookups/lookups";
import { resourceUuidOf } from "../../client/client";
import PLUGIN_SCHEMA from "./zstack-schema.json";
import { PACKAGE_NAME, PLUGIN_COMPONENT, PLUGIN_RESOURCES, PluginResource, token } from "./resources";
import { ConfigMap, EngineLog, currentRequest, markSecrets, unwrapSecrets } from "./server";

type Props = Record<string, unknown>;

/** A create or update that left the ZStack object behind, as the SDK's server reports it (ErrorResourceInitFailed). */
export class ResourceInitError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "ResourceInitError";
  }
}

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const stack = parts[0]?.replace(/^urn:pulumi:/, "") ?? "";
  const types = parts[2] ?? "";
  return {
    stack,
    project: parts[1] ?? "",
    type: types.split("$").pop() ?? types,
    name: parts.slice(3).join("::"),
  };
}

/** Lines of a wait (progress, queue position): the row's live status rather than a kept diagnostic. */
const STATUS_LINE = /\(elapsed |: queued: |: (Running|Waiting|Exporting|running)\b/;

/** The plugin's version: the npm package's. */
function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    const up = path.dirname(dir);
    if (up === dir) return "0.0.0";
    dir = up;
  }
}

/**
 * The inputs of an object `pulumi import` adopts: what its outputs say of the table's inputs, and the
 * parameters of the request that made it where ZStack keeps them (a long job's `jobData`), secrets
 * left out (ZStack's copy is redacted); and `adoptUuid`, the object's uuid: the stack did not create it,
 * it took it over, so the inputs pass check (a migration's re-migration guard lets its own job through)
 * and the program the engine generates from them adopts the same object, never creates another.
 */
export function importedInputs(spec: PluginResource, id: string, outs: Props): Props {
  let request: Props = {};
  try {
    if (typeof outs.jobData === "string") request = JSON.parse(outs.jobData) as Props;
  } catch {
    request = {};
  }
  const inputs: Props = {};
  for (const k of spec.inputs.names) {
    if (spec.inputs.secrets.includes(k)) continue;
    const v = outs[k] !== undefined ? outs[k] : spec.inputs.params.includes(k) ? request[k] : undefined;
    if (v !== undefined && v !== null) inputs[k] = v;
  }
  if (spec.inputs.names.includes("adoptUuid")) inputs.adoptUuid = id;
  return unwrapSecrets(inputs) as Props;
}

const CANCELLED = Symbol("cancelled");

/** `work`'s outcome or the run's cancellation, whichever comes first (`unsubscribe` when done). */
function raceCancellation<T>(work: Promise<T>): { first: Promise<T | typeof CANCELLED>; unsubscribe: () => void } {
  let unsubscribe: () => void = () => undefined;
  const cancelled = new Promise<typeof CANCELLED>((resolve) => {
    unsubscribe = onRunCancelled(() => resolve(CANCELLED));
  });
  return { first: Promise.race([work, cancelled]), unsubscribe };
}

/** How a cancelled operation names its resource: the type and the resource's name (else the object's id). */
function cancelledLabel(spec: PluginResource, inputs: Props, id: string): string {
  return `${spec.name} "${typeof inputs[RESOURCE_NAME] === "string" ? inputs[RESOURCE_NAME] : id}"`;
}

export interface PluginOptions extends ProviderDeps {
  /** the engine's log (default: stderr) */
  engineLog?: EngineLog;
  /** the schema JSON (default: `zstack-schema.json` next to this module, generated by `npm run schema`) */
  schema?: string;
}

export class ZStackPluginProvider implements pulumiProvider.Provider {
  readonly version: string;
  readonly context: ProviderContext;
  private readonly engineLog: EngineLog;
  private readonly logics = new Map<string, { spec: PluginResource; logic: ResourceLogic<unknown, unknown> }>();
  private readonly schemaText?: string;
  private config?: ConfigMap;

  constructor(opts: PluginOptions = {}) {
    this.version = packageVersion();
    this.engineLog = opts.engineLog ?? new EngineLog(undefined);
    this.schemaText = opts.schema;
    this.context = new ProviderContext({ ...opts, log: opts.log ?? ((line) => this.logLine(line)) });
    for (const spec of PLUGIN_RESOURCES) {
      this.logics.set(token(spec.name), { spec, logic: new spec.Logic(this.context) });
    }
  }

  /** The engine's Configure: the stack config (`zstack:*`), with the `ZSTACK_*` fallbacks of every host. */
  configure(config: ConfigMap): void {
    this.context.configure({ get: (key) => config.get(key) });
    this.config = config;
  }

  /**
   * The engine's CheckConfig: the provider's inputs checked as the stack config is (the first problem, naming
   * the variable), and the secret ones marked secret, so that an explicit provider's password given in plain
   * text is stored encrypted. Values not known yet (a preview) are neither checked nor marked.
   */
  checkConfig(news: Record<string, unknown>): {
    inputs: Record<string, unknown>;
    failures: ConfigFailure[];
  } {
    const values = unwrapSecrets(news) as Record<string, unknown>;
    const secrets = SECRET_CONFIG_VARIABLES.filter((k) => news[k] !== UNKNOWN);
    return { inputs: markSecrets(news, secrets), failures: containsUnknown(values) ? [] : configFailures(values) };
  }

  /** A progress line of the resource being served, on its row. */
  private logLine(line: string): void {
    const urn = currentRequest()?.urn;
    void this.engineLog.log(line, urn, urn !== undefined && STATUS_LINE.test(line));
  }

  getSchema(): Promise<string> {
    return Promise.resolve(this.schemaText ?? JSON.stringify(PLUGIN_SCHEMA));
  }

  private resource(urn: string): { spec: PluginResource; logic: ResourceLogic<unknown, unknown> } {
    const type = parseUrn(urn).type;
    const r = this.logics.get(type);
    if (!r)
      throw new Error(`unknown resource type ${type} (this provider offers ${[...this.logics.keys()].join(", ")})`);
    return r;
  }

  /** The values the logic sees: plain, with the resource's name and derived uuid as the SDK adds them. */
  private inputsOf(urn: string, news: Props): Props {
    const { stack, project, type, name } = parseUrn(urn);
    return {
      ...(unwrapSecrets(news) as Props),
      [DEFAULT_RESOURCE_UUID]: resourceUuidOf(project, stack, type, name),
      [RESOURCE_NAME]: name,
    };
  }

  private out(spec: PluginResource, props: unknown): Props {
    return markSecrets(withoutUndefined((props ?? {}) as Props), spec.inputs.secrets);
  }

  async check(urn: string, olds: Props, news: Props): Promise<pulumiProvider.CheckResult> {
    const { spec, logic } = this.resource(urn);
    const r = await logic.check(unwrapSecrets(olds ?? {}) as Props, this.inputsOf(urn, news));
    return { inputs: this.out(spec, r.inputs), failures: r.failures };
  }

  diff(id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.DiffResult> {
    const { logic } = this.resource(urn);
    return new Promise((resolve) =>
      resolve(logic.diff(id, unwrapSecrets(olds) as Props, unwrapSecrets(news) as Props)),
    );
  }

  /**
   * The inputs with the operation's customTimeouts (when set) as the wait of `timeouts`, marked as coming
   * from `customTimeouts.<operation>` so that a wait ending on it says so.
   */
  private withCustomTimeout(
    spec: PluginResource,
    inputs: Props,
    wait: "create" | "delete",
    operation: "create" | "update" | "delete",
  ): Props {
    const seconds = currentRequest()?.timeoutSeconds ?? 0;
    if (!(seconds > 0) || !spec.inputs.names.includes("timeouts")) return inputs;
    const given = (inputs.timeouts ?? {}) as Props;
    const timeout = timeoutFrom(`${Math.ceil(seconds)}s`, `customTimeouts.${operation}`);
    return { ...inputs, timeouts: { ...given, [wait]: timeout } };
  }

  async create(urn: string, news: Props): Promise<pulumiProvider.CreateResult> {
    const { spec, logic } = this.resource(urn);
    const inputs = unwrapSecrets(news) as Props;
    const run = logic.create(this.withCustomTimeout(spec, inputs, "create", "create"));
    const id = (inputs.adoptUuid ?? inputs.resourceUuid) as string | undefined;
    const r = (await this.unlessCancelled(spec, logic, run, id, inputs)) as { id: string; outs: Props };
    return { id: r.id, outs: this.out(spec, { ...r.outs, timeouts: inputs.timeouts }) };
  }

  async read(id: string, urn: string, props?: Props): Promise<pulumiProvider.ReadResult> {
    const { spec, logic } = this.resource(urn);
    const given = unwrapSecrets(props ?? {}) as Props;
    const importing = Object.keys(given).length === 0;
    const r = await logic.read(id, importing ? { [RESOURCE_NAME]: parseUrn(urn).name } : given);
    if (!r.id) return {};
    const outs = this.out(spec, r.props);
    if (!importing) return { id: r.id, props: outs };
    return { id: r.id, props: outs, inputs: importedInputs(spec, r.id, outs) };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.UpdateResult> {
    const { spec, logic } = this.resource(urn);
    const inputs = unwrapSecrets(news) as Props;
    const run = logic.update(id, unwrapSecrets(olds), this.withCustomTimeout(spec, inputs, "create", "update"));
    const r = (await this.unlessCancelled(spec, logic, run, id, inputs)) as { outs: Props };
    return { outs: this.out(spec, { ...r.outs, timeouts: inputs.timeouts }) };
  }

  /**
   * Deletes, or, when the run is cancelled first (Ctrl-C while a delete waits, e.g. for an export to end before
   * its package can go), fails at once: the resource stays in the stack and the next `pulumi destroy` (or `up`)
   * deletes it, finding done whatever ZStack finished meanwhile.
   */
  async delete(id: string, urn: string, props: Props): Promise<void> {
    const { spec, logic } = this.resource(urn);
    const inputs = unwrapSecrets(props) as Props;
    const run = logic.delete(id, this.withCustomTimeout(spec, inputs, "delete", "delete"));
    const { first, unsubscribe } = raceCancellation(run);
    try {
      if ((await first) === CANCELLED) {
        run.catch(() => undefined);
        const reason = `${cancelledLabel(spec, inputs, id)}: the run was cancelled (Ctrl-C) while deleting ${id}; it stays in the stack, and the next pulumi destroy deletes it`;
        this.logLine(reason);
        throw new Error(reason);
      }
      await run;
    } finally {
      unsubscribe();
    }
  }

  /**
   * `run`'s result, or, when the run is cancelled first and the object `id` exists in ZStack, an
   * initialization failure recording it as it is now (the work goes on in ZStack; the next `pulumi up`
   * waits for it again). A failure the logic recorded becomes an initialization failure too.
   */
  private async unlessCancelled(
    spec: PluginResource,
    logic: ResourceLogic<unknown, unknown>,
    run: Promise<unknown>,
    id: string | undefined,
    inputs: Props,
  ): Promise<unknown> {
    const settled = run.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const { first: race, unsubscribe } = raceCancellation(settled);
    try {
      const first = await race;
      if (first === CANCELLED && id) {
        const found = await logic.read(id, inputs).catch(() => ({ id: undefined, props: undefined }));
        if (found.id) {
          const reason = `${cancelledLabel(spec, inputs, id)}: the run was cancelled (Ctrl-C) while waiting; ${found.id} goes on in ZStack, and the next pulumi up waits for it again`;
          this.logLine(reason);
          throw new ResourceInitError(
            reason,
            found.id,
            this.out(spec, { ...(found.props as Props), timeouts: inputs.timeouts }),
            [reason],
          );
        }
      }
      const r = await settled;
      if ("error" in r) throw r.error;
      return r.value;
    } catch (e) {
      if (e instanceof RecordedFailure) {
        throw new ResourceInitError(
          e.message,
          e.id,
          this.out(spec, { ...e.outputs, timeouts: inputs.timeouts }),
          e.reasons,
        );
      }
      throw e;
    } finally {
      unsubscribe();
    }
  }

  cancel(): Promise<void> {
    cancelRun();
    return Promise.resolve();
  }

  // ------------------------------------------------------------------------------ functions

  async invoke(tok: string, inputs: Props): Promise<pulumiProvider.InvokeResult> {
    const fn = tok.replace(`${PACKAGE_NAME}:index:`, "") as LookupFunctionName;
    const row = LOOKUP_FUNCTIONS[fn] as { kind: LookupKind; plural?: string; many?: true } | undefined;
    if (!row || tok !== token(fn)) throw new Error(`unknown function ${tok}`);
    const config = { get: (key: string) => this.config?.get(key) };
    const args = withoutUndefined(unwrapSecrets(inputs ?? {}) as Props);
    try {
      if (row.many) return { outputs: { items: (await lookupAll(config, fn, row.kind, args)).items } };
      return { outputs: await lookupOne(config, fn, row.kind, args, row.plural) };
    } catch (e) {
      if (e instanceof LookupFailure) throw new Error(e.message, { cause: e });
      throw e;
    }
  }

  // ------------------------------------------------------------------------------ the component

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumiProvider.ConstructResult> {
    if (type !== token(PLUGIN_COMPONENT.name)) throw new Error(`unknown component type ${type}`);
    const args = { ...inputs } as Record<string, unknown>;
    // a top-level input the engine wrapped (a dependency, a secret) is awaited: the plan needs its shape
    // the component (and the whole @pulumi/pulumi it builds on) is loaded when a plan is constructed, not at
    // the plugin's start: the server itself needs only @pulumi/pulumi/provider (docs/benchmarks.md)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Output } = require("@pulumi/pulumi") as typeof pulumi;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PluginMigrationPlan } = require("./component") as typeof import("./component");
    for (const k of ["vms", "maxInFlight"]) {
      if (Output.isInstance(args[k])) {
        args[k] = await (args[k] as unknown as { promise(): Promise<unknown> }).promise();
      }
    }
    const plan = new PluginMigrationPlan(name, args as never, options);
    return {
      urn: plan.urn,
      state: { vmUuids: plan.vmUuids, states: plan.states, conversionHosts: plan.conversionHosts, report: plan.report },
    };
  }
}
