/**
 * The loopback-only control endpoint (`/_sim/...`) through which out-of-process tests drive the
 * simulator: clock, faults, job durations, stats, world access, reset. JSON in, JSON out.
 * Documented in docs/simulator.md, "Control endpoint" (summarised in the README).
 */
import type { SessionErrorCode } from "../assumptions";
import { formatJavaTimestamp, parseDuration } from "../core/java-time";
import { text } from "../core/text";
import type { DownloadCorruption, FaultState, JobKind, ResetPhase } from "../faults";
import type { LongJobTimelineEntry } from "../world/timeline";
import { isTableName, type Row } from "../world/types";
import type { AddVcenterServerSpec, AddVcenterVmSpec } from "../world/vcenter";
import type { AddVmwareVmsSpec } from "../world/vmware-vms";
import type { SimWorld, JobDurations } from "../world/world";

export interface ControlTarget {
  readonly url: string;
  readonly world: SimWorld;
  now(): number;
  advance(ms: number): void;
  readonly faults: {
    failNextJob(kind: JobKind, opts?: { details?: string; atFraction?: number }): void;
    setLatency(ms: number): void;
    setProxyErrorRate(rate: number): void;
    setConnectionResetRate(rate: number, phase?: ResetPhase): void;
    corruptDownloads(mode: DownloadCorruption, count?: number): void;
    dropDownloads(afterBytes: number, count?: number): void;
    expireAllSessions(): void;
    setSessionErrorCode(code: SessionErrorCode): void;
    restartManagementNode(): void;
    clear(): void;
  };
  faultState(): FaultState;
  setJobDurations(d: JobDurations): void;
  jobDurations(): JobDurations;
  setSynchronousApis(names: readonly string[]): void;
  synchronousApiNames(): string[];
  readonly stats: { requests: number; byRoute: Record<string, number>; reset(): void };
  resetWorld(): void;
  longJobTimeline(): LongJobTimelineEntry[];
  addVmwareVms(spec: AddVmwareVmsSpec): Row[];
  addVcenterVm(spec: AddVcenterVmSpec): Row;
  addVcenterServer(spec: AddVcenterServerSpec): Row;
  describe(): Record<string, unknown>;
}

export interface ControlReply {
  status: number;
  json: unknown;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

class BadRequest extends Error {}

function num(v: unknown, what: string): number {
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new BadRequest(`${what} must be a number`);
  return n;
}

/** `{ms: 1000}`, `{duration: "30m"}`, or the same as query parameters `?ms=` / `?duration=`. */
function durationArg(input: Record<string, unknown>, msKey: string, textKey: string): number | undefined {
  if (input[msKey] !== undefined) return num(input[msKey], msKey);
  if (input[textKey] !== undefined) {
    try {
      return parseDuration(text(input[textKey]));
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  return undefined;
}

function clockReply(t: ControlTarget): ControlReply {
  const now = t.now();
  return { status: 200, json: { now, nowText: formatJavaTimestamp(now), iso: new Date(now).toISOString() } };
}

export function handleControl(
  t: ControlTarget,
  method: string,
  path: string,
  query: Map<string, string[]>,
  bodyText: string,
): ControlReply {
  let body: Record<string, unknown> = {};
  try {
    if (bodyText.trim()) {
      const parsed: unknown = JSON.parse(bodyText);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      else throw new BadRequest("the body must be a JSON object");
    }
  } catch (e) {
    return { status: 400, json: { error: `invalid JSON body: ${(e as Error).message}` } };
  }
  const input: Record<string, unknown> = { ...Object.fromEntries([...query].map(([k, v]) => [k, v[0]])), ...body };
  const seg = path.split("/").filter(Boolean).slice(1); // drop "_sim"
  const route = `${method} /${seg.join("/")}`;
  try {
    switch (route) {
      case "GET /":
      case "GET /status":
        return { status: 200, json: t.describe() };
      case "GET /clock":
        return clockReply(t);
      case "POST /clock/advance": {
        const ms = durationArg(input, "ms", "duration");
        if (ms === undefined) throw new BadRequest('give "ms" (number) or "duration" (e.g. "30m")');
        t.advance(ms);
        return clockReply(t);
      }
      case "GET /faults":
        return { status: 200, json: t.faultState() };
      case "POST /faults/fail-next-job": {
        const kind = text(input.kind ?? "");
        if (kind !== "v2v" && kind !== "ova" && kind !== "static-ip")
          throw new BadRequest('"kind" must be "v2v", "ova" or "static-ip"');
        t.faults.failNextJob(kind, {
          details: input.details === undefined ? undefined : text(input.details),
          atFraction: input.atFraction === undefined ? undefined : num(input.atFraction, "atFraction"),
        });
        return { status: 200, json: t.faultState() };
      }
      case "POST /faults/latency":
        t.faults.setLatency(num(input.ms, "ms"));
        return { status: 200, json: t.faultState() };
      case "POST /faults/proxy-error-rate":
        t.faults.setProxyErrorRate(num(input.rate, "rate"));
        return { status: 200, json: t.faultState() };
      case "POST /faults/connection-reset-rate":
        t.faults.setConnectionResetRate(num(input.rate, "rate"), (input.phase as ResetPhase | undefined) ?? "before");
        return { status: 200, json: t.faultState() };
      case "POST /faults/corrupt-downloads":
        t.faults.corruptDownloads(
          text(input.mode ?? "") as DownloadCorruption,
          input.count === undefined ? undefined : num(input.count, "count"),
        );
        return { status: 200, json: t.faultState() };
      case "POST /faults/drop-downloads":
        t.faults.dropDownloads(
          num(input.afterBytes, "afterBytes"),
          input.count === undefined ? undefined : num(input.count, "count"),
        );
        return { status: 200, json: t.faultState() };
      case "POST /faults/expire-sessions":
        t.faults.expireAllSessions();
        return { status: 200, json: { expired: true } };
      case "POST /faults/session-error-code":
        t.faults.setSessionErrorCode(text(input.code ?? "") as SessionErrorCode);
        return { status: 200, json: t.faultState() };
      case "POST /faults/restart-mn":
        t.faults.restartManagementNode();
        return { status: 200, json: { restarted: true, now: t.now() } };
      case "POST /faults/clear":
        t.faults.clear();
        return { status: 200, json: t.faultState() };
      case "GET /synchronous-apis":
        return { status: 200, json: { apis: t.synchronousApiNames() } };
      case "POST /synchronous-apis": {
        const apis = input.apis;
        if (!Array.isArray(apis) || !apis.every((a) => typeof a === "string"))
          throw new BadRequest('apis must be a list of API names, e.g. ["ConvertVmFromForeignHypervisor"], or ["*"]');
        t.setSynchronousApis(apis);
        return { status: 200, json: { apis: t.synchronousApiNames() } };
      }
      case "GET /job-durations":
        return { status: 200, json: t.jobDurations() };
      case "POST /job-durations": {
        const d: JobDurations = {};
        const v2v = durationArg(input, "v2vMs", "v2v");
        const ova = durationArg(input, "ovaMs", "ova");
        const cancel = durationArg(input, "cancelMs", "cancel");
        if (v2v !== undefined) d.v2vMs = v2v;
        if (ova !== undefined) d.ovaMs = ova;
        if (cancel !== undefined) d.cancelMs = cancel;
        t.setJobDurations(d);
        return { status: 200, json: t.jobDurations() };
      }
      case "GET /stats":
        return { status: 200, json: { requests: t.stats.requests, byRoute: t.stats.byRoute } };
      case "POST /stats/reset":
        t.stats.reset();
        return { status: 200, json: { requests: 0, byRoute: {} } };
      case "POST /reset":
        t.resetWorld();
        return { status: 200, json: t.describe() };
      case "GET /api-jobs":
        return { status: 200, json: t.world.listApiJobs() };
      case "GET /long-jobs/timeline":
        return { status: 200, json: t.longJobTimeline() };
      case "POST /vmware-vms":
        // the JSON body only: counts and sizes are numbers
        return { status: 200, json: t.addVmwareVms(body as unknown as AddVmwareVmsSpec) };
      case "POST /vcenter/vms":
        // a VM in a simulated vCenter: ZStack sees it after the next SyncVCenter (JSON body only)
        return { status: 200, json: t.addVcenterVm(body as unknown as AddVcenterVmSpec) };
      case "POST /vcenter/servers":
        return { status: 200, json: t.addVcenterServer(body as unknown as AddVcenterServerSpec) };
    }
    if (seg[0] === "world") return worldRoute(t, method, seg.slice(1), body);
    return { status: 404, json: { error: `unknown control route ${route}` } };
  } catch (e) {
    // BadRequest (this module's own checks) and the plain Errors the simulator's setters throw on
    // invalid arguments (setJobDurations, faults.*, world.*) are all the caller's fault
    return { status: 400, json: { error: (e as Error).message } };
  }
}

/** GET/POST /_sim/world/{table}[/{uuid}], PATCH and DELETE /_sim/world/{table}/{uuid}. */
function worldRoute(t: ControlTarget, method: string, seg: string[], body: Record<string, unknown>): ControlReply {
  const [table, uuid] = seg;
  if (!table) return { status: 200, json: t.world.snapshot() };
  if (!isTableName(table)) throw new BadRequest(`unknown table "${table}"`);
  const w = t.world;
  if (uuid === undefined) {
    if (method === "GET") return { status: 200, json: w.list(table) };
    if (method === "POST") {
      if (typeof body.uuid !== "string") throw new BadRequest('a row needs a "uuid"');
      return { status: 200, json: w.insert(table, body as { uuid: string }) };
    }
  } else {
    if (method === "GET") {
      const row = w.get(table, uuid);
      return row ? { status: 200, json: row } : { status: 404, json: { error: `no ${table} row ${uuid}` } };
    }
    if (method === "PATCH") {
      if (!w.get(table, uuid)) return { status: 404, json: { error: `no ${table} row ${uuid}` } };
      return {
        status: 200,
        json:
          table === "vms" && Object.keys(body).length === 1 && typeof body.state === "string"
            ? w.setVmState(uuid, body.state)
            : w.update(table, uuid, body),
      };
    }
    if (method === "DELETE") return { status: 200, json: { deleted: w.delete(table, uuid) } };
  }
  return { status: 405, json: { error: `${method} is not supported on /_sim/world/${seg.join("/")}` } };
}
