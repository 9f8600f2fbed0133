// The OVA verifier against the simulator's download server over real HTTP (and https through a
// TLS-terminating proxy in front of it); faults come from the simulator, time from a virtual clock.
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import type { AddressInfo } from "net";
import { SEED_UUIDS as U } from "../../../simulator";
import { ovaMd5 } from "../../../simulator/http/download";
import { Clock } from "../../../provider/client";
import { OvaVerifyError, VerifyOptions, verifyOva } from "../../../provider/ova-package/download-check";
import { Sim, newSim, rejection, routeCount, virtualClock } from "../helpers";
import { closedPort } from "../../support/ports";

const MiB = 1024 * 1024;
const PKG = "6c1f3b2a9d8e4f70a1b2c3d4e5f60718";
const SIZE = 3 * MiB + 12345;
const fixtures = path.join(__dirname, "..", "fixtures");
const cert = fs.readFileSync(path.join(fixtures, "test-only-server.crt"), "utf8");
const key = fs.readFileSync(path.join(fixtures, "test-only-server.key"), "utf8");

describe("OVA verifier (provider/ova-verify)", () => {
  let sim: Sim;
  let url: string;
  let md5Sum: string;
  let lines: string[];
  let clock: Clock & { slept: number };
  beforeEach(async () => {
    sim = await newSim({ quiet: true });
    md5Sum = ovaMd5(PKG, SIZE);
    url = `${sim.url}/imagestore/download/ova/${PKG}/legacy-web-1.ova`;
    sim.world.insert("imagePackages", {
      uuid: PKG,
      name: "web.ova",
      vmUuid: U.vmStopped2,
      backupStorageUuid: U.bsImageStore,
      state: "Exported",
      format: "ova",
      size: SIZE,
      md5Sum,
      exportUrl: url,
    });
    lines = [];
    clock = virtualClock(sim);
  });
  afterEach(() => sim.stop());

  const opts = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
    method: "md5",
    url,
    size: SIZE,
    md5Sum,
    tls: {},
    clock,
    deadline: sim.now() + 3_600_000,
    label: 'OvaPackage "web.ova"',
    log: (l) => lines.push(l),
    ...over,
  });
  const downloads = () => routeCount(sim, /^GET \/imagestore/);

  it('"size": one HEAD; records method, size and time', async () => {
    const v = await verifyOva(opts({ method: "size" }));
    assert.deepStrictEqual(v, { method: "size", size: SIZE, at: new Date(sim.now()).toISOString() });
    assert.strictEqual(routeCount(sim, /^HEAD \/imagestore/), 1);
    assert.strictEqual(downloads(), 0);
  });

  it('"md5": streams the file once, counts its bytes, and prints progress with bytes, throughput and ETA', async () => {
    // a clock that moves 50 ms each time it is read, so throughput and ETA are defined
    let t = sim.now();
    const moving: Clock = { now: () => (t += 50), sleep: () => Promise.resolve() };
    const v = await verifyOva(opts({ clock: moving, deadline: t + 3_600_000 }));
    assert.strictEqual(v.method, "md5");
    assert.strictEqual(v.size, SIZE);
    assert.strictEqual(v.md5, md5Sum);
    assert.strictEqual(downloads(), 1);
    const steps = lines.filter((l) => /verified [\d.]+ MiB of 3\.0 MiB \(\d0%\), [\d.]+ MiB\/s, ETA \d+s$/.test(l));
    assert.ok(steps.length >= 5, lines.join("\n"));
    assert.match(
      lines[lines.length - 1],
      new RegExp(`verified ${url.replace(/\./g, "\\.")}: ${SIZE} bytes, MD5 ${md5Sum}`),
    );
  });

  it("flip: an MD5 mismatch naming expected and found", async () => {
    sim.faults.corruptDownloads("flip");
    const e = await rejection(() => verifyOva(opts()));
    assert.ok(e instanceof OvaVerifyError && e.failure === "md5", e.message);
    assert.match(
      e.message,
      new RegExp(`MD5 mismatch at .*: expected ${md5Sum} \\(md5Sum\\), found [0-9a-f]{32} over ${SIZE} bytes`),
    );
    assert.notStrictEqual((e as unknown as OvaVerifyError).found.md5, md5Sum);
    // "size" cannot see a flipped byte
    assert.strictEqual((await verifyOva(opts({ method: "size" }))).size, SIZE);
  });

  it("truncate: a wrong size by HEAD, a truncated stream by MD5", async () => {
    sim.faults.corruptDownloads("truncate");
    const bySize = await rejection(() => verifyOva(opts({ method: "size" })));
    assert.match(
      bySize.message,
      new RegExp(`wrong size at .*: expected ${SIZE} bytes \\(size\\), found ${Math.floor(SIZE / 2)} bytes`),
    );
    const byMd5 = await rejection(() => verifyOva(opts()));
    assert.strictEqual((byMd5 as unknown as OvaVerifyError).failure, "truncated");
    assert.match(
      byMd5.message,
      new RegExp(
        `truncated stream from .*: expected ${SIZE} bytes \\(size\\), found ${Math.floor(SIZE / 2)}: the file ends early`,
      ),
    );
  });

  it("missing: file not found (404), by either method", async () => {
    sim.faults.corruptDownloads("missing");
    for (const method of ["size", "md5"] as const) {
      const e = await rejection(() => verifyOva(opts({ method })));
      assert.strictEqual((e as unknown as OvaVerifyError).failure, "missing");
      assert.match(
        e.message,
        new RegExp(
          `file not found: ${url.replace(/\./g, "\\.")} answers HTTP 404; expected the OVA of ${SIZE} bytes there`,
        ),
      );
    }
  });

  it("resumes a dropped connection with Range requests instead of starting over", async () => {
    sim.faults.dropDownloads(MiB, 2);
    const v = await verifyOva(opts());
    assert.strictEqual(v.md5, md5Sum);
    assert.strictEqual(downloads(), 3);
    assert.strictEqual(lines.filter((l) => /broke off at byte \d+ .*resuming with a Range request/.test(l)).length, 2);
    assert.ok(lines.some((l) => l.includes(`broke off at byte ${MiB} of ${SIZE}`)));
    assert.ok(lines.some((l) => l.includes(`broke off at byte ${2 * MiB} of ${SIZE}`)));
  });

  it("gives up on a connection that breaks off without progress, as a truncated stream", async () => {
    sim.faults.dropDownloads(0);
    const e = await rejection(() => verifyOva(opts()));
    assert.strictEqual((e as unknown as OvaVerifyError).failure, "truncated");
    assert.match(
      e.message,
      new RegExp(
        `truncated stream from .*: expected ${SIZE} bytes \\(size\\), found 0: the download broke off 5 times without progress`,
      ),
    );
    assert.strictEqual(downloads(), 5);
  });

  it('says the download host is unreachable and how to set verify: "none"', async () => {
    const port = await closedPort();
    const e = await rejection(() =>
      verifyOva(opts({ method: "size", url: `http://127.0.0.1:${port}/imagestore/download/ova/${PKG}/x.ova` })),
    );
    assert.strictEqual((e as unknown as OvaVerifyError).failure, "unreachable");
    assert.match(
      e.message,
      /download host unreachable: cannot reach 127\.0\.0\.1:\d+ .*ECONNREFUSED.*set verify: "none"/,
    );
  });

  it("stops at its own deadline (timeouts.verify)", async () => {
    let t = sim.now();
    const late: Clock = { now: () => (t += 60_000), sleep: () => Promise.resolve() };
    const e = await rejection(() => verifyOva(opts({ clock: late, deadline: t + 5 * 60_000 })));
    assert.strictEqual((e as unknown as OvaVerifyError).failure, "timeout");
    assert.match(e.message, new RegExp(`did not finish within timeouts.verify \\(\\d+ of ${SIZE} bytes checked\\)`));
  });

  describe("an https download URL (a TLS proxy in front of the simulator)", () => {
    let proxy: https.Server;
    let httpsUrl: string;
    beforeEach(async () => {
      const target = new URL(url);
      proxy = https.createServer({ cert, key }, (req, res) => {
        const up = http.request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
      httpsUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
    });
    afterEach(() => new Promise<void>((r) => proxy.close(() => r())));

    it("trusts the endpoint's caCertificate", async () => {
      assert.strictEqual((await verifyOva(opts({ url: httpsUrl, tls: { caCertificate: cert } }))).md5, md5Sum);
    });

    it("skips verification with the endpoint's insecure switch", async () => {
      assert.strictEqual(
        (await verifyOva(opts({ method: "size", url: httpsUrl, tls: { insecure: true } }))).size,
        SIZE,
      );
    });

    it("reports an untrusted certificate as a TLS failure, not as unreachable", async () => {
      const e = await rejection(() => verifyOva(opts({ method: "size", url: httpsUrl, tls: {} })));
      assert.strictEqual((e as unknown as OvaVerifyError).failure, "tls");
      assert.match(e.message, /TLS failure .*zstack:caCertificate, zstack:insecure/);
    });
  });
});
