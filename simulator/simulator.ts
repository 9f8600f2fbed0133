/**
 * Wires the simulator together: clock, world (default, seed or state file), REST pipeline, faults,
 * downloads, control endpoint, stats and persistence, behind one Node `http` server.
 */
import { randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ALL_APIS } from "./apis";
import { OVA_DOWNLOAD_PREFIX, SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE, type SessionErrorCode } from "./assumptions";
import { SimClock } from "./core/clock";
import { formatJavaTimestamp } from "./core/java-time";
import { Prng } from "./core/prng";
import { Faults, type DownloadCorruption, type JobKind, type ResetPhase } from "./faults";
import { handleControl, isLoopback, type ControlTarget } from "./http/control";
import { cachedOvaMd5, ovaMd5, ovaMd5Async, serveDownload } from "./http/download";
import { parseQueryString } from "./http/query-string";
import { RestServer } from "./http/rest";
import { isRpcPath, RpcServer } from "./http/rpc";
import type { SimulatorOptions, ZStackSimulator } from "./index";
import { SEED_CREDENTIALS } from "./seed-uuids";
import { buildDefaultWorld } from "./world/default-world";
import { downloadUrl } from "./world/exports";
import { asSnapshot, readSnapshotFile, StateFile } from "./world/persistence";
import type { WorldSnapshot } from "./world/types";
import { copyTimeline, type LongJobTimelineEntry } from "./world/timeline";
import type { Row } from "./world/types";
import { addVmwareVms, type AddVmwareVmsSpec } from "./world/vmware-vms";
import { addVcenterServer, addVcenterVm, type AddVcenterServerSpec, type AddVcenterVmSpec } from "./world/vcenter";
import { SimWorld, type JobDurations } from "./world/world";

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

/** Whether a bind address listens on every interface. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/**
 * The `host:port` clients reach a simulator bound to `host` at: an IPv6 address is bracketed, a
 * wildcard bind is reached on 127.0.0.1. Used for `url`, the default api-job `location` and `exportUrl`.
 */
export function reachableHostPort(host: string, port: number): string {
  if (isWildcardHost(host)) return `127.0.0.1:${port}`;
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${h}:${port}`;
}

class Stats {
  requests = 0;
  byRoute: Record<string, number> = {};
  count(route: string): void {
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
  }
  reset(): void {
    this.requests = 0;
    this.byRoute = {};
  }
}

class Simulator implements ZStackSimulator, ControlTarget {
  url = "";
  port = 0;
  world!: SimWorld;
  readonly stats = new Stats();
  readonly faults: ZStackSimulator["faults"];
  private readonly faultsImpl: Faults;
  private readonly clock: SimClock;
  private durations: JobDurations;
  private rest!: RestServer;
  private rpc!: RpcServer;
  private server!: http.Server;
  private stateFile?: StateFile;
  private readonly sockets = new Set<Socket>();
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly sessionTimeoutMs: number;
  private readonly worldPrngSeed: number;
  private readonly simulatorHeader: boolean;
  private synchronousApis: Set<string>;
  /** responses of synchronously answered APIs waiting for their api-job */
  private readonly held: Array<{ apiId: string; send: (status: number, body: string) => void }> = [];
  private heldTimer?: NodeJS.Timeout;

  constructor(
    private readonly opts: SimulatorOptions,
    private readonly seedSnapshot: () => WorldSnapshot,
    startSnapshot: WorldSnapshot,
    startTime: number,
  ) {
    this.host = opts.host ?? "127.0.0.1";
    this.requestedPort = opts.port ?? 8080;
    this.sessionTimeoutMs = (opts.sessionTimeoutSeconds ?? 7200) * 1000;
    this.durations = { ...opts.jobDurations };
    this.simulatorHeader = opts.simulatorHeader ?? true;
    this.synchronousApis = new Set(opts.synchronousApis ?? []);
    this.clock = opts.clock
      ? new SimClock({ kind: "external", source: opts.clock }, startTime)
      : opts.manualClock
        ? new SimClock({ kind: "manual" }, startTime)
        : new SimClock({ kind: "real", speed: opts.speed ?? 1 }, startTime);
    const seed = opts.randomSeed ?? randomInt(0, 2 ** 31);
    this.worldPrngSeed = (seed ^ 0x5bd1e995) >>> 0;
    this.faultsImpl = new Faults(new Prng(seed));
    const f = this.faultsImpl;
    this.faults = {
      failNextJob: (kind: JobKind, o?: { details?: string; atFraction?: number }) => f.failNextJob(kind, o),
      setLatency: (ms: number) => f.setLatency(ms),
      setProxyErrorRate: (r: number) => f.setProxyErrorRate(r),
      setConnectionResetRate: (r: number, phase?: ResetPhase) => f.setConnectionResetRate(r, phase),
      corruptDownloads: (mode: DownloadCorruption, count?: number) => f.corruptDownloads(mode, count),
      dropDownloads: (afterBytes: number, count?: number) => f.dropDownloads(afterBytes, count),
      expireAllSessions: () => this.expireAllSessions(),
      setSessionErrorCode: (code: SessionErrorCode) => f.setSessionErrorCode(code),
      restartManagementNode: () => this.world.restartManagementNode(),
      clear: () => f.clear(),
    };
    this.installWorld(startSnapshot, new Prng(this.worldPrngSeed));
  }

  private installWorld(snapshot: WorldSnapshot, prng: Prng): void {
    this.world = new SimWorld(this.clock, snapshot, prng);
    this.world.hooks = {
      takeFailure: (kind) => this.faultsImpl.takeFailure(kind),
      durations: () => this.durations,
      downloadBase: () => this.downloadBase(),
      md5Of: (uuid, size, sync) => (sync ? ovaMd5(uuid, size) : (cachedOvaMd5(uuid, size) ?? ovaMd5Async(uuid, size))),
      onChange: () => this.stateFile?.markDirty(),
    };
    const settings = {
      sessionTimeoutMs: this.sessionTimeoutMs,
      sessionErrorCode: () => this.faultsImpl.sessionErrorCode,
    };
    this.rest = new RestServer(this.world, ALL_APIS, {
      ...settings,
      advertisedHost: () => this.advertisedHost(),
      answersSynchronously: (name) => this.synchronousApis.has(name) || this.synchronousApis.has("*"),
    });
    this.rpc = new RpcServer(this.world, ALL_APIS, settings);
  }

  /** `host:port` of api-job locations: `advertisedHost`, else the address clients reach the bind address at. */
  advertisedHost(): string {
    return this.opts.advertisedHost ?? reachableHostPort(this.host, this.port);
  }

  /** The address the exported files are served at (the bind address, or the advertised host for wildcards). */
  private downloadBase(): string {
    if (isWildcardHost(this.host) && this.opts.advertisedHost) return `http://${this.opts.advertisedHost}`;
    return `http://${reachableHostPort(this.host, this.port)}`;
  }

  async listen(): Promise<void> {
    this.server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => this.onRequest(req, res));
    this.server.headersTimeout = 31_000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("clientError", (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.requestedPort, this.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${reachableHostPort(this.host, this.port)}`;
  }

  /**
   * After loading a state file: the MN restarted, at the time the state was saved (nothing progressed
   * while it was down), and exported files move to the current address.
   */
  afterRestore(savedAt: number | undefined): void {
    this.world.restartManagementNode(Math.min(savedAt ?? this.now(), this.now()));
    this.refreshExportUrls();
  }

  private refreshExportUrls(): void {
    for (const pkg of this.world.list("imagePackages", (p) => typeof p.exportUrl === "string")) {
      const vmName = decodeURIComponent(
        String(pkg.exportUrl)
          .split("/")
          .pop()
          ?.replace(/\.ova$/, "") ?? "vm",
      );
      pkg.exportUrl = downloadUrl(this.downloadBase(), pkg.uuid, vmName);
    }
  }

  enablePersistence(file: string): void {
    this.stateFile = new StateFile(
      file,
      () => this.world.snapshot(),
      (e) => {
        if (!this.opts.quiet) process.stderr.write(`zstack-sim: cannot write the state file ${file}: ${e.message}\n`);
      },
    );
    this.stateFile.markDirty();
    this.stateFile.flush();
  }

  // --- ZStackSimulator ------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.world.tick();
    this.releaseHeld();
  }

  /** Async APIs (by name, `*` for all) answered with 200 and their result instead of 202 + location. */
  setSynchronousApis(names: readonly string[]): void {
    this.synchronousApis = new Set(names);
  }

  synchronousApiNames(): string[] {
    return [...this.synchronousApis];
  }

  /** Sends the held answers whose api-job is done; polls while some wait (time may run by itself). */
  private releaseHeld(): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const h = this.held[i];
      const job = this.world.findApiJob(h.apiId);
      if (job && !job.done) continue;
      this.held.splice(i, 1);
      if (job) h.send(job.status ?? 200, job.body ?? "{}");
      else h.send(404, "the job has been expired");
    }
    if (this.held.length && !this.heldTimer) {
      this.heldTimer = setInterval(() => this.whenSettled(() => this.releaseHeld()), 50);
      this.heldTimer.unref();
    } else if (!this.held.length && this.heldTimer) {
      clearInterval(this.heldTimer);
      this.heldTimer = undefined;
    }
  }

  setJobDurations(d: JobDurations): void {
    for (const k of ["v2vMs", "ovaMs", "cancelMs"] as const) {
      if (d[k] !== undefined) {
        if (!(d[k] >= 0)) throw new Error(`${k} must be >= 0`);
        this.durations[k] = d[k];
      }
    }
  }

  jobDurations(): JobDurations {
    return { ...this.durations };
  }

  faultState() {
    return this.faultsImpl.describe();
  }

  /** Running intervals of every V2V long job so far (copies), in submission order. */
  longJobTimeline(): LongJobTimelineEntry[] {
    this.world.tick();
    return copyTimeline(this.world.timeline);
  }

  addVmwareVms(spec: AddVmwareVmsSpec): Row[] {
    return addVmwareVms(this.world, spec);
  }

  /** A VM in a simulated vCenter, unknown to ZStack until a SyncVCenter (or AddVCenter) of that vCenter. */
  addVcenterVm(spec: AddVcenterVmSpec): Row {
    return addVcenterVm(this.world, spec);
  }

  /** A simulated vCenter server, for AddVCenter to register. */
  addVcenterServer(spec: AddVcenterServerSpec): Row {
    return addVcenterServer(this.world, spec);
  }

  /**
   * Back to the seed. The new world's PRNG continues the current one's stream (a seed's own `prng`
   * state is ignored), so uuids generated after a reset never repeat earlier ones, and a run with the
   * same `randomSeed` and the same requests still generates the same uuids.
   */
  resetWorld(): void {
    const snapshot = this.seedSnapshot();
    delete snapshot.prng;
    this.installWorld(snapshot, new Prng(this.world.prng.state()));
    this.faultsImpl.clear();
    this.durations = { ...this.opts.jobDurations };
    this.synchronousApis = new Set(this.opts.synchronousApis ?? []);
    this.stats.reset();
    this.stateFile?.markDirty();
  }

  describe(): Record<string, unknown> {
    const now = this.now();
    return {
      simulator: "zstack-sim",
      url: this.url,
      advertisedHost: this.advertisedHost(),
      managementNodeUuid: this.world.managementNodeUuid,
      now,
      nowText: formatJavaTimestamp(now),
      clock: this.clock.describe(),
      jobDurations: this.jobDurations(),
      synchronousApis: this.synchronousApiNames(),
      faults: this.faultsImpl.describe(),
      requests: this.stats.requests,
      statePath: this.stateFile?.file,
      accountName: SEED_CREDENTIALS.accountName,
      accessKeyId: SEED_CREDENTIALS.accessKeyId,
    };
  }

  private expireAllSessions(): void {
    const now = this.now();
    for (const s of this.world.list("sessions")) s.expiredDate = now - 1;
    this.world.changed();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.stateFile?.flush();
  }

  /** Synchronous flush for signal handlers. */
  flushState(): void {
    this.stateFile?.flush();
  }

  // --- HTTP -----------------------------------------------------------------------------------

  /** Resolves once nothing due is waiting for an exported file's MD5 (see SimWorld.tick). */
  settled(): Promise<void> {
    return this.world.settled();
  }

  /**
   * Runs `fn` once everything due has been processed: at once when nothing waits for an MD5, else
   * after it is ready. Requests queue up in arrival order, so none sees a half-finished export.
   */
  private whenSettled(fn: () => void): void {
    this.world.tick();
    const wait = this.world.waiting();
    if (!wait) {
      fn();
      return;
    }
    wait.then(
      () => this.whenSettled(fn),
      () => this.whenSettled(fn),
    );
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: string,
    contentType?: string,
    extra?: Record<string, string>,
  ): void {
    const headers: http.OutgoingHttpHeaders = { ...extra, "Content-Length": Buffer.byteLength(body) };
    if (this.simulatorHeader) headers[SIMULATOR_HEADER] = SIMULATOR_HEADER_VALUE;
    if (contentType) headers["Content-Type"] = contentType;
    res.writeHead(status, headers);
    res.end(body);
  }

  private readBody(req: http.IncomingMessage, then: (body: string) => void): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => then(chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => undefined);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.stats.requests++;
    res.on("error", () => undefined);
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const rawPath = qi < 0 ? url : url.slice(0, qi);
    const rawQuery = qi < 0 ? "" : url.slice(qi + 1);
    const method = req.method ?? "GET";

    if (rawPath === "/zstack" || rawPath.startsWith("/zstack/")) {
      this.onRest(req, res, method, rawPath, rawQuery);
    } else if (rawPath === "/_sim" || rawPath.startsWith("/_sim/")) {
      this.stats.count(`${method} ${rawPath}`);
      if (!isLoopback(req.socket.remoteAddress)) {
        this.readBody(req, () =>
          this.send(
            res,
            403,
            JSON.stringify({ error: "the control endpoint only answers loopback clients" }),
            "application/json",
          ),
        );
        return;
      }
      this.readBody(req, (body) =>
        this.whenSettled(() => {
          const reply = handleControl(this, method, rawPath, parseQueryString(rawQuery), body);
          // e.g. after /_sim/clock/advance: answer once what became due is processed
          this.whenSettled(() => this.send(res, reply.status, JSON.stringify(reply.json), "application/json"));
        }),
      );
    } else if (rawPath.startsWith(OVA_DOWNLOAD_PREFIX)) {
      this.stats.count(`${method} ${OVA_DOWNLOAD_PREFIX}{uuid}/{name}`);
      const packageUuid = rawPath.slice(OVA_DOWNLOAD_PREFIX.length).split("/")[0];
      this.readBody(req, () =>
        this.whenSettled(() =>
          serveDownload(this.world, packageUuid, req, res, this.simulatorHeader, (m) =>
            this.faultsImpl.takeDownloadFault(m),
          ),
        ),
      );
    } else {
      this.stats.count(`${method} (outside /zstack)`);
      this.readBody(req, () => this.send(res, 404, "Not Found", "text/plain"));
    }
  }

  private onRest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    rawPath: string,
    rawQuery: string,
  ): void {
    let path: string;
    try {
      path = decodeURIComponent(rawPath.slice("/zstack".length)) || "/";
    } catch {
      this.stats.count(`${method} (bad path)`);
      this.readBody(req, () => this.send(res, 400, "Bad Request", "text/plain"));
      return;
    }
    const reset = this.faultsImpl.connectionReset();
    if (reset === "before") {
      this.stats.count(`${method} (connection reset)`);
      req.socket.destroy();
      return;
    }
    const proxy = this.faultsImpl.proxyError();
    this.readBody(req, (body) => {
      if (proxy) {
        this.stats.count(`${method} (proxy ${proxy.status})`);
        this.delayed(() => this.send(res, proxy.status, proxy.text, "text/plain"));
        return;
      }
      this.whenSettled(() => this.onRestSettled(req, res, method, rawPath, path, rawQuery, body, reset));
    });
  }

  private onRestSettled(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    rawPath: string,
    path: string,
    rawQuery: string,
    body: string,
    reset: ResetPhase | undefined,
  ): void {
    const request = {
      method,
      rawPath,
      path,
      query: parseQueryString(rawQuery),
      header: (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      },
      body,
    };
    // the RPC API (`/zstack/api`) beside the REST API (`/zstack/v1`)
    const reply = isRpcPath(path) ? this.rpc.handle(request) : this.rest.handle(request);
    this.stats.count(reply.route);
    if (reset === "after") {
      req.socket.destroy();
      return;
    }
    if (reply.awaitApiJob) {
      this.held.push({
        apiId: reply.awaitApiJob,
        send: (status, text) => this.delayed(() => this.send(res, status, text, undefined, reply.headers)),
      });
      this.releaseHeld();
      return;
    }
    this.delayed(() => this.send(res, reply.status, reply.body, undefined, reply.headers));
  }

  private delayed(fn: () => void): void {
    const ms = this.faultsImpl.latencyMs;
    if (ms > 0) setTimeout(fn, ms);
    else fn();
  }
}

function loadSeed(seed: object | string | undefined, at: number): () => WorldSnapshot {
  if (seed === undefined) return () => buildDefaultWorld(at);
  const base = typeof seed === "string" ? readSnapshotFile(seed) : asSnapshot(seed, "seed");
  const text = JSON.stringify(base);
  return () => {
    const snap = JSON.parse(text) as WorldSnapshot;
    // a seed without accounts still has the default admin, so the credentials keep working
    if (!snap.tables.accounts?.length) snap.tables.accounts = buildDefaultWorld(at).tables.accounts;
    return snap;
  };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<ZStackSimulator> {
  let saved: WorldSnapshot | undefined;
  if (opts.statePath && fs.existsSync(opts.statePath)) saved = readSnapshotFile(opts.statePath);
  const startTime =
    opts.startTime ??
    (saved?.now !== undefined
      ? opts.manualClock || opts.clock
        ? saved.now
        : Math.max(saved.now, Date.now())
      : Date.now());
  const seed = loadSeed(opts.seed, startTime);
  const sim = new Simulator(opts, seed, saved ?? seed(), startTime);
  await sim.listen();
  if (saved) sim.afterRestore(saved.now);
  if (opts.statePath) sim.enablePersistence(opts.statePath);
  return sim;
}

export type { Simulator };
