/**
 * The exported OVA files, served at `exportUrl` like an ImageStore would: deterministic bytes of exactly
 * `size`, generated on the fly (never held in memory) as the AES-128-CTR keystream of a key derived
 * from the package uuid. CTR mode gives random access, so Range requests are cheap; the MD5 is
 * computed once by streaming the same bytes and cached: in the background, in chunks that yield to the
 * event loop (`ovaMd5Async`, started when an export starts), or at once (`ovaMd5`).
 */
import { createCipheriv, createHash, type Hash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable, Transform } from "node:stream";
import {
  flippedByteOffset,
  OVA_MD5_CHUNK_BYTES,
  SIMULATOR_HEADER,
  SIMULATOR_HEADER_VALUE,
  truncatedFileSize,
} from "../assumptions";
import { text } from "../core/text";
import type { DownloadFault } from "../faults";
import type { SimWorld } from "../world/world";

const CHUNK = 256 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

function keyOf(packageUuid: string): Buffer {
  return createHash("md5").update(`zstack-sim-ova:${packageUuid}`).digest();
}

function ivAt(blockIndex: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(blockIndex), 8);
  return iv;
}

/** The bytes [start, end) of a package's file, as a stream. */
export function ovaStream(packageUuid: string, start: number, end: number): Readable {
  const block = Math.floor(start / 16);
  const cipher = createCipheriv("aes-128-ctr", keyOf(packageUuid), ivAt(block));
  let skip = start - block * 16;
  let remaining = end - start;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      let out = cipher.update(ZEROS);
      if (skip > 0) {
        out = out.subarray(skip);
        skip = 0;
      }
      if (out.length > remaining) out = out.subarray(0, remaining);
      remaining -= out.length;
      this.push(out);
    },
  });
}

const md5Cache = new Map<string, string>();
const md5InFlight = new Map<string, Promise<string>>();

/** Feeds `bytes` bytes of the keystream to `md5`, in pieces of at most `piece` bytes. */
function feed(cipher: ReturnType<typeof createCipheriv>, md5: Hash, bytes: number, piece: Buffer): void {
  let remaining = bytes;
  while (remaining > 0) {
    const out = cipher.update(remaining >= piece.length ? piece : piece.subarray(0, remaining));
    md5.update(out);
    remaining -= out.length;
  }
}

/** The cached MD5 hex of a package's bytes, if it has been computed. */
export function cachedOvaMd5(packageUuid: string, size: number): string | undefined {
  return md5Cache.get(`${packageUuid}:${size}`);
}

/**
 * MD5 hex of a package's bytes, computed by streaming them once, synchronously (it blocks the event
 * loop for the whole file: ~2 ms per MiB). The simulator itself uses `ovaMd5Async`.
 */
export function ovaMd5(packageUuid: string, size: number): string {
  const key = `${packageUuid}:${size}`;
  const cached = md5Cache.get(key);
  if (cached) return cached;
  const cipher = createCipheriv("aes-128-ctr", keyOf(packageUuid), ivAt(0));
  const md5 = createHash("md5");
  feed(cipher, md5, size, Buffer.alloc(4 * 1024 * 1024));
  const hex = md5.digest("hex");
  md5Cache.set(key, hex);
  return hex;
}

/**
 * The same MD5, computed `chunkBytes` at a time with a `setImmediate` between chunks, so other
 * requests are served while it runs. Concurrent calls share one computation; the result is cached.
 * (The steps are not unref'd: an unref'd immediate does not stop the loop from blocking in poll.)
 */
export function ovaMd5Async(packageUuid: string, size: number, chunkBytes = OVA_MD5_CHUNK_BYTES): Promise<string> {
  const key = `${packageUuid}:${size}`;
  const cached = md5Cache.get(key);
  if (cached) return Promise.resolve(cached);
  const running = md5InFlight.get(key);
  if (running) return running;
  const cipher = createCipheriv("aes-128-ctr", keyOf(packageUuid), ivAt(0));
  const md5 = createHash("md5");
  const piece = Buffer.alloc(Math.max(16, Math.min(chunkBytes, 4 * 1024 * 1024)));
  const promise = new Promise<string>((resolve, reject) => {
    let done = 0;
    const step = () => {
      try {
        // another caller may have computed it synchronously meanwhile
        const hit = md5Cache.get(key);
        if (hit) return finish(hit);
        const n = Math.min(chunkBytes, size - done);
        feed(cipher, md5, n, piece);
        done += n;
        if (done < size) {
          setImmediate(step);
          return;
        }
        const hex = md5.digest("hex");
        md5Cache.set(key, hex);
        finish(hex);
      } catch (e) {
        md5InFlight.delete(key);
        reject(e instanceof Error ? e : new Error(text(e)));
      }
    };
    const finish = (hex: string) => {
      md5InFlight.delete(key);
      resolve(hex);
    };
    setImmediate(step);
  });
  md5InFlight.set(key, promise);
  return promise;
}

/** Inverts the byte at file offset `at` of a stream that starts at file offset `start`. */
function flipAt(start: number, at: number): Transform {
  let offset = start;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (at >= offset && at < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[at - offset] ^= 0xff;
      }
      offset += chunk.length;
      done(null, chunk);
    },
  });
}

/**
 * GET/HEAD <OVA_DOWNLOAD_PREFIX><packageUuid>/<name>.ova, with single-range support. `takeFault`
 * is asked once per answer about an exported file (the download faults).
 */
export function serveDownload(
  world: SimWorld,
  packageUuid: string,
  req: IncomingMessage,
  res: ServerResponse,
  simulatorHeader = true,
  takeFault: (method: string) => DownloadFault = () => ({}),
): void {
  const pkg = world.get("imagePackages", packageUuid);
  const baseHeaders: Record<string, string> = simulatorHeader ? { [SIMULATOR_HEADER]: SIMULATOR_HEADER_VALUE } : {};
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...baseHeaders, "Content-Type": "text/plain", Allow: "GET, HEAD" }).end("Method Not Allowed");
    return;
  }
  if (!pkg || pkg.state !== "Exported" || typeof pkg.size !== "number") {
    res.writeHead(404, { ...baseHeaders, "Content-Type": "text/plain" }).end("Not Found");
    return;
  }
  const fault = takeFault(req.method);
  if (fault.corruption === "missing") {
    res.writeHead(404, { ...baseHeaders, "Content-Type": "text/plain" }).end("Not Found");
    return;
  }
  // a truncated file is shorter everywhere: HEAD, Content-Length, Content-Range
  const size: number = fault.corruption === "truncate" ? truncatedFileSize(pkg.size) : pkg.size;
  let start = 0;
  let end = size;
  let status = 200;
  const headers: Record<string, string | number> = {
    ...baseHeaders,
    "Content-Type": "application/octet-stream",
    "Accept-Ranges": "bytes",
    ETag: `"${pkg.md5Sum}"`,
  };
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let ok = !!m && (m[1] !== "" || m[2] !== "");
    if (m && ok) {
      if (m[1] === "") {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        end = m[2] === "" ? size : Math.min(size, Number(m[2]) + 1);
      }
      ok = start < end && start < size;
    }
    if (!ok) {
      res.writeHead(416, { ...baseHeaders, "Content-Range": `bytes */${size}` }).end();
      return;
    }
    status = 206;
    headers["Content-Range"] = `bytes ${start}-${end - 1}/${size}`;
  }
  headers["Content-Length"] = end - start;
  res.writeHead(status, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = ovaStream(packageUuid, start, end);
  res.on("close", () => stream.destroy());
  const body = fault.corruption === "flip" ? stream.pipe(flipAt(start, flippedByteOffset(size))) : stream;
  if (fault.dropAfterBytes === undefined) {
    body.pipe(res);
    return;
  }
  // the connection is lost mid-body: send the first dropAfterBytes bytes, then destroy the socket
  let left = fault.dropAfterBytes;
  const cut = () => {
    body.pause();
    stream.destroy();
    // flush what was written, then close the connection without ending the response
    req.socket.end();
  };
  if (left === 0) {
    res.flushHeaders();
    return cut();
  }
  body.on("data", (chunk: Buffer) => {
    if (left <= 0) return;
    const part = chunk.subarray(0, left);
    left -= part.length;
    const more = res.write(part);
    if (left <= 0) cut();
    else if (!more) {
      body.pause();
      res.once("drain", () => body.resume());
    }
  });
  body.on("end", () => {
    if (left > 0) res.end();
  });
}
