// OvaPackage's `verify`: the provider called directly against the simulator over real HTTP, with
// download faults injected in the simulator and a virtual clock.
import * as assert from "assert";
import * as net from "net";
import type { AddressInfo } from "net";
import { SEED_UUIDS as U } from "../../../simulator";
import { schemas } from "../../../provider/client";
import { ResourceInitError } from "../../../provider/hosts/dynamic/providers";
import { OvaPackageProvider } from "../../../provider/hosts/dynamic/providers";
import { OvaPackageInputs, OvaPackageOutputs } from "../../../provider/ova-package/inputs";
import { Sim, newSim, ovaHarness, rejection, routeCount } from "../helpers";

const RU = "7d2e3f4a5b6c4d7e8f9a0b1c2d3e4f5a";
const inputs = (over: Partial<Record<keyof OvaPackageInputs, unknown>> = {}): OvaPackageInputs =>
  ({
    vmUuid: U.vmStopped2,
    backupStorageUuid: U.bsImageStore,
    name: "web.ova",
    resourceUuid: RU,
    ...over,
  }) as OvaPackageInputs;
const withProvider = (i: OvaPackageInputs) => ({ ...i, __provider: "provider code" }) as OvaPackageInputs;
const asRecord = (x: unknown) => x as Record<string, unknown>;
const exportCalls = (sim: Sim) => routeCount(sim, /^POST \/v1\/ovf\/ova-packages$/);

describe("OvaPackage provider: verify", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ quiet: true, jobDurations: { ovaMs: 10 * 60_000 } })));
  afterEach(async () => sim.stop());

  it('check accepts "none", "size", "md5" and timeouts.verify, and refuses anything else', async () => {
    const { provider } = await ovaHarness(sim);
    for (const verify of ["none", "size", "md5", undefined]) {
      assert.deepStrictEqual(
        (await provider.check({}, asRecord(inputs({ verify, timeouts: { verify: "30m" } })))).failures,
        [],
      );
    }
    const bad = await provider.check({}, asRecord(inputs({ verify: "sha1" })));
    assert.deepStrictEqual(
      bad.failures.map((f) => f.property),
      ["verify"],
    );
    assert.match(
      bad.failures[0].reason,
      /verify must be one of "none", "size" \(the default\) or "md5", got string "sha1"/,
    );
  });

  it("checks the size by default (one HEAD) and records it in verified", async () => {
    const { provider } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs());
    assert.strictEqual(outs.verified?.method, "size");
    assert.strictEqual(outs.verified?.size, outs.size);
    assert.strictEqual(outs.verified?.md5, undefined);
    assert.strictEqual(outs.verified?.at, new Date(sim.now()).toISOString());
    assert.strictEqual(routeCount(sim, /^HEAD \/imagestore/), 1);
  });

  it('"md5" streams the file and records an MD5 equal to md5Sum; "none" checks nothing', async () => {
    const { provider, lines } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs({ verify: "md5" }));
    assert.strictEqual(outs.verified?.md5, outs.md5Sum);
    assert.strictEqual(outs.verified?.size, outs.size);
    assert.ok(
      lines.some((l) => l.includes("by MD5")),
      lines.join("\n"),
    );
    await provider.delete(outs.uuid, outs);
    sim.stats.reset();
    const none = await provider.create(inputs({ verify: "none" }));
    assert.strictEqual(none.outs.verified, undefined);
    assert.strictEqual(routeCount(sim, /imagestore/), 0);
  });

  for (const [mode, method, expected] of [
    ["flip", "md5", /MD5 mismatch at .*: expected [0-9a-f]{32} \(md5Sum\), found [0-9a-f]{32} over \d+ bytes/],
    ["truncate", "md5", /truncated stream from .*: expected (\d+) bytes \(size\), found \d+: the file ends early/],
    ["truncate", "size", /wrong size at .*: expected \d+ bytes \(size\), found \d+ bytes/],
    ["missing", "size", /file not found: .* answers HTTP 404; expected the OVA of \d+ bytes there/],
  ] as const) {
    it(`${mode} (verify: "${method}"): the create fails naming expected and found, the package is recorded, the next up verifies without exporting`, async () => {
      const { provider } = await ovaHarness(sim);
      sim.faults.corruptDownloads(mode);
      const e = await rejection(() => provider.create(withProvider(inputs({ verify: method }))));
      assert.ok(e instanceof ResourceInitError, String(e));
      assert.strictEqual(e.id, RU);
      assert.match(e.message, expected);
      assert.match(
        e.message,
        /stays recorded in the stack.*the next `pulumi up` verifies the file again without exporting again; `pulumi up --replace` exports the package anew/,
      );
      const olds = e.properties as unknown as OvaPackageOutputs;
      assert.strictEqual(olds.state, "Exported");
      assert.strictEqual(asRecord(olds).__provider, "provider code");
      assert.match(String(olds.verified?.error), expected);
      assert.strictEqual(olds.verified?.method, method);
      // still broken: the next up fails the same way, still without exporting
      assert.deepStrictEqual(await provider.diff(RU, asRecord(olds), asRecord(inputs({ verify: method }))), {
        changes: true,
        replaces: [],
      });
      const again = await rejection(() => provider.update(RU, olds, withProvider(inputs({ verify: method }))));
      assert.ok(again instanceof ResourceInitError && expected.test(again.message), String(again));
      sim.faults.clear();
      const { outs } = await provider.update(
        RU,
        again.properties as unknown as OvaPackageOutputs,
        inputs({ verify: method }),
      );
      assert.strictEqual(outs.verified?.error, undefined);
      assert.strictEqual(outs.verified?.size, outs.size);
      if (method === "md5") assert.strictEqual(outs.verified?.md5, outs.md5Sum);
      assert.strictEqual(exportCalls(sim), 1);
      assert.deepStrictEqual(await provider.diff(RU, asRecord(outs), asRecord(inputs({ verify: method }))), {
        changes: false,
        replaces: [],
      });
    });
  }

  it("a dropped connection is resumed, not a failure", async () => {
    const { provider, lines } = await ovaHarness(sim);
    sim.faults.dropDownloads(1024 * 1024, 1);
    const { outs } = await provider.create(inputs({ verify: "md5" }));
    assert.strictEqual(outs.verified?.md5, outs.md5Sum);
    assert.ok(
      lines.some((l) => /resuming with a Range request/.test(l)),
      lines.join("\n"),
    );
  });

  it("a package recorded without verified (by an earlier version) is not updated just for that; refresh records the check", async () => {
    const { provider } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs());
    const { verified: _, ...older } = outs;
    assert.deepStrictEqual(await provider.diff(RU, asRecord(older), asRecord(inputs())), {
      changes: false,
      replaces: [],
    });
    const r = await provider.read(RU, older);
    assert.strictEqual(r.props?.verified?.method, "size");
    assert.strictEqual(r.props?.verified?.size, outs.size);
  });

  it('verify "size" -> "md5" updates in place and streams the file; back to "none" drops verified', async () => {
    const { provider } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs());
    assert.deepStrictEqual(await provider.diff(RU, asRecord(outs), asRecord(inputs({ verify: "md5" }))), {
      changes: true,
      replaces: [],
    });
    const md5 = (await provider.update(RU, outs, inputs({ verify: "md5" }))).outs;
    assert.strictEqual(md5.verified?.md5, md5.md5Sum);
    const none = (await provider.update(RU, md5, inputs({ verify: "none" }))).outs;
    assert.strictEqual(none.verified, undefined);
    assert.strictEqual(exportCalls(sim), 1);
  });

  it("refresh re-checks by size: a vanished file is drift in verified, a file that is back keeps nothing stale", async () => {
    const { provider, lines } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs({ verify: "md5" }));
    sim.stats.reset();
    const same = await provider.read(RU, outs);
    assert.deepStrictEqual(same.props?.verified, outs.verified, "a passing check must not change verified");
    assert.strictEqual(routeCount(sim, /^HEAD \/imagestore/), 1);
    assert.strictEqual(routeCount(sim, /^GET \/imagestore/), 0);
    sim.faults.corruptDownloads("missing");
    const gone = await provider.read(RU, outs);
    assert.strictEqual(gone.id, RU);
    assert.match(String(gone.props?.verified?.error), /file not found/);
    assert.strictEqual(gone.props?.verified?.method, "size");
    assert.ok(lines.some((l) => /recorded as drift in verified/.test(l)));
    assert.deepStrictEqual(await provider.diff(RU, asRecord(gone.props), asRecord(inputs({ verify: "md5" }))), {
      changes: true,
      replaces: [],
    });
    sim.faults.clear();
    const back = await provider.update(RU, gone.props, inputs({ verify: "md5" }));
    assert.strictEqual(back.outs.verified?.md5, back.outs.md5Sum);
    assert.strictEqual(exportCalls(sim), 0, "not exported again since the stats reset");
  });

  it("refresh with verify none checks nothing", async () => {
    const { provider } = await ovaHarness(sim);
    const { outs } = await provider.create(inputs({ verify: "none" }));
    sim.faults.corruptDownloads("missing");
    sim.stats.reset();
    const r = await provider.read(RU, outs);
    assert.strictEqual(r.props?.verified, undefined);
    assert.strictEqual(routeCount(sim, /imagestore/), 0);
  });

  describe("adoption", () => {
    async function exportByHand(provider: OvaPackageProvider): Promise<string> {
      const c = provider.context().client();
      const body = await c.call("ExportVmOvaPackage", {
        params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore, name: "by-hand" },
      });
      return c.parse("x", 200, body, schemas().ImagePackageInventory, "inventory").uuid!;
    }

    it("verifies an adopted package the same way (adoptUuid)", async () => {
      const { provider } = await ovaHarness(sim);
      const uuid = await exportByHand(provider);
      sim.faults.corruptDownloads("flip");
      const e = await rejection(() => provider.create({ adoptUuid: uuid, verify: "md5" } as OvaPackageInputs));
      assert.ok(e instanceof ResourceInitError && e.id === uuid, String(e));
      assert.match(e.message, /MD5 mismatch/);
      sim.faults.clear();
      const { outs } = await provider.create({ adoptUuid: uuid, verify: "md5" } as OvaPackageInputs);
      assert.strictEqual(outs.verified?.md5, outs.md5Sum);
    });

    it('says when the download host is unreachable, and how to set verify: "none"', async () => {
      const { provider } = await ovaHarness(sim);
      const uuid = await exportByHand(provider);
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
      const port = (s.address() as AddressInfo).port;
      await new Promise<void>((r) => s.close(() => r()));
      // the backup storage's address is one this machine cannot reach
      sim.world.update("imagePackages", uuid, {
        exportUrl: `http://127.0.0.1:${port}/imagestore/download/ova/${uuid}/legacy-app-1.ova`,
      });
      const e = await rejection(() => provider.create({ adoptUuid: uuid } as OvaPackageInputs));
      assert.ok(e instanceof ResourceInitError, String(e));
      assert.match(e.message, /download host unreachable: cannot reach 127\.0\.0\.1:\d+ .*set verify: "none"/);
      const { outs } = await provider.create({ adoptUuid: uuid, verify: "none" } as OvaPackageInputs);
      assert.strictEqual(outs.state, "Exported");
    });
  });
});
