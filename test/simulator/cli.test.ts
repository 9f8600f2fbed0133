import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../simulator";
import { parseArgs } from "../../simulator/cli";
import { REPO_ROOT, request, SHA512_PASSWORD, spawnCli } from "./helpers";

describe("zstack-sim CLI", function () {
  this.timeout(60_000);

  it("prints the base URL and the default credentials, serves the API, and exits cleanly on SIGINT", async () => {
    const cli = await spawnCli(["--port", "0"]);
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const out = cli.stdout();
      assert.ok(out.includes(`${C.accountName} / ${C.password}`), out);
      assert.ok(out.includes(C.accessKeyId), out);
      assert.ok(!out.includes(C.accessKeySecret), "the secret is not printed");
      const login = await request(cli.url, "PUT", "/zstack/v1/accounts/login", {
        body: { logInByAccount: { accountName: C.accountName, password: SHA512_PASSWORD } },
      });
      assert.equal(login.status, 200);
      const zones = await request(cli.url, "GET", "/zstack/v1/zones", { headers: { Authorization: `OAuth ${login.json().inventory.uuid}` } });
      assert.equal(zones.json().inventories[0].uuid, U.zone);
      assert.equal(zones.headers["x-zstack-simulator"], "zstack-sim");
    } finally {
      cli.child.kill("SIGINT");
    }
    assert.equal(await cli.exited, 0);
  });

  it("prints only the listening line with --quiet and honours the other flags", async () => {
    const cli = await spawnCli(["--port", "0", "--quiet", "--advertised-host", "mn.example:8080", "--v2v-duration", "90s", "--speed", "2", "--random-seed", "5"]);
    try {
      assert.equal(cli.stdout().trim().split("\n").length, 1);
      const status = (await request(cli.url, "GET", "/_sim/status")).json();
      assert.equal(status.advertisedHost, "mn.example:8080");
      assert.deepEqual(status.jobDurations, { v2vMs: 90_000 });
      assert.equal(status.clock, "speed x2");
    } finally {
      cli.child.kill("SIGTERM");
    }
    assert.equal(await cli.exited, 0);
  });

  it("rejects unknown flags with a usage message and exit code 2", async () => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "simulator/cli.ts"), "--bogus"], {
      cwd: REPO_ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /unknown argument "--bogus"/);
    assert.match(err, /usage: zstack-sim/);
  });

  it("parses flags, including inline values and durations", () => {
    assert.deepEqual(
      parseArgs(["--port=0", "--host", "0.0.0.0", "--state", "s.json", "--seed", "seed.json", "--ova-duration", "2m", "--session-timeout", "60"]),
      { port: 0, host: "0.0.0.0", statePath: "s.json", seed: "seed.json", sessionTimeoutSeconds: 60, jobDurations: { ovaMs: 120_000 } },
    );
  });
});
