// tools/gen-sdk and what scripts/build-sdks.sh made with it from the plugin's schema: every resource,
// component and function of the schema is in the Python and the Go SDK, both carry the package's version
// (so that a program asks the engine for the plugin of that version), secrets stay secret in the Python
// SDK, and a schema that references another package is refused instead of loading it. The SDKs and the
// generator are built by ./test.sh (never here).
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtSdks, PACKAGE_VERSION } from "../e2e/plugin-programs";
import { REPO_ROOT } from "../e2e/harness";

const SCHEMA = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "provider", "hosts", "plugin", "zstack-schema.json"), "utf8"),
) as {
  resources: Record<string, unknown>;
  functions: Record<string, unknown>;
  language: { go: { importBasePath: string } };
};

/** `zstack:index:V2vMigration` → `V2vMigration`. */
const typeName = (token: string) => token.split(":")[2];
/** Python's module name of a type: `V2vMigration` → `v2v_migration`, `getL3Network` → `get_l3_network`. */
/** Python module names as Pulumi's Python generator makes them: `V2vMigration` → `v2v_migration`, `VCenter` → `v_center`. */
const snake = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
/** Go file names as Pulumi's Go generator makes them: the leading capitals lowered (`VCenter` → `vcenter`). */
const goFile = (name: string) => name.replace(/^[A-Z]+/, (m) => m.toLowerCase());

function generator(): string {
  return execFileSync("bash", [path.join(REPO_ROOT, "scripts", "build-sdks.sh"), "--check", "--generator"], {
    encoding: "utf8",
  }).trim();
}

describe("tools/gen-sdk: the SDKs generated from the plugin's schema", function () {
  this.timeout(60_000);
  const sdks = builtSdks();
  const read = (rel: string) => fs.readFileSync(path.join(sdks.dir, rel), "utf8");

  it("the Python SDK has every resource, component and function of the schema, at the package's version", () => {
    const init = read("python/pulumi_zstack/__init__.py");
    for (const token of Object.keys(SCHEMA.resources)) {
      const name = typeName(token);
      assert.ok(fs.existsSync(path.join(sdks.dir, "python", "pulumi_zstack", `${snake(name)}.py`)), token);
      assert.match(init, new RegExp(`from \\.${snake(name)} import \\*`), token);
    }
    for (const token of Object.keys(SCHEMA.functions))
      assert.match(init, new RegExp(`from \\.${snake(typeName(token))} import \\*`), token);
    assert.match(read("python/setup.py"), new RegExp(`VERSION = "${PACKAGE_VERSION}"`));
    assert.deepStrictEqual(JSON.parse(read("python/pulumi_zstack/pulumi-plugin.json")), {
      resource: true,
      name: "zstack",
      version: PACKAGE_VERSION,
    });
    assert.ok(
      fs.existsSync(sdks.wheel) && path.basename(sdks.wheel) === `pulumi_zstack-${PACKAGE_VERSION}-py3-none-any.whl`,
    );
  });

  it("the Python SDK marks the secret inputs secret", () => {
    assert.match(read("python/pulumi_zstack/v2v_migration.py"), /additional_secret_outputs=\[[^\]]*"sshPrivKey"/);
  });

  it("the Go SDK has every resource and function, in the module its go.mod names, at the package's version", () => {
    assert.strictEqual(sdks.goModule, path.posix.dirname(SCHEMA.language.go.importBasePath));
    const files = fs.readdirSync(path.join(sdks.goDir, "zstack")).join("\n");
    for (const token of Object.keys(SCHEMA.resources)) {
      const name = typeName(token);
      assert.match(read(`go/zstack/${goFile(name)}.go`), new RegExp(`func New${name}\\(`));
    }
    for (const token of Object.keys(SCHEMA.functions))
      assert.match(files, new RegExp(`^${typeName(token)}\\.go$`, "m"));
    assert.strictEqual(JSON.parse(read("go/zstack/pulumi-plugin.json")).version, PACKAGE_VERSION);
  });

  it("a schema that references another package is refused, naming it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pzm-gen-sdk-"));
    try {
      const schema = {
        name: "zstack",
        version: "0.0.1",
        resources: {
          "zstack:index:Thing": {
            inputProperties: {
              bucket: { $ref: "/aws/v6.0.0/schema.json#/resources/aws:s3%2Fbucket:Bucket" },
            },
          },
        },
      };
      fs.writeFileSync(path.join(dir, "schema.json"), JSON.stringify(schema));
      const r = spawnSync(
        generator(),
        ["-schema", path.join(dir, "schema.json"), "-language", "python", "-out", path.join(dir, "out")],
        { encoding: "utf8" },
      );
      assert.notStrictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /references package "aws"; gen-sdk loads no other package/);
      assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing is written");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
