/**
 * Test helpers for the simulator suites: start a simulator on an ephemeral port with a manual clock,
 * and a tiny raw HTTP client (node:http) that can send any header, including `Date`.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import {
  SEED_CREDENTIALS,
  SEED_UUIDS,
  startSimulator,
  type SimulatorOptions,
  type ZStackSimulator,
} from "../../simulator";

export const SHA512_PASSWORD = createHash("sha512").update(SEED_CREDENTIALS.password).digest("hex");

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  raw: Buffer;

  json(): any;
}

export interface RequestOptions {
  body?: unknown;
  /** send this exact text as the body */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function request(
  baseUrl: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname.replace(/^\[(.*)\]$/, "$1"), // "[::1]" -> "::1"
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers: {
          ...(payload !== undefined ? { "Content-Length": Buffer.byteLength(payload) } : {}),
          ...opts.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, raw, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A simulator plus a client bound to it (sessions, async polling). */
export class Harness {
  session = "";

  constructor(readonly sim: ZStackSimulator) {}

  static async start(opts: SimulatorOptions = {}): Promise<Harness> {
    const sim = await startSimulator({ port: 0, manualClock: true, randomSeed: 42, quiet: true, ...opts });
    return new Harness(sim);
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  /** A request to <url>/zstack<path>. */
  call(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    return request(this.sim.url, method, `/zstack${path}`, opts);
  }

  auth(): Record<string, string> {
    return { Authorization: `OAuth ${this.session}` };
  }

  async login(): Promise<string> {
    const r = await this.call("PUT", "/v1/accounts/login", {
      body: { logInByAccount: { accountName: SEED_CREDENTIALS.accountName, password: SHA512_PASSWORD } },
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    this.session = r.json().inventory.uuid;
    return this.session;
  }

  /** GET with the session. */
  get(path: string): Promise<RawResponse> {
    return this.call("GET", path, { headers: this.auth() });
  }

  /** Submits an async API and returns the 202 answer and the api-job path (host rewritten). */
  async submit(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ submit: RawResponse; jobPath: string }> {
    const submit = await this.call(method, path, { body, headers: { ...this.auth(), ...headers } });
    if (submit.status !== 202)
      throw new Error(`expected 202 from ${method} ${path}, got ${submit.status} ${submit.text}`);
    const location: string = submit.json().location;
    return { submit, jobPath: location.replace(/^https?:\/\/[^/]+\/zstack/, "") };
  }

  /** Submits an async API and polls once (the simulator finishes most APIs at once). */
  async async(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> {
    const { jobPath } = await this.submit(method, path, body, headers);
    return this.call("GET", jobPath);
  }

  async query(path: string): Promise<any[]> {
    const r = await this.get(path);
    if (r.status !== 200) throw new Error(`query ${path}: ${r.status} ${r.text}`);
    return r.json().inventories;
  }
}

export function expectError(r: RawResponse, status: number, code: string, details?: string | RegExp): void {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
  const err = r.json().error;
  if (!err || err.code !== code) throw new Error(`expected error ${code}, got ${r.text}`);
  if (details instanceof RegExp ? !details.test(err.details) : details !== undefined && err.details !== details) {
    throw new Error(`unexpected details: ${err.details}\n   expected: ${details}`);
  }
}

/** ConvertVmFromForeignHypervisor parameters for vmware-web-01 (a 20-minute conversion by default). */
export function v2vParams(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: `vmware://${SEED_UUIDS.vmwareWeb01}`,
    name: "web",
    cpuNum: 1,
    memorySize: 1024 ** 3,
    primaryStorageUuid: SEED_UUIDS.primaryStorage,
    l3NetworkUuids: [SEED_UUIDS.l3Private],
    ...extra,
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface CliProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `node -r ts-node/register simulator/cli.ts ...args` and waits for its "listening on" line. */
export function spawnCli(args: string[], timeoutMs = 30_000): Promise<CliProcess> {
  return spawnUntilListening(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "simulator/cli.ts"), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
      timeoutMs,
    },
  );
}

/**
 * Runs any command that starts zstack-sim and waits for its "listening on" line. With `detached`, the
 * command gets its own process group (kill it with `process.kill(-child.pid)`, e.g. for npx, which
 * runs the bin in a child process).
 */
export function spawnUntilListening(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; detached?: boolean },
): Promise<CliProcess> {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.detached,
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (opts.detached && child.pid) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
      reject(new Error(`zstack-sim did not start in ${opts.timeoutMs ?? 30_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 30_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /zstack-sim listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`zstack-sim exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}
