// The README's first command, run as written: `./quickstart.sh` (up + outputs), again (no
// changes), `./quickstart.sh destroy`; and the rule that the simulator is never used silently.
// Only the backend, the stack name, the simulator's port and its state directory are redirected to
// temporary places so the run does not touch a developer's own quickstart stack.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { startSimulator } from "../../simulator";
import { REPO_ROOT } from "./harness";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    for (const k of Object.keys(base)) if (k.startsWith("ZSTACK_") || k.startsWith("PULUMI_")) delete base[k];
    const child = spawn("bash", [path.join(REPO_ROOT, "quickstart.sh"), ...args], {
      cwd: REPO_ROOT,
      env: { ...base, ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The JSON printed after "==> Stack outputs". */
function outputsOf(out: string): any {
  const i = out.lastIndexOf("==> Stack outputs");
  assert.ok(i >= 0, `no outputs printed:\n${out.slice(-4000)}`);
  return JSON.parse(out.slice(out.indexOf("{", i)));
}

describe("e2e: ./quickstart.sh", function () {
  this.timeout(10 * 60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pzm-quickstart-"));
  let env: Record<string, string>;

  before(async () => {
    fs.mkdirSync(path.join(tmp, "backend"));
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(tmp, "backend")}`,
      PULUMI_HOME: path.join(tmp, "home"),
      QUICKSTART_STACK: "ci",
      ZSTACK_SIM_PORT: String(await freePort()),
      ZSTACK_SIM_STATE_DIR: path.join(tmp, "sim"),
    };
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(path.join(REPO_ROOT, `Pulumi.${env.QUICKSTART_STACK}.yaml`), { force: true });
  });

  it("registers its conversion host, migrates the VMs by name and exports the OVA on the embedded simulator, and prints the outputs", async () => {
    const { code, out } = await run([], env);
    assert.strictEqual(code, 0, out.slice(-6000));
    assert.match(out, /using the embedded ZStack simulator at http:\/\/127\.0\.0\.1:\d+/);
    const o = outputsOf(out);
    assert.deepStrictEqual(Object.keys(o.migratedVms).sort(), ["db-01", "web-01", "web-02"]);
    for (const uuid of Object.values(o.migratedVms)) assert.match(String(uuid), /^[0-9a-f]{32}$/);
    assert.deepStrictEqual(Object.values(o.migrationStates), ["Succeeded", "Succeeded", "Succeeded"]);
    assert.match(o.ovaExportUrl, new RegExp(`^http://127\\.0\\.0\\.1:${env.ZSTACK_SIM_PORT}/`));
    assert.match(o.ovaMd5Sum, /^[0-9a-f]{32}$/);
    assert.ok(o.ovaSize > 0);
    // its own conversion host, on the seeded free KVM host, found by name
    assert.match(String(o.conversionHostUuid), /^[0-9a-f]{32}$/);
  });

  it("a second run changes nothing (the simulator's world persisted)", async () => {
    const { code, out } = await run([], env);
    assert.strictEqual(code, 0, out.slice(-6000));
    assert.match(out, /\b6 unchanged\b/);
  });

  it("./quickstart.sh destroy tears the stack down", async () => {
    const { code, out } = await run(["destroy"], env);
    assert.strictEqual(code, 0, out.slice(-6000));
    assert.match(out, /\b6 deleted\b/);
  });

  it("with an endpoint configured it uses that endpoint and starts no simulator (preview of a fresh stack checks against it)", async () => {
    const sim = await startSimulator({ port: 0, quiet: true });
    try {
      sim.stats.reset();
      const { code, out } = await run(["preview"], {
        ...env,
        ZSTACK_ENDPOINT: sim.url,
        ZSTACK_ACCOUNT_NAME: "admin",
        ZSTACK_ACCOUNT_PASSWORD: "password",
      });
      assert.strictEqual(code, 0, out.slice(-6000));
      assert.match(
        out,
        new RegExp(
          `Using the ZStack endpoint from the environment: ${sim.url.replace(/\./g, "\\.")} \\(no simulator\\)`,
        ),
      );
      assert.doesNotMatch(out, /embedded ZStack simulator/);
      assert.ok(sim.stats.requests > 0, "the configured endpoint was used");
    } finally {
      await sim.stop();
    }
  });
});
