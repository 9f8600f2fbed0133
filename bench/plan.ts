// The plan benchmark (docs/benchmarks.md, "Plan"): a MigrationPlan of 200 VMware VMs through a pool of 2
// conversion hosts (conversionHostUuids) with maxInFlight 20, largest first (the plan's default order),
// on the real Pulumi engine against an in-process simulator. It prints, measured in that run:
//   - the requests `preview` sends to ZStack for the 200-VM plan, next to a 20-VM plan's (they must
//     not grow with the number of VMs: the checks share ZStack's answers);
//   - the wave's simulated duration against its lower bound, max(total conversion time / (2 × 20),
//     the longest conversion);
//   - the mean hand-off (a freed slot's end to the next start on that host), in real seconds;
//   - the requests the up sent to ZStack, and those of the in-flight slots (the leases' tags and listings);
//   - the highest number of conversions at once per conversion host, from the simulator's long-job
//     timeline (never above 20, and 20 reached).
//
//   npm run bench plan
//   npx ts-node --transpile-only bench/plan.ts [--count 200] [--in-flight 20] [--speed 60] [--short]
//
// Short mode (--short, PZM_BENCH_SHORT=1): 4 VMs (one of each disk size), maxInFlight 2, speed 600.
// Full mode runs at speed 10 (one real second is 10 simulated seconds, so the provider's hand-off is
// measured at the scale it has against a real ZStack): the wave lasts about 15 minutes of real time.
//
// The VMs' disks are 20, 40, 80 and 120 GiB (50 of each, 12.7 TiB in all: PS-Local has 16), so conversions last 15 to 40 simulated
// minutes (the simulator's default: 10 minutes plus 15 s per GiB). Speed 60 (a simulated minute per
// real second) keeps the provider's polling lag (it notices an end within ~5 s real, ~5 simulated
// minutes) small next to a conversion, as it is against a real ZStack. (Speed: 10 in full mode, below.)
//
// Environment (for `npm run bench`): PZM_BENCH_PLAN_COUNT, PZM_BENCH_PLAN_IN_FLIGHT, PZM_BENCH_PLAN_SPEED,
// PZM_BENCH_DEADLINE_S (default 900 s).
import * as path from "path";
import { maxConcurrency, startSimulator, SEED_CREDENTIALS, SEED_UUIDS as U, ZStackSimulator } from "../simulator";
import { createConsumerProject, E2EStack, makeTempDir, removeDir, withStack } from "../test/e2e/harness";
import { byMode } from "./mode";
import { killOurDescendants, sumZStackRoutes, timeoutAfter } from "./scale";

const GiB = 1024 ** 3;
const DISKS_GIB = [20, 40, 80, 120];

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { MigrationPlan } = require("pulumi-zstack-migration");

const config = new pulumi.Config("bench");
const plan = config.requireObject("plan"); // {maxInFlight, hosts: [uuid, uuid], target, sources: [name]}
const p = new MigrationPlan("wave", {
  maxInFlight: plan.maxInFlight,
  // a pool: each conversion takes a slot on whichever host frees first; the largest start first
  defaults: {
    conversionHostUuids: plan.hosts,
    primaryStorageUuid: plan.target.primaryStorageUuid,
    l3NetworkUuids: plan.target.l3NetworkUuids,
    platform: "Linux",
  },
  vms: plan.sources.map((source) => ({ source })),
});
module.exports = { states: p.states };
`;

export interface PlanOptions {
  count?: number;
  inFlight?: number;
  speed?: number;
  deadlineSeconds?: number;
  print?: boolean;
}

export interface PlanResult {
  count: number;
  inFlight: number;
  hosts: number;
  speed: number;
  /** ZStack requests of `preview` for a plan of `count` VMs, and for one of a tenth as many */
  previewRequests: { vms: number; requests: number }[];
  /** simulated minutes from the first submission to the last end */
  waveMinutes: number;
  /** total conversion time / (hosts × inFlight), simulated minutes */
  idealMinutes: number;
  /** max(idealMinutes, the longest conversion), simulated minutes */
  lowerBoundMinutes: number;
  /** ZStack requests of the up, in all and for the in-flight slots (tags, and long-job listings) */
  upRequests: number;
  slotRequests: number;
  /** highest concurrency per conversion host (from the simulator's timeline) */
  peakByHost: Record<string, number>;
  /**
   * mean simulated minutes between a conversion's end and the start of the one that took its slot
   * (the provider notices an end by polling, within about 5 s of real time)
   */
  handOffMinutes: number;
  /** simulated minutes from the first conversion's start until every slot had one (the engine registering and checking the wave) */
  rampMinutes: number;
  /** simulated minutes from the last conversion's start to the wave's end (slots free with nothing left to run) */
  tailMinutes: number;
  upWallSeconds: number;
  longJobs: number;
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

export async function runPlanBench(opts: PlanOptions = {}): Promise<PlanResult> {
  const count = opts.count ?? byMode({ full: 200, short: 4 });
  const inFlight = opts.inFlight ?? byMode({ full: 20, short: 2 });
  const speed = opts.speed ?? byMode({ full: 10, short: 600 });
  const print = opts.print ?? true;
  const say = (s: string) => print && console.log(s);
  const deadline = Date.now() + (opts.deadlineSeconds ?? 2400) * 1000;
  const remaining = () => deadline - Date.now();
  const hosts = [U.convHost, U.convHostDisabled];
  say(
    `plan benchmark: a MigrationPlan of ${count} VMs through ${hosts.length} conversion hosts, maxInFlight ${inFlight}, speed ${speed}`,
  );

  const sim: ZStackSimulator = await startSimulator({
    port: 0,
    speed,
    sessionTimeoutSeconds: 30 * 24 * 3600,
    quiet: true,
  });
  sim.world.update("conversionHosts", U.convHostDisabled, { state: "Enabled" }); // the second seeded host
  const per = Math.ceil(count / DISKS_GIB.length);
  const sources: string[] = [];
  for (const gib of DISKS_GIB) {
    for (const row of sim.addVmwareVms({ count: per, prefix: `v${gib}g`, diskBytes: gib * GiB }))
      sources.push(row.name as string);
  }
  sources.splice(count);
  // interleave the sizes, as a real wave mixes them
  sources.sort((a, b) => a.slice(-3).localeCompare(b.slice(-3)) || a.localeCompare(b));

  const tmp = makeTempDir("bench-plan");
  let h: E2EStack | undefined;
  let log = "";
  const onOutput = (s: string) => (log = (log + s).slice(-200_000));
  const guard = <T>(p: Promise<T>, what: string) => timeoutAfter(p, remaining(), what, killOurDescendants);
  try {
    const proj = await createConsumerProject(path.join(tmp, "project"), {
      program: PROGRAM,
      projectName: "bench-plan",
    });
    const planConfig = (n: number) => ({
      maxInFlight: inFlight,
      hosts,
      target: { primaryStorageUuid: U.primaryStorage, l3NetworkUuids: [U.l3Private] },
      sources: sources.slice(0, n),
    });
    h = await withStack(proj.dir, "plan", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": SEED_CREDENTIALS.accountName,
      "zstack:password": { value: SEED_CREDENTIALS.password, secret: true },
      "bench:plan": planConfig(count),
    });

    // preview: requests to ZStack for a tenth of the plan, then for all of it
    const previewRequests: PlanResult["previewRequests"] = [];
    for (const n of [Math.max(1, Math.round(count / 10)), count]) {
      await h.setConfig({ "bench:plan": planConfig(n) });
      sim.stats.reset();
      await guard(h.stack.preview({ onOutput }), `preview of ${n} VMs`);
      previewRequests.push({ vms: n, requests: sumZStackRoutes(sim.stats.byRoute).requests });
      say(`  preview of ${n} VMs: ${previewRequests.at(-1)!.requests} requests to ZStack`);
    }

    sim.stats.reset();
    const t0 = Date.now();
    const res = await guard(h.stack.up({ onOutput, parallel: 2 * count }), "up");
    const upWallSeconds = (Date.now() - t0) / 1000;
    if (res.summary.result !== "succeeded") throw new Error(`up ended ${res.summary.result}`);

    const byRoute = sim.stats.byRoute;
    const upRequests = sumZStackRoutes(byRoute).requests;
    const slotRequests = Object.entries(byRoute)
      .filter(([route]) => /\/v1\/tags|GET \/v1\/longjobs$/.test(route))
      .reduce((n, [, c]) => n + c, 0);
    const timeline = sim.longJobTimeline();
    let longest = 0;
    let first = Infinity;
    let last = 0;
    let total = 0;
    for (const e of timeline) {
      for (const i of e.intervals) {
        const end = i.end ?? sim.now();
        first = Math.min(first, i.start);
        last = Math.max(last, end);
        total += end - i.start;
        longest = Math.max(longest, end - i.start);
      }
    }
    const allStarts = timeline.flatMap((e) => e.intervals.map((i) => i.start)).sort((a, b) => a - b);
    const peakByHost: Record<string, number> = {};
    const gaps: number[] = [];
    for (const host of hosts) {
      peakByHost[host] = maxConcurrency(timeline, { conversionHostUuid: host }).max;
      // the i-th start after the first inFlight took the slot the i-th end freed (first come, first served)
      const runs = timeline.filter((e) => e.conversionHostUuid === host).flatMap((e) => e.intervals);
      const starts = runs
        .map((i) => i.start)
        .sort((a, b) => a - b)
        .slice(inFlight);
      const ends = runs.map((i) => i.end ?? Infinity).sort((a, b) => a - b);
      starts.forEach((st, i) => gaps.push(Math.max(0, st - ends[i])));
    }
    const result: PlanResult = {
      count,
      inFlight,
      hosts: hosts.length,
      speed,
      previewRequests,
      waveMinutes: (last - first) / 60_000,
      idealMinutes: total / (hosts.length * inFlight) / 60_000,
      lowerBoundMinutes: Math.max(total / (hosts.length * inFlight), longest) / 60_000,
      upRequests,
      slotRequests,
      peakByHost,
      handOffMinutes: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 60_000 : 0,
      rampMinutes: (allStarts[Math.min(allStarts.length, hosts.length * inFlight) - 1] - first) / 60_000,
      tailMinutes: (last - allStarts[allStarts.length - 1]) / 60_000,
      upWallSeconds,
      longJobs: timeline.length,
    };
    if (print) printPlan(result);
    return result;
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- engine output (tail) ---\n${log.slice(-6000)}`, { cause: e });
  } finally {
    await h?.dispose().catch(() => undefined);
    await sim.stop();
    removeDir(tmp);
  }
}

function printPlan(r: PlanResult): void {
  const [small, big] = r.previewRequests;
  console.log(
    `  preview requests to ZStack: ${small.requests} for ${small.vms} VMs, ${big.requests} for ${big.vms} VMs`,
  );
  console.log(
    `  wave: ${r.longJobs} conversions in ${r.waveMinutes.toFixed(1)} simulated minutes; lower bound max(total conversion time / ${r.hosts * r.inFlight}, ` +
      `longest conversion) ${r.lowerBoundMinutes.toFixed(1)} min: ${(r.waveMinutes / r.lowerBoundMinutes).toFixed(3)}× the bound; up took ${r.upWallSeconds.toFixed(1)} s real at speed ${r.speed}`,
  );
  console.log(
    `  mean hand-off: ${((r.handOffMinutes * 60) / r.speed).toFixed(2)} s real (${(r.handOffMinutes * 60).toFixed(1)} simulated s); ` +
      `requests to ZStack during the up: ${r.upRequests}, of which ${r.slotRequests} for the in-flight slots (lease tags and listings of unfinished conversions)`,
  );
  console.log(
    `  where the rest goes: ${r.rampMinutes.toFixed(0)} min until all ${r.hosts * r.inFlight} slots were busy (the engine registering and checking ` +
      `the wave: ${((r.rampMinutes * 60) / r.speed).toFixed(0)} s real), a freed slot taken after ${r.handOffMinutes.toFixed(1)} min on average ` +
      `(${((r.handOffMinutes * 60) / r.speed).toFixed(1)} s real: the provider notices an end by polling), ${r.tailMinutes.toFixed(0)} min from the last start to the end`,
  );
  console.log(
    `  highest concurrency per conversion host: ${Object.entries(r.peakByHost)
      .map(([h, n]) => `${h.slice(0, 8)}… ${n}`)
      .join(", ")} (maxInFlight ${r.inFlight})`,
  );
}

export async function benchPlan(): Promise<void> {
  await runPlanBench({
    count: envNumber("PZM_BENCH_PLAN_COUNT"),
    inFlight: envNumber("PZM_BENCH_PLAN_IN_FLIGHT"),
    speed: envNumber("PZM_BENCH_PLAN_SPEED"),
    deadlineSeconds: envNumber("PZM_BENCH_DEADLINE_S"),
  });
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  runPlanBench({ count: arg("count"), inFlight: arg("in-flight"), speed: arg("speed") }).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
