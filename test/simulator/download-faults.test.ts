import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { SEED_UUIDS as U } from "../../simulator";
import { flippedByteOffset, truncatedFileSize } from "../../simulator/assumptions";
import { ovaStream } from "../../simulator/http/download";
import { Harness, HOUR, request } from "./helpers";

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  size: number;
  md5: string;
  body: Buffer;
  /** the connection ended before Content-Length bytes */
  aborted: boolean;
}

/** A GET or HEAD of an export URL, keeping the whole body (the test files are small). */
function fetchFile(url: string, method = "GET", headers: Record<string, string> = {}): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("aborted", () => (aborted = true));
      res.on("error", () => (aborted = true));
      res.on("close", () => {
        const body = Buffer.concat(chunks);
        const expected = Number(res.headers["content-length"]);
        if (method === "GET" && body.length < expected) aborted = true;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          size: body.length,
          md5: createHash("md5").update(body).digest("hex"),
          body,
          aborted,
        });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

async function trueBytes(uuid: string, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of ovaStream(uuid, start, end)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe("simulator download faults and HEAD on export URLs", () => {
  let h: Harness;

  let pkg: any;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
    await h.async("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore, name: "web" },
    });
    h.sim.advance(HOUR);
    [pkg] = await h.query("/v1/image-packages?q=name=web");
  });
  afterEach(() => h.stop());

  const ctl = (path: string, body?: unknown) => request(h.sim.url, "POST", `/_sim${path}`, { body });

  it("answers HEAD with the length, Accept-Ranges and no body, and a one-byte Range GET with 206", async () => {
    const head = await fetchFile(pkg.exportUrl, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(pkg.size));
    assert.equal(head.headers["accept-ranges"], "bytes");
    assert.equal(head.size, 0);
    const one = await fetchFile(pkg.exportUrl, "GET", { Range: "bytes=0-0" });
    assert.equal(one.status, 206);
    assert.equal(one.headers["content-range"], `bytes 0-0/${pkg.size}`);
    assert.equal(one.size, 1);
    const missing = await fetchFile(
      `${h.sim.url}/imagestore/download/ova/0123456789abcdef0123456789abcdef/x.ova`,
      "HEAD",
    );
    assert.equal(missing.status, 404);
  });

  it("flip: one byte differs, the length is right, HEAD is untouched; count answers, then clean", async () => {
    h.sim.faults.corruptDownloads("flip", 1);
    const head = await fetchFile(pkg.exportUrl, "HEAD");
    assert.equal(head.headers["content-length"], String(pkg.size)); // a HEAD does not take a flip
    const bad = await fetchFile(pkg.exportUrl);
    assert.equal(bad.status, 200);
    assert.equal(bad.size, pkg.size);
    assert.notEqual(bad.md5, pkg.md5Sum);
    const at = flippedByteOffset(pkg.size);
    const good = await fetchFile(pkg.exportUrl);
    assert.equal(good.md5, pkg.md5Sum);
    assert.equal(bad.body[at], good.body[at] ^ 0xff);
    assert.equal(Buffer.compare(bad.body.subarray(0, at), good.body.subarray(0, at)), 0);
    assert.equal(Buffer.compare(bad.body.subarray(at + 1), good.body.subarray(at + 1)), 0);
  });

  it("flip applies to a Range covering the byte, not to one beside it", async () => {
    h.sim.faults.corruptDownloads("flip");
    const at = flippedByteOffset(pkg.size);
    const around = await fetchFile(pkg.exportUrl, "GET", { Range: `bytes=${at - 2}-${at + 2}` });
    const expected = await trueBytes(pkg.uuid, at - 2, at + 3);
    expected[2] ^= 0xff;
    assert.deepEqual(around.body, expected);
    const before = await fetchFile(pkg.exportUrl, "GET", { Range: `bytes=0-${at - 1}` });
    assert.deepEqual(before.body, await trueBytes(pkg.uuid, 0, at));
  });

  it("truncate: the file is cut short for HEAD, GET and Range alike, with a clean body", async () => {
    h.sim.faults.corruptDownloads("truncate", 3);
    const short = truncatedFileSize(pkg.size);
    const head = await fetchFile(pkg.exportUrl, "HEAD");
    assert.equal(head.headers["content-length"], String(short));
    const get = await fetchFile(pkg.exportUrl);
    assert.equal(get.size, short);
    assert.equal(get.aborted, false);
    assert.deepEqual(get.body, await trueBytes(pkg.uuid, 0, short));
    const tail = await fetchFile(pkg.exportUrl, "GET", { Range: `bytes=${short}-` });
    assert.equal(tail.status, 416);
    assert.equal(tail.headers["content-range"], `bytes */${short}`);
    // the count is used up: the whole file again
    assert.equal((await fetchFile(pkg.exportUrl)).md5, pkg.md5Sum);
  });

  it("missing: GET and HEAD answer 404 until the faults are cleared", async () => {
    const faults = (await ctl("/faults/corrupt-downloads", { mode: "missing" })).json();
    assert.deepEqual(faults.corruptDownloads, { mode: "missing" });
    for (let i = 0; i < 3; i++) {
      assert.equal((await fetchFile(pkg.exportUrl)).status, 404);
      assert.equal((await fetchFile(pkg.exportUrl, "HEAD")).status, 404);
    }
    const cleared = (await ctl("/faults/clear")).json();
    assert.equal(cleared.corruptDownloads, null);
    assert.equal((await fetchFile(pkg.exportUrl)).md5, pkg.md5Sum);
  });

  it("counts down on the control endpoint and refuses bad arguments", async () => {
    assert.deepEqual((await ctl("/faults/corrupt-downloads", { mode: "flip", count: 2 })).json().corruptDownloads, {
      mode: "flip",
      remaining: 2,
    });
    await fetchFile(pkg.exportUrl);
    assert.deepEqual((await request(h.sim.url, "GET", "/_sim/faults")).json().corruptDownloads, {
      mode: "flip",
      remaining: 1,
    });
    assert.equal((await ctl("/faults/corrupt-downloads", { mode: "shred" })).status, 400);
    assert.equal((await ctl("/faults/corrupt-downloads", { mode: "flip", count: 0 })).status, 400);
    assert.equal((await ctl("/faults/drop-downloads", { afterBytes: -1 })).status, 400);
  });

  it("drop-downloads: the connection closes after afterBytes body bytes; a Range request resumes", async () => {
    assert.deepEqual((await ctl("/faults/drop-downloads", { afterBytes: 1_000_000, count: 1 })).json().dropDownloads, {
      afterBytes: 1_000_000,
      remaining: 1,
    });
    const first = await fetchFile(pkg.exportUrl);
    assert.equal(first.status, 200);
    assert.equal(first.headers["content-length"], String(pkg.size));
    assert.equal(first.aborted, true);
    assert.equal(first.size, 1_000_000);
    const rest = await fetchFile(pkg.exportUrl, "GET", { Range: `bytes=${first.size}-` });
    assert.equal(rest.status, 206);
    assert.equal(rest.aborted, false);
    const md5 = createHash("md5").update(first.body).update(rest.body).digest("hex");
    assert.equal(md5, pkg.md5Sum);
  });

  it("leaves the management node's API alone", async () => {
    h.sim.faults.corruptDownloads("missing");
    assert.equal((await h.query(`/v1/image-packages/${pkg.uuid}`))[0].state, "Exported");
  });
});
