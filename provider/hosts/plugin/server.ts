/**
 * The plugin's process around `main(provider, args)` of `@pulumi/pulumi/provider`: what that server does
 * not hand a provider, taken from the requests themselves.
 *
 * - **Configure.** The SDK's server answers Configure without passing the variables on; the plugin needs
 *   them (`zstack:endpoint`, …). {@link serve} wraps the server's Configure handler to read them first.
 * - **CheckConfig.** The SDK's server does not implement it; the plugin checks the provider's inputs (an
 *   explicit provider's, or the stack config of the default one) and marks the secret ones secret, so that
 *   the engine stores them encrypted even when the program gave them in plain text.
 * - **customTimeouts.** Create, Update and Delete requests carry the resource's `customTimeouts` (in
 *   seconds; 0 when unset), which the SDK's server drops; the wrapped handlers keep the request's URN and
 *   timeout in an async-local store that {@link currentRequest} reads, in the provider's methods and in
 *   everything they call.
 * - **Logging with a URN.** The engine's `Log` call with the resource's URN puts a line on the resource's
 *   row ({@link EngineLog}).
 *
 * The handlers are wrapped where the SDK's server registers them (`@grpc/grpc-js`'s `Server.addService`, in
 * the copy of that module `@pulumi/pulumi` loads), before `main` starts it. Every other handler is the SDK's.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as path from "path";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- untyped internals of @pulumi/pulumi and its gRPC module */

/** What a resource operation's request says beyond the provider interface's arguments. */
export interface RequestInfo {
  urn: string;
  /** the resource's customTimeouts for this operation, in seconds (0: not set) */
  timeoutSeconds: number;
}

const requests = new AsyncLocalStorage<RequestInfo>();

/** Runs `fn` as the serving of a request with `info` (what the wrapped handlers do; tests call it too). */
export function withRequest<T>(info: RequestInfo, fn: () => T): T {
  return requests.run(info, fn);
}

/** The request being served (undefined outside Create, Update, Delete, Check, Diff, Read). */
export function currentRequest(): RequestInfo | undefined {
  return requests.getStore();
}

/** A module as `@pulumi/pulumi` itself loads it (its own copy of `@grpc/grpc-js`). */
function pulumiRequire(id: string): any {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve(id, { paths: [pulumiDir] }));
}

/** The stack config the engine configured the provider with: `zstack:endpoint` → value. */
export type ConfigMap = Map<string, string>;

/**
 * Config variables of a ConfigureRequest. The engine sends them as `zstack:config:endpoint` (the
 * variables map) and as `args` (`{endpoint: …}`, secrets wrapped); the map has them all, as strings.
 */
function configOf(req: any, pkg: string): ConfigMap {
  const out: ConfigMap = new Map();
  const vars = req.getVariablesMap?.();
  if (vars) {
    for (const [k, v] of vars.entries() as Iterable<[string, string]>) {
      const m = /^([^:]+):config:(.+)$/.exec(k);
      out.set(m ? `${m[1]}:${m[2]}` : k, v);
    }
  }
  const args = req.getArgs?.()?.toJavaScript?.() as Record<string, unknown> | undefined;
  for (const [k, raw] of Object.entries(args ?? {})) {
    const v = unwrapSecrets(raw);
    const key = `${pkg}:${k}`;
    if (out.has(key) || v === undefined || v === null) continue;
    out.set(key, typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

/** Pulumi's wire signature of special values, and that of a secret. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The values inside secrets (the logic works on plain values). */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** `props` with the values of `names` marked secret (so the engine stores them encrypted). */
export function markSecrets(props: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out = { ...props };
  for (const n of names) {
    if (out[n] !== undefined && !isSecretValue(out[n])) out[n] = { [SIG_KEY]: SECRET_SIG, value: out[n] };
  }
  return out;
}

export interface ServeHooks {
  /** the package name (the config namespace) */
  pkg: string;
  /** the engine's Configure, with the stack config */
  configure(config: ConfigMap): void;
  /** the engine's CheckConfig: the provider's inputs (keys without the namespace) as they are to be kept */
  checkConfig(news: Record<string, unknown>): {
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
  };
}

/** Operations whose requests carry a URN (and, for the first three, a timeout). */
const WITH_TIMEOUT = ["create", "update", "delete"];
const WITH_URN = ["check", "diff", "read"];

let wrapped = false;

/** Wraps the SDK server's handlers (see the module's comment), then serves `provider` as `main` does. */
export async function serve(provider: unknown, args: string[], hooks: ServeHooks): Promise<void> {
  const grpc = pulumiRequire("@grpc/grpc-js");
  if (!wrapped) {
    wrapped = true;
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, impl: Record<string, any>) {
      const own: Record<string, any> = Object.create(impl);
      own.configure = (call: any, callback: any) => {
        try {
          hooks.configure(configOf(call.request, hooks.pkg));
        } catch (e) {
          callback(e, undefined);
          return;
        }
        impl.configure(call, callback);
      };
      own.checkConfig = (call: any, callback: any) => {
        try {
          const provproto = pulumiRequire("@pulumi/pulumi/proto/provider_pb");
          const structproto = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
          const { inputs, failures } = hooks.checkConfig(
            (call.request.getNews()?.toJavaScript() ?? {}) as Record<string, unknown>,
          );
          const resp = new provproto.CheckResponse();
          resp.setInputs(structproto.Struct.fromJavaScript(inputs));
          resp.setFailuresList(
            failures.map((f) => {
              const failure = new provproto.CheckFailure();
              failure.setProperty(f.property);
              failure.setReason(f.reason);
              return failure;
            }),
          );
          callback(undefined, resp);
        } catch (e) {
          callback(e, undefined);
        }
      };
      for (const m of [...WITH_TIMEOUT, ...WITH_URN]) {
        own[m] = (call: any, callback: any) => {
          const req = call.request;
          const info: RequestInfo = {
            urn: req.getUrn?.() ?? "",
            timeoutSeconds: WITH_TIMEOUT.includes(m) ? Number(req.getTimeout?.() ?? 0) : 0,
          };
          return withRequest(info, () => impl[m](call, callback));
        };
      }
      // grpc-js looks each handler up by name on `own` and binds it to `own`: the rest are inherited from `impl`
      return addService.call(this, service, own);
    };
  }
  const { main } = pulumiRequire("@pulumi/pulumi/provider") as { main: (p: unknown, a: string[]) => Promise<void> };
  await main(provider, args);
}

/** The engine's address from the plugin's launch arguments. */
export function engineAddress(args: string[]): string | undefined {
  const { parseArgs } = pulumiRequire("@pulumi/pulumi/provider/internals");
  return parseArgs(args)?.engineAddress;
}

/**
 * Lines to the engine's log, on a resource's row: `info` lines stay under the resource in the
 * Diagnostics; `status` lines (ephemeral) are the row's live status text. Without an engine (or
 * when a call fails) a line goes to stderr, which the engine logs too.
 */
export class EngineLog {
  private client: any;
  private readonly proto: any;

  constructor(address: string | undefined) {
    if (!address) return;
    const grpc = pulumiRequire("@grpc/grpc-js");
    const engrpc = pulumiRequire("@pulumi/pulumi/proto/engine_grpc_pb");
    this.proto = pulumiRequire("@pulumi/pulumi/proto/engine_pb");
    this.client = new engrpc.EngineClient(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
    });
  }

  log(line: string, urn: string | undefined, ephemeral: boolean): Promise<void> {
    if (!this.client) {
      process.stderr.write(line + "\n");
      return Promise.resolve();
    }
    const req = new this.proto.LogRequest();
    req.setSeverity(this.proto.LogSeverity.INFO);
    req.setMessage(line);
    if (urn) req.setUrn(urn);
    req.setEphemeral(ephemeral);
    return new Promise((resolve) => {
      this.client.log(req, (err: unknown) => {
        if (err) process.stderr.write(line + "\n");
        resolve();
      });
    });
  }
}
