/**
 * zstack-sim: a ZStack Cloud management node you can run on loopback, for the quickstart, the tests
 * and users' own CI. It follows docs/zstack-wire.md (the wire facts) and must never import from
 * provider/ or sdk/: it is the test oracle the client is checked against.
 *
 *     const sim = await startSimulator({ port: 0, manualClock: true });
 *     // point a client at sim.url, log in as admin/password, ...
 *     sim.advance(60 * 60_000); // an hour of simulated time, processed at once
 *     await sim.stop();
 */
import type { LongJobTimelineEntry } from "./world/timeline";
import type { Row } from "./world/types";
import type { AddVcenterServerSpec, AddVcenterVmSpec } from "./world/vcenter";
import type { AddVmwareVmsSpec } from "./world/vmware-vms";
import type { SimWorld } from "./world/world";

export { SEED_UUIDS, SEED_CREDENTIALS, SEED_VCENTER } from "./seed-uuids";
export type { SimWorld } from "./world/world";
export type { Row, TableName, WorldSnapshot, ApiJob } from "./world/types";
export { TABLES } from "./world/types";
export { accessKeySignature } from "./http/auth";
export { formatJavaTimestamp, formatAkDate, parseDuration } from "./core/java-time";
export type { LongJobTimelineEntry, RunningInterval, TimelineFilter } from "./world/timeline";
export { maxConcurrency, maxConcurrencyByHost, totalRunningMs, timelineSpan } from "./world/timeline";
export type { AddVmwareVmsSpec } from "./world/vmware-vms";
export { vmwareVmNames } from "./world/vmware-vms";
export type { AddVcenterServerSpec, AddVcenterVmSpec, VcenterNicSpec } from "./world/vcenter";

export interface SimulatorOptions {
  /** bind address, default "127.0.0.1" */
  host?: string;
  /** default 8080; 0 = ephemeral */
  port?: number;
  /**
   * "host:port" written into api-job `location` (simulates an MN behind NAT); default: the address
   * the bind address is reached at ("<host>:<port>", an IPv6 host in brackets, 127.0.0.1 for 0.0.0.0
   * and ::). Clients must rewrite it.
   */
  advertisedHost?: string;
  /** persist the world to this JSON file (atomic write: tmp + fsync + rename); load it on start */
  statePath?: string;
  /** simulated ms per real ms, default 1 (e.g. 600 => a 1 h job takes 6 s) */
  speed?: number;
  /** simulated time moves ONLY via advance(); for deterministic tests */
  manualClock?: boolean;
  /** external epoch-ms clock; overrides speed/manualClock (benchmarks share a virtual clock with the client) */
  clock?: { now(): number };
  /** simulated epoch ms at start (default: the state file's time, else Date.now()) */
  startTime?: number;
  /** a world seed object or a path to a JSON seed file replacing the default world */
  seed?: object | string;
  /** seeds the PRNG used for fault injection (deterministic); also makes generated uuids reproducible */
  randomSeed?: number;
  /** default 7200 */
  sessionTimeoutSeconds?: number;
  /** fixed simulated durations; default: derived from disk sizes. `cancelMs` (default 0) is how long a cancel takes. */
  jobDurations?: { v2vMs?: number; ovaMs?: number; cancelMs?: number };
  /** no warnings on stderr */
  quiet?: boolean;
  /**
   * send `X-ZStack-Simulator: zstack-sim` on every response (default true); false for clients that
   * must not be able to tell they talk to the simulator
   */
  simulatorHeader?: boolean;
  /**
   * async APIs (by name, e.g. "ConvertVmFromForeignHypervisor", "ExportVmOvaPackage"; "*" for all)
   * answered with 200 and their result instead of 202 + an api-job location, as ZStack's API pages
   * label them "Synchronous" (SYNCHRONOUS_ASYNC_APIS in assumptions.ts); default none
   */
  synchronousApis?: string[];
}

export interface SimulatorFaults {
  /**
   * The next job of that kind fails. V2V: the long job goes Failed at `atFraction` (default 0.3) of its
   * duration with jobResult {message, detail, cause}. OVA: at `atFraction` (default 0.5) the package
   * row is rolled back and the api-job answers 503 SYS.1006. `static-ip`: the next SetVmStaticIp that would
   * change an address fails (SYS.1006), changing nothing. Calls queue up.
   */
  failNextJob(kind: "v2v" | "ova" | "static-ip", opts?: { details?: string; atFraction?: number }): void;
  /** real-time delay added to every /zstack response */
  setLatency(ms: number): void;
  /** share (0..1) of /zstack requests answered by a "proxy" with plain-text 502/503/504 before reaching the MN (no side effects) */
  setProxyErrorRate(rate: number): void;
  /**
   * share of /zstack requests whose socket is destroyed without an answer; "before" (default): the MN
   * never saw it; "after": the MN processed it first (the response is lost)
   */
  setConnectionResetRate(rate: number, phase?: "before" | "after"): void;
  /**
   * downloads of exported files go wrong (see assumptions.ts): "flip" one byte (length right),
   * "truncate" the file to half its size, "missing" 404; `count` answers, or until clear()
   */
  corruptDownloads(mode: "flip" | "truncate" | "missing", count?: number): void;
  /** GET downloads lose their connection after `afterBytes` body bytes; `count` answers, or until clear() */
  dropDownloads(afterBytes: number, count?: number): void;
  expireAllSessions(): void;
  /**
   * how an invalid or expired session is reported from now on: "ID.1001" (the default, and after
   * clear()) or "ORG_ZSTACK_IDENTITY_10020", as newer management nodes report it (SESSION_ERROR_CODES
   * in assumptions.ts)
   */
  setSessionErrorCode(code: "ID.1001" | "ORG_ZSTACK_IDENTITY_10020"): void;
  /** running long jobs -> Suspended (resumable via ResumeLongJob), exports rolled back, pending api-jobs fail */
  restartManagementNode(): void;
  /** remove all faults (latency, rates, queued job failures, download faults, the session error code) */
  clear(): void;
}

export interface SimulatorStats {
  /** every HTTP request, control endpoint and downloads included */
  requests: number;
  /** requests by route, e.g. "GET /v1/longjobs/{uuid}", "POST /_sim/clock/advance" */
  byRoute: Record<string, number>;
  reset(): void;
}

export interface ZStackSimulator {
  /** "http://127.0.0.1:<port>": what a user puts in `zstack:endpoint` (no /zstack suffix) */
  readonly url: string;
  readonly port: number;
  /** simulated epoch ms */
  now(): number;
  /**
   * move the simulated clock forward and process everything due; an export whose end is due while
   * its file's MD5 is still being computed in the background completes once it is ready (HTTP
   * requests wait for it; in-process code reading `world` directly awaits `settled()`)
   */
  advance(ms: number): void;
  /** resolves once nothing due is waiting for an exported file's MD5 */
  settled(): Promise<void>;
  readonly faults: SimulatorFaults;
  setJobDurations(d: { v2vMs?: number; ovaMs?: number; cancelMs?: number }): void;
  /** replaces `synchronousApis` (an empty list: every async API answers 202 again) */
  setSynchronousApis(names: readonly string[]): void;
  readonly stats: SimulatorStats;
  /** direct read/write access to the in-memory world (see docs/simulator.md, "The world") */
  readonly world: SimWorld;
  /** put the world back to its seed (default world or `seed`), clear faults and stats (and the long-job timeline) */
  resetWorld(): void;
  /**
   * every V2V long job's Running intervals in simulated time (half-open [start, end), `end` absent
   * while it runs), its VM name, `conversionHostUuid` and state; copies, in submission order. See
   * `maxConcurrency`, `maxConcurrencyByHost`, `totalRunningMs`, `timelineSpan`.
   */
  longJobTimeline(): LongJobTimelineEntry[];
  /**
   * adds `count` VMware (ESX) VmInstances built like the default world's, named `${prefix}-01`, … and
   * returns their rows; refuses (throws) a name some VM already has, creating none
   */
  addVmwareVms(spec: AddVmwareVmsSpec): Row[];
  /**
   * adds a VM to a simulated vCenter (`POST /_sim/vcenter/vms`): ZStack sees it as an ESX VmInstance
   * only after the next SyncVCenter (or AddVCenter) of that vCenter; its `nics` carry the guest's IPv4
   */
  addVcenterVm(spec: AddVcenterVmSpec): Row;
  /** adds a simulated vCenter server (`POST /_sim/vcenter/servers`) that AddVCenter can register */
  addVcenterServer(spec: AddVcenterServerSpec): Row;
  stop(): Promise<void>;
}

export { startSimulator } from "./simulator";
