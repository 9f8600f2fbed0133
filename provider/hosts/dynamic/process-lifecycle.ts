/**
 * The life of the dynamic-provider process: it ends when the Pulumi engine that started it is gone.
 *
 * The engine starts `pulumi-resource-pulumi-nodejs` (a shell script running node on
 * `@pulumi/pulumi/cmd/dynamic-provider`) with the address of its own gRPC server as the last
 * argument, in a process group of its own. When the engine dies (a CI job killed with SIGKILL), that
 * process is reparented to init and nothing tells it; its stdout and stderr become broken pipes.
 * Left alone it either sleeps until its wait's deadline (24 h for a migration), or, at its next
 * progress line, spins forever: the write fails with EPIPE, and the SDK's `uncaughtException`
 * handler logs that to the same dead stderr, which fails again.
 *
 * So, once a provider module loads in that process, this module ends the process at once, writing
 * nothing, when
 * - a write to stdout or stderr fails with EPIPE or EIO (the engine reads both pipes);
 * - the engine's address refuses connections twice in a row, polled every second (a listening
 *   socket is closed by the kernel the moment its process dies; a live engine keeps it open until
 *   it has closed every plugin, see `defaultHost.Close` in pulumi/pkg/host/host.go), so within about
 *   two seconds of the engine's death, even while every wait sleeps;
 * - SIGINT or SIGTERM arrives (the engine sends SIGINT to the plugin's process group when it closes
 *   it, and SIGKILL 5 s later).
 *
 * Ending at once is also how waits end: the process exits synchronously, so no continuation runs,
 * and the provider submits nothing new, resubmits nothing, and cancels no job. Running long jobs go
 * on in ZStack; the next `pulumi up` adopts them by their `resourceUuid`.
 *
 * Nothing here runs in other processes that load the provider modules (the Pulumi program, tests).
 * The provider plugin (`hosts/plugin/main.ts`) installs the same watch in its own process (`force`).
 */
import * as net from "net";

/** How often the engine's address is probed. */
export const ENGINE_PROBE_INTERVAL_MS = 1000;
/** Consecutive refused connections that mean the engine is gone (one refusal is never a verdict). */
export const ENGINE_REFUSALS_TO_STOP = 2;
/** A probe that neither connects nor is refused within this long proves nothing either way. */
const PROBE_TIMEOUT_MS = 2000;

/** Why the process ends. */
export type StopReason = "output-closed" | "engine-gone" | "SIGINT" | "SIGTERM";

/** Exit status per reason: 128 + the signal number for signals, 1 otherwise (nobody waits for it). */
export const EXIT_CODES: Record<StopReason, number> = {
  "output-closed": 1,
  "engine-gone": 1,
  SIGINT: 130,
  SIGTERM: 143,
};

export interface ProcessLifecycleOptions {
  /** the process's arguments after the script (default `process.argv.slice(2)`) */
  args?: string[];
  /** how the process ends (default `process.exit`) */
  exit?: (code: number, reason: StopReason) => void;
  probeIntervalMs?: number;
}

export interface ProcessLifecycle {
  /** the engine address being watched, if one was found in the arguments */
  engineAddress?: { host: string; port: number };
  /** stops watching and removes every listener (tests) */
  uninstall(): void;
}

const INSTALLED = Symbol.for("pulumi-zstack-migration.process-lifecycle");

/** True when `mainFilename` is the Node SDK's dynamic-provider server (the process the engine starts). */
export function isDynamicProviderMain(mainFilename: string | undefined): boolean {
  return !!mainFilename && /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(mainFilename);
}

/**
 * The engine address among the plugin's arguments: the last `host:port` one (the engine puts flags
 * such as `--logtostderr`, `-v=9` or `--tracing <addr>` before it).
 */
export function engineAddressFromArgs(args: readonly string[]): { host: string; port: number } | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const m = /^\[?([A-Za-z0-9.:-]+?)\]?:(\d{1,5})$/.exec(args[i]);
    if (m && !args[i].startsWith("-") && (i === 0 || args[i - 1] !== "--tracing")) {
      const port = Number(m[2]);
      if (port > 0 && port < 65536) return { host: m[1], port };
    }
  }
  return undefined;
}

/** One connection attempt: "alive" (it connected), "refused" (ECONNREFUSED), or "unknown". */
export function probeAddress(
  host: string,
  port: number,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<"alive" | "refused" | "unknown"> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (verdict: "alive" | "refused" | "unknown") => {
      socket.destroy();
      resolve(verdict);
    };
    socket.setTimeout(timeoutMs, () => done("unknown"));
    socket.once("connect", () => done("alive"));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED" ? "refused" : "unknown"));
  });
}

/**
 * Installs the listeners and the engine watch in the dynamic-provider process (once per process,
 * even with two copies of this package loaded). Elsewhere it does nothing and returns undefined,
 * unless `force` is set (tests).
 */
export function installProcessLifecycle(
  opts: ProcessLifecycleOptions & { force?: boolean } = {},
): ProcessLifecycle | undefined {
  if (!opts.force && !isDynamicProviderMain(require.main?.filename)) return undefined;
  const registry = process as unknown as Record<symbol, ProcessLifecycle | undefined>;
  if (registry[INSTALLED]) return registry[INSTALLED];

  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopped = false;
  const stop = (reason: StopReason) => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    exit(EXIT_CODES[reason], reason);
  };

  // Broken output: end now. With a listener, the failed write is no uncaught exception, so the SDK's
  // handler never logs it into the same dead pipe. (The listeners stay after a stop: an error that
  // is already queued must not become uncaught either.)
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "EIO") stop("output-closed");
  };
  const onSigint = () => stop("SIGINT");
  const onSigterm = () => stop("SIGTERM");
  process.stdout.on("error", onOutputError);
  process.stderr.on("error", onOutputError);
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);

  const engineAddress = engineAddressFromArgs(opts.args ?? process.argv.slice(2));
  let timer: NodeJS.Timeout | undefined;
  if (engineAddress) {
    let refusals = 0;
    let probing = false;
    timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void probeAddress(engineAddress.host, engineAddress.port).then((verdict) => {
        probing = false;
        if (verdict === "refused") refusals++;
        else if (verdict === "alive") refusals = 0;
        if (refusals >= ENGINE_REFUSALS_TO_STOP) stop("engine-gone");
      });
    }, opts.probeIntervalMs ?? ENGINE_PROBE_INTERVAL_MS);
    timer.unref(); // the gRPC server keeps the process alive, never this watch
  }

  function uninstall(): void {
    if (timer) clearInterval(timer);
    process.stdout.off("error", onOutputError);
    process.stderr.off("error", onOutputError);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    if (registry[INSTALLED] === lifecycle) registry[INSTALLED] = undefined;
  }
  const lifecycle: ProcessLifecycle = { engineAddress, uninstall };
  registry[INSTALLED] = lifecycle;
  return lifecycle;
}
