// `npm run bench preview-errors`: the wall time of a `pulumi preview` that fails on bad input in the program, on
// the real engine, against a simulator in this process: a misspelled lookup, a wrong password, a closed port, no
// endpoint, and a wrong endpoint in a program without lookups (the provider's check fails it). Next to it, the
// same program's successful preview. Each case is the median of a few runs (one in short mode). The messages
// themselves are asserted in test/e2e/preview-errors.test.ts; the times are only measured here.
//
//   npx ts-node --transpile-only bench/preview-errors.ts [--short]
import { SEED_CREDENTIALS, SEED_UUIDS as U, startSimulator } from "../simulator";
import { createConsumerProject, makeTempDir, removeDir, StackConfig, withStack } from "../test/e2e/harness";
import { byMode } from "./mode";
import { closedPort } from "../test/support/ports";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { V2vMigration, getHost, getL3NetworkOutput, getPrimaryStorageOutput, getVmInstance } from "pulumi-zstack-migration";

const cfg = new pulumi.Config("bench");
export = async () => {
  if (cfg.getBoolean("noLookups")) {
    new V2vMigration("web-01", {
      url: "vmware://${U.vmwareWeb01}", name: "web-01", cpuNum: 2, memorySize: 4 * 1024 ** 3,
      primaryStorageUuid: "${U.primaryStorage}", l3NetworkUuids: ["${U.l3Private}"],
    });
    return {};
  }
  const [source, host] = await Promise.all([
    getVmInstance({ name: cfg.require("source"), filters: { hypervisorType: "ESX" } }),
    getHost({ name: "kvm-host-3" }),
  ]);
  new V2vMigration("web-01", {
    url: \`vmware://\${source.uuid}\`,
    name: "web-01",
    primaryStorageUuid: getPrimaryStorageOutput({ name: "PS-Local" }).uuid,
    l3NetworkUuids: [getL3NetworkOutput({ name: "L3-Private" }).uuid],
    hostUuid: host.uuid,
  });
  return {};
};
`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface PreviewErrorTimes {
  /** case → median seconds */
  [name: string]: number;
}

export async function benchPreviewErrors(): Promise<PreviewErrorTimes> {
  const runs = byMode({ full: 3, short: 1 });
  const sim = await startSimulator({ port: 0, quiet: true });
  const dir = makeTempDir("bench-preview-errors");
  const project = await createConsumerProject(dir, { program: PROGRAM, language: "ts" });
  const good: StackConfig = {
    "zstack:endpoint": sim.url,
    "zstack:accountName": SEED_CREDENTIALS.accountName,
    "zstack:password": { value: SEED_CREDENTIALS.password, secret: true },
    "bench:source": "vmware-web-01",
  };
  const h = await withStack(project.dir, "bench-preview-errors", good);
  const port = await closedPort();
  const cases: Array<[string, StackConfig, boolean]> = [
    ["the program, previewing", {}, true],
    ["a misspelled lookup", { "bench:source": "vmware-web-1" }, false],
    ["a wrong password", { "zstack:password": { value: "not-the-password", secret: true } }, false],
    ["a closed port", { "zstack:endpoint": `http://127.0.0.1:${port}` }, false],
    ["no zstack:endpoint", { "zstack:endpoint": "" }, false],
    [
      "a wrong endpoint, no lookups",
      { "zstack:endpoint": `http://127.0.0.1:${port}`, "bench:noLookups": "true" },
      false,
    ],
  ];
  const times: PreviewErrorTimes = {};
  try {
    console.log(`preview-errors: pulumi preview wall time, median of ${runs} run(s)`);
    for (const [name, change, succeeds] of cases) {
      await h.setConfig({ ...good, ...change });
      if (change["zstack:endpoint"] === "") await h.stack.removeConfig("zstack:endpoint");
      const seconds: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = Date.now();
        const ok = await h.stack.preview().then(
          () => true,
          () => false,
        );
        seconds.push((Date.now() - t0) / 1000);
        if (ok !== succeeds) throw new Error(`preview-errors: "${name}" ${ok ? "previewed" : "failed"} unexpectedly`);
      }
      if (change["bench:noLookups"]) await h.stack.removeConfig("bench:noLookups");
      times[name] = median(seconds);
      console.log(`  ${name.padEnd(30)} ${times[name].toFixed(1)} s`);
    }
  } finally {
    await h.dispose();
    await sim.stop();
    removeDir(dir);
  }
  return times;
}

if (require.main === module) {
  benchPreviewErrors().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
