/**
 * The async API protocol (docs/zstack-wire.md §3.4, §3.5): a POST/PUT/DELETE answers 202 with the
 * location of an api job, polled until it answers 200 (done) or an error. Every submission carries
 * an `X-Job-UUID` chosen before the first attempt; a resubmission after a transient fault keeps it,
 * so ZStack's `Duplicate job uuid` answer proves the first attempt got through and the job it
 * started is followed instead of creating twice.
 */
import type { Clock } from "./clock";
import { EndpointName, endpoints, expandPath, parseRoute } from "./endpoints";
import { ZStackError, ZStackHttpError, ZStackLocationError, ZStackTimeoutError } from "./errors";
import { schemas } from "./schemas";
import type { HttpResponse, TransientFault } from "./transport";

/** ZStack's api timeout when a 202 answer does not give one (its default: 30 minutes, §3.4). */
export const DEFAULT_API_TIMEOUT_MS = 30 * 60_000;

/** Backoff of api-job polls: first poll after `firstDelayMs`, then ×`factor` up to `maxDelayMs`. */
export interface ApiPollPolicy {
  firstDelayMs: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** added to the server's `apiTimeout` to form the poll deadline */
  slackMs: number;
}

export const DEFAULT_API_POLL: ApiPollPolicy = {
  firstDelayMs: 250,
  initialDelayMs: 1000,
  factor: 1.5,
  maxDelayMs: 5000,
  slackMs: 60_000,
};

/** A submitted async call. */
export interface ApiJob {
  api: string;
  jobUuid: string;
  /** the validated, rewritten poll URL */
  pollUrl: string;
  apiTimeoutMs: number;
  submittedAt: number;
  /**
   * Set when the management node answered the submission with 200 and the result itself (as its API
   * pages label these APIs "Synchronous"): the job is already finished, nothing is polled.
   */
  finished?: { body: unknown };
}

export type ApiJobPoll = { done: false } | { done: true; body: unknown };

/** Waits for an api job; the default polls with {@link ApiPollPolicy} backoff. */
export type ApiJobWaiter = (job: ApiJob) => Promise<unknown>;

/** A request as the HTTP core sends it. */
export interface OutgoingRequest {
  method: string;
  url: string;
  body?: string;
  headers: Record<string, string>;
  sessionId?: string;
}

/** What the api-job protocol needs from the HTTP core (the client). */
export interface ApiJobHttp {
  readonly clock: Clock;
  readonly apiPoll: ApiPollPolicy;
  readonly baseUrl: string;
  secrets(): string[];
  redact(text: string): string;
  sessionId(): Promise<string | undefined>;
  sendWithRetries(
    api: string,
    build: () => Promise<OutgoingRequest>,
    onRetry?: (fault: TransientFault) => void,
  ): Promise<HttpResponse>;
  parseJson(api: string, res: HttpResponse): unknown;
  failure(api: string, res: HttpResponse): ZStackError;
  parse<T>(
    api: string,
    status: number,
    body: unknown,
    schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { message: string } } },
  ): T;
}

const HEX32 = /^[0-9a-f]{32}$/i;

/** The poll URL of an api job on the configured endpoint. */
export function apiJobUrl(baseUrl: string, jobUuid: string): string {
  return `${baseUrl}${expandPath(parseRoute(endpoints.QueryApiJob.route).path, { uuid: jobUuid })}`;
}

/**
 * Validates the api-job location ZStack returned and rewrites it to the configured endpoint (the
 * MN advertises its own IP and its own context path, which may not be reachable from here, e.g.
 * behind a reverse proxy that maps `/zs` to `/zstack`). Only the job id is taken from it: the path
 * must be `[/<one context segment>]/v1/api-jobs/<the job uuid we sent>`. Rejects userinfo, other
 * schemes, queries, fragments, any traversal or escaping, and any other path.
 *
 * `redact` cleans the location quoted in the error.
 */
export function resolveLocation(
  location: string,
  jobUuid: string,
  baseUrl: string,
  redact: (text: string) => string = (t) => t,
): string {
  const reject = (why: string) =>
    new ZStackLocationError(`refusing to poll api-job location "${redact(location).slice(0, 300)}": ${why}`);
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw reject("not an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw reject("scheme is not http or https");
  if (url.username || url.password || /@/.test(location.split("/")[2] ?? "")) throw reject("it carries userinfo");
  if (url.search || url.hash || /[?#]/.test(location)) throw reject("it carries a query or fragment");
  const rawPath = location.replace(/^[a-z]+:\/\/[^/]*/i, "");
  if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(rawPath)) throw reject("path traversal");
  const m = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?\/v1\/api-jobs\/([^/]*)$/.exec(rawPath);
  if (!m) throw reject("path is not [/<context>]/v1/api-jobs/<job uuid>");
  const id = m[1];
  if (!HEX32.test(id)) throw reject("job id is not 32 hex characters");
  if (id.toLowerCase() !== jobUuid.toLowerCase()) throw reject("job id differs from the X-Job-UUID sent");
  return apiJobUrl(baseUrl, id);
}

/**
 * Submits an async API: 202 with a location. Transient faults resubmit with the same X-Job-UUID;
 * `Duplicate job uuid` after a fault means an earlier attempt was accepted, and that job is used.
 * A 200 (or 204) answer carrying the result instead is an already finished job (`finished`).
 */
export async function submitApiJob(
  http: ApiJobHttp,
  name: EndpointName,
  request: { jobUuid: string; build: () => Promise<OutgoingRequest> },
): Promise<ApiJob> {
  const { method, path: template } = parseRoute(endpoints[name].route);
  const api = `${name} (${method} ${template})`;
  const { jobUuid } = request;
  if (!HEX32.test(jobUuid)) throw new ZStackError(`X-Job-UUID must be 32 hex characters, got "${jobUuid}"`);
  let faults = 0;
  const submittedAt = http.clock.now();
  const res = await http.sendWithRetries(api, request.build, () => faults++);
  if (res.status === 202) {
    const parsed = http.parse(api, res.status, http.parseJson(api, res), schemas().ApiJobLocation);
    return {
      api,
      jobUuid,
      pollUrl: resolveLocation(parsed.location, jobUuid, http.baseUrl, (t) => http.redact(t)),
      apiTimeoutMs: parsed.apiTimeout ?? DEFAULT_API_TIMEOUT_MS,
      submittedAt,
    };
  }
  // a job known by its uuid alone: polled at the default location, with the default timeout
  const byUuid = {
    api,
    jobUuid,
    pollUrl: apiJobUrl(http.baseUrl, jobUuid),
    apiTimeoutMs: DEFAULT_API_TIMEOUT_MS,
    submittedAt,
  };
  // the attempt that "failed" reached the server: follow the job it started
  if (res.status === 400 && faults > 0 && /duplicate job uuid/i.test(res.text)) return byUuid;
  // answered synchronously: the body is what the api-job poll would have answered (§3.5)
  if (res.status === 200 || res.status === 204) return { ...byUuid, finished: { body: http.parseJson(api, res) } };
  throw http.failure(api, res);
}

/** One poll of an api job: not done yet, or the success body; throws the API failure. */
export async function pollApiJob(http: ApiJobHttp, job: ApiJob): Promise<ApiJobPoll> {
  if (job.finished) return { done: true, body: job.finished.body };
  const sessionId = await http.sessionId().catch(() => undefined);
  const res = await http.sendWithRetries(job.api, () =>
    Promise.resolve({ method: "GET", url: job.pollUrl, headers: {}, sessionId }),
  );
  if (res.status === 202) return { done: false };
  if (res.status === 200 || res.status === 204) return { done: true, body: http.parseJson(job.api, res) };
  if (res.status === 404) {
    throw new ZStackHttpError(
      `${job.api}: api job ${job.jobUuid}`,
      404,
      res.text || "the job has been expired",
      http.secrets(),
    );
  }
  throw http.failure(job.api, res);
}

/** Polls an api job with backoff until it finishes or `apiTimeout` + slack passes. */
export async function waitApiJob(http: ApiJobHttp, job: ApiJob, deadline?: number): Promise<unknown> {
  const p = http.apiPoll;
  const end = deadline ?? job.submittedAt + job.apiTimeoutMs + p.slackMs;
  let delay = p.initialDelayMs;
  if (job.finished) return job.finished.body;
  await http.clock.sleep(p.firstDelayMs);
  for (;;) {
    const r = await pollApiJob(http, job);
    if (r.done) return r.body;
    const now = http.clock.now();
    if (now >= end) {
      throw new ZStackTimeoutError(
        `${job.api}: api job ${job.jobUuid} did not finish within ${Math.round((end - job.submittedAt) / 1000)} s`,
        end - job.submittedAt,
      );
    }
    await http.clock.sleep(Math.min(delay, Math.max(0, end - now)));
    delay = Math.min(p.maxDelayMs, delay * p.factor);
  }
}
