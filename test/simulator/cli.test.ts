import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../simulator";
import { FLAGS, parseArgs } from "../../simulator/cli";
import { REPO_ROOT, request, SHA512_PASSWORD, spawnCli, spawnUntilListening, type CliProcess } from "./helpers";

/** The banner, a login and one API call against a started zstack-sim. */
async function checkServes(cli: CliProcess): Promise<void> {
  assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const out = cli.stdout();
  assert.ok(out.includes(`  API base        ${cli.url}/zstack/v1`), out);
  assert.ok(out.includes(`${C.accountName} / ${C.password}`), out);
  const login = await request(cli.url, "PUT", "/zstack/v1/accounts/login", {
    body: { logInByAccount: { accountName: C.accountName, password: SHA512_PASSWORD } },
  });
  assert.equal(login.status, 200, login.text);
  const zones = await request(cli.url, "GET", "/zstack/v1/zones", {
    headers: { Authorization: `OAuth ${login.json().inventory.uuid}` },
  });
  assert.equal(zones.json().inventories[0].uuid, U.zone);
}

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
      const zones = await request(cli.url, "GET", "/zstack/v1/zones", {
        headers: { Authorization: `OAuth ${login.json().inventory.uuid}` },
      });
      assert.equal(zones.json().inventories[0].uuid, U.zone);
      assert.equal(zones.headers["x-zstack-simulator"], "zstack-sim");
    } finally {
      cli.child.kill("SIGINT");
    }
    assert.equal(await cli.exited, 0);
  });

  it("prints only the listening line with --quiet and honours the other flags", async () => {
    const cli = await spawnCli([
      "--port",
      "0",
      "--quiet",
      "--advertised-host",
      "mn.example:8080",
      "--v2v-duration",
      "90s",
      "--speed",
      "2",
      "--random-seed",
      "5",
    ]);
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
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "simulator/cli.ts"), "--bogus"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
      },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /unknown argument "--bogus"/);
    assert.match(err, /usage: zstack-sim/);
  });

  it("runs the built bin: `tsc -p` output started with node, and through npx by the package.json bin", async function () {
    this.timeout(240_000);
    // A package laid out like this repository once built: its package.json name and bin, and the
    // simulator compiled by tsc with the repository's tsconfig.json compiler options. It lives in a
    // temporary directory, so the repository's own dist/ (which `npx zstack-sim` from the root runs,
    // and which other work may be rebuilding) is neither needed nor touched.
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const binRel: string = pkg.bin["zstack-sim"];
    assert.equal(binRel, "dist/simulator/cli.js");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zstack-sim-bin-"));
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: pkg.name, version: pkg.version, bin: pkg.bin }),
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: path.join(REPO_ROOT, "tsconfig.json"),
        compilerOptions: {
          rootDir: REPO_ROOT,
          outDir: path.join(dir, "dist"),
          typeRoots: [path.join(REPO_ROOT, "node_modules/@types")],
          declaration: false,
          declarationMap: false,
          sourceMap: false,
        },
        include: [path.join(REPO_ROOT, "simulator/**/*.ts")],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(dir, "tsconfig.json")],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
    const bin = path.join(dir, binRel);
    assert.match(fs.readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/);

    const direct = await spawnUntilListening(process.execPath, [bin, "--port", "0"], { cwd: dir });
    try {
      await checkServes(direct);
    } finally {
      direct.child.kill("SIGINT");
    }
    assert.equal(await direct.exited, 0);

    // `npx zstack-sim` resolves the package's own bin; `--no` forbids fetching anything from a registry
    const npxDir = path.dirname(process.execPath);
    const npx = fs.existsSync(path.join(npxDir, "npx")) ? path.join(npxDir, "npx") : "npx";
    const viaNpx = await spawnUntilListening(npx, ["--no", "--", "zstack-sim", "--port", "0"], {
      cwd: dir,
      detached: true,
      timeoutMs: 60_000,
    });
    try {
      await checkServes(viaNpx);
    } finally {
      process.kill(-viaNpx.child.pid!, "SIGTERM"); // npx and the node it started: the group we created
    }
    await viaNpx.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("parses flags, including inline values and durations", () => {
    assert.deepEqual(
      parseArgs([
        "--port=0",
        "--host",
        "0.0.0.0",
        "--state",
        "s.json",
        "--seed",
        "seed.json",
        "--ova-duration",
        "2m",
        "--session-timeout",
        "60",
      ]),
      {
        port: 0,
        host: "0.0.0.0",
        statePath: "s.json",
        seed: "seed.json",
        sessionTimeoutSeconds: 60,
        jobDurations: { ovaMs: 120_000 },
      },
    );
    assert.deepEqual(parseArgs(["--no-sim-header", "--port", "1"]), { simulatorHeader: false, port: 1 });
    assert.equal(parseArgs(["--port", "1"]).simulatorHeader, undefined, "the header is on by default");
  });

  it("leaves the X-ZStack-Simulator header out with --no-sim-header", async () => {
    const cli = await spawnCli(["--port", "0", "--quiet", "--no-sim-header"]);
    try {
      const r = await request(cli.url, "GET", "/zstack/v1/no-such-thing");
      assert.equal(r.status, 404);
      assert.equal(r.headers["x-zstack-simulator"], undefined);
      assert.equal((await request(cli.url, "GET", "/_sim/status")).headers["x-zstack-simulator"], undefined);
    } finally {
      cli.child.kill("SIGTERM");
    }
    assert.equal(await cli.exited, 0);
  });
  it("--help lists every flag with its default, exactly as the flag table of docs/simulator.md does", () => {
    const r = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "simulator/cli.ts"), "--help"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    // docs/simulator.md's table: | `--flag ARG` | default | meaning |, code spans stripped.
    const readme = fs.readFileSync(path.join(REPO_ROOT, "docs", "simulator.md"), "utf8");
    const table = readme.slice(readme.indexOf("| Flag | Default | Meaning |"));
    const rows = table
      .split("\n")
      .slice(2)
      .filter((l) => l.startsWith("| `--"));
    const documented = rows.map((l) => {
      const [flag, def] = l.split(" | ").map((c) => c.replace(/^\| /, "").replace(/`/g, ""));
      return { flag, default: def };
    });
    assert.deepEqual(
      documented,
      FLAGS.map((f) => ({ flag: f.flag, default: f.default })),
    );
    for (const f of FLAGS) {
      const line = r.stdout.split("\n").find((l) => l.startsWith(`  ${f.flag} `));
      assert.ok(line, `--help does not list ${f.flag}:\n${r.stdout}`);
      assert.ok(line.endsWith(`[default: ${f.default}]`), line);
    }
    // ... and the table covers every flag the parser accepts.
    const source = fs.readFileSync(path.join(REPO_ROOT, "simulator/cli.ts"), "utf8");
    const parsed = [...source.matchAll(/case "(--[a-z0-9-]+)":/g)]
      .map((m) => m[1])
      .filter((f) => f !== "--help")
      .sort();
    assert.deepEqual(parsed, FLAGS.map((f) => f.flag.split(" ")[0]).sort());
  });
});
