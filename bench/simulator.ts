/**
 * How many requests per second the simulator sustains on loopback under the kind of load the
 * providers generate: many clients polling api-jobs, long jobs and task progress with keep-alive.
 *
 * The simulator runs in this process; the load comes from a child process, so each gets its own core.
 * Run it alone with `npx ts-node --transpile-only bench/simulator.ts [--short]`
 * (env: SIM_BENCH_SECONDS, default 5, short 1; SIM_BENCH_CONCURRENCY, default 64, short 8; the
 * warm-up: 1 s, short 0.2 s).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { SEED_CREDENTIALS, SEED_UUIDS as U, startSimulator } from "../simulator";
import { byMode } from "./mode";

/** The load generator, plain JavaScript run with `node -e` (no compilation in the child). */
const LOAD_SCRIPT = String.raw`
const http = require("node:http");
const { url, auth, paths, seconds, concurrency, warmupSeconds } = JSON.parse(process.argv[1]);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let measuring = false, stop = false, done = 0, errors = 0, i = 0;
const statuses = {};
const latencies = [];
function one() {
  return new Promise((resolve) => {
    const path = paths[i++ % paths.length];
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: target.hostname, port: target.port, path, method: "GET", agent, headers: { Authorization: auth } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => {
        if (measuring) {
          done++;
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          if (latencies.length < 200000) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        resolve();
      });
    });
    req.on("error", () => { if (measuring) errors++; resolve(); });
    req.end();
  });
}
async function worker() { while (!stop) await one(); }
const workers = Array.from({ length: concurrency }, worker);
setTimeout(() => {
  measuring = true;
  const t0 = Date.now();
  setTimeout(() => {
    stop = true;
    measuring = false;
    const elapsed = (Date.now() - t0) / 1000;
    Promise.all(workers).then(() => {
      latencies.sort((a, b) => a - b);
      const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0;
      process.stdout.write(JSON.stringify({ done, errors, elapsed, statuses, p50: q(0.5), p99: q(0.99), max: q(1) }));
      agent.destroy();
    });
  }, seconds * 1000);
}, warmupSeconds * 1000);
`;

interface LoadResult {
  done: number;
  errors: number;
  elapsed: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

function runLoad(config: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", LOAD_SCRIPT, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

export async function benchSimulator(): Promise<void> {
  const seconds = Number(process.env.SIM_BENCH_SECONDS ?? byMode({ full: 5, short: 1 }));
  const concurrency = Number(process.env.SIM_BENCH_CONCURRENCY ?? byMode({ full: 64, short: 8 }));
  const warmupSeconds = byMode({ full: 1, short: 0.2 });
  // Durations long enough that every job is still running during the measurement.
  const sim = await startSimulator({
    port: 0,
    quiet: true,
    randomSeed: 1,
    jobDurations: { v2vMs: 24 * 3600_000, ovaMs: 24 * 3600_000 },
  });
  try {
    const base = sim.url;
    const login = await call(base, "PUT", "/zstack/v1/accounts/login", {
      logInByAccount: {
        accountName: SEED_CREDENTIALS.accountName,
        password: createHash("sha512").update(SEED_CREDENTIALS.password).digest("hex"),
      },
    });
    const auth = `OAuth ${login.json.inventory.uuid}`;
    const headers = { Authorization: auth };
    const paths: string[] = [];
    const sources = [U.vmwareWeb01, U.vmwareWeb02, U.vmwareDb01, U.vmwareApp01, U.vmwareApp02];
    for (let n = 0; n < 8; n++) {
      const apiId = createHash("md5").update(`bench-${n}`).digest("hex");
      const submit = await call(
        base,
        "POST",
        "/zstack/v1/v2vs",
        {
          params: {
            url: `vmware://${sources[n % sources.length]}`,
            name: `bench-${n}`,
            cpuNum: 2,
            memorySize: 4 * 1024 ** 3,
            primaryStorageUuid: U.primaryStorage,
            l3NetworkUuids: [U.l3Private],
          },
        },
        { ...headers, "X-Job-UUID": apiId },
      );
      const jobPath = new URL(submit.json.location).pathname;
      const job = (await call(base, "GET", jobPath)).json.inventory;
      paths.push(`/zstack/v1/longjobs/${job.uuid}`, `/zstack/v1/task-progresses/${apiId}`, jobPath);
    }
    for (const vm of [U.vmStopped, U.vmStopped2, U.vmStopped3]) {
      const submit = await call(
        base,
        "POST",
        "/zstack/v1/ovf/ova-packages",
        { params: { vmUuid: vm, backupStorageUuid: U.bsImageStore } },
        headers,
      );
      paths.push(new URL(submit.json.location).pathname); // stays 202 during the run
    }
    paths.push(`/zstack/v1/image-packages?q=state=Exporting`, `/zstack/v1/longjobs?q=state=Running&limit=10`);
    sim.stats.reset();
    const r = await runLoad({ url: base, auth, paths, seconds, concurrency, warmupSeconds });
    const rps = r.done / r.elapsed;
    const lines = [
      `simulator: ${Math.round(rps).toLocaleString("en-US")} req/s sustained on loopback`,
      `  ${concurrency} keep-alive pollers for ${r.elapsed.toFixed(1)} s (after ${warmupSeconds} s warm-up), ${paths.length} URLs:`,
      `  api-jobs (200 and 202), longjobs/{uuid}, task-progresses/{apiId}, two filtered queries`,
      `  latency p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms; errors ${r.errors}`,
      `  statuses ${JSON.stringify(r.statuses)}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    if (r.errors > 0 || Object.keys(r.statuses).some((s) => s !== "200" && s !== "202")) {
      throw new Error("the simulator answered the benchmark with errors");
    }
  } finally {
    await sim.stop();
  }
}

if (require.main === module) {
  benchSimulator().catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
