import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { SEED_UUIDS as U } from "../../simulator";
import { exportedOvaSize } from "../../simulator/assumptions";
import { cachedOvaMd5, ovaMd5, ovaMd5Async, ovaStream } from "../../simulator/http/download";
import { expectError, Harness, HOUR, MINUTE, request } from "./helpers";

/** MD5 of a package's bytes, computed here from the byte stream (independently of the simulator's cache). */
async function streamedMd5(packageUuid: string, size: number): Promise<string> {
  const md5 = createHash("md5");
  for await (const chunk of ovaStream(packageUuid, 0, size)) md5.update(chunk as Buffer);
  return md5.digest("hex");
}

const MSG = "org.zstack.ovf.api.APIExportVmOvaPackageMsg";

/** Streams a download and returns its size and MD5 (and status/headers). */
function download(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; size: number; md5: string; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const md5 = createHash("md5");
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          md5.update(c);
          size += c.length;
          if (size <= 1024 * 1024) chunks.push(c);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            size,
            md5: md5.digest("hex"),
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("simulator OVA export (ExportVmOvaPackage)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const exportVm = (p: Record<string, unknown>) => h.submit("POST", "/v1/ovf/ova-packages", { params: p });

  it("shows the package Exporting at once while the api-job stays 202, then Exported", async () => {
    const pkgUuid = "7b1e9c3a5d2f4e6a8b0c1d2e3f4a5b6c";
    const { submit, jobPath } = await exportVm({
      vmUuid: U.vmStopped,
      backupStorageUuid: U.bsImageStore,
      resourceUuid: pkgUuid,
    });
    assert.equal(submit.json().apiTimeout, 259200000);
    const [exporting] = await h.query(`/v1/image-packages/${pkgUuid}`);
    assert.equal(exporting.state, "Exporting");
    assert.equal(exporting.name, "exported-vm-legacy-db-1");
    assert.equal(exporting.description, `source vm uuid: ${U.vmStopped}`);
    assert.equal(exporting.format, "ova");
    assert.equal("exportUrl" in exporting, false);
    h.sim.advance(5 * MINUTE);
    assert.equal((await h.call("GET", jobPath)).status, 202);
    const progress = (await h.query(`/v1/task-progresses/${jobPath.split("/").pop()}`))[0];
    assert.ok(Number(progress.content) > 0 && Number(progress.content) < 100, progress.content);
    h.sim.advance(HOUR);
    const done = await h.call("GET", jobPath);
    assert.equal(done.status, 200);
    const inv = done.json().inventory;
    assert.equal(inv.uuid, pkgUuid);
    assert.equal(inv.state, "Exported");
    assert.equal(inv.vmUuid, U.vmStopped);
    assert.equal(inv.backupStorageUuid, U.bsImageStore);
    assert.match(inv.md5Sum, /^[0-9a-f]{32}$/);
    assert.ok(inv.size > 8 * 1024 * 1024 && inv.size <= 200 * 1024 * 1024, String(inv.size));
    assert.equal(inv.exportUrl, `${h.sim.url}/imagestore/download/ova/${pkgUuid}/legacy-db-1.ova`);
    const [queried] = await h.query(`/v1/image-packages/${pkgUuid}`);
    assert.deepEqual(queried, inv);
  });

  it("serves exactly `size` deterministic bytes whose MD5 is md5Sum, with Range support", async () => {
    const r = await h.async("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore, name: "web" },
    });
    assert.equal(r.status, 202);
    h.sim.advance(HOUR);
    const [pkg] = await h.query("/v1/image-packages?q=name=web");
    const full = await download(pkg.exportUrl);
    assert.equal(full.status, 200);
    assert.equal(full.headers["content-length"], String(pkg.size));
    assert.equal(full.size, pkg.size);
    assert.equal(full.md5, pkg.md5Sum);
    const again = await download(pkg.exportUrl);
    assert.equal(again.md5, full.md5);
    const part = await download(pkg.exportUrl, { Range: "bytes=1000-1999" });
    assert.equal(part.status, 206);
    assert.equal(part.headers["content-range"], `bytes 1000-1999/${pkg.size}`);
    assert.deepEqual(part.body, full.body.subarray(1000, 2000));
    const tail = await download(pkg.exportUrl, { Range: `bytes=${pkg.size - 10}-` });
    assert.equal(tail.size, 10);
    const bad = await download(pkg.exportUrl, { Range: `bytes=${pkg.size}-` });
    assert.equal(bad.status, 416);
    const missing = await download(`${h.sim.url}/imagestore/download/ova/0123456789abcdef0123456789abcdef/x.ova`);
    assert.equal(missing.status, 404);
  });

  describe("validation, in OvfInterceptor order", () => {
    it("answers a body without the params wrapper with the mandatory-field error", async () => {
      const { jobPath } = await h.submit("POST", "/v1/ovf/ova-packages", {
        vmUuid: U.vmStopped,
        backupStorageUuid: U.bsImageStore,
      });
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1007",
        `field[vmUuid] of message[${MSG}] is mandatory, can not be null`,
      );
      const { jobPath: p2 } = await exportVm({ vmUuid: U.vmStopped });
      expectError(
        await h.call("GET", p2),
        503,
        "SYS.1007",
        `field[backupStorageUuid] of message[${MSG}] is mandatory, can not be null`,
      );
    });

    it("1. one package per VM", async () => {
      const first = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
      const pkgUuid = (await h.query("/v1/image-packages"))[0].uuid;
      // even with a wrong backup storage, the existing package is reported first
      const { jobPath } = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsSftp });
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1007",
        `Vm[uuid: ${U.vmStopped}] is already exported as the ova package[uuid: ${pkgUuid}], please delete the package and try again.`,
      );
      assert.ok(first);
    });

    it("2. an ImageStore backup storage", async () => {
      for (const bs of [U.bsSftp, "0123456789abcdef0123456789abcdef"]) {
        const { jobPath } = await exportVm({ vmUuid: "0123456789abcdef0123456789abcdef", backupStorageUuid: bs });
        expectError(
          await h.call("GET", jobPath),
          503,
          "SYS.1007",
          `Export vm requires an ImageStore backup storage, but given backupStorageUuid: ${bs} is not an ImageStore backup storage.`,
        );
      }
    });

    it("3. the VM exists", async () => {
      const { jobPath } = await exportVm({
        vmUuid: "0123456789abcdef0123456789abcdef",
        backupStorageUuid: U.bsImageStore,
      });
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1007",
        "Not found the vm to be exported with the uuid: 0123456789abcdef0123456789abcdef",
      );
    });

    it("4. the VM is Stopped", async () => {
      const { jobPath } = await exportVm({ vmUuid: U.vmRunning, backupStorageUuid: U.bsImageStore });
      expectError(await h.call("GET", jobPath), 503, "SYS.1007", "Only vm in state: Stopped can be exported.");
    });

    it("5. the backup storage has the capacity (SYS.1006, no package row)", async () => {
      h.sim.world.update("backupStorages", U.bsImageStore, { availableCapacity: 1024 });
      const { jobPath } = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1006",
        /^backup storage\[uuid: da1d1df67794446da932739519c65751\] does not have enough available capacity for exporting vm\[uuid: a5af1e606b5143f9b57edb0ce8d14264\], required capacity is: \d+$/,
      );
      assert.equal((await h.query("/v1/image-packages")).length, 0);
    });

    it("checks resourceUuid format and limits name length", async () => {
      const { jobPath } = await exportVm({
        vmUuid: U.vmStopped,
        backupStorageUuid: U.bsImageStore,
        name: "x".repeat(256),
      });
      expectError(
        await h.call("GET", jobPath),
        503,
        "SYS.1007",
        `field[name] of message[${MSG}] exceeds max length of string. expected was <= 255, actual was 256`,
      );
      const { jobPath: p2 } = await exportVm({
        vmUuid: U.vmStopped,
        backupStorageUuid: U.bsImageStore,
        resourceUuid: "XYZ",
      });
      expectError(await h.call("GET", p2), 503, "SYS.1007", /^resourceUuid\[XYZ\] is not a valid uuid/);
    });
  });

  it("rolls the package back and fails the api-job when a failure is injected", async () => {
    h.sim.faults.failNextJob("ova", { details: "tar: write error" });
    const { jobPath } = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    assert.equal((await h.query("/v1/image-packages")).length, 1);
    h.sim.advance(HOUR);
    expectError(await h.call("GET", jobPath), 503, "SYS.1006", "tar: write error");
    assert.equal((await h.query("/v1/image-packages")).length, 0);
    const again = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    h.sim.advance(HOUR);
    assert.equal((await h.call("GET", again.jobPath)).status, 200);
  });

  it("updates name and description, ignoring blank values", async () => {
    await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore, name: "before" });
    const [pkg] = await h.query("/v1/image-packages");
    const r = await h.async("PUT", `/v1/image-packages/${pkg.uuid}`, {
      updateImagePackage: { name: "after", description: "  " },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json().inventory.name, "after");
    assert.equal(r.json().inventory.description, pkg.description);
    expectError(
      await h.async("PUT", "/v1/image-packages/0123456789abcdef0123456789abcdef", {
        updateImagePackage: { name: "x" },
      }),
      503,
      "SYS.1003",
      "invalid field[uuid], resource[uuid:0123456789abcdef0123456789abcdef, type:ImagePackageVO] not found",
    );
  });

  it("deletes packages for good, giving the capacity back, and 404s the download", async () => {
    const [bsBefore] = await h.query(`/v1/backup-storage/${U.bsImageStore}`);
    await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    h.sim.advance(HOUR);
    const [pkg] = await h.query("/v1/image-packages");
    const [bsDuring] = await h.query(`/v1/backup-storage/${U.bsImageStore}`);
    assert.equal(bsDuring.availableCapacity, bsBefore.availableCapacity - pkg.size);
    const r = await h.async("DELETE", `/v1/image-packages/${pkg.uuid}?deleteMode=Permissive`);
    assert.equal(r.status, 200);
    assert.equal(r.text, "{}");
    assert.deepEqual(await h.query(`/v1/image-packages/${pkg.uuid}`), []);
    const [bsAfter] = await h.query(`/v1/backup-storage/${U.bsImageStore}`);
    assert.equal(bsAfter.availableCapacity, bsBefore.availableCapacity);
    assert.equal((await request(pkg.exportUrl, "GET", new URL(pkg.exportUrl).pathname)).status, 404);
    expectError(
      await h.async("DELETE", `/v1/image-packages/${pkg.uuid}`),
      503,
      "SYS.1003",
      `invalid field[uuid], resource[uuid:${pkg.uuid}, type:ImagePackageVO] not found`,
    );
  });

  it("deleting a package still exporting fails its api-job", async () => {
    const { jobPath } = await exportVm({ vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    const [pkg] = await h.query("/v1/image-packages");
    await h.async("DELETE", `/v1/image-packages/${pkg.uuid}`);
    expectError(await h.call("GET", jobPath), 503, "SYS.1006", /was deleted while exporting/);
  });

  it("times the api-job out after X-API-Timeout seconds (SYS.1001) while the export carries on", async () => {
    const { submit, jobPath } = await h.submit(
      "POST",
      "/v1/ovf/ova-packages",
      { params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore } },
      {
        "X-API-Timeout": "60",
      },
    );
    assert.equal(submit.json().apiTimeout, 60_000);
    h.sim.advance(59_999);
    assert.equal((await h.call("GET", jobPath)).status, 202);
    h.sim.advance(1);
    expectError(await h.call("GET", jobPath), 503, "SYS.1001", /timeout after 60000 ms/);
    h.sim.advance(HOUR);
    assert.equal((await h.query("/v1/image-packages"))[0].state, "Exported");
    assert.equal((await h.call("GET", jobPath)).status, 503);
  });

  it("uses the configured export duration", async () => {
    h.sim.setJobDurations({ ovaMs: 30_000 });
    const { jobPath } = await exportVm({ vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore });
    h.sim.advance(29_999);
    assert.equal((await h.call("GET", jobPath)).status, 202);
    h.sim.advance(1);
    assert.equal((await h.call("GET", jobPath)).status, 200);
  });

  describe("the MD5 of a large exported file", () => {
    const GiB = 1024 ** 3;
    /** legacy-app-1 grown to 450 GiB of used space: a file of nearly 200 MiB */
    function growVm(): void {
      const vm = h.sim.world.get("vms", U.vmStopped3)!;
      const [root] = vm.allVolumes as Array<Record<string, unknown>>;
      h.sim.world.update("vms", vm.uuid, { allVolumes: [{ ...root, size: 500 * GiB, actualSize: 450 * GiB }] });
    }

    it("is computed in the background: the loop keeps turning, requests wait and then see Exported with the right md5Sum", async () => {
      growVm();
      const pkgUuid = "5e0c2a4b6d8f4a1c9e3b5d7f9a1c3e5b";
      const size = exportedOvaSize(450 * GiB, pkgUuid);
      assert.ok(size > 190 * 1024 * 1024, String(size));
      assert.equal(cachedOvaMd5(pkgUuid, size), undefined);
      const { jobPath } = await exportVm({
        vmUuid: U.vmStopped3,
        backupStorageUuid: U.bsImageStore,
        resourceUuid: pkgUuid,
      });
      h.sim.advance(2 * HOUR); // the export is due (50 min) long before its MD5 can be ready
      // a synchronous MD5 would have finished the export inside advance(); instead it is still pending
      assert.equal(h.sim.world.get("imagePackages", pkgUuid)!.state, "Exporting");
      const seenByOtherCallbacks = await new Promise<string>((resolve) =>
        setImmediate(() => resolve(h.sim.world.get("imagePackages", pkgUuid)!.state)),
      );
      assert.equal(seenByOtherCallbacks, "Exporting", "the event loop turned while the MD5 was being computed");
      // an HTTP request waits for it, and then sees the finished export
      const poll = await h.call("GET", jobPath);
      assert.equal(poll.status, 200, poll.text);
      const inv = poll.json().inventory;
      assert.equal(inv.state, "Exported");
      assert.equal(inv.size, size);
      assert.equal(inv.md5Sum, await streamedMd5(pkgUuid, size));
      assert.equal(inv.lastOpDate, (await h.query(`/v1/image-packages/${pkgUuid}`))[0].lastOpDate);
      assert.equal(cachedOvaMd5(pkgUuid, size), inv.md5Sum, "cached for later");
    });

    it("lets the control endpoint and settled() wait for it too", async () => {
      growVm();
      const pkgUuid = "6f1d3b5c7e9a4b2d8f4c6e8a0b2d4f6c";
      const { jobPath } = await exportVm({
        vmUuid: U.vmStopped3,
        backupStorageUuid: U.bsImageStore,
        resourceUuid: pkgUuid,
      });
      const advanced = await request(h.sim.url, "POST", "/_sim/clock/advance", { body: { duration: "2h" } });
      assert.equal(advanced.status, 200);
      const row = (await request(h.sim.url, "GET", `/_sim/world/imagePackages/${pkgUuid}`)).json();
      assert.equal(row.state, "Exported");
      assert.match(row.md5Sum, /^[0-9a-f]{32}$/);
      assert.equal((await h.call("GET", jobPath)).status, 200);

      // in process: advance(), then settled()
      await h.call("DELETE", `/v1/image-packages/${pkgUuid}`, { headers: h.auth() });
      h.sim.world.update("vms", U.vmStopped3, {
        allVolumes: [
          {
            ...(h.sim.world.get("vms", U.vmStopped3)!.allVolumes as Array<Record<string, unknown>>)[0],
            actualSize: 449 * GiB,
          },
        ],
      });
      const second = "7a2e4c6d8f0b4c3e9a5d7f9b1d3f5a7c";
      await exportVm({ vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore, resourceUuid: second });
      h.sim.advance(2 * HOUR);
      assert.equal(h.sim.world.get("imagePackages", second)!.state, "Exporting");
      await h.sim.settled();
      assert.equal(h.sim.world.get("imagePackages", second)!.state, "Exported");
    });

    it("does not let a management-node restart roll back an export that ended before it", async () => {
      growVm();
      const pkgUuid = "8b3f5d7e9a1c4d4f8b6e8a0c2e4a6b8d";
      const { jobPath } = await exportVm({
        vmUuid: U.vmStopped3,
        backupStorageUuid: U.bsImageStore,
        resourceUuid: pkgUuid,
      });
      h.sim.advance(2 * HOUR);
      h.sim.faults.restartManagementNode();
      assert.equal(h.sim.world.get("imagePackages", pkgUuid)!.state, "Exported");
      const poll = await h.call("GET", jobPath);
      assert.equal(poll.status, 200, poll.text);
      assert.equal(poll.json().inventory.md5Sum, await streamedMd5(pkgUuid, poll.json().inventory.size));
    });

    it("gives the same MD5 chunked as at once, for any size, sharing one computation", async () => {
      for (const [uuid, size, chunk] of [
        ["0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a", 1_000_003, 65_536],
        ["1e0f9a8b7c6d4e5f3a2b1c0d9e8f7a6b", 15, 4],
        ["2f1a0b9c8d7e4f6a4b3c2d1e0f9a8b7c", 3 * 1024 * 1024, 1024 * 1024],
      ] as const) {
        const a = ovaMd5Async(uuid, size, chunk);
        assert.equal(ovaMd5Async(uuid, size, chunk), a, "a second caller shares the computation");
        const hex = await a;
        assert.equal(hex, await streamedMd5(uuid, size));
        assert.equal(ovaMd5(uuid, size), hex);
        assert.equal(cachedOvaMd5(uuid, size), hex);
      }
    });
  });
});
