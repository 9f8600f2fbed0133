// The dynamic-provider process ends with the engine: the Node SDK's real dynamic-provider server
// (@pulumi/pulumi/cmd/dynamic-provider) is started as a child process the way the engine starts it,
// with an engine address that this test serves, and the provider entry module loaded into it.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import {
  ENGINE_PROBE_INTERVAL_MS,
  engineAddressFromArgs,
  installProcessLifecycle,
  isDynamicProviderMain,
} from "../../../../provider/hosts/dynamic/process-lifecycle";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const SERVER_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
const PRELOAD = path.join(__dirname, "../../fixtures/dynamic-provider-preload.js");
const ENTRY_MODULES = ["v2v-migration", "ova-package"].map((m) =>
  path.join(REPO_ROOT, "provider/providers", `${m}.ts`),
);

interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

/** Starts the SDK's dynamic-provider server with `args`; resolves once the preload has run. */
async function startServer(args: string[], env: Record<string, string>): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ["-r", require.resolve("ts-node/register/transpile-only"), "-r", PRELOAD, SERVER_SCRIPT, ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (err += d));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  children.add(proc);
  const ready = await waitUntil(() => /^\d+$/m.test(out) && err.includes("preload: ready"), 30_000);
  assert.ok(ready, `the dynamic-provider server did not start: ${out}${err}`);
  return { proc, stdout: () => out, stderr: () => err, exited, alive: () => !done };
}

const children = new Set<ChildProcess>();

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Resolves with the exit, or rejects after `ms` (the child is then still running). */
function exitWithin(
  child: Child,
  ms: number,
  what: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    child.exited.finally(() => clearTimeout(timer)),
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms)),
    ),
  ]);
}

/** A TCP listener standing in for the engine's gRPC server; counts the connections it accepts. */
async function fakeEngine(): Promise<{ address: string; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("provider process lifecycle (the real dynamic-provider server, as the engine starts it)", function () {
  this.timeout(60_000);
  const engines: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    children.clear();
    for (const e of engines.splice(0)) await e.close().catch(() => undefined);
  });

  for (const entry of ENTRY_MODULES) {
    const name = path.basename(entry, ".ts");
    it(`${name}: ends within a few seconds once the engine's address refuses connections, and not before`, async () => {
      const engine = await fakeEngine();
      engines.push(engine);
      const child = await startServer(["--logtostderr", "-v=9", engine.address], { PZM_TEST_PROVIDER_MODULE: entry });
      // alive while the engine is: several probes answered (the engine is polled, not guessed)
      assert.ok(
        await waitUntil(() => engine.connections() >= 3, 10 * ENGINE_PROBE_INTERVAL_MS),
        "the engine address is never probed",
      );
      assert.ok(child.alive(), "the process ended while the engine was alive");
      const printed = child.stdout() + child.stderr();
      await engine.close();
      const exit = await exitWithin(child, 5000, "after the engine's death");
      assert.deepStrictEqual(exit, { code: 1, signal: null });
      assert.strictEqual(child.stdout() + child.stderr(), printed, "it printed something on its way out");
    });
  }

  it("without the provider module the same server outlives its engine (the defect this guards against)", async () => {
    const engine = await fakeEngine();
    engines.push(engine);
    const child = await startServer([engine.address], {});
    await engine.close();
    await assert.rejects(exitWithin(child, 3 * ENGINE_PROBE_INTERVAL_MS + 1000, "control"), /still running/);
  });

  it("ends at once, quietly, when its output pipes break, instead of looping in the SDK's uncaughtException handler", async () => {
    const engine = await fakeEngine();
    engines.push(engine);
    const child = await startServer([engine.address], {
      PZM_TEST_PROVIDER_MODULE: ENTRY_MODULES[0],
      PZM_TEST_PROGRESS_MS: "50",
    });
    assert.ok(await waitUntil(() => child.stdout().includes("Running 42%"), 5000), "no progress line");
    // the engine's ends of the pipes go away, the engine itself stays (so only the pipes can tell)
    child.proc.stdout!.destroy();
    child.proc.stderr!.destroy();
    const exit = await exitWithin(child, 3000, "after its pipes broke");
    assert.deepStrictEqual(exit, { code: 1, signal: null });
  });

  it("without the provider module a broken pipe makes the SDK's handler spin (the defect this guards against)", async () => {
    const engine = await fakeEngine();
    engines.push(engine);
    const child = await startServer([engine.address], { PZM_TEST_PROGRESS_MS: "50" });
    assert.ok(await waitUntil(() => child.stdout().includes("Running 42%"), 5000), "no progress line");
    const cpuBefore = cpuMs(child.proc.pid!);
    child.proc.stdout!.destroy();
    child.proc.stderr!.destroy();
    await assert.rejects(exitWithin(child, 1500, "control"), /still running/);
    // at 50 ms per line a healthy process uses a few ms of CPU per second; this one loops
    assert.ok(cpuMs(child.proc.pid!) - cpuBefore > 500, "the control did not spin");
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} (as the engine sends its plugin's process group) ends it at once and quietly`, async () => {
      const engine = await fakeEngine();
      engines.push(engine);
      const child = await startServer([engine.address], { PZM_TEST_PROVIDER_MODULE: ENTRY_MODULES[0] });
      const printed = child.stdout() + child.stderr();
      child.proc.kill(signal);
      const exit = await exitWithin(child, 2000, `after ${signal}`);
      assert.deepStrictEqual(exit, { code: signal === "SIGINT" ? 130 : 143, signal: null });
      assert.strictEqual(child.stdout() + child.stderr(), printed);
    });
  }

  it("installs nothing in other processes that load the provider modules (the program, these tests)", () => {
    assert.strictEqual(installProcessLifecycle(), undefined);
    assert.ok(isDynamicProviderMain(SERVER_SCRIPT));
    assert.ok(!isDynamicProviderMain(require.resolve("@pulumi/pulumi/cmd/run")));
    assert.ok(!isDynamicProviderMain(undefined));
  });

  it("finds the engine address after the engine's flags", () => {
    assert.deepStrictEqual(engineAddressFromArgs(["127.0.0.1:40123"]), { host: "127.0.0.1", port: 40123 });
    assert.deepStrictEqual(
      engineAddressFromArgs(["--logtostderr", "-v=9", "--tracing", "127.0.0.1:9411", "127.0.0.1:5"]),
      {
        host: "127.0.0.1",
        port: 5,
      },
    );
    assert.deepStrictEqual(engineAddressFromArgs(["[::1]:7000"]), { host: "::1", port: 7000 });
    assert.strictEqual(engineAddressFromArgs(["--tracing", "127.0.0.1:9411"]), undefined);
    assert.strictEqual(engineAddressFromArgs([]), undefined);
  });
});

/** CPU time (user + system) of a process in ms, from /proc. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
