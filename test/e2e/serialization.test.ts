// Each provider loaded the way the engine loads it, from an `npm pack` install: serialize the
// provider in one process (as `pulumi.dynamic.Resource` does), then in a fresh process
// `require-from-string` the text and call `.handler()` (as @pulumi/pulumi/cmd/dynamic-provider
// does), configure it from namespaced stack config and call its methods against the simulator.
import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as path from "path";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture } from "./fixture";
import { PACKAGE_NAME } from "./harness";

const PROVIDERS = ["v2v-migration", "ova-package"];
const SECRET = "serialization-Secr3t-5e1f";

const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
// Credentials exist in this process (env and a module-level variable) while serializing: none may
// end up in the serialized text.
process.env.ZSTACK_ACCOUNT_PASSWORD = ${JSON.stringify(SECRET)};
(async () => {
  const out = {};
  for (const name of ${JSON.stringify(PROVIDERS)}) {
    const provider = require("${PACKAGE_NAME}/dist/provider/providers/" + name + ".js");
    const s = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    out[name] = { text: s.text, exportName: s.exportName, containsSecrets: s.containsSecrets };
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// Runs in a fresh process with cwd = the consumer project, like the provider plugin.
const LOAD_AND_CALL = `
const requireFromString = require("@pulumi/pulumi/node_modules/require-from-string/index.js");
const [text, endpoint, name] = process.argv.slice(2);
const config = { "zstack:endpoint": endpoint, "zstack:accountName": "admin", "zstack:password": "password" };
(async () => {
  const provider = requireFromString(require("fs").readFileSync(text, "utf8")).handler();
  await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
  const result = {};
  if (name === "ova-package") {
    result.checkBad = await provider.check({}, { vmUuid: "not-a-uuid", backupStorageUuid: "${U.bsSftp}" });
    result.checkGood = await provider.check({}, { vmUuid: "${U.vmStopped}", backupStorageUuid: "${U.bsImageStore}" });
    result.read = await provider.read("0123456789abcdef0123456789abcdef", {});
  } else {
    result.checkBad = await provider.check({}, { url: "vmware://${U.vmwareWeb01}", name: "x", cpuNum: 0, memorySize: 1, primaryStorageUuid: "${U.primaryStorage}", l3NetworkUuids: [] });
    result.read = await provider.read("0123456789abcdef0123456789abcdef", {});
  }
  // exit explicitly: the client's keep-alive agent would keep the process alive
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`;

function resolveRequireFromString(dir: string): string {
  // require-from-string is a dependency of @pulumi/pulumi; npm may hoist it
  for (const p of [
    "node_modules/@pulumi/pulumi/node_modules/require-from-string",
    "node_modules/require-from-string",
  ]) {
    if (fs.existsSync(path.join(dir, p, "index.js"))) return path.join(dir, p, "index.js");
  }
  throw new Error("require-from-string not found next to @pulumi/pulumi");
}

describe("packaging: providers serialized and loaded the way the engine does", function () {
  this.timeout(120_000);
  const fx = e2eFixture({
    stack: "serialize",
    project: { program: "module.exports = {};\n", files: { "serialize.js": SERIALIZE } },
    stackless: true,
  });
  let serialized: Record<string, { text: string; exportName: string; containsSecrets: boolean }>;

  before(() => {
    const node = process.execPath;
    serialized = JSON.parse(execFileSync(node, ["serialize.js"], { cwd: fx.project.dir, encoding: "utf8" }));
    fs.writeFileSync(
      path.join(fx.project.dir, "load.js"),
      LOAD_AND_CALL.replace(
        'require("@pulumi/pulumi/node_modules/require-from-string/index.js")',
        `require(${JSON.stringify(resolveRequireFromString(fx.project.dir))})`,
      ),
    );
  });

  for (const name of PROVIDERS) {
    describe(name, () => {
      it("__provider is a small require of the installed package, with no code and no secrets", () => {
        const s = serialized[name];
        assert.strictEqual(s.exportName, "handler");
        assert.strictEqual(s.containsSecrets, false);
        assert.ok(s.text.length < 1024, `__provider is ${s.text.length} bytes`);
        assert.ok(s.text.includes(`require("${PACKAGE_NAME}/dist/provider/providers/${name}.js")`), s.text);
        assert.ok(!s.text.includes(SECRET), "a credential was captured");
        assert.doesNotMatch(s.text, /fetch|createHash|ZStack/, "provider code was serialized by value");
      });

      it("loads in a fresh process from the npm-pack install, configures from zstack:* config and answers check/read against the simulator", async () => {
        const textFile = path.join(fx.project.dir, `${name}.provider.js`);
        fs.writeFileSync(textFile, serialized[name].text);
        fx.sim.stats.reset();
        // asynchronously: the simulator it calls runs in this process
        const { stdout } = await promisify(execFile)(process.execPath, ["load.js", textFile, fx.sim.url, name], {
          cwd: fx.project.dir,
          encoding: "utf8",
        });
        // the result is the last line: the provider's own lines (a warning of check) come before it
        const out = JSON.parse(stdout.trim().split("\n").pop()!);
        const props = (out.checkBad.failures || []).map((f: any) => f.property).sort();
        if (name === "ova-package") {
          assert.ok(props.includes("vmUuid"), JSON.stringify(out.checkBad));
          assert.deepStrictEqual(out.checkGood.failures ?? [], []);
        } else {
          assert.ok(props.includes("cpuNum") && props.includes("l3NetworkUuids"), JSON.stringify(out.checkBad));
        }
        assert.strictEqual(out.read.id, undefined, "a uuid unknown to ZStack reads as gone");
        assert.ok(fx.sim.stats.requests > 0, "the loaded provider talked to the configured endpoint");
      });
    });
  }
});
