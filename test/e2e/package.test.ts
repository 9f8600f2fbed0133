// What a user gets from the published package: the files `npm pack` puts in the tarball, and the
// entry points of the `exports` map, exercised from the packed tarball installed by a real
// `npm install` into an empty project (CommonJS `require`, ESM `import`, TypeScript under the old
// and the new module resolutions, the zstack-sim bin), plus the `__provider` texts that stacks
// recorded with 0.1.0, which must keep loading in every later version.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, packPackage, PACKAGE_NAME, REPO_ROOT, removeDir, SDK_VERSION } from "./harness";

/** `__provider` texts exactly as stacks recorded them (see the fixture directory's versions). */
const RECORDED = path.join(__dirname, "fixtures/recorded-providers");
const PROVIDER_METHODS = ["check", "diff", "create", "read", "update", "delete", "configure"];

function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
}

/** Runs `node -e`/a file in `cwd`; returns stdout, throws with stderr on failure. */
function node(cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe("package: tarball contents (npm pack --dry-run --json)", function () {
  this.timeout(60_000);
  let files: string[];
  let pkg: { exports: unknown; bin: unknown; typesVersions: unknown };

  before(() => {
    // The repository's own dist/ (./test.sh builds it first), exactly what `npm publish` would upload.
    assert.ok(
      fs.existsSync(path.join(REPO_ROOT, "dist/sdk/index.js")),
      "dist/ is not built: run npx tsc -p tsconfig.json",
    );
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: npmEnv(),
    });
    files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files
      .map((f: { path: string }) => f.path)
      .sort();
    pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as typeof pkg;
  });

  it("holds dist/, README.md, LICENSE, CHANGELOG.md and package.json", () => {
    for (const f of [
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "package.json",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/simulator/index.js",
      "dist/simulator/index.d.ts",
      "dist/simulator/cli.js",
      "dist/provider/providers/v2v-migration.js",
      "dist/provider/providers/ova-package.js",
    ]) {
      assert.ok(files.includes(f), `${f} is missing from the tarball`);
    }
  });

  it("holds no tests, benchmarks, fixtures, examples or project scripts", () => {
    const unwanted = files.filter(
      (f) =>
        /(^|\/)(test|tests|__tests__|bench|fixtures|examples|quickstart|scripts|docs|\.ci)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
        /\.(tgz|pem|crt|key)$/.test(f) ||
        /(^|\/)(tsconfig[^/]*\.json|\.mocharc\.js|test\.sh|quickstart\.sh|Pulumi\.yaml)$/.test(f),
    );
    assert.deepStrictEqual(unwanted, []);
  });

  it("every target of the exports map and the bin is in the tarball", () => {
    const targets: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") targets.push(v.replace(/^\.\//, ""));
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    walk(pkg.bin);
    walk(pkg.typesVersions);
    for (const t of targets) {
      if (t.includes("*")) {
        const re = new RegExp(
          "^" +
            t
              .split("*")
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
              .join("[^/]+") +
            "$",
        );
        assert.ok(
          files.some((f) => re.test(f)),
          `nothing in the tarball matches ${t}`,
        );
      } else {
        assert.ok(files.includes(t), `${t} is missing from the tarball`);
      }
    }
  });

  it("ships declaration maps and JavaScript source maps whose sources are in the tarball (go-to-definition lands in the TypeScript)", () => {
    const maps = files.filter((f) => f.endsWith(".map"));
    assert.ok(
      maps.includes("dist/sdk/index.d.ts.map") && maps.includes("dist/sdk/index.js.map"),
      "declaration and source maps are shipped",
    );
    for (const f of files.filter((x) => /\.(js|d\.ts)$/.test(x) && x.startsWith("dist/"))) {
      assert.ok(maps.includes(`${f}.map`), `${f} has no map`);
    }
    for (const m of maps) {
      const map = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, m), "utf8")) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const s of map.sources) {
        const rel = path.posix.normalize(path.posix.join(path.posix.dirname(m), map.sourceRoot || "", s));
        assert.ok(files.includes(rel), `${m} points at ${rel}, which is not in the tarball`);
      }
    }
  });
});

describe("package: entry points from the packed tarball installed in an empty project", function () {
  this.timeout(300_000);
  let dir: string;
  let installed: string;

  before(async () => {
    const tarball = await packPackage();
    dir = makeTempDir("entry-points");
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "empty-project", version: "1.0.0", private: true }, null, 2) + "\n",
    );
    // A real `npm install` of the tarball; @pulumi/pulumi is the peer dependency, pinned to the tested version.
    execFileSync(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        tarball,
        `@pulumi/pulumi@${SDK_VERSION}`,
      ],
      {
        cwd: dir,
        encoding: "utf8",
        env: npmEnv(),
      },
    );
    installed = path.join(dir, "node_modules", PACKAGE_NAME);
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "the package is installed as a real directory");
  });
  after(() => {
    if (dir) removeDir(dir);
  });

  it("require() of the SDK gives the resource classes", () => {
    const out = node(dir, [
      "-e",
      `const m = require("${PACKAGE_NAME}"); console.log(JSON.stringify([typeof m.V2vMigration, typeof m.OvaPackage, m.V2V_MIGRATION_TYPE, m.OVA_PACKAGE_TYPE]))`,
    ]);
    assert.deepStrictEqual(JSON.parse(out), [
      "function",
      "function",
      "pulumi-nodejs:dynamic/zstack:V2vMigration",
      "pulumi-nodejs:dynamic/zstack:OvaPackage",
    ]);
  });

  it("import of the SDK and of the simulator from an ES module gives the same named exports", () => {
    fs.writeFileSync(
      path.join(dir, "esm.mjs"),
      `import { V2vMigration, OvaPackage } from "${PACKAGE_NAME}";\n` +
        `import { startSimulator, SEED_UUIDS, SEED_CREDENTIALS } from "${PACKAGE_NAME}/simulator";\n` +
        `import { createRequire } from "node:module";\n` +
        `const cjs = createRequire(import.meta.url)("${PACKAGE_NAME}");\n` +
        `console.log(JSON.stringify([V2vMigration === cjs.V2vMigration, typeof OvaPackage, typeof startSimulator, SEED_UUIDS.zone, SEED_CREDENTIALS.accountName]));\n`,
    );
    assert.deepStrictEqual(JSON.parse(node(dir, ["esm.mjs"])), [
      true,
      "function",
      "function",
      "f52465036bdd468499040edb9f879503",
      "admin",
    ]);
  });

  it('require("…/simulator") starts a simulator that serves the seeded world', () => {
    const script = `
      const { startSimulator, SEED_UUIDS, SEED_CREDENTIALS } = require("${PACKAGE_NAME}/simulator");
      (async () => {
        const sim = await startSimulator({ port: 0, quiet: true });
        const res = await fetch(sim.url + "/zstack/v1/accounts/login", { method: "PUT", body: "{}" });
        const row = sim.world.get("zones", SEED_UUIDS.zone);
        await sim.stop();
        console.log(JSON.stringify([typeof res.status, row && row.name, SEED_CREDENTIALS.accessKeyId.length > 0]));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    assert.deepStrictEqual(JSON.parse(node(dir, ["-e", script])), ["number", "ZONE-1", true]);
  });

  it('require("…/package.json") works', () => {
    const version = node(dir, ["-p", `require("${PACKAGE_NAME}/package.json").version`]).trim();
    assert.strictEqual(
      version,
      (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version,
    );
  });

  it("internal modules are not importable (the exports map is the public surface)", () => {
    for (const deep of ["dist/provider/common.js", "dist/simulator", "dist/sdk/index.js", "provider/common"]) {
      const out = node(dir, [
        "-e",
        `try { require.resolve("${PACKAGE_NAME}/${deep}"); console.log("resolved") } catch (e) { console.log(e.code) }`,
      ]).trim();
      assert.strictEqual(out, "ERR_PACKAGE_PATH_NOT_EXPORTED", deep);
    }
  });

  it("old providers' dist/provider/providers/*.js paths still resolve: every recorded __provider loads and yields the provider", () => {
    const versions = fs.readdirSync(RECORDED);
    assert.ok(versions.includes("0.1.0"));
    const requireFromString = require.resolve("require-from-string", {
      paths: [path.join(dir, "node_modules/@pulumi/pulumi")],
    });
    let checked = 0;
    for (const version of versions) {
      for (const file of fs.readdirSync(path.join(RECORDED, version))) {
        const text = fs.readFileSync(path.join(RECORDED, version, file), "utf8");
        const target = /require\("([^"]+)"\)/.exec(text)![1];
        assert.match(target, new RegExp(`^${PACKAGE_NAME}/dist/provider/providers/[a-z0-9-]+\\.js$`));
        // Loaded the way @pulumi/pulumi/cmd/dynamic-provider does: require-from-string, cwd = the project.
        const script = `const p = require(${JSON.stringify(requireFromString)})(require("fs").readFileSync(${JSON.stringify(path.join(RECORDED, version, file))}, "utf8")).handler();
          console.log(JSON.stringify(${JSON.stringify(PROVIDER_METHODS)}.map((m) => typeof p[m])));`;
        assert.deepStrictEqual(
          JSON.parse(node(dir, ["-e", script])),
          PROVIDER_METHODS.map(() => "function"),
          `${version}/${file}`,
        );
        checked++;
      }
    }
    // Every provider module the package ships has a recorded text (in the version that added it;
    // `unreleased` until a release), so a new one gets a fixture too.
    const shipped = fs
      .readdirSync(path.join(installed, "dist/provider/providers"))
      .filter((f) => f.endsWith(".js"))
      .sort();
    const recordedModules = [...new Set(versions.flatMap((v) => fs.readdirSync(path.join(RECORDED, v))))].sort();
    assert.deepStrictEqual(recordedModules, shipped);
    assert.ok(checked >= shipped.length);
  });

  it("a provider serialized from this version is recorded with the same require path", () => {
    const script = `const pulumi = require("@pulumi/pulumi");
      (async () => {
        const p = require("${PACKAGE_NAME}/dist/provider/providers/v2v-migration.js");
        const s = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true });
        console.log(JSON.stringify(s.text));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const requires = (text: string) => [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const recorded = requires(fs.readFileSync(path.join(RECORDED, "0.1.0/v2v-migration.js"), "utf8"));
    assert.deepStrictEqual(recorded, [`${PACKAGE_NAME}/dist/provider/providers/v2v-migration.js`]);
    assert.deepStrictEqual(requires(JSON.parse(node(dir, ["-e", script])) as string), recorded);
  });

  for (const [moduleResolution, module] of [
    ["node10", "commonjs"],
    ["node16", "node16"],
    ["bundler", "esnext"],
  ]) {
    it(`TypeScript (moduleResolution ${moduleResolution}) type-checks imports of both entry points`, () => {
      const src = `import { V2vMigration, OvaPackage, type V2vMigrationArgs } from "${PACKAGE_NAME}";
import { startSimulator, SEED_UUIDS, SEED_CREDENTIALS, type SimulatorOptions, type ZStackSimulator } from "${PACKAGE_NAME}/simulator";
const opts: SimulatorOptions = { port: 0, manualClock: true };
const args: V2vMigrationArgs = { url: \`vmware://\${SEED_UUIDS.vmwareWeb01}\`, name: "web", cpuNum: 1, memorySize: 1, primaryStorageUuid: SEED_UUIDS.primaryStorage, l3NetworkUuids: [SEED_UUIDS.l3Private] };
export const all: [typeof V2vMigration, typeof OvaPackage, V2vMigrationArgs, Promise<ZStackSimulator>, string] = [V2vMigration, OvaPackage, args, startSimulator(opts), SEED_CREDENTIALS.password];
`;
      fs.writeFileSync(path.join(dir, `types-${moduleResolution}.ts`), src);
      const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
      const r = spawnSync(
        process.execPath,
        [
          tsc,
          "--noEmit",
          "--strict",
          "--skipLibCheck",
          "--target",
          "es2022",
          "--module",
          module,
          "--moduleResolution",
          moduleResolution,
          "--types",
          "node",
          "--typeRoots",
          path.join(REPO_ROOT, "node_modules/@types"),
          `types-${moduleResolution}.ts`,
        ],
        { cwd: dir, encoding: "utf8" },
      );
      assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    });
  }

  it("a project made like Pulumi's TypeScript template (strict, no skipLibCheck, no esModuleInterop) type-checks", () => {
    const proj = path.join(dir, "template-like");
    fs.mkdirSync(proj, { recursive: true });
    // the compilerOptions of Pulumi's `typescript` template, as `pulumi new typescript` writes them
    const tsconfig = {
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: false,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
        typeRoots: [path.join(REPO_ROOT, "node_modules/@types")],
        types: ["node"],
      },
      files: ["index.ts"],
    };
    fs.writeFileSync(path.join(proj, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    fs.writeFileSync(
      path.join(proj, "index.ts"),
      `import * as zstack from "${PACKAGE_NAME}";
const host = zstack.getV2vConversionHost({ name: "v2v-conversion-host-1" });
const web = new zstack.V2vMigration("web-01", {
  sourceVmName: "vmware-web-01",
  name: "web-01",
  conversionHostUuid: host.then((h) => h.uuid),
  primaryStorageUuid: zstack.getPrimaryStorage({ name: "PS-Local" }).then((p) => p.uuid),
  l3NetworkUuids: [zstack.getL3Network({ name: "L3-Private" }).then((l) => l.uuid)],
});
const plan = new zstack.MigrationPlan("wave1", { vms: [{ source: "vmware-app-01" }], maxInFlight: 2 });
export const vmUuid = web.vmUuid;
export const report = plan.report;
`,
    );
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", proj, "--noEmit"], { cwd: proj, encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  });

  it("npx zstack-sim --help runs the installed bin", () => {
    const out = execFileSync("npx", ["--no-install", "zstack-sim", "--help"], {
      cwd: dir,
      encoding: "utf8",
      env: npmEnv(),
    });
    assert.match(out, /^usage: zstack-sim/);
  });
});
