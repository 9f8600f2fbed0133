// The scale benchmark (docs/benchmarks.md, "Scale"): one stack of 200 V2vMigrations and 200
// OvaPackages on the real Pulumi engine against an in-process simulator, on each provider host — the
// dynamic host (the TypeScript SDK's dynamic resources) and the provider plugin (`pulumi-resource-zstack`,
// the same Node.js program declaring `zstack:index:*` custom resources) — next to a baseline stack of 400
// trivial dynamic resources (the engine's own cost), all measured in the same run. It prints, per phase
// (up, refresh, destroy) and host: wall time, requests sent to ZStack per resource (and the biggest
// routes), the peak memory of the provider process(es), bytes of state per resource, the plugin's
// figures against the dynamic host's, and the goal line: our wall time minus the job time itself
// against 1.5 × the baseline's.
//
//   npm run bench scale
//   npx ts-node --transpile-only bench/scale.ts [--count 200] [--parallel 400] [--speed 180] [--job-minutes 30] [--hosts dynamic,plugin] [--refreshes 5] [--no-padded] [--diagnose] [--short]
//
// Short mode (--short, PZM_BENCH_SHORT=1): 3 + 3 resources (a baseline of 6) on each host, every job 1 simulated minute.
//
// A further stack separates the engine's cost from ours: the baseline's trivial resources padded to
// the dynamic host's state size. The engine writes the whole state file twice per step (file backend),
// so its cost grows with bytes of state; "what remains ours" is our wall time minus that stack's.
//
// --parallel 0 leaves the CLI's default (4 × CPUs = 8 here: 50 waves of jobs for 400 resources).
// Environment (for `npm run bench`): PZM_BENCH_SCALE_COUNT, PZM_BENCH_PARALLEL, PZM_BENCH_SPEED,
// PZM_BENCH_JOB_MINUTES, PZM_BENCH_HOSTS (default dynamic,plugin), PZM_BENCH_DEADLINE_S (whole
// benchmark, default 600 s + 300 s per extra host), PZM_BENCH_PADDED=0, PZM_BENCH_DIAGNOSE=1.
//
// Needs the Pulumi CLI (scripts/setup-pulumi.sh; `source scripts/env.sh && pzm_ensure_pulumi`).
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_CREDENTIALS, SEED_UUIDS as U, ZStackSimulator, Row } from "../simulator";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { createConsumerProject, E2EStack, makeTempDir, removeDir, withStack } from "../test/e2e/harness";
import { pluginLauncherDir } from "../test/e2e/plugin-support";
import { benchEngineBaseline, EngineBaseline } from "./engine-baseline";
import { exportedOvaSize } from "../simulator/assumptions";
import { ovaMd5 } from "../simulator/http/download";
import { vmVolumeBytes } from "../simulator/world/vm-factory";
import { byMode } from "./mode";
import { REPO_ROOT, releasedMark } from "./providers";

/** The provider hosts the stack runs on, in the order measured: the dynamic host, the provider plugin. */
export const HOSTS = ["dynamic", "plugin"] as const;
export type Host = (typeof HOSTS)[number];
/** Our resources' types in the state, by host. */
const TYPES: Record<Host, { v2v: string; ova: string }> = {
  dynamic: { v2v: "pulumi-nodejs:dynamic/zstack:V2vMigration", ova: "pulumi-nodejs:dynamic/zstack:OvaPackage" },
  plugin: { v2v: "zstack:index:V2vMigration", ova: "zstack:index:OvaPackage" },
};
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
  /** The provider hosts to measure, each on a stack of its own (default both: dynamic, then plugin). */
  hosts?: Host[];
  /** Real seconds the whole benchmark may take before it is aborted as a failure (default 600, +300 per extra host). */
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
  /**
   * Refreshes of each host's stack, one after the other (default 5; short mode 1): a refresh of this stack
   * lasts a few seconds, within one run's noise, so the figure is the median run's.
   */
  refreshes?: number;
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

/** The scale stack's figures on one host. */
export interface HostFigures {
  /** each phase's figures (`refresh`: the median of `refreshWalls`' runs) */
  phases: Record<Phase, PhaseFigures>;
  /** the wall time of every refresh, in the order run */
  refreshWalls: number[];
  stateBytesPerResource: number;
  /** our wall time minus the job time (up only), per phase */
  overhead: Record<Phase, number>;
  /** overhead within 1.5 x the baseline's */
  pass: Record<Phase, boolean>;
}

export interface ScaleResult {
  count: number;
  resources: number;
  parallel: number;
  speed: number;
  jobMinutes: number;
  /** real seconds one job lasts (every job lasts the same) */
  jobSeconds: number;
  /** the hosts measured */
  hosts: Partial<Record<Host, HostFigures>>;
  baseline: EngineBaseline;
  /** peak RSS of the baseline's dynamic-provider process and CPU by kind of process, over its whole run */
  baselineProcesses: ProcessFigures;
  loadAverage: number[];
  /** unless `padded: false`: the baseline padded to the state size of `host` (the dynamic host's when it ran) */
  padded?: EngineBaseline & { host: Host };
}

// ---------------------------------------------------------------------------------------------
// The consumer program: resources from config, the package installed from the packed tarball.
// One program for both hosts; only how `V2vMigration` and `OvaPackage` are declared differs:
// - dynamic: the package's TypeScript SDK (dynamic resources served by Pulumi's dynamic-provider host);
// - plugin: `pulumi.CustomResource`s of the plugin's type tokens (`zstack:index:V2vMigration`), declaring
//   every output of the plugin's schema as a generated SDK does, served by `pulumi-resource-zstack`.
// ---------------------------------------------------------------------------------------------

/** The plugin's schema (generated by `npm run schema`): the output names its SDKs declare. */
function pluginOutputNames(resource: string): string[] {
  const file = path.join(REPO_ROOT, "provider", "hosts", "plugin", "zstack-schema.json");
  const schema = JSON.parse(fs.readFileSync(file, "utf8")) as {
    resources: Record<string, { properties: Record<string, unknown>; inputProperties: Record<string, unknown> }>;
  };
  const r = schema.resources[`zstack:index:${resource}`];
  if (!r) throw new Error(`${file} has no zstack:index:${resource}`);
  return Object.keys(r.properties).filter((k) => !(k in r.inputProperties));
}

const DECLARE: Record<Host, () => string> = {
  dynamic: () => `const { V2vMigration, OvaPackage } = require("pulumi-zstack-migration");`,
  plugin:
    () => `const OUTPUTS = ${JSON.stringify({ V2vMigration: pluginOutputNames("V2vMigration"), OvaPackage: pluginOutputNames("OvaPackage") })};
const pluginResource = (type) =>
  class extends pulumi.CustomResource {
    constructor(name, args, opts) {
      const props = {};
      for (const k of OUTPUTS[type]) props[k] = undefined;
      super("zstack:index:" + type, name, { ...props, ...args }, opts);
    }
  };
const V2vMigration = pluginResource("V2vMigration");
const OvaPackage = pluginResource("OvaPackage");`,
};

function programFor(host: Host): string {
  return `"use strict";
const pulumi = require("@pulumi/pulumi");
${DECLARE[host]()}

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
}

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

/** What the command line of a provider process contains: Pulumi's dynamic-provider host, or our plugin's launcher. */
const PROVIDER_MARKS = ["@pulumi/pulumi/cmd/dynamic-provider", "provider/hosts/plugin/main.js"];
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
  if (PROVIDER_MARKS.some((m) => cmdline.includes(m))) return "provider";
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
  const hosts = opts.hosts ?? [...HOSTS];
  const refreshes = opts.refreshes ?? byMode({ full: 5, short: 1 });
  const print = opts.print ?? true;
  const deadline = Date.now() + (opts.deadlineSeconds ?? 600 + 300 * (hosts.length - 1)) * 1000;
  const remaining = () => deadline - Date.now();
  const say = (s: string) => print && console.log(s);

  say(
    `scale benchmark: ${count} V2vMigrations + ${count} OvaPackages, every job ${jobMinutes} simulated minutes at ` +
      `speed ${speed} = ${jobSeconds.toFixed(1)} s real; --parallel ${parallel || "(CLI default)"}; ` +
      `hosts ${hosts.join(", ")}; ${refreshes} refresh${refreshes === 1 ? "" : "es"} each; ` +
      `baseline ${resources} trivial dynamic resources`,
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

  const ran: Partial<Record<Host, HostFigures>> = {};
  for (const host of hosts) {
    const figures = await runOurStack(host, {
      count,
      parallel,
      speed,
      jobMs,
      print,
      diagnose: !!opts.diagnose,
      refreshes,
      remaining,
    });
    const overhead: Record<Phase, number> = {
      up: figures.phases.up.wall - jobSeconds,
      refresh: figures.phases.refresh.wall,
      destroy: figures.phases.destroy.wall,
    };
    const pass = {} as Record<Phase, boolean>;
    for (const p of PHASES) pass[p] = overhead[p] <= 1.5 * baseline[p];
    ran[host] = { ...figures, overhead, pass };
  }
  const result: ScaleResult = {
    count,
    resources,
    parallel,
    speed,
    jobMinutes,
    jobSeconds,
    hosts: ran,
    baseline,
    baselineProcesses,
    loadAverage: os.loadavg(),
  };
  const padTo = (ran.dynamic ?? ran.plugin)!;
  if (opts.padded ?? true) {
    // the padding string is stored twice (inputs and outputs)
    const pad = Math.max(0, Math.round((padTo.stateBytesPerResource - baseline.stateBytesPerResource) / 2));
    const padded = await benchEngineBaseline(resources, {
      ...(parallel ? { parallel } : {}),
      print: false,
      pad,
      guard: (what, run) => timeoutAfter(run, remaining(), `the padded baseline's ${what}`, killOurDescendants),
    });
    result.padded = { host: ran.dynamic ? "dynamic" : "plugin", ...padded };
  }
  if (print) printReport(result);
  return result;
}

interface StackRun {
  count: number;
  parallel: number;
  speed: number;
  jobMs: number;
  print: boolean;
  diagnose: boolean;
  refreshes: number;
  remaining: () => number;
}

/**
 * The scale stack of one host, on a simulator of its own: up, refresh, destroy, with the checks that
 * each did all its work; the figures of each phase and the state's bytes per resource.
 */
async function runOurStack(
  host: Host,
  { count, parallel, speed, jobMs, print, diagnose, refreshes, remaining }: StackRun,
): Promise<Omit<HostFigures, "overhead" | "pass">> {
  const resources = 2 * count;
  const types = TYPES[host];
  const ours = (type: string | undefined) => type === types.v2v || type === types.ova;
  const say = (s: string) => print && console.log(s);
  const sim = await startSimulator({
    port: 0,
    speed,
    jobDurations: { v2vMs: jobMs, ovaMs: jobMs },
    // Sessions (2 h by default) would expire every 40 s of real time at this speed: a run this
    // short would never see that against a real management node.
    sessionTimeoutSeconds: 30 * 24 * 3600,
    quiet: true,
  });
  const tmp = makeTempDir(`bench-scale-${host}`);
  let h: E2EStack | undefined;
  let log = "";
  try {
    const { sources, stoppedVms } = populateWorld(sim, count);
    // every conversion at once on one host: its cache must hold them all, or the capacity preflight refuses the wave
    sim.world.update("conversionHosts", U.convHost, { availableSize: 1024 * TiB });
    const prewarm = prewarmOvaMd5(sim, stoppedVms);
    say(
      `  (${host} host; simulator: MD5 of the ${count} packages-to-be computed beforehand in ${prewarm.seconds.toFixed(1)} s, outside the measured phases)`,
    );
    const proj = await createConsumerProject(path.join(tmp, "project"), {
      program: programFor(host),
      projectName: "bench-scale",
    });
    // the plugin: the installed package's `pulumi-resource-zstack`, first on PATH, run by this Node.js
    const env =
      host === "plugin"
        ? { PATH: [pluginLauncherDir(proj), path.dirname(process.execPath), process.env.PATH].join(path.delimiter) }
        : undefined;
    h = await withStack(
      proj.dir,
      `scale-${host}`,
      {
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
      },
      env ? { env } : {},
    );
    const stack = h.stack;
    const phases = {} as Record<Phase, PhaseFigures>;
    const run = async (phase: Phase, f: (o: any) => Promise<any>) => {
      const abort = new AbortController();
      sim.stats.reset();
      const sampler = new ProcessSampler().start();
      const starts = new Map<string, number>();
      const ends = new Map<string, number>();
      const onEvent = (e: EngineEvent) => {
        const now = Date.now();
        const pre = e.resourcePreEvent?.metadata;
        if (pre && ours(pre.type)) starts.set(pre.urn, now);
        const done = e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
        if (done && ours(done.type)) ends.set(done.urn, now);
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
            ...(diagnose ? { onEvent } : {}),
          }),
          remaining(),
          `the ${host} host's ${phase}`,
          () => {
            abort.abort();
            killOurDescendants();
          },
        );
      } catch (e) {
        sampler.stop();
        throw new Error(
          `${phase} of the scale stack (${host} host) failed: ${(e as Error).message}\n--- engine output (tail) ---\n${log.slice(-8000)}`,
          { cause: e },
        );
      }
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const mem = sampler.stop();
      const { requests, routes } = sumZStackRoutes(sim.stats.byRoute);
      phases[phase] = {
        wall,
        requests,
        routes,
        providerPeakRss: mem.providerPeakRss,
        providerProcesses: mem.providerProcesses,
        cpu: mem.cpu,
        timeline: diagnose ? summarizeTimeline(t0ms, starts, ends) : undefined,
      };
      if (res?.summary?.result !== "succeeded") {
        throw new Error(
          `${phase} of the scale stack (${host} host) ended "${res?.summary?.result}"\n${log.slice(-8000)}`,
        );
      }
      return res;
    };

    const up = await run("up", (o) => stack.up(o));
    // the stack and our resources (the plugin's default provider is in the state, but not in the summary)
    if (up.summary.resourceChanges?.create !== resources + 1) {
      throw new Error(
        `up (${host} host) created ${JSON.stringify(up.summary.resourceChanges)}, expected ${resources} resources and the stack`,
      );
    }
    const jobs = sim.world.list("longJobs", (j) => String(j.name).startsWith("v2v bench-m"));
    const packages = sim.world.list("imagePackages", (p) => String(p.name).startsWith("bench-p"));
    if (jobs.length !== count || jobs.some((j) => j.state !== "Succeeded")) {
      throw new Error(
        `after up (${host} host): ${jobs.length} bench long jobs, states ${[...new Set(jobs.map((j) => j.state))].join(",")}`,
      );
    }
    if (packages.length !== count || packages.some((p) => p.state !== "Exported")) {
      throw new Error(
        `after up (${host} host): ${packages.length} bench packages, states ${[...new Set(packages.map((p) => p.state))].join(",")}`,
      );
    }
    const missed = packages.filter((p) => !prewarm.uuids.includes(p.uuid)).length;
    if (missed)
      say(`  WARNING: ${missed} package uuids were not the ones given: their MD5 was computed inside the measured up`);
    const state = JSON.stringify(await h.exportDeployment());
    const inState = (await h.resources()).filter((r) => ours(r.type)).length;
    if (inState !== resources) throw new Error(`expected ${resources} of our resources in state, found ${inState}`);
    const stateBytesPerResource = Math.round(Buffer.byteLength(state) / resources);
    if (print) printStateBreakdown(JSON.parse(state), host);

    // refreshes one after the other: the figure is the median run's (a refresh lasts a few seconds)
    const refreshRuns: PhaseFigures[] = [];
    for (let i = 0; i < refreshes; i++) {
      const refresh = await run("refresh", (o) => stack.refresh(o));
      const changed = Object.keys(refresh.summary.resourceChanges ?? {}).filter((k) => k !== "same");
      if (changed.length)
        throw new Error(
          `refresh ${i + 1} after up (${host} host) changed something: ${JSON.stringify(refresh.summary.resourceChanges)}`,
        );
      refreshRuns.push(phases.refresh);
    }
    const refreshWalls = refreshRuns.map((r) => r.wall);
    phases.refresh = [...refreshRuns].sort((a, b) => a.wall - b.wall)[Math.floor((refreshRuns.length - 1) / 2)];

    await run("destroy", (o) => stack.destroy(o));
    // the records of migrations whose VM is kept stay, released (never twice, even after removal)
    const mark = releasedMark();
    const leftJobs = sim.world.list(
      "longJobs",
      (j) => String(j.name).startsWith("v2v bench-m") && !String(j.description ?? "").includes(mark),
    ).length;
    const leftPackages = sim.world.list("imagePackages", (p) => String(p.name).startsWith("bench-p")).length;
    if (leftJobs || leftPackages)
      throw new Error(
        `destroy (${host} host) left ${leftJobs} unreleased long jobs and ${leftPackages} packages in ZStack`,
      );
    return { phases, refreshWalls, stateBytesPerResource };
  } finally {
    await h?.dispose().catch(() => undefined);
    await sim.stop();
    removeDir(tmp);
  }
}

/** Bytes of state by property, averaged per resource of each type (where the state goes). */
function printStateBreakdown(deployment: any, host: Host): void {
  const byType = new Map<string, { n: number; bytes: Map<string, number> }>();
  for (const r of deployment.resources ?? []) {
    if (r.type !== TYPES[host].v2v && r.type !== TYPES[host].ova) continue;
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
    console.log(`  state of one ${type.split(":").pop()} (${host}): ~${Math.round(total)} bytes; biggest: ${top}`);
  }
}

function printReport(r: ScaleResult): void {
  const s = (x: number) => `${x.toFixed(1)} s`;
  const mb = (b: number) => (b ? `${(b / 1024 ** 2).toFixed(0)} MiB` : "n/a");
  const ran = HOSTS.filter((h) => r.hosts[h]).map((h) => [h, r.hosts[h]!] as const);
  const W = 22;
  const label = (x: string) => x.padEnd(26);
  const lines: string[] = [];
  lines.push("");
  lines.push(
    `${label("")}${ran.map(([h]) => `${h} host`.padEnd(W)).join("")}baseline (${r.resources} trivial)   [${r.count} V2V + ${r.count} OVA]`,
  );
  for (const p of PHASES) {
    lines.push(
      `${label(`  ${p.padEnd(8)} wall`)}${ran.map(([, f]) => s(f.phases[p].wall).padEnd(W)).join("")}${s(r.baseline[p])}`,
    );
  }
  for (const [h, f] of ran) {
    if (f.refreshWalls.length > 1)
      lines.push(
        `  refresh runs (${h}): ${f.refreshWalls.map((w) => w.toFixed(1)).join(", ")} s; the median is the figure`,
      );
  }
  lines.push(
    `${label("  state    bytes/resource")}${ran.map(([, f]) => String(f.stateBytesPerResource).padEnd(W)).join("")}${r.baseline.stateBytesPerResource}`,
  );
  const plugin = r.hosts.plugin;
  const dynamic = r.hosts.dynamic;
  if (plugin && dynamic) {
    lines.push(
      `  plugin vs dynamic: ${PHASES.map((p) => `${p} ${(plugin.phases[p].wall / dynamic.phases[p].wall).toFixed(2)}x`).join(", ")}; ` +
        `state ${(plugin.stateBytesPerResource / dynamic.stateBytesPerResource).toFixed(2)}x ` +
        `(${plugin.stateBytesPerResource} vs ${dynamic.stateBytesPerResource} bytes/resource)`,
    );
  }
  for (const [h, f] of ran) {
    lines.push(
      `  provider peak RSS (${h}): ${PHASES.map((p) => `${p} ${mb(f.phases[p].providerPeakRss)} (${f.phases[p].providerProcesses} process${f.phases[p].providerProcesses === 1 ? "" : "es"})`).join(", ")}`,
    );
  }
  lines.push(`  provider peak RSS (baseline, whole run): ${mb(r.baselineProcesses.providerPeakRss)}`);
  const cpuLine = (c: ProcessFigures["cpu"]) =>
    Object.entries(c)
      .filter(([, v]) => v >= 0.05)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ");
  lines.push("  CPU seconds by process (2 cores are 2 CPU seconds per second):");
  for (const [h, f] of ran) for (const p of PHASES) lines.push(`    ${h} ${p.padEnd(8)} ${cpuLine(f.phases[p].cpu)}`);
  lines.push(`    baseline (up+refresh+destroy and stack setup) ${cpuLine(r.baselineProcesses.cpu)}`);
  lines.push("  requests to ZStack:");
  for (const [h, f] of ran) {
    for (const p of PHASES) {
      const x = f.phases[p];
      const top = x.routes
        .slice(0, x.timeline ? undefined : 6)
        .map(([route, n]) => `${route} ${n}`)
        .join("; ");
      lines.push(
        `    ${h} ${p.padEnd(8)} ${x.requests} = ${(x.requests / r.resources).toFixed(2)} per resource  [${top}]`,
      );
    }
  }
  for (const [h, f] of ran) {
    for (const p of PHASES) {
      const t = f.phases[p].timeline;
      if (!t) continue;
      lines.push(
        `  timeline ${h} ${p}: ${t.operations} operations started ${s(t.firstStart)}..${s(t.lastStart)} after the phase began, ` +
          `each took median ${s(t.medianDuration)} / max ${s(t.maxDuration)} ` +
          `(${Object.entries(t.byType)
            .map(([k, v]) => `${k} ${s(v.median)} / ${s(v.max)}`)
            .join(", ")}), ` +
          `last ended at ${s(t.lastEnd)} of ${s(f.phases[p].wall)}`,
      );
    }
  }
  if (r.padded) {
    const d = r.padded;
    const f = r.hosts[d.host]!;
    lines.push(
      `  engine alone with the ${d.host} host's state size (baseline padded to ${d.stateBytesPerResource} bytes/resource): ` +
        `up ${s(d.up)}, refresh ${s(d.refresh)}, destroy ${s(d.destroy)}; ` +
        `what remains ours: ${PHASES.map((p) => `${p} ${s(f.overhead[p] - d[p])}`).join(", ")}`,
    );
  }
  lines.push(
    `  goal: our wall time minus the job time (${s(r.jobSeconds)} real; jobs concurrent) within 1.5 x the baseline's`,
  );
  for (const [h, f] of ran) {
    for (const p of PHASES) {
      const sub = p === "up" ? ` - ${s(r.jobSeconds)}` : "";
      lines.push(
        `    ${h} ${p.padEnd(8)} ${s(f.phases[p].wall)}${sub} = ${s(f.overhead[p])} vs 1.5 x ${s(r.baseline[p])} = ${s(1.5 * r.baseline[p])}: ` +
          `${f.pass[p] ? "PASS" : "MISS"} (${(f.overhead[p] / r.baseline[p]).toFixed(2)}x)`,
      );
    }
  }
  if (r.padded) {
    const d = r.padded;
    lines.push(`  the same against the engine alone with the ${d.host} host's state size (the padded baseline):`);
    for (const [h, f] of ran) {
      for (const p of PHASES) {
        const ok = f.overhead[p] <= 1.5 * d[p];
        lines.push(
          `    ${h} ${p.padEnd(8)} ${s(f.overhead[p])} vs 1.5 x ${s(d[p])} = ${s(1.5 * d[p])}: ${ok ? "PASS" : "MISS"} (${(f.overhead[p] / d[p]).toFixed(2)}x)`,
        );
      }
    }
  }
  lines.push(
    `  load average at the end: ${r.loadAverage.map((x) => x.toFixed(2)).join(" ")} (${os.cpus().length} CPUs)`,
  );
  for (const [h, f] of ran) {
    const row = [
      new Date().toISOString().slice(0, 10),
      h,
      r.parallel || "CLI default",
      ...PHASES.map((p) => `${f.phases[p].wall.toFixed(1)} / ${r.baseline[p].toFixed(1)}`),
      ...PHASES.map((p) => (f.phases[p].requests / r.resources).toFixed(2)),
      mb(Math.max(...PHASES.map((p) => f.phases[p].providerPeakRss))) + " / " + mb(r.baselineProcesses.providerPeakRss),
      `${f.stateBytesPerResource} / ${r.baseline.stateBytesPerResource}`,
      PHASES.map((p) => `${p} ${f.pass[p] ? "PASS" : "MISS"} (${(f.overhead[p] / r.baseline[p]).toFixed(2)}x)`).join(
        ", ",
      ),
    ];
    lines.push(`  markdown row: | ${row.join(" | ")} |`);
  }
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
    refreshes: envNumber("PZM_BENCH_REFRESHES"),
    hosts: hostsFrom(process.env.PZM_BENCH_HOSTS),
  });
}

/** `dynamic,plugin` → the hosts, checked (undefined: both). */
function hostsFrom(list: string | undefined): Host[] | undefined {
  if (!list) return undefined;
  const hosts = list.split(",").map((h) => h.trim());
  const bad = hosts.filter((h) => !(HOSTS as readonly string[]).includes(h));
  if (bad.length || !hosts.length) throw new Error(`unknown host ${bad.join(", ")}; the hosts: ${HOSTS.join(", ")}`);
  return hosts as Host[];
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
    refreshes: opt("refreshes") ?? envNumber("PZM_BENCH_REFRESHES"),
    hosts: hostsFrom(args.includes("--hosts") ? args[args.indexOf("--hosts") + 1] : process.env.PZM_BENCH_HOSTS),
  }).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
