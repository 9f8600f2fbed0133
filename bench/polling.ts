// `npm run bench polling` (or `npx ts-node --transpile-only bench/polling.ts [--short]`): for one V2V
// migration of a simulated 2-hour job (short mode: 10 minutes), how many requests the provider sends
// to ZStack and how late it notices the job's end; the same for a naive poller that asks once a
// second, like the official SDKs (7,200 polls). Client and simulator share one virtual clock, so the
// 2 hours pass in a few seconds. The providers are the compiled ones (bench/providers.ts).
//
// Every simulator of the run listens until the end, so that no two have the same port: a provider
// process keeps one session per endpoint and account, which must not carry over to another simulator.
import { createHash } from "crypto";
import {
  startSimulator,
  SEED_CREDENTIALS as C,
  SEED_UUIDS as U,
  SimulatorOptions,
  ZStackSimulator,
} from "../simulator";
import { byMode } from "./mode";
import { providerClass } from "./providers";

type VirtualClock = { t: number; now(): number; sleep(ms: number): Promise<void> };

function virtualClock(start: number): VirtualClock {
  const c = { t: start, now: () => c.t, sleep: (ms: number) => Promise.resolve(void (c.t += Math.max(0, ms))) };
  return c;
}

const START = Date.UTC(2025, 0, 6, 8, 0, 0);
const FINAL = ["Succeeded", "Failed", "Canceled"];

/** The migration both pollers wait for: ConvertVmFromForeignHypervisor's parameters. */
const MIGRATION = {
  url: `vmware://${U.vmwareWeb01}`,
  name: "web-01",
  cpuNum: 2,
  memorySize: 4 * 1024 ** 3,
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
};

function summarize(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ×${n}`)
    .join(", ");
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The simulators of this run: stopped at its end (see the top). */
type Sims = (opts: SimulatorOptions) => Promise<ZStackSimulator>;

async function ours(
  sims: Sims,
  jobMs: number,
): Promise<{ requests: number; lateMs: number; routes: string; lines: number }> {
  const clock = virtualClock(START);
  const sim = await sims({ clock, jobDurations: { v2vMs: jobMs } });
  const lines: string[] = [];
  const V2vMigrationProvider = providerClass("v2v-migration");
  const provider = new V2vMigrationProvider({ clock, log: (l) => void lines.push(l) });
  await provider.configure({
    config: {
      get: (k: string) =>
        ({
          "zstack:endpoint": sim.url,
          "zstack:accountName": C.accountName,
          "zstack:password": C.password,
          "zstack:validateReferences": "false",
        })[k],
    },
  });
  const inputs = { ...MIGRATION, resourceUuid: "9b2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" };
  sim.stats.reset();
  const { id } = await provider.create(inputs);
  const ended = sim.world.get("longJobs", id)!.lastOpDate as number;
  return {
    requests: sim.stats.requests,
    lateMs: clock.now() - ended,
    routes: summarize(sim.stats.byRoute),
    lines: lines.length,
  };
}

async function oursOva(sims: Sims, jobMs: number): Promise<{ requests: number; lateMs: number; routes: string }> {
  const clock = virtualClock(START);
  const sim = await sims({ clock, jobDurations: { ovaMs: jobMs } });
  const OvaPackageProvider = providerClass("ova-package");
  const provider = new OvaPackageProvider({ clock, log: () => undefined });
  await provider.configure({
    config: {
      get: (k: string) =>
        ({ "zstack:endpoint": sim.url, "zstack:accountName": C.accountName, "zstack:password": C.password })[k],
    },
  });
  sim.stats.reset();
  const { id } = await provider.create({
    vmUuid: U.vmStopped,
    backupStorageUuid: U.bsImageStore,
    resourceUuid: "8b2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
    verify: "none",
  }); // polling only: no download check
  const ended = sim.world.get("imagePackages", id)!.lastOpDate as number;
  return { requests: sim.stats.requests, lateMs: clock.now() - ended, routes: summarize(sim.stats.byRoute) };
}

/**
 * What the official SDKs do: log in, submit, poll the api job once a second until it answers, then
 * GET the long job once a second until it is final. Plain HTTP, no code of ours.
 */
async function naive(sims: Sims, jobMs: number): Promise<{ requests: number; lateMs: number }> {
  const clock = virtualClock(START);
  const sim = await sims({ clock, jobDurations: { v2vMs: jobMs } });
  let session = "";
  const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(url.startsWith("http") ? url : `${sim.url}/zstack${url}`, {
      method,
      headers: { "Content-Type": "application/json", ...(session ? { Authorization: `OAuth ${session}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`);
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  sim.stats.reset();
  const password = createHash("sha512").update(C.password).digest("hex");
  const login = await call("PUT", "/v1/accounts/login", { logInByAccount: { accountName: C.accountName, password } });
  session = login.json.inventory.uuid;
  const submit = await call("POST", "/v1/v2vs", { params: MIGRATION });
  let apiJob: { status: number; json: any };
  do {
    await clock.sleep(1000);
    apiJob = await call("GET", String(submit.json.location));
  } while (apiJob.status === 202);
  const uuid = String(apiJob.json.inventory.uuid);
  for (;;) {
    await clock.sleep(1000);
    const job = await call("GET", `/v1/longjobs?q=uuid=${uuid}`);
    if (FINAL.includes(job.json.inventories?.[0]?.state)) break;
  }
  const ended = sim.world.get("longJobs", uuid)!.lastOpDate as number;
  return { requests: sim.stats.requests, lateMs: clock.now() - ended };
}

export async function benchPolling(): Promise<void> {
  const jobMs = byMode({ full: 2 * 3_600_000, short: 10 * 60_000 });
  const job = jobMs % 3_600_000 === 0 ? `${jobMs / 3_600_000}-hour` : `${jobMs / 60_000}-minute`;
  const started: ZStackSimulator[] = [];
  const sims: Sims = async (opts) => {
    const sim = await startSimulator({ ...opts, port: 0, quiet: true, randomSeed: 1 });
    started.push(sim);
    return sim;
  };
  try {
    await report(sims, jobMs, job);
  } finally {
    for (const sim of started) await sim.stop();
  }
}

async function report(sims: Sims, jobMs: number, job: string): Promise<void> {
  console.log(`polling: one V2V migration of a simulated ${job} job (virtual clock shared by client and simulator)`);
  const a = await ours(sims, jobMs);
  console.log(
    `  V2vMigration provider : ${a.requests} requests to ZStack, completion noticed ${seconds(a.lateMs)} after the job ended, ${a.lines} progress lines`,
  );
  console.log(`                          (${a.routes})`);
  const n = await naive(sims, jobMs);
  console.log(
    `  naive 1 s poller      : ${n.requests} requests to ZStack, completion noticed ${seconds(n.lateMs)} after the job ended (official SDKs: ${(jobMs / 1000).toLocaleString("en-US")} polls)`,
  );
  console.log(
    `  => ${(n.requests / a.requests).toFixed(0)}x fewer requests; target < 300 requests and < 10 s: ${a.requests < 300 && a.lateMs <= 10_000 ? "met" : "NOT met"}`,
  );
  const o = await oursOva(sims, jobMs);
  console.log(
    `  OvaPackage, ${job} export: ${o.requests} requests, completion noticed ${seconds(o.lateMs)} after the export ended`,
  );
  console.log(`                          (${o.routes})`);
}

if (require.main === module) {
  benchPolling().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
