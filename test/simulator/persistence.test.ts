import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED_UUIDS as U, startSimulator } from "../../simulator";
import { atomicWriteHooks, readSnapshotFile, writeFileAtomicSync } from "../../simulator/world/persistence";
import { Harness, HOUR, MINUTE, request, SHA512_PASSWORD, spawnCli, v2vParams } from "./helpers";

function tmpState(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zstack-sim-state-")), "world.json");
}

const convert = { params: v2vParams() };

describe("simulator persistence", () => {
  it("keeps the world across a restart, which counts as a management-node restart", async () => {
    const file = tmpState();
    let h = await Harness.start({ statePath: file });
    const sid = await h.login();
    const job = (await h.async("POST", "/v1/v2vs", convert)).json().inventory;
    await h.submit("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
    });
    h.sim.advance(HOUR);
    const runningJob = (await h.async("POST", "/v1/v2vs", { params: { ...convert.params, name: "second" } })).json()
      .inventory;
    h.sim.advance(5 * MINUTE);
    const { jobPath: pendingExport } = await h.submit("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore },
    });
    const [pkg] = await h.query(`/v1/image-packages?q=vmUuid=${U.vmStopped}`);
    const savedNow = h.sim.now();
    await h.stop();
    const saved = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.equal(saved.format, "zstack-sim-world");

    h = await Harness.start({ statePath: file });
    try {
      h.session = sid;
      assert.equal(h.sim.now(), savedNow, "a manual clock resumes at the saved time");
      assert.equal((await h.get("/v1/zones")).status, 200, "sessions survive");
      assert.equal((await h.query(`/v1/longjobs/${job.uuid}`))[0].state, "Succeeded");
      assert.equal((await h.query(`/v1/longjobs/${runningJob.uuid}`))[0].state, "Suspended");
      assert.equal((await h.call("GET", pendingExport)).status, 503, "pending api-jobs failed with the restart");
      assert.equal(
        (await h.query(`/v1/image-packages?q=vmUuid=${U.vmStopped2}`)).length,
        0,
        "the unfinished export was rolled back",
      );
      const [again] = await h.query(`/v1/image-packages/${pkg.uuid}`);
      assert.equal(again.exportUrl, pkg.exportUrl.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${h.sim.port}`));
      const dl = await request(again.exportUrl, "GET", new URL(again.exportUrl).pathname);
      assert.equal(dl.status, 200);
      assert.equal(createHash("md5").update(dl.raw).digest("hex"), pkg.md5Sum);
      const resumed = await h.async("PUT", `/v1/longjobs/${runningJob.uuid}/actions`, { resumeLongJob: {} });
      assert.equal(resumed.json().inventory.state, "Running");
      h.sim.advance(15 * MINUTE);
      assert.equal((await h.query(`/v1/longjobs/${runningJob.uuid}`))[0].state, "Succeeded");
    } finally {
      await h.stop();
    }
  });

  it("serves the same bytes after a restart", async () => {
    const file = tmpState();
    let h = await Harness.start({ statePath: file, jobDurations: { ovaMs: 1000 } });
    await h.login();
    await h.submit("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore },
    });
    h.sim.advance(1000);
    const [pkg] = await h.query("/v1/image-packages");
    await h.stop();
    h = await Harness.start({ statePath: file });
    try {
      await h.login();
      const [again] = await h.query("/v1/image-packages");
      assert.equal(again.md5Sum, pkg.md5Sum);
      const dl = await request(again.exportUrl, "GET", new URL(again.exportUrl).pathname);
      assert.equal(dl.raw.length, pkg.size);
      assert.equal(createHash("md5").update(dl.raw).digest("hex"), pkg.md5Sum);
    } finally {
      await h.stop();
    }
  });

  it("replaces the file atomically and ignores a leftover temp file", async () => {
    const file = tmpState();
    writeFileAtomicSync(file, '{"a":1}');
    writeFileAtomicSync(file, '{"a":2}');
    assert.equal(fs.readFileSync(file, "utf8"), '{"a":2}');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["world.json"]);
    // a crash during a write leaves only a partial temp file next to the last complete state
    const sim = await startSimulator({
      port: 0,
      manualClock: true,
      statePath: file.replace("world.json", "w2.json"),
      quiet: true,
    });
    await sim.stop();
    const good = file.replace("world.json", "w2.json");
    fs.writeFileSync(path.join(path.dirname(good), ".w2.json.tmp-99999"), '{"format":"zstack-sim-world","tab');
    const again = await startSimulator({ port: 0, manualClock: true, statePath: good, quiet: true });
    try {
      assert.equal(again.world.list("zones").length, 1);
    } finally {
      await again.stop();
    }
  });

  it("keeps the previous file intact when a write fails between the temp file and the rename", () => {
    const file = tmpState();
    writeFileAtomicSync(file, '{"a":1}');
    const seen: Array<{ tmp: string; text: string }> = [];
    atomicWriteHooks.beforeRename = (tmp, target) => {
      assert.equal(target, file);
      seen.push({ tmp, text: fs.readFileSync(tmp, "utf8") });
      throw new Error("disk full (injected)");
    };
    try {
      assert.throws(() => writeFileAtomicSync(file, '{"a":2}'), /disk full \(injected\)/);
    } finally {
      delete atomicWriteHooks.beforeRename;
    }
    // the new content was complete in a separate temp file in the same directory, never in the target
    assert.equal(seen.length, 1, "the write went through a temporary file");
    assert.notEqual(seen[0].tmp, file);
    assert.equal(path.dirname(seen[0].tmp), path.dirname(file));
    assert.equal(seen[0].text, '{"a":2}');
    assert.equal(fs.readFileSync(file, "utf8"), '{"a":1}');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["world.json"], "the temp file is cleaned up");
  });

  it("keeps a loadable state file when the simulator's own write fails before the rename", async () => {
    const file = tmpState();
    const h = await Harness.start({ statePath: file });
    let failures = 0;
    try {
      await h.login();
      await h.stop(); // flushes: the file now holds one session
      const sim = await startSimulator({ port: 0, manualClock: true, statePath: file, quiet: true });
      const good = fs.readFileSync(file, "utf8"); // as rewritten on start (an MN restart)
      atomicWriteHooks.beforeRename = () => {
        failures++;
        throw new Error("EIO (injected)");
      };
      try {
        sim.world.insert("zones", { uuid: "0123456789abcdef0123456789abcdef", name: "never-saved" });
        await assert.rejects(sim.stop(), /EIO \(injected\)/);
      } finally {
        delete atomicWriteHooks.beforeRename;
      }
      assert.ok(failures >= 1);
      assert.equal(fs.readFileSync(file, "utf8"), good, "the previous complete file is untouched");
      const snap = readSnapshotFile(file);
      assert.equal(snap.tables.sessions?.length, 1);
      assert.ok(!snap.tables.zones?.some((z) => z.name === "never-saved"));
      const again = await startSimulator({ port: 0, manualClock: true, statePath: file, quiet: true });
      try {
        assert.equal(again.world.list("sessions").length, 1);
      } finally {
        await again.stop();
      }
    } finally {
      delete atomicWriteHooks.beforeRename;
    }
  });

  it("refuses to start from a corrupt state file instead of silently replacing it", async () => {
    const file = tmpState();
    fs.writeFileSync(file, "{oops");
    await assert.rejects(startSimulator({ port: 0, statePath: file, quiet: true }), /is not valid JSON/);
  });

  it("leaves a valid state file when the process is killed mid-write", async function () {
    this.timeout(120_000);
    const file = tmpState();
    for (let round = 0; round < 3; round++) {
      const cli = await spawnCli(["--port", "0", "--quiet", "--state", file, "--random-seed", String(round)]);
      const login = await request(cli.url, "PUT", "/zstack/v1/accounts/login", {
        body: { logInByAccount: { accountName: "admin", password: SHA512_PASSWORD } },
      });
      const auth = { Authorization: `OAuth ${login.json().inventory.uuid}` };
      // keep the world changing (a write every ~200 ms) and kill at a different moment each round
      let stop = false;
      const load = (async () => {
        while (!stop) {
          await request(cli.url, "POST", "/zstack/v1/v2vs", {
            body: { params: { ...convert.params, name: `w${round}` } },
            headers: auth,
          }).catch(() => undefined);
        }
      })();
      await new Promise((r) => setTimeout(r, 300 + round * 170));
      cli.child.kill("SIGKILL");
      stop = true;
      await load;
      await cli.exited;
      const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
      assert.equal(parsed.format, "zstack-sim-world");
      assert.ok(parsed.tables.longJobs.length > 0, `round ${round}: jobs were persisted`);
    }
    const sim = await startSimulator({ port: 0, statePath: file, quiet: true });
    try {
      assert.ok(
        sim.world.list("longJobs").every((j) => j.state !== "Running"),
        "restarted jobs are Suspended",
      );
    } finally {
      await sim.stop();
    }
  });

  it("flushes the state on SIGTERM", async function () {
    this.timeout(60_000);
    const file = tmpState();
    const cli = await spawnCli(["--port", "0", "--quiet", "--state", file]);
    const login = await request(cli.url, "PUT", "/zstack/v1/accounts/login", {
      body: { logInByAccount: { accountName: "admin", password: SHA512_PASSWORD } },
    });
    assert.equal(login.status, 200);
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.ok(parsed.tables.sessions.some((s: { uuid: string }) => s.uuid === login.json().inventory.uuid));
  });
});

describe("simulator restart from a state file in real time", () => {
  it("does not progress jobs while the simulator was down", async () => {
    const file = tmpState();
    let t = Date.UTC(2030, 0, 1);
    let h = await Harness.start({ statePath: file, manualClock: false, clock: { now: () => t } });
    await h.login();
    const job = (await h.async("POST", "/v1/v2vs", convert)).json().inventory;
    t += 10 * MINUTE;
    await h.stop();
    t += 10 * HOUR; // down for ten hours
    h = await Harness.start({ statePath: file, manualClock: false, clock: { now: () => t } });
    try {
      await h.login();
      const [j] = await h.query(`/v1/longjobs/${job.uuid}`);
      assert.equal(j.state, "Suspended");
      assert.equal((await h.query(`/v1/task-progresses/${job.apiId}`))[0].content, "50");
    } finally {
      await h.stop();
    }
  });
});
