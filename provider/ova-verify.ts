/**
 * Verifies an exported OVA at its download URL before the URL is published: `"size"` checks that the
 * file exists and has `size` bytes (a HEAD, or a one-byte Range GET where HEAD is refused); `"md5"`
 * streams the whole file through MD5 and counts its bytes.
 *
 * The stream is consumed chunk by chunk (async iteration of the response, so the socket is paused
 * while a chunk is hashed: backpressure, memory bounded by the stream buffers whatever the file
 * size). A connection that drops mid-file is resumed with a `Range` request from the last byte
 * received, up to MAX_STALLED_ATTEMPTS attempts in a row without a new byte. It has its own deadline
 * (`timeouts.verify`) and uses the endpoint's TLS settings for an https URL.
 */
import { createHash } from "crypto";
import type { IncomingMessage } from "http";
import * as http from "http";
import * as https from "https";
import { Clock, TlsOptions, ZStackError } from "./client";
import { agentFor } from "./client/transport";
import { formatDuration } from "./polling";

export type VerifyMethod = "none" | "size" | "md5";
export const VERIFY_METHODS: readonly VerifyMethod[] = ["none", "size", "md5"];
export const DEFAULT_VERIFY: VerifyMethod = "size";
export const DEFAULT_VERIFY_TIMEOUT_MS = 3_600_000;

/**
 * The `verified` output: what was checked and found. `error` is set only when a later check (a
 * refresh, or a failed create or update) found the file missing or changed: drift.
 */
export interface Verified {
  method: "size" | "md5";
  /** bytes found (absent when the file is missing) */
  size?: number;
  /** MD5 hex computed over the whole file ("md5" only) */
  md5?: string;
  /** when it was checked, ISO 8601 */
  at: string;
  /** what did not match, when the check failed */
  error?: string;
}

export type VerifyFailure = "missing" | "size" | "truncated" | "md5" | "http" | "unreachable" | "timeout" | "tls";

/** The file behind `exportUrl` is not the package ZStack describes, or could not be checked. */
export class OvaVerifyError extends ZStackError {
  constructor(
    message: string,
    readonly failure: VerifyFailure,
    /** what was found, as far as it was (for the `verified` output) */
    readonly found: { size?: number; md5?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VerifyOptions {
  method: "size" | "md5";
  url: string;
  /** the package's `size` */
  size: number;
  /** the package's `md5Sum` ("md5" compares with it) */
  md5Sum?: string;
  tls: TlsOptions;
  clock: Clock;
  /** epoch ms (of `clock`) by which the check must be done */
  deadline: number;
  /** e.g. `OvaPackage "web-01.ova"` */
  what: string;
  log: (line: string) => void;
  /** real-time inactivity limit of one request (a socket that hangs); default 60 s */
  requestTimeoutMs?: number;
}

/** attempts in a row that bring no new byte before the check gives up */
export const MAX_STALLED_ATTEMPTS = 5;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EADDRNOTAVAIL"]);
const TLS_FAILURE = /certificate|CERT_|SSL|TLS|self[- ]signed/i;

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** Checks the file at `o.url`; resolves with the `verified` output, or throws OvaVerifyError. */
export async function verifyOva(o: VerifyOptions): Promise<Verified> {
  const url = new URL(o.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OvaVerifyError(`${o.what}: cannot verify ${o.url}: only http and https download URLs can be checked; set verify: "none" to skip the check`, "http", {});
  }
  const found = o.method === "size" ? await checkSize(o) : await checkMd5(o);
  return { method: o.method, ...found, at: new Date(o.clock.now()).toISOString() };
}

// ---------------------------------------------------------------------------- one request

interface Answer {
  res: IncomingMessage;
  status: number;
}

/** One request; rejects with the socket error (code kept) or a timeout error. */
function send(o: VerifyOptions, method: "GET" | "HEAD", headers: Record<string, string>): Promise<Answer> {
  const url = new URL(o.url);
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers, agent: agentFor(url.protocol, o.tls) }, (res) => resolve({ res, status: res.statusCode ?? 0 }));
    req.setTimeout(o.requestTimeoutMs ?? 60_000, () => req.destroy(Object.assign(new Error("no data for too long"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/** A request that fails before any answer: retried with backoff; an unreachable host gets the clear error. */
async function sendRetrying(o: VerifyOptions, method: "GET" | "HEAD", headers: Record<string, string>): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(o, method, headers);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (TLS_FAILURE.test(`${err.code ?? ""} ${err.message}`)) {
        throw new OvaVerifyError(
          `${o.what}: cannot verify ${o.url}: TLS failure (${err.message}); the download uses the endpoint's TLS settings (zstack:caCertificate, zstack:insecure), or set verify: "none" to skip the check`,
          "tls",
          {},
          { cause: e },
        );
      }
      if (!(err.code && CONNECT_FAILURES.has(err.code))) {
        throw new OvaVerifyError(`${o.what}: cannot verify ${o.url}: ${err.message}`, "http", {}, { cause: e });
      }
      if (attempt + 1 >= MAX_STALLED_ATTEMPTS) throw unreachable(o, err);
      await o.clock.sleep(BACKOFF_MS[attempt]);
      checkDeadline(o, {}, 0);
    }
  }
}

function unreachable(o: VerifyOptions, err: NodeJS.ErrnoException): OvaVerifyError {
  const host = new URL(o.url).host;
  return new OvaVerifyError(
    `${o.what}: download host unreachable: cannot reach ${host} to verify ${o.url} (${err.code ?? err.message}, ${MAX_STALLED_ATTEMPTS} attempts). ` +
      `This machine must reach the backup storage to check the file; where it cannot, set verify: "none" on the OvaPackage to skip the check`,
    "unreachable",
    {},
    { cause: err },
  );
}

function statusError(o: VerifyOptions, status: number, found: { size?: number }): OvaVerifyError {
  if (status === 404 || status === 410) {
    return new OvaVerifyError(`${o.what}: file not found: ${o.url} answers HTTP ${status}; expected the OVA of ${o.size} bytes there`, "missing", {});
  }
  return new OvaVerifyError(`${o.what}: cannot verify ${o.url}: HTTP ${status}; expected 200 with the OVA of ${o.size} bytes`, "http", found);
}

function checkDeadline(o: VerifyOptions, found: { size?: number }, done: number): void {
  if (o.clock.now() < o.deadline) return;
  throw new OvaVerifyError(
    `${o.what}: verifying ${o.url} did not finish within timeouts.verify (${done} of ${o.size} bytes checked); raise timeouts.verify, or set verify: "size" or "none"`,
    "timeout",
    found,
  );
}

// ---------------------------------------------------------------------------- "size"

/** Content-Length of a HEAD, or the total of a one-byte Range GET's Content-Range. */
async function checkSize(o: VerifyOptions): Promise<{ size: number }> {
  const head = await sendRetrying(o, "HEAD", {});
  head.res.resume();
  let length: number | undefined;
  if (head.status === 200) length = contentLength(head.res);
  else if (head.status !== 405 && head.status !== 501) throw statusError(o, head.status, {});
  if (length === undefined) {
    const one = await sendRetrying(o, "GET", { Range: "bytes=0-0" });
    one.res.destroy();
    if (one.status === 206) length = Number(/\/(\d+)$/.exec(String(one.res.headers["content-range"] ?? ""))?.[1] ?? NaN);
    else if (one.status === 200) length = contentLength(one.res);
    else throw statusError(o, one.status, {});
    if (length === undefined || !Number.isFinite(length)) {
      throw new OvaVerifyError(`${o.what}: cannot verify ${o.url}: the server tells no length (neither Content-Length nor Content-Range); set verify: "md5" or "none"`, "http", {});
    }
  }
  if (length !== o.size) {
    throw new OvaVerifyError(`${o.what}: wrong size at ${o.url}: expected ${o.size} bytes (size), found ${length} bytes`, "size", { size: length });
  }
  return { size: length };
}

function contentLength(res: IncomingMessage): number | undefined {
  const v = res.headers["content-length"];
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
}

// ---------------------------------------------------------------------------- "md5"

async function checkMd5(o: VerifyOptions): Promise<{ size: number; md5: string }> {
  let md5 = createHash("md5");
  const started = o.clock.now();
  let done = 0;
  let stalled = 0;
  let lastStep = 0;
  let etag: string | undefined;
  let lastError = "";
  o.log(`${o.what}: verifying ${o.url} by MD5 (${mib(o.size)})`);
  const progress = () => {
    const step = o.size > 0 ? Math.floor((done / o.size) * 10) : 10;
    if (step <= lastStep || step >= 10) return;
    lastStep = step;
    const elapsed = o.clock.now() - started;
    const rate = elapsed > 0 ? done / (elapsed / 1000) : undefined;
    const eta = rate ? formatDuration(((o.size - done) / rate) * 1000) : "unknown";
    o.log(`${o.what}: verified ${mib(done)} of ${mib(o.size)} (${step * 10}%), ${rate ? `${mib(rate)}/s` : "rate unknown"}, ETA ${eta}`);
  };
  for (;;) {
    checkDeadline(o, { size: done }, done);
    const headers: Record<string, string> = done > 0 ? { Range: `bytes=${done}-`, ...(etag ? { "If-Range": etag } : {}) } : {};
    const { res, status } = await sendRetrying(o, "GET", headers);
    if (done > 0 && status === 200) {
      // the server ignored the Range (or, with If-Range, the file changed): start over
      o.log(`${o.what}: the server did not resume at byte ${done}; reading ${o.url} again from the start`);
      md5 = createHash("md5");
      done = 0;
      lastStep = 0;
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      throw statusError(o, status, { size: done });
    }
    if (status === 206 && !String(res.headers["content-range"] ?? "").startsWith(`bytes ${done}-`)) {
      res.destroy();
      throw new OvaVerifyError(`${o.what}: cannot verify ${o.url}: asked for bytes ${done}- and got ${String(res.headers["content-range"])}`, "http", { size: done });
    }
    if (done === 0) etag = typeof res.headers.etag === "string" ? res.headers.etag : undefined;
    const expectedEnd = done + (contentLength(res) ?? Infinity);
    const before = done;
    let dropped: Error | undefined;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        md5.update(chunk);
        done += chunk.length;
        if (done > o.size) {
          res.destroy();
          throw new OvaVerifyError(`${o.what}: wrong size at ${o.url}: expected ${o.size} bytes (size), found more (${done} bytes so far)`, "size", { size: done });
        }
        progress();
        checkDeadline(o, { size: done }, done);
      }
      if (done < expectedEnd && expectedEnd !== Infinity) dropped = new Error(`the connection closed after ${done} of ${expectedEnd} bytes`);
    } catch (e) {
      if (e instanceof OvaVerifyError) {
        res.destroy();
        throw e;
      }
      dropped = e as Error;
    }
    if (!dropped) break;
    lastError = dropped.message;
    stalled = done > before ? 1 : stalled + 1;
    if (stalled >= MAX_STALLED_ATTEMPTS) {
      throw new OvaVerifyError(
        `${o.what}: truncated stream from ${o.url}: expected ${o.size} bytes (size), found ${done}: the download broke off ${MAX_STALLED_ATTEMPTS} times without progress (${lastError})`,
        "truncated",
        { size: done },
      );
    }
    o.log(`${o.what}: the download of ${o.url} broke off at byte ${done} of ${o.size} (${dropped.message}); resuming with a Range request`);
    await o.clock.sleep(BACKOFF_MS[Math.min(stalled - 1, BACKOFF_MS.length - 1)]);
  }
  const hex = md5.digest("hex");
  if (done !== o.size) {
    throw new OvaVerifyError(`${o.what}: truncated stream from ${o.url}: expected ${o.size} bytes (size), found ${done}: the file ends early`, "truncated", { size: done, md5: hex });
  }
  const elapsed = o.clock.now() - started;
  if (o.md5Sum !== undefined && hex !== o.md5Sum.toLowerCase()) {
    throw new OvaVerifyError(`${o.what}: MD5 mismatch at ${o.url}: expected ${o.md5Sum} (md5Sum), found ${hex} over ${done} bytes`, "md5", { size: done, md5: hex });
  }
  const rate = elapsed > 0 ? `, ${mib(done / (elapsed / 1000))}/s` : "";
  o.log(`${o.what}: verified ${o.url}: ${done} bytes, MD5 ${hex} (in ${formatDuration(elapsed)}${rate})`);
  return { size: done, md5: hex };
}
