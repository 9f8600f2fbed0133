// `npm run bench polling` (or `npx ts-node --transpile-only bench/polling.ts`): for one V2V migration of
// a simulated 2-hour job, how many requests the provider sends to ZStack and how late it notices the
// job's end; the same for a naive poller that asks once a second, like the official SDKs (7,200 polls).
// Client and simulator share one virtual clock, so the 2 hours pass in a few seconds.
import { startSimulator, SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../simulator";
import { Clock, ZStackClient, clearSessionCache, getLongJob, schemas } from "../provider/client";
import { V2vMigrationProvider } from "../provider/hosts/dynamic/providers";
import { V2vMigrationInputs } from "../provider/v2v-migration/inputs";
import { OvaPackageProvider } from "../provider/hosts/dynamic/providers";

const JOB_MS = 2 * 3_600_000;

function virtualClock(start: number): Clock & { t: number } {
  const c = { t: start, now: () => c.t, sleep: (ms: number) => Promise.resolve(void (c.t += Math.max(0, ms))) };
  return c;
}

function summarize(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ×${n}`)
    .join(", ");
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function ours(): Promise<{ requests: number; lateMs: number; routes: string; lines: number }> {
  clearSessionCache();
  const clock = virtualClock(Date.UTC(2025, 0, 6, 8, 0, 0));
  const sim = await startSimulator({ port: 0, clock, jobDurations: { v2vMs: JOB_MS }, quiet: true, randomSeed: 1 });
  try {
    const lines: string[] = [];
    const provider = new V2vMigrationProvider({ clock, log: (l) => lines.push(l) });
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
    const inputs = {
      url: `vmware://${U.vmwareWeb01}`,
      name: "web-01",
      cpuNum: 2,
      memorySize: 4 * 1024 ** 3,
      conversionHostUuid: U.convHost,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      resourceUuid: "9b2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
    } as V2vMigrationInputs;
    sim.stats.reset();
    const { id } = await provider.create(inputs);
    const ended = sim.world.get("longJobs", id)!.lastOpDate as number;
    return {
      requests: sim.stats.requests,
      lateMs: clock.now() - ended,
      routes: summarize(sim.stats.byRoute),
      lines: lines.length,
    };
  } finally {
    await sim.stop();
  }
}

async function oursOva(): Promise<{ requests: number; lateMs: number; routes: string }> {
  clearSessionCache();
  const clock = virtualClock(Date.UTC(2025, 0, 6, 8, 0, 0));
  const sim = await startSimulator({ port: 0, clock, jobDurations: { ovaMs: JOB_MS }, quiet: true, randomSeed: 1 });
  try {
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
  } finally {
    await sim.stop();
  }
}

/** What the official SDKs do: submit, then GET the long job every second until it is final. */
async function naive(): Promise<{ requests: number; lateMs: number }> {
  clearSessionCache();
  const clock = virtualClock(Date.UTC(2025, 0, 6, 8, 0, 0));
  const sim = await startSimulator({ port: 0, clock, jobDurations: { v2vMs: JOB_MS }, quiet: true, randomSeed: 1 });
  try {
    const client = new ZStackClient({
      endpoint: sim.url,
      auth: { kind: "account", accountName: C.accountName, password: C.password },
      clock,
      apiPoll: { firstDelayMs: 1000, initialDelayMs: 1000, factor: 1, maxDelayMs: 1000 },
    });
    sim.stats.reset();
    const body = await client.call("ConvertVmFromForeignHypervisor", {
      params: {
        url: `vmware://${U.vmwareWeb01}`,
        name: "web-01",
        cpuNum: 2,
        memorySize: 4 * 1024 ** 3,
        conversionHostUuid: U.convHost,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
      },
    });
    const uuid = client.parse("x", 200, body, schemas().LongJobInventory, "inventory").uuid!;
    for (;;) {
      await clock.sleep(1000);
      const job = await getLongJob(client, uuid);
      if (job?.state === "Succeeded" || job?.state === "Failed" || job?.state === "Canceled") break;
    }
    const ended = sim.world.get("longJobs", uuid)!.lastOpDate as number;
    return { requests: sim.stats.requests, lateMs: clock.now() - ended };
  } finally {
    await sim.stop();
  }
}

export async function benchPolling(): Promise<void> {
  console.log("polling: one V2V migration of a simulated 2-hour job (virtual clock shared by client and simulator)");
  const a = await ours();
  console.log(
    `  V2vMigration provider : ${a.requests} requests to ZStack, completion noticed ${seconds(a.lateMs)} after the job ended, ${a.lines} progress lines`,
  );
  console.log(`                          (${a.routes})`);
  const n = await naive();
  console.log(
    `  naive 1 s poller      : ${n.requests} requests to ZStack, completion noticed ${seconds(n.lateMs)} after the job ended (official SDKs: 7,200 polls)`,
  );
  console.log(
    `  => ${(n.requests / a.requests).toFixed(0)}x fewer requests; target < 300 requests and < 10 s: ${a.requests < 300 && a.lateMs <= 10_000 ? "met" : "NOT met"}`,
  );
  const o = await oursOva();
  console.log(
    `  OvaPackage, 2-hour export: ${o.requests} requests, completion noticed ${seconds(o.lateMs)} after the export ended`,
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
