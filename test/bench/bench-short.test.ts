// Every benchmark of `npm run bench`, run as `npm run bench -- --short <name>` runs it (bench/index.ts
// in a process of its own, on the compiled package that ./test.sh builds): it completes and prints
// its figures. A short run's figures mean nothing, so no figure is compared with anything.
import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { BENCHMARKS } from "../../bench/index";
import { MIN } from "../e2e/fixture";
import { REPO_ROOT } from "../e2e/harness";

/** What each benchmark prints: a pattern per line of figures (any values). */
const FIGURES: Record<string, RegExp[]> = {
  simulator: [
    /^simulator: [\d,]+ req\/s sustained on loopback$/m,
    /^ {2}latency p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms; errors 0$/m,
  ],
  polling: [
    /^ {2}V2vMigration provider : \d+ requests to ZStack, completion noticed [\d.]+ s after the job ended, \d+ progress lines$/m,
    /^ {2}naive 1 s poller {6}: \d+ requests to ZStack, completion noticed [\d.]+ s after the job ended/m,
    /^ {2}=> \d+x fewer requests/m,
    /^ {2}OvaPackage, .* export: \d+ requests, completion noticed [\d.]+ s after the export ended$/m,
  ],
  verify: [
    /^ {2} *\d+ MiB {2}size +[\d.]+ s +– +\d+ MiB$/m,
    /^ {2} *\d+ MiB {2}md5 +[\d.]+ s +\d+ MiB\/s +\d+ MiB$/m,
    /^ {2}peak RSS \(md5\) from a \d+ MiB to a \d+ MiB file: [+-][\d.]+ MiB/m,
  ],
  // the dynamic host, the plugin and the baseline, in that order
  scale: [
    /^ +dynamic host +plugin host +baseline /m,
    /^ {2}up +wall +[\d.]+ s +[\d.]+ s +[\d.]+ s$/m,
    /^ {2}refresh +wall +[\d.]+ s +[\d.]+ s +[\d.]+ s$/m,
    /^ {2}destroy +wall +[\d.]+ s +[\d.]+ s +[\d.]+ s$/m,
    /^ {2}state +bytes\/resource \d+ +\d+ +\d+$/m,
    /^ {2}plugin vs dynamic: up [\d.]+x, refresh [\d.]+x, destroy [\d.]+x; state [\d.]+x/m,
    /^ {4}dynamic up +\d+ = [\d.]+ per resource/m,
    /^ {4}plugin up +\d+ = [\d.]+ per resource/m,
    /^ {2}engine alone with the dynamic host's state size/m,
    /^ {2}markdown row: \| [\d-]+ \| dynamic \|.*\|$/m,
    /^ {2}markdown row: \| [\d-]+ \| plugin \|.*\|$/m,
  ],
  plan: [
    /^ {2}preview of \d+ VMs: \d+ requests to ZStack$/m,
    /^ {2}wave: \d+ conversions in [\d.]+ simulated minutes; lower bound .* [\d.]+× the bound/m,
    /^ {2}mean hand-off: [\d.]+ s real .* requests to ZStack during the up: \d+, of which \d+ for the in-flight slots/m,
    /^ {2}highest concurrency per conversion host: .*\(maxInFlight \d+\)$/m,
  ],
  "preview-errors": [
    /^ {2}the program, previewing +[\d.]+ s$/m,
    /^ {2}a misspelled lookup +[\d.]+ s$/m,
    /^ {2}a wrong password +[\d.]+ s$/m,
    /^ {2}a closed port +[\d.]+ s$/m,
    /^ {2}no zstack:endpoint +[\d.]+ s$/m,
    /^ {2}a wrong endpoint, no lookups +[\d.]+ s$/m,
  ],
};

/** `node bench/index.ts --short <name>` (as npm run bench does it, minus the build): exit code and output. */
function runShort(name: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), path.join("bench", "index.ts"), "--short", name],
      { cwd: REPO_ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("bench: every benchmark completes in short mode and prints its figures", function () {
  this.timeout(15 * MIN);

  it("every benchmark of npm run bench is run here", () => {
    assert.deepStrictEqual(Object.keys(FIGURES).sort(), Object.keys(BENCHMARKS).sort());
  });

  for (const [name, figures] of Object.entries(FIGURES)) {
    it(`${name}`, async () => {
      const { code, out } = await runShort(name);
      assert.strictEqual(code, 0, `npm run bench -- --short ${name} failed:\n${out.slice(-8000)}`);
      for (const figure of figures) assert.match(out, figure, `figure missing from:\n${out.slice(-8000)}`);
    });
  }
});
