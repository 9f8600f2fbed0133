// temporary: captures the gitops example's PR preview and report for its README (not committed)
import * as fs from "fs";
import * as path from "path";
import { startSimulator } from "../simulator";
import { createConsumerProject, withStack, REPO_ROOT } from "../test/e2e/harness";

async function main() {
  const sim = await startSimulator({ port: 0, speed: 300, jobDurations: {}, quiet: true });
  sim.addVmwareVms({ count: 1, prefix: "vmware-web", start: 3, diskBytes: 60 * 1024 ** 3 });
  const dir = "/tmp/exrun/proj";
  fs.rmSync(dir, { recursive: true, force: true });
  const ex = path.join(REPO_ROOT, "examples/gitops-migrations");
  const files: Record<string, string> = { "wave.yaml": fs.readFileSync(path.join(ex, "wave.yaml"), "utf8"), "tsconfig.json": fs.readFileSync(path.join(ex, "tsconfig.json"), "utf8") };
  await createConsumerProject(dir, { program: fs.readFileSync(path.join(ex, "index.ts"), "utf8"), language: "ts", typescript: "ts-node", files, projectName: "zstack-gitops-migrations" });
  const h = await withStack(dir, "prod", { "zstack:endpoint": sim.url, "zstack:accountName": "admin", "zstack:password": { value: "password", secret: true } });
  const up = await h.stack.up({});
  fs.writeFileSync("/tmp/exrun/up.txt", up.stdout);
  fs.writeFileSync("/tmp/exrun/report.md", (await h.outputs()).report);
  // the pull request: one more VM, and a CPU change on a migrated one
  let wave = files["wave.yaml"];
  wave = wave.replace("  - source: vmware-web-02\n    name: web-02\n", "  - source: vmware-web-02\n    name: web-02\n    cpuNum: 4\n  - source: vmware-web-03\n    name: web-03\n");
  fs.writeFileSync(path.join(dir, "wave.yaml"), wave);
  try {
    const pre = await h.stack.preview({});
    fs.writeFileSync("/tmp/exrun/preview.txt", pre.stdout);
  } catch (e) {
    fs.writeFileSync("/tmp/exrun/preview.txt", String((e as Error).message));
  }
  fs.writeFileSync(path.join(dir, "wave.yaml"), wave.replace("    cpuNum: 4\n", ""));
  const pre2 = await h.stack.preview({ diff: false });
  fs.writeFileSync("/tmp/exrun/preview2.txt", pre2.stdout);
  await h.stack.destroy({});
  await h.dispose();
  await sim.stop();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
