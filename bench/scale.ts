// The scale benchmark (docs/benchmarks.md, "Scale"): one stack of 200 V2vMigrations and 200
// OvaPackages on the real Pulumi engine against an in-process simulator, next to a baseline stack
// of 400 trivial dynamic resources (the engine's own cost), measured in the same run. It prints, per phase (up, refresh,
// destroy): wall time of both stacks, requests sent to ZStack per resource (and the biggest
// routes), the peak memory of the dynamic-provider process(es), bytes of state per resource, and
// the goal line: our wall time minus the job time itself against 1.5 × the baseline's.
//
//   npm run bench scale
//   npx ts-node --transpile-only bench/scale.ts [--count 200] [--parallel 400] [--speed 180] [--job-minutes 30] [--no-padded] [--diagnose] [--short]
//
// Short mode (--short, PZM_BENCH_SHORT=1): 3 + 3 resources (a baseline of 6), every job 1 simulated minute.
//
// A third stack separates the engine's cost from ours: the baseline's trivial resources padded to
// our state size. The engine writes the whole state file twice per step (file backend), so its
// cost grows with bytes of state; "what remains ours" is our wall time minus that stack's.
//
// --parallel 0 leaves the CLI's default (4 × CPUs = 8 here: 50 waves of jobs for 400 resources).
// Environment (for `npm run bench`): PZM_BENCH_SCALE_COUNT, PZM_BENCH_PARALLEL, PZM_BENCH_SPEED,
// PZM_BENCH_JOB_MINUTES, PZM_BENCH_DEADLINE_S (whole benchmark, default 600 s), PZM_BENCH_PADDED=0,
// PZM_BENCH_DIAGNOSE=1.
//
// Needs the Pulumi CLI (scripts/setup-pulumi.sh; `source scripts/env.sh && pzm_ensure_pulumi`).
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_CREDENTIALS, SEED_UUIDS as U, ZStackSimulator, Row } from "../simulator";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { createConsumerProject, E2EStack, makeTempDir, removeDir, withStack } from "../test/e2e/harness";
import { benchEngineBaseline, EngineBaseline } from "./engine-baseline";
import { exportedOvaSize } from "../simulator/assumptions";
import { ovaMd5 } from "../simulator/http/download";
import { vmVolumeBytes } from "../simulator/world/vm-factory";
import { byMode } from "./mode";
import { releasedMark } from "./providers";

const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
const OVA = "pulumi-nodejs:dynamic/zstack:OvaPackage";
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const PHASES = ["up", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];

export interface ScaleOptions {
  /** V2vMigrations, and as many OvaPackages (default 200; short mode 3). */
  count?: number;
  /**
   * `--parallel` of every engine run, ours and the baseline's (default 2 × count: every job at
   * once); 0 passes none, so the CLI's default applies (4 × CPUs).
   */
  parallel?: number;
  /** Simulated ms per real ms (default 180). */
  speed?: number;
  /** Simulated duration of every V2V conversion and every OVA export (default 30 minutes; short mode 1). */
  jobMinutes?: number;
  /** Real seconds the whole benchmark may take before it is aborted as a failure (default 600). */
  deadlineSeconds?: number;
  /** Print the report (default true). */
  print?: boolean;
  /**
   * Run a third stack: the baseline's trivial resources padded to our state size (the engine's
   * cost for that much state, without our provider). Default true.
   */
  padded?: boolean;
  /**
   * Diagnosis: follow the engine's events and print when resource operations start and end (event
   * streaming costs a little, which the baseline does not pay, so it is off by default) and every
   * route.
   */
  diagnose?: boolean;
}

export interface PhaseFigures {
  /** wall time in seconds */
  wall: number;
  /** requests sent to ZStack (the simulator's /zstack API; control routes excluded) */
  requests: number;
  /** requests by route, biggest first */
  routes: Array<[string, number]>;
  /** high-water mark of the resident set of the dynamic-provider process(es), bytes */
  providerPeakRss: number;
  /** dynamic-provider processes seen during the phase */
  providerProcesses: number;
  /** CPU seconds by kind of process during the phase */
  cpu: ProcessFigures["cpu"];
  /** with `timeline`: seconds from the phase's start at which resource operations started and ended */
  timeline?: Timeline;
}

export interface Timeline {
  operations: number;
  firstStart: number;
  lastStart: number;
  medianDuration: number;
  maxDuration: number;
  lastEnd: number;
  /** median / max duration by resource type ("V2vMigration", "OvaPackage") */
  byType: Record<string, { median: number; max: number }>;
}

function summarizeTimeline(t0: number, starts: Map<string, number>, ends: Map<string, number>): Timeline | undefined {
  const durations: number[] = [];
  const perType = new Map<string, number[]>();
  for (const [urn, s] of starts) {
    const e = ends.get(urn);
    if (e === undefined) continue;
    durations.push(e - s);
    const type = urn.split("::")[2]?.split(":").pop() ?? "?";
    perType.set(type, [...(perType.get(type) ?? []), e - s]);
  }
  if (!starts.size) return undefined;
  durations.sort((a, b) => a - b);
  const byType: Timeline["byType"] = {};
  for (const [type, ds] of perType) {
    ds.sort((a, b) => a - b);
    byType[type] = { median: ds[Math.floor(ds.length / 2)] / 1000, max: ds[ds.length - 1] / 1000 };
  }
  const rel = (xs: Iterable<number>) => [...xs].map((x) => (x - t0) / 1000);
  return {
    operations: starts.size,
    firstStart: Math.min(...rel(starts.values())),
    lastStart: Math.max(...rel(starts.values())),
    medianDuration: (durations[Math.floor(durations.length / 2)] ?? 0) / 1000,
    maxDuration: (durations[durations.length - 1] ?? 0) / 1000,
    lastEnd: ends.size ? Math.max(...rel(ends.values())) : 0,
    byType,
  };
}

export interface ScaleResult {
  count: number;
  resources: number;
  parallel: number;
  speed: number;
  jobMinutes: number;
  /** real seconds one job lasts (every job lasts the same) */
  jobSeconds: number;
  ours: Record<Phase, PhaseFigures>;
  ourStateBytesPerResource: number;
  baseline: EngineBaseline;
  /** peak RSS of the baseline's dynamic-provider process and CPU by kind of process, over its whole run */
  baselineProcesses: ProcessFigures;
  /** our wall time minus the job time (up only), per phase */
  overhead: Record<Phase, number>;
  pass: Record<Phase, boolean>;
  loadAverage: number[];
  /** unless `padded: false`: the baseline padded to our state size */
  padded?: EngineBaseline;
}

// ---------------------------------------------------------------------------------------------
// The consumer program: resources from config, the package installed from the packed tarball
// ---------------------------------------------------------------------------------------------

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { V2vMigration, OvaPackage } = require("pulumi-zstack-migration");

const config = new pulumi.Config("bench");
const target = config.requireObject("target"); // {conversionHostUuid, primaryStorageUuid, l3NetworkUuids, backupStorageUuid}
const sources = config.requireObject("sources"); // uuids of VMware VMs to migrate
const stoppedVms = config.requireObject("stoppedVms"); // uuids of stopped ZStack VMs to export
const packageUuids = config.requireObject("packageUuids"); // the packages' uuids, one per stopped VM

sources.forEach((source, i) => {
  new V2vMigration("m" + i, {
    url: "vmware://" + source,
    name: "bench-m" + i,
    description: "scale benchmark migration " + i,
    cpuNum: 2,
    memorySize: ${4 * GiB},
    conversionHostUuid: target.conversionHostUuid,
    primaryStorageUuid: target.primaryStorageUuid,
    l3NetworkUuids: target.l3NetworkUuids,
    platform: "Linux",
    longJobName: "v2v bench-m" + i,
  });
});
stoppedVms.forEach((vmUuid, i) => {
  new OvaPackage("p" + i, {
    vmUuid,
    backupStorageUuid: target.backupStorageUuid,
    name: "bench-p" + i,
    description: "scale benchmark package " + i,
    resourceUuid: packageUuids[i],
  });
});
module.exports = { migrations: sources.length, packages: stoppedVms.length };
`;

// ---------------------------------------------------------------------------------------------
// The simulator's world: one stopped VM per package (one package per VM is a ZStack rule) and one
// VMware source per migration
// ---------------------------------------------------------------------------------------------

function newUuid(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/**
 * A copy of a seeded VM row under a new uuid and name: its own uuids (VM, NICs, volumes) renewed,
 * NIC addresses given by `ip` (so that copies do not share an address).
 */
function copyVm(row: Row, name: string, ip?: (nicIndex: number) => { l3NetworkUuid: string; ip: string }): Row {
  const own = new Map<string, string>([[row.uuid, newUuid()]]);
  for (const nic of (row.vmNics as Row[] | undefined) ?? []) own.set(nic.uuid, newUuid());
  for (const vol of (row.allVolumes as Row[] | undefined) ?? []) own.set(vol.uuid, newUuid());
  let text = JSON.stringify(row);
  for (const [from, to] of own) text = text.split(from).join(to);
  text = text.split(String(row.name)).join(name);
  const copy = JSON.parse(text) as Row;
  ((copy.vmNics as Row[] | undefined) ?? []).forEach((nic, i) => {
    if (ip) Object.assign(nic, ip(i));
  });
  if (ip && copy.defaultL3NetworkUuid) copy.defaultL3NetworkUuid = ip(0).l3NetworkUuid;
  return copy;
}

function populateWorld(sim: ZStackSimulator, count: number): { sources: string[]; stoppedVms: string[] } {
  const stoppedSeed = sim.world.get("vms", U.vmStopped);
  const esxSeed = sim.world.get("vms", U.vmwareWeb01);
  if (!stoppedSeed || !esxSeed)
    throw new Error("the simulator's default world lacks the seeded vmStopped / vmwareWeb01 rows");
  if (count > 240) throw new Error("at most 240 stopped VMs fit the L3-Public range given to the copies");
  const sources: string[] = [];
  const stoppedVms: string[] = [];
  for (let i = 0; i < count; i++) {
    // Copies of vmStopped live on L3-Public (10.10.0.10-250), so the 192.168.100.0/24 range stays
    // free for the migrated VMs.
    const vm = copyVm(stoppedSeed, `bench-stopped-${i}`, () => ({
      l3NetworkUuid: U.l3Public,
      ip: `10.10.0.${10 + i}`,
    }));
    sim.world.insert("vms", vm);
    stoppedVms.push(vm.uuid);
    // ZStack (the simulator does not check it) would hardly convert one VMware VM 200 times at once.
    const esx = copyVm(esxSeed, `bench-vmware-${i}`);
    sim.world.insert("vms", esx);
    sources.push(esx.uuid);
  }
  // 200 exports of legacy-db-1 copies (56 GiB each) exceed the seeded 8 TiB image store; the
  // capacity check is not what is being measured.
  sim.world.update("backupStorages", U.bsImageStore, { totalCapacity: 100 * TiB, availableCapacity: 100 * TiB });
  return { sources, stoppedVms };
}

/**
 * The simulator computes each exported package's MD5 (AES-CTR bytes of up to 200 MiB, ~45 ms for a
 * legacy-db-1 copy's 36 MiB) while the export runs, in this process. 200 of them are ~10 s of CPU
 * that would compete with the engine for the 2 cores during `up`: a cost of the test bench, not of
 * ZStack's clients. Its cache is filled beforehand, for package uuids chosen here, which the
 * program gives as `resourceUuid` (as it would otherwise derive them, the SDK's derivation is not
 * public). Returns the seconds it took and the uuids, one per VM.
 */
function prewarmOvaMd5(sim: ZStackSimulator, stoppedVms: string[]): { seconds: number; uuids: string[] } {
  const t = process.hrtime.bigint();
  const uuids: string[] = [];
  stoppedVms.forEach((vmUuid) => {
    const uuid = newUuid();
    uuids.push(uuid);
    ovaMd5(uuid, exportedOvaSize(vmVolumeBytes(sim.world.get("vms", vmUuid)!, "actualSize"), uuid));
  });
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, uuids };
}

// ---------------------------------------------------------------------------------------------
// Peak memory of the dynamic-provider processes, CPU time by kind of process (our descendants only)
// ---------------------------------------------------------------------------------------------

const PROVIDER_MARK = "@pulumi/pulumi/cmd/dynamic-provider";
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

function readText(p: string): string | undefined {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}

interface ProcStat {
  ppid: number;
  /** utime + stime, seconds */
  cpu: number;
}

function procStat(pid: number): ProcStat | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // "pid (comm) state ppid ... utime stime ...": comm may contain spaces and parentheses
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS };
}

function allStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  let dirs: string[];
  try {
    dirs = fs.readdirSync("/proc");
  } catch {
    return out; // no procfs
  }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStat(Number(d));
    if (st) out.set(Number(d), st);
  }
  return out;
}

/** Every process under `ancestor` (children, grandchildren, ...), given a snapshot of /proc. */
function descendantsIn(stats: Map<number, ProcStat>, ancestor: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, st] of stats) {
    const c = children.get(st.ppid);
    if (c) c.push(pid);
    else children.set(st.ppid, [pid]);
  }
  const out: number[] = [];
  const todo = [...(children.get(ancestor) ?? [])];
  while (todo.length) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

type ProcKind = "engine" | "language host" | "program" | "provider" | "other";

function kindOf(cmdline: string): ProcKind {
  const argv = cmdline.split("\0");
  if (cmdline.includes(PROVIDER_MARK)) return "provider";
  if (path.basename(argv[0]) === "pulumi") return "engine";
  if (path.basename(argv[0]) === "pulumi-language-nodejs") return "language host";
  if (cmdline.includes("@pulumi/pulumi/cmd/run")) return "program";
  return "other";
}

export interface ProcessFigures {
  /** high-water mark of the resident set of the dynamic-provider process(es), bytes (the largest one) */
  providerPeakRss: number;
  providerProcesses: number;
  /** CPU seconds used during the sampling, by kind of process; "this process" is the simulator and the driver */
  cpu: Record<ProcKind | "this process", number>;
}

/**
 * Samples /proc every `intervalMs` for the processes that descend from this one: for those running
 * the dynamic-provider script it keeps the larger of the highest VmRSS seen and VmHWM (the kernel's
 * high-water mark, read while the process is alive); for all of them the CPU time last seen.
 */
class ProcessSampler {
  private readonly peak = new Map<number, number>();
  private readonly kinds = new Map<number, ProcKind>();
  private readonly cpuSeen = new Map<number, number>();
  private readonly cpuAtStart = new Map<number, number>();
  private ownCpuAtStart = process.cpuUsage();
  private timer?: NodeJS.Timeout;
  private result?: ProcessFigures;

  start(intervalMs = 100): this {
    this.ownCpuAtStart = process.cpuUsage();
    for (const pid of descendantsIn(allStats(), process.pid)) this.cpuAtStart.set(pid, procStat(pid)?.cpu ?? 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  stop(): ProcessFigures {
    if (this.result) return this.result;
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const own = process.cpuUsage(this.ownCpuAtStart);
    const cpu = {
      engine: 0,
      "language host": 0,
      program: 0,
      provider: 0,
      other: 0,
      "this process": (own.user + own.system) / 1e6,
    };
    for (const [pid, c] of this.cpuSeen) cpu[this.kinds.get(pid) ?? "other"] += c - (this.cpuAtStart.get(pid) ?? 0);
    this.result = {
      providerPeakRss: Math.max(0, ...this.peak.values()),
      providerProcesses: this.peak.size,
      cpu,
    };
    return this.result;
  }

  private sample(): void {
    const stats = allStats();
    for (const pid of descendantsIn(stats, process.pid)) {
      this.cpuSeen.set(pid, stats.get(pid)!.cpu);
      let kind = this.kinds.get(pid);
      if (kind === undefined || kind === "other") {
        // re-read "other": a process may not have exec'd yet when first seen
        const cmdline = readText(`/proc/${pid}/cmdline`);
        if (cmdline === undefined) continue;
        kind = kindOf(cmdline);
        this.kinds.set(pid, kind);
      }
      if (kind !== "provider") continue;
      const status = readText(`/proc/${pid}/status`);
      if (!status) continue;
      const v = Math.max(statusKb(status, "VmRSS"), statusKb(status, "VmHWM"));
      if (v > (this.peak.get(pid) ?? 0)) this.peak.set(pid, v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export function sumZStackRoutes(byRoute: Record<string, number>): {
  requests: number;
  routes: Array<[string, number]>;
} {
  const routes = Object.entries(byRoute)
    .filter(([r]) => !/ \/_sim\//.test(r) && !/ \/imagestore\//.test(r)) // control routes; OvaPackage verify's downloads are not API calls
    .sort((a, b) => b[1] - a[1]);
  return { requests: routes.reduce((s, [, n]) => s + n, 0), routes };
}

export function timeoutAfter<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        onTimeout();
        reject(new Error(`${what} did not finish within the benchmark's deadline`));
      },
      Math.max(0, ms),
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Ends the engine processes this benchmark started (by pid; they all descend from us). */
export function killOurDescendants(): void {
  for (const pid of descendantsIn(allStats(), process.pid).reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function envNumber(name: string, allowZero = false): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero))
    throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

export async function runScaleBench(opts: ScaleOptions = {}): Promise<ScaleResult> {
  const count = opts.count ?? byMode({ full: 200, short: 3 });
  const resources = 2 * count;
  const parallel = opts.parallel ?? resources;
  const speed = opts.speed ?? 180;
  const jobMinutes = opts.jobMinutes ?? byMode({ full: 30, short: 1 });
  const jobMs = jobMinutes * 60_000;
  const jobSeconds = jobMs / speed / 1000;
  const print = opts.print ?? true;
  const deadline = Date.now() + (opts.deadlineSeconds ?? 600) * 1000;
  const remaining = () => deadline - Date.now();
  const say = (s: string) => print && console.log(s);

  say(
    `scale benchmark: ${count} V2vMigrations + ${count} OvaPackages, every job ${jobMinutes} simulated minutes at ` +
      `speed ${speed} = ${jobSeconds.toFixed(1)} s real; --parallel ${parallel || "(CLI default)"}; baseline ${resources} trivial dynamic resources`,
  );

  // The baseline first: the engine's own cost on this machine, now.
  const baseSampler = new ProcessSampler().start();
  let baseline: EngineBaseline;
  try {
    baseline = await timeoutAfter(
      benchEngineBaseline(resources, { ...(parallel ? { parallel } : {}), print: false }),
      remaining(),
      "the baseline stack",
      killOurDescendants,
    );
  } finally {
    baseSampler.stop();
  }
  const baselineProcesses = baseSampler.stop();
  if (baseline.n !== resources) throw new Error(`baseline ran ${baseline.n} resources, expected ${resources}`);

  const sim = await startSimulator({
    port: 0,
    speed,
    jobDurations: { v2vMs: jobMs, ovaMs: jobMs },
    // Sessions (2 h by default) would expire every 40 s of real time at this speed: a run this
    // short would never see that against a real management node.
    sessionTimeoutSeconds: 30 * 24 * 3600,
    quiet: true,
  });
  const tmp = makeTempDir("bench-scale");
  let h: E2EStack | undefined;
  let result: ScaleResult;
  let log = "";
  try {
    const { sources, stoppedVms } = populateWorld(sim, count);
    // every conversion at once on one host: its cache must hold them all, or the capacity preflight refuses the wave
    sim.world.update("conversionHosts", U.convHost, { availableSize: 1024 * TiB });
    const prewarm = prewarmOvaMd5(sim, stoppedVms);
    say(
      `  (simulator: MD5 of the ${count} packages-to-be computed beforehand in ${prewarm.seconds.toFixed(1)} s, outside the measured phases)`,
    );
    const proj = await createConsumerProject(path.join(tmp, "project"), {
      program: PROGRAM,
      projectName: "bench-scale",
    });
    h = await withStack(proj.dir, "scale", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": SEED_CREDENTIALS.accountName,
      "zstack:password": { value: SEED_CREDENTIALS.password, secret: true },
      // every job at once, as before the in-flight limit: this stack measures the provider's cost
      // per resource next to the engine's; the limit's own figures are the plan benchmark's
      "zstack:maxConcurrentMigrations": "1000",
      "bench:target": {
        conversionHostUuid: U.convHost,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        backupStorageUuid: U.bsImageStore,
      },
      "bench:sources": sources,
      "bench:stoppedVms": stoppedVms,
      "bench:packageUuids": prewarm.uuids,
    });
    const stack = h.stack;
    const ours = {} as Record<Phase, PhaseFigures>;
    const run = async (phase: Phase, f: (o: any) => Promise<any>) => {
      const abort = new AbortController();
      sim.stats.reset();
      const sampler = new ProcessSampler().start();
      const starts = new Map<string, number>();
      const ends = new Map<string, number>();
      const onEvent = (e: EngineEvent) => {
        const now = Date.now();
        const pre = e.resourcePreEvent?.metadata;
        if (pre && (pre.type === V2V || pre.type === OVA)) starts.set(pre.urn, now);
        const done = e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
        if (done && (done.type === V2V || done.type === OVA)) ends.set(done.urn, now);
      };
      const t0 = process.hrtime.bigint();
      const t0ms = Date.now();
      let res: any;
      try {
        res = await timeoutAfter(
          f({
            ...(parallel ? { parallel } : {}),
            onOutput: (s: string) => (log = (log + s).slice(-200_000)),
            signal: abort.signal,
            ...(opts.diagnose ? { onEvent } : {}),
          }),
          remaining(),
          `our stack's ${phase}`,
          () => {
            abort.abort();
            killOurDescendants();
          },
        );
      } catch (e) {
        sampler.stop();
        throw new Error(
          `${phase} of the scale stack failed: ${(e as Error).message}\n--- engine output (tail) ---\n${log.slice(-8000)}`,
          {
            cause: e,
          },
        );
      }
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const mem = sampler.stop();
      const { requests, routes } = sumZStackRoutes(sim.stats.byRoute);
      ours[phase] = {
        wall,
        requests,
        routes,
        providerPeakRss: mem.providerPeakRss,
        providerProcesses: mem.providerProcesses,
        cpu: mem.cpu,
        timeline: opts.diagnose ? summarizeTimeline(t0ms, starts, ends) : undefined,
      };
      if (res?.summary?.result !== "succeeded") {
        throw new Error(`${phase} of the scale stack ended "${res?.summary?.result}"\n${log.slice(-8000)}`);
      }
      return res;
    };

    const up = await run("up", (o) => stack.up(o));
    if (up.summary.resourceChanges?.create !== resources + 1) {
      throw new Error(
        `up created ${JSON.stringify(up.summary.resourceChanges)}, expected ${resources} resources and the stack`,
      );
    }
    const jobs = sim.world.list("longJobs", (j) => String(j.name).startsWith("v2v bench-m"));
    const packages = sim.world.list("imagePackages", (p) => String(p.name).startsWith("bench-p"));
    if (jobs.length !== count || jobs.some((j) => j.state !== "Succeeded")) {
      throw new Error(
        `after up: ${jobs.length} bench long jobs, states ${[...new Set(jobs.map((j) => j.state))].join(",")}`,
      );
    }
    if (packages.length !== count || packages.some((p) => p.state !== "Exported")) {
      throw new Error(
        `after up: ${packages.length} bench packages, states ${[...new Set(packages.map((p) => p.state))].join(",")}`,
      );
    }
    const missed = packages.filter((p) => !prewarm.uuids.includes(p.uuid)).length;
    if (missed)
      say(`  WARNING: ${missed} package uuids were not the ones given: their MD5 was computed inside the measured up`);
    const state = JSON.stringify(await h.exportDeployment());
    const inState = (await h.resources()).filter((r) => r.type === V2V || r.type === OVA).length;
    if (inState !== resources) throw new Error(`expected ${resources} of our resources in state, found ${inState}`);
    const ourStateBytesPerResource = Math.round(Buffer.byteLength(state) / resources);
    if (print) printStateBreakdown(JSON.parse(state));

    const refresh = await run("refresh", (o) => stack.refresh(o));
    const changed = Object.keys(refresh.summary.resourceChanges ?? {}).filter((k) => k !== "same");
    if (changed.length)
      throw new Error(`refresh right after up changed something: ${JSON.stringify(refresh.summary.resourceChanges)}`);

    await run("destroy", (o) => stack.destroy(o));
    // the records of migrations whose VM is kept stay, released (never twice, even after removal)
    const mark = releasedMark();
    const leftJobs = sim.world.list(
      "longJobs",
      (j) => String(j.name).startsWith("v2v bench-m") && !String(j.description ?? "").includes(mark),
    ).length;
    const leftPackages = sim.world.list("imagePackages", (p) => String(p.name).startsWith("bench-p")).length;
    if (leftJobs || leftPackages)
      throw new Error(`destroy left ${leftJobs} unreleased long jobs and ${leftPackages} packages in ZStack`);

    const overhead: Record<Phase, number> = {
      up: ours.up.wall - jobSeconds,
      refresh: ours.refresh.wall,
      destroy: ours.destroy.wall,
    };
    const pass = {} as Record<Phase, boolean>;
    for (const p of PHASES) pass[p] = overhead[p] <= 1.5 * baseline[p];
    result = {
      count,
      resources,
      parallel,
      speed,
      jobMinutes,
      jobSeconds,
      ours,
      ourStateBytesPerResource,
      baseline,
      baselineProcesses,
      overhead,
      pass,
      loadAverage: os.loadavg(),
    };
  } finally {
    await h?.dispose().catch(() => undefined);
    await sim.stop();
    removeDir(tmp);
  }
  if (opts.padded ?? true) {
    // the padding string is stored twice (inputs and outputs)
    const pad = Math.max(0, Math.round((result.ourStateBytesPerResource - baseline.stateBytesPerResource) / 2));
    const padded = await benchEngineBaseline(resources, {
      ...(parallel ? { parallel } : {}),
      print: false,
      pad,
      guard: (what, run) => timeoutAfter(run, remaining(), `the padded baseline's ${what}`, killOurDescendants),
    });
    result.padded = padded;
  }
  if (print) printReport(result);
  return result;
}

/** Bytes of state by property, averaged per resource of each type (where the state goes). */
function printStateBreakdown(deployment: any): void {
  const byType = new Map<string, { n: number; bytes: Map<string, number> }>();
  for (const r of deployment.resources ?? []) {
    if (r.type !== V2V && r.type !== OVA) continue;
    const t = byType.get(r.type) ?? { n: 0, bytes: new Map<string, number>() };
    t.n++;
    for (const [k, v] of Object.entries(r)) {
      if (k === "inputs" || k === "outputs") {
        for (const [prop, pv] of Object.entries(v as object)) {
          const key = `${k}.${prop}`;
          t.bytes.set(key, (t.bytes.get(key) ?? 0) + JSON.stringify(pv).length + prop.length + 4);
        }
      } else t.bytes.set(k, (t.bytes.get(k) ?? 0) + JSON.stringify(v).length + k.length + 4);
    }
    byType.set(r.type, t);
  }
  for (const [type, t] of byType) {
    const total = [...t.bytes.values()].reduce((a, b) => a + b, 0) / t.n;
    const top = [...t.bytes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, b]) => `${k} ${Math.round(b / t.n)}`)
      .join(", ");
    console.log(`  state of one ${type.split(":").pop()}: ~${Math.round(total)} bytes; biggest: ${top}`);
  }
}

function printReport(r: ScaleResult): void {
  const s = (x: number) => `${x.toFixed(1)} s`;
  const mb = (b: number) => (b ? `${(b / 1024 ** 2).toFixed(0)} MiB` : "n/a");
  const lines: string[] = [];
  lines.push("");
  lines.push(`                   ours (${r.count} V2V + ${r.count} OVA)   baseline (${r.resources} trivial)`);
  for (const p of PHASES) {
    lines.push(`  ${p.padEnd(8)} wall     ${s(r.ours[p].wall).padEnd(28)}${s(r.baseline[p])}`);
  }
  lines.push(
    `  state    bytes/resource ${String(r.ourStateBytesPerResource).padEnd(21)}${r.baseline.stateBytesPerResource}`,
  );
  lines.push(
    `  provider peak RSS: ours ${PHASES.map((p) => `${p} ${mb(r.ours[p].providerPeakRss)} (${r.ours[p].providerProcesses} process${r.ours[p].providerProcesses === 1 ? "" : "es"})`).join(", ")}; ` +
      `baseline (whole run) ${mb(r.baselineProcesses.providerPeakRss)}`,
  );
  const cpuLine = (c: ProcessFigures["cpu"]) =>
    Object.entries(c)
      .filter(([, v]) => v >= 0.05)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ");
  lines.push("  CPU seconds by process (2 cores are 2 CPU seconds per second):");
  for (const p of PHASES) lines.push(`    ours ${p.padEnd(8)} ${cpuLine(r.ours[p].cpu)}`);
  lines.push(`    baseline (up+refresh+destroy and stack setup) ${cpuLine(r.baselineProcesses.cpu)}`);
  lines.push("  requests to ZStack:");
  for (const p of PHASES) {
    const f = r.ours[p];
    const top = f.routes
      .slice(0, r.ours[p].timeline ? undefined : 6)
      .map(([route, n]) => `${route} ${n}`)
      .join("; ");
    lines.push(`    ${p.padEnd(8)} ${f.requests} = ${(f.requests / r.resources).toFixed(2)} per resource  [${top}]`);
  }
  for (const p of PHASES) {
    const t = r.ours[p].timeline;
    if (!t) continue;
    lines.push(
      `  timeline ${p}: ${t.operations} operations started ${s(t.firstStart)}..${s(t.lastStart)} after the phase began, ` +
        `each took median ${s(t.medianDuration)} / max ${s(t.maxDuration)} ` +
        `(${Object.entries(t.byType)
          .map(([k, v]) => `${k} ${s(v.median)} / ${s(v.max)}`)
          .join(", ")}), ` +
        `last ended at ${s(t.lastEnd)} of ${s(r.ours[p].wall)}`,
    );
  }
  if (r.padded) {
    const d = r.padded;
    lines.push(
      `  engine alone with our state size (baseline padded to ${d.stateBytesPerResource} bytes/resource): ` +
        `up ${s(d.up)}, refresh ${s(d.refresh)}, destroy ${s(d.destroy)}; ` +
        `what remains ours: ${PHASES.map((p) => `${p} ${s(r.overhead[p] - d[p])}`).join(", ")}`,
    );
  }
  lines.push(
    `  goal: our wall time minus the job time (${s(r.jobSeconds)} real; jobs concurrent) within 1.5 x the baseline's`,
  );
  for (const p of PHASES) {
    const sub = p === "up" ? ` - ${s(r.jobSeconds)}` : "";
    lines.push(
      `    ${p.padEnd(8)} ${s(r.ours[p].wall)}${sub} = ${s(r.overhead[p])} vs 1.5 x ${s(r.baseline[p])} = ${s(1.5 * r.baseline[p])}: ` +
        `${r.pass[p] ? "PASS" : "MISS"} (${(r.overhead[p] / r.baseline[p]).toFixed(2)}x)`,
    );
  }
  if (r.padded) {
    const d = r.padded;
    lines.push(`  the same against the engine alone with our state size (the padded baseline):`);
    for (const p of PHASES) {
      const ok = r.overhead[p] <= 1.5 * d[p];
      lines.push(
        `    ${p.padEnd(8)} ${s(r.overhead[p])} vs 1.5 x ${s(d[p])} = ${s(1.5 * d[p])}: ${ok ? "PASS" : "MISS"} (${(r.overhead[p] / d[p]).toFixed(2)}x)`,
      );
    }
  }
  lines.push(
    `  load average at the end: ${r.loadAverage.map((x) => x.toFixed(2)).join(" ")} (${os.cpus().length} CPUs)`,
  );
  const row = [
    new Date().toISOString().slice(0, 10),
    r.parallel || "CLI default",
    ...PHASES.map((p) => `${r.ours[p].wall.toFixed(1)} / ${r.baseline[p].toFixed(1)}`),
    ...PHASES.map((p) => (r.ours[p].requests / r.resources).toFixed(2)),
    mb(Math.max(...PHASES.map((p) => r.ours[p].providerPeakRss))) + " / " + mb(r.baselineProcesses.providerPeakRss),
    `${r.ourStateBytesPerResource} / ${r.baseline.stateBytesPerResource}`,
    PHASES.map((p) => `${p} ${r.pass[p] ? "PASS" : "MISS"} (${(r.overhead[p] / r.baseline[p]).toFixed(2)}x)`).join(
      ", ",
    ),
  ];
  lines.push(`  markdown row: | ${row.join(" | ")} |`);
  console.log(lines.join("\n"));
}

/** `npm run bench scale`. */
export async function benchScale(): Promise<void> {
  await runScaleBench({
    count: envNumber("PZM_BENCH_SCALE_COUNT"),
    parallel: envNumber("PZM_BENCH_PARALLEL", true),
    speed: envNumber("PZM_BENCH_SPEED"),
    jobMinutes: envNumber("PZM_BENCH_JOB_MINUTES"),
    deadlineSeconds: envNumber("PZM_BENCH_DEADLINE_S"),
    padded: process.env.PZM_BENCH_PADDED !== "0",
    diagnose: process.env.PZM_BENCH_DIAGNOSE === "1",
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string, allowZero = false): number | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero)) throw new Error(`--${name} needs a positive number`);
    return n;
  };
  runScaleBench({
    count: opt("count") ?? envNumber("PZM_BENCH_SCALE_COUNT"),
    parallel: opt("parallel", true) ?? envNumber("PZM_BENCH_PARALLEL", true),
    speed: opt("speed") ?? envNumber("PZM_BENCH_SPEED"),
    jobMinutes: opt("job-minutes") ?? envNumber("PZM_BENCH_JOB_MINUTES"),
    deadlineSeconds: opt("deadline") ?? envNumber("PZM_BENCH_DEADLINE_S"),
    padded: !args.includes("--no-padded") && process.env.PZM_BENCH_PADDED !== "0",
    diagnose: args.includes("--diagnose") || process.env.PZM_BENCH_DIAGNOSE === "1",
  }).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
