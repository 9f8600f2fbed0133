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
import type { Clock } from "../client/clock";
import { ZStackError } from "../client/errors";
import type { TlsOptions } from "../client/transport";
import { HttpStream, RetryPolicy, TransientFault, backoffDelay, openStream, withRetries } from "../client/transport";
import { formatBytes, formatDuration } from "../core/units";

export const VERIFY_METHODS = ["none", "size", "md5"] as const;
export type VerifyMethod = (typeof VERIFY_METHODS)[number];
export const DEFAULT_VERIFY: VerifyMethod = "size";

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
  label: string;
  log: (line: string) => void;
  /** real-time inactivity limit of one request (a socket that sends nothing); default 60 s */
  requestTimeoutMs?: number;
}

/** attempts in a row that bring no new byte before the check gives up */
export const MAX_STALLED_ATTEMPTS = 5;
/** The client transport's retry rules, for a download: MAX_STALLED_ATTEMPTS attempts, 0.5 s → 8 s backoff. */
const DOWNLOAD_RETRY: RetryPolicy = {
  maxRetries: MAX_STALLED_ATTEMPTS - 1,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  requestTimeoutMs: 60_000,
};
const TLS_FAILURE = /certificate|CERT_|SSL|TLS|self[- ]signed/i;

const mib = (n: number) => formatBytes(n, { digits: 1, unit: "MiB" });

/** Checks the file at `check.url`; resolves with the `verified` output, or throws OvaVerifyError. */
export async function verifyOva(check: VerifyOptions): Promise<Verified> {
  const url = new URL(check.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OvaVerifyError(
      `${check.label}: cannot verify ${check.url}: only http and https download URLs can be checked; set verify: "none" to skip the check`,
      "http",
      {},
    );
  }
  const found = check.method === "size" ? await checkSize(check) : await checkMd5(check);
  return { method: check.method, ...found, at: new Date(check.clock.now()).toISOString() };
}

// ---------------------------------------------------------------------------- one request

/**
 * One request through the client's transport, retried by its rules (connection failures, socket
 * timeouts) on the injected clock; what cannot be retried, or still fails, is an OvaVerifyError.
 */
async function sendRetrying(
  check: VerifyOptions,
  method: "GET" | "HEAD",
  headers: Record<string, string>,
): Promise<HttpStream> {
  try {
    const { value } = await withRetries(check.clock, DOWNLOAD_RETRY, (n) => {
      if (n > 0) checkDeadline(check, {}, 0);
      return openStream(
        { method, url: check.url, headers },
        check.tls,
        check.requestTimeoutMs ?? DOWNLOAD_RETRY.requestTimeoutMs,
      );
    });
    return value;
  } catch (e) {
    if (e instanceof OvaVerifyError) throw e;
    const err = (e instanceof TransientFault && e.cause instanceof Error ? e.cause : e) as NodeJS.ErrnoException;
    if (TLS_FAILURE.test(`${err.code ?? ""} ${err.message}`)) {
      throw new OvaVerifyError(
        `${check.label}: cannot verify ${check.url}: TLS failure (${err.message}); the download uses the endpoint's TLS settings (zstack:caCertificate, zstack:insecure), or set verify: "none" to skip the check`,
        "tls",
        {},
        { cause: e },
      );
    }
    // retried to the end, or a socket-level failure that retrying cannot mend (an unknown host)
    if (e instanceof TransientFault || /^E[A-Z_]+$/.test(err.code ?? "")) throw unreachable(check, err);
    throw new OvaVerifyError(`${check.label}: cannot verify ${check.url}: ${err.message}`, "http", {}, { cause: e });
  }
}

function unreachable(check: VerifyOptions, err: NodeJS.ErrnoException): OvaVerifyError {
  const host = new URL(check.url).host;
  return new OvaVerifyError(
    `${check.label}: download host unreachable: cannot reach ${host} to verify ${check.url} (${err.code ?? err.message}, ${MAX_STALLED_ATTEMPTS} attempts). ` +
      `This machine must reach the backup storage to check the file; where it cannot, set verify: "none" on the OvaPackage to skip the check`,
    "unreachable",
    {},
    { cause: err },
  );
}

function statusError(check: VerifyOptions, status: number, found: { size?: number }): OvaVerifyError {
  if (status === 404 || status === 410) {
    return new OvaVerifyError(
      `${check.label}: file not found: ${check.url} answers HTTP ${status}; expected the OVA of ${check.size} bytes there`,
      "missing",
      {},
    );
  }
  return new OvaVerifyError(
    `${check.label}: cannot verify ${check.url}: HTTP ${status}; expected 200 with the OVA of ${check.size} bytes`,
    "http",
    found,
  );
}

function checkDeadline(check: VerifyOptions, found: { size?: number }, done: number): void {
  if (check.clock.now() < check.deadline) return;
  throw new OvaVerifyError(
    `${check.label}: verifying ${check.url} did not finish within timeouts.verify (${done} of ${check.size} bytes checked); raise timeouts.verify, or set verify: "size" or "none"`,
    "timeout",
    found,
  );
}

// ---------------------------------------------------------------------------- "size"

/** Content-Length of a HEAD, or the total of a one-byte Range GET's Content-Range. */
async function checkSize(check: VerifyOptions): Promise<{ size: number }> {
  const head = await sendRetrying(check, "HEAD", {});
  head.body.resume();
  let length: number | undefined;
  if (head.status === 200) length = contentLength(head.body);
  else if (head.status !== 405 && head.status !== 501) throw statusError(check, head.status, {});
  if (length === undefined) {
    const one = await sendRetrying(check, "GET", { Range: "bytes=0-0" });
    one.body.destroy();
    if (one.status === 206)
      length = Number(/\/(\d+)$/.exec(String(one.body.headers["content-range"] ?? ""))?.[1] ?? NaN);
    else if (one.status === 200) length = contentLength(one.body);
    else throw statusError(check, one.status, {});
    if (length === undefined || !Number.isFinite(length)) {
      throw new OvaVerifyError(
        `${check.label}: cannot verify ${check.url}: the server tells no length (neither Content-Length nor Content-Range); set verify: "md5" or "none"`,
        "http",
        {},
      );
    }
  }
  if (length !== check.size) {
    throw new OvaVerifyError(
      `${check.label}: wrong size at ${check.url}: expected ${check.size} bytes (size), found ${length} bytes`,
      "size",
      {
        size: length,
      },
    );
  }
  return { size: length };
}

function contentLength(res: IncomingMessage): number | undefined {
  const v = res.headers["content-length"];
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
}

// ---------------------------------------------------------------------------- "md5"

async function checkMd5(check: VerifyOptions): Promise<{ size: number; md5: string }> {
  let md5 = createHash("md5");
  const started = check.clock.now();
  let done = 0;
  let stalled = 0;
  let lastStep = 0;
  let etag: string | undefined;
  check.log(`${check.label}: verifying ${check.url} by MD5 (${mib(check.size)})`);
  const progress = () => {
    const step = check.size > 0 ? Math.floor((done / check.size) * 10) : 10;
    if (step <= lastStep || step >= 10) return;
    lastStep = step;
    const elapsed = check.clock.now() - started;
    const rate = elapsed > 0 ? done / (elapsed / 1000) : undefined;
    const eta = rate ? formatDuration(((check.size - done) / rate) * 1000) : "unknown";
    check.log(
      `${check.label}: verified ${mib(done)} of ${mib(check.size)} (${step * 10}%), ${rate ? `${mib(rate)}/s` : "rate unknown"}, ETA ${eta}`,
    );
  };
  for (;;) {
    checkDeadline(check, { size: done }, done);
    const headers: Record<string, string> =
      done > 0 ? { Range: `bytes=${done}-`, ...(etag ? { "If-Range": etag } : {}) } : {};
    const { body: res, status } = await sendRetrying(check, "GET", headers);
    if (done > 0 && status === 200) {
      // the server ignored the Range (or, with If-Range, the file changed): start over
      check.log(`${check.label}: the server did not resume at byte ${done}; reading ${check.url} again from the start`);
      md5 = createHash("md5");
      done = 0;
      lastStep = 0;
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      throw statusError(check, status, { size: done });
    }
    if (status === 206 && !String(res.headers["content-range"] ?? "").startsWith(`bytes ${done}-`)) {
      res.destroy();
      throw new OvaVerifyError(
        `${check.label}: cannot verify ${check.url}: asked for bytes ${done}- and got ${String(res.headers["content-range"])}`,
        "http",
        { size: done },
      );
    }
    if (done === 0) etag = typeof res.headers.etag === "string" ? res.headers.etag : undefined;
    const expectedEnd = done + (contentLength(res) ?? Infinity);
    const before = done;
    let dropped: Error | undefined;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        md5.update(chunk);
        done += chunk.length;
        if (done > check.size) {
          res.destroy();
          throw new OvaVerifyError(
            `${check.label}: wrong size at ${check.url}: expected ${check.size} bytes (size), found more (${done} bytes so far)`,
            "size",
            { size: done },
          );
        }
        progress();
        checkDeadline(check, { size: done }, done);
      }
      if (done < expectedEnd && expectedEnd !== Infinity)
        dropped = new Error(`the connection closed after ${done} of ${expectedEnd} bytes`);
    } catch (e) {
      if (e instanceof OvaVerifyError) {
        res.destroy();
        throw e;
      }
      dropped = e as Error;
    }
    if (!dropped) break;
    stalled = done > before ? 1 : stalled + 1;
    if (stalled >= MAX_STALLED_ATTEMPTS) {
      throw new OvaVerifyError(
        `${check.label}: truncated stream from ${check.url}: expected ${check.size} bytes (size), found ${done}: the download broke off ${MAX_STALLED_ATTEMPTS} times without progress (${dropped.message})`,
        "truncated",
        { size: done },
      );
    }
    check.log(
      `${check.label}: the download of ${check.url} broke off at byte ${done} of ${check.size} (${dropped.message}); resuming with a Range request`,
    );
    await check.clock.sleep(backoffDelay(stalled - 1, DOWNLOAD_RETRY));
  }
  const hex = md5.digest("hex");
  if (done !== check.size) {
    throw new OvaVerifyError(
      `${check.label}: truncated stream from ${check.url}: expected ${check.size} bytes (size), found ${done}: the file ends early`,
      "truncated",
      { size: done, md5: hex },
    );
  }
  const elapsed = check.clock.now() - started;
  if (check.md5Sum !== undefined && hex !== check.md5Sum.toLowerCase()) {
    throw new OvaVerifyError(
      `${check.label}: MD5 mismatch at ${check.url}: expected ${check.md5Sum} (md5Sum), found ${hex} over ${done} bytes`,
      "md5",
      { size: done, md5: hex },
    );
  }
  const rate = elapsed > 0 ? `, ${mib(done / (elapsed / 1000))}/s` : "";
  check.log(`${check.label}: verified ${check.url}: ${done} bytes, MD5 ${hex} (in ${formatDuration(elapsed)}${rate})`);
  return { size: done, md5: hex };
}
