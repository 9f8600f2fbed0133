// Helpers for end-to-end tests that drive the real Pulumi engine through the Automation API.
//
//   const tgz = await packPackage();                         // tsc + npm pack, once per run
//   const proj = await createConsumerProject(dir, { program }); // Pulumi.yaml + package.json + the tarball installed
//   const h = await withStack(proj.dir, "e2e", { "zstack:endpoint": url, "zstack:password": { value: pw, secret: true } });
//   await h.stack.up(); await h.stack.preview({ expectNoChanges: true }); ...
//   expect(findPlainText(await h.exportDeployment(), { password: pw })).to.deep.equal([]);
//   await h.dispose();
//
// Each stack gets its own temporary file backend and PULUMI_HOME; nothing is downloaded (no update
// check, no plugin acquisition). The CLI comes from scripts/setup-pulumi.sh (never built here: a
// missing CLI is an error that says how to get it). See docs/engine.md.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess, execFile, execFileSync, spawn, spawnSync } from "child_process";
import { promisify } from "util";
import * as semver from "semver";
import * as ts from "typescript";
import { LocalWorkspace, PulumiCommand, Stack, ConfigMap } from "@pulumi/pulumi/automation";

/** The repository root (test/e2e/harness.ts → ../..). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The @pulumi/pulumi version the package is developed against; the CLI must be at least this. */
export const SDK_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
).version;

const execFileAsync = promisify(execFile);
const KEEP_TEMP = process.env.PZM_KEEP_E2E_TEMP === "1";

/** A temporary directory (removed by the caller, or kept when PZM_KEEP_E2E_TEMP=1). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pzm-${prefix}-`));
}

export function removeDir(dir: string): void {
  if (!KEEP_TEMP) fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The Pulumi CLI
// ---------------------------------------------------------------------------------------------

export interface PulumiCli {
  /** Directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
  binDir: string;
  /** For the Automation API (`PulumiCommand.get({root})` uses `<root>/bin/pulumi`). */
  command: PulumiCommand;
  version: string;
}

let cliPromise: Promise<PulumiCli> | undefined;

/**
 * The CLI set up by scripts/setup-pulumi.sh: $PZM_PULUMI_BIN when set (scripts/env.sh exports it),
 * otherwise `setup-pulumi.sh --check` (instant, never builds). Rejects with instructions when the
 * CLI is missing or older than the SDK.
 */
export function getPulumiCli(): Promise<PulumiCli> {
  if (!cliPromise) cliPromise = locatePulumiCli();
  return cliPromise;
}

async function locatePulumiCli(): Promise<PulumiCli> {
  let binDir = process.env.PZM_PULUMI_BIN;
  if (!binDir || !fs.existsSync(path.join(binDir, "pulumi"))) {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts/setup-pulumi.sh"), "--check"], { encoding: "utf8" });
    if (r.status !== 0) {
      throw new Error(
        "The Pulumi CLI is not set up, so the real-engine tests cannot run. Run `scripts/setup-pulumi.sh` " +
          "(or `source scripts/env.sh && pzm_ensure_pulumi`; ./test.sh does this) to build it from Go modules " +
          `(a few minutes, once; cached outside the repository).\nsetup-pulumi.sh --check said: ${(r.stderr || "").trim()}`,
      );
    }
    binDir = r.stdout.trim().split("\n").pop()!;
  }
  for (const exe of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!fs.existsSync(path.join(binDir, exe))) {
      throw new Error(`${path.join(binDir, exe)} is missing; re-run scripts/setup-pulumi.sh`);
    }
  }
  // PulumiCommand.get({root}) runs <root>/bin/pulumi; give it a root when binDir is not named "bin".
  let root = path.dirname(binDir);
  if (path.basename(binDir) !== "bin") {
    root = makeTempDir("cli");
    fs.mkdirSync(path.join(root, "bin"));
    for (const exe of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
      fs.symlinkSync(path.join(binDir, exe), path.join(root, "bin", exe));
    }
  }
  const command = await PulumiCommand.get({ root, version: new semver.SemVer(SDK_VERSION) });
  return { binDir, command, version: command.version ? command.version.format() : "unknown" };
}

// ---------------------------------------------------------------------------------------------
// The package under test: build + npm pack
// ---------------------------------------------------------------------------------------------

const packCache = new Map<string, Promise<string>>();

/**
 * Compiles the package (tsc, into a staging directory: the repository's dist/ is not touched) and
 * `npm pack`s it; resolves to the .tgz path. Cached by the content of the sources: the same sources
 * are packed once per machine (content-addressed directory in the OS temp dir), and once per process.
 */
export function packPackage(): Promise<string> {
  const key = sourceHash();
  let p = packCache.get(key);
  if (!p) {
    // doPack is synchronous; the executor turns its throw into a rejection, as a cached promise needs
    p = new Promise<string>((resolve) => resolve(doPack(key)));
    packCache.set(key, p);
    p.catch(() => packCache.delete(key));
  }
  return p;
}

function packageJson(): any {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
}

function tsconfigIncludeRoots(): string[] {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tsconfig.json"), "utf8"));
  const roots = new Set<string>();
  for (const pattern of tsconfig.include || []) roots.add(String(pattern).split("/")[0]);
  return [...roots];
}

function walkFiles(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name !== "node_modules") walkFiles(p, out);
    } else if (ent.isFile()) {
      out.push(p);
    }
  }
}

/** Hash of everything that goes into the tarball. */
function sourceHash(): string {
  const files: string[] = [];
  for (const root of tsconfigIncludeRoots()) walkFiles(path.join(REPO_ROOT, root), files);
  for (const entry of packageJson().files || []) {
    const p = path.join(REPO_ROOT, String(entry));
    if (String(entry).replace(/\/$/, "") === "dist") continue;
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) walkFiles(p, files);
    else if (fs.existsSync(p)) files.push(p);
  }
  files.push(path.join(REPO_ROOT, "package.json"), path.join(REPO_ROOT, "tsconfig.json"));
  const h = crypto.createHash("sha256");
  for (const f of files.sort()) {
    h.update(path.relative(REPO_ROOT, f)).update("\0").update(fs.readFileSync(f)).update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

function doPack(key: string): string {
  const pkg = packageJson();
  const finalDir = path.join(os.tmpdir(), `pzm-pack-${key}`);
  const tgzName = `${pkg.name}-${pkg.version}.tgz`;
  const finalTgz = path.join(finalDir, tgzName);
  if (fs.existsSync(finalTgz)) return finalTgz;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), `pzm-pack-${key}.tmp-`));
  try {
    const staging = path.join(work, "package");
    fs.mkdirSync(staging);
    // Everything `files` lists except dist/ (compiled fresh below), plus package.json.
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(staging, "package.json"));
    for (const entry of pkg.files || []) {
      const rel = String(entry).replace(/\/$/, "");
      if (rel === "dist") continue;
      const src = path.join(REPO_ROOT, rel);
      if (fs.existsSync(src)) fs.cpSync(src, path.join(staging, rel), { recursive: true });
    }
    for (const extra of ["LICENSE", "README.md"]) {
      const src = path.join(REPO_ROOT, extra);
      if (fs.existsSync(src) && !fs.existsSync(path.join(staging, extra)))
        fs.copyFileSync(src, path.join(staging, extra));
    }
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const r = spawnSync(
      process.execPath,
      [tsc, "-p", path.join(REPO_ROOT, "tsconfig.json"), "--outDir", path.join(staging, "dist")],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`tsc -p tsconfig.json failed:\n${r.stdout}${r.stderr}`);
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
      cwd: staging,
      encoding: "utf8",
      env: npmEnv(),
    });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
    const filename: string = JSON.parse(pack.stdout)[0].filename;
    fs.mkdirSync(path.join(work, "result"));
    fs.renameSync(path.join(work, filename), path.join(work, "result", tgzName));
    try {
      fs.renameSync(path.join(work, "result"), finalDir);
    } catch (e: any) {
      // Someone else packed the same sources concurrently: theirs is identical.
      if (!fs.existsSync(finalTgz)) throw e;
    }
    return finalTgz;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** npm runs scripts with the first `node` on PATH: make it this (Node >= 22) one. */
function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
}

// ---------------------------------------------------------------------------------------------
// Consumer projects
// ---------------------------------------------------------------------------------------------

export interface ConsumerProjectOptions {
  /** Source of the program's entry point (index.ts or index.js, see `language`). */
  program: string;
  /** Language of `program`. Default "js". */
  language?: "ts" | "js";
  /**
   * How a TypeScript program runs: "precompile" (default; transpiled here with typescript's
   * transpileModule to index.js, `main: index.js`, ~1 s faster per engine run) or "ts-node" (the
   * language host compiles index.ts with ts-node, exactly what a user's TS project does).
   */
  typescript?: "precompile" | "ts-node";
  /** Pulumi project name. Default "pzm-e2e". */
  projectName?: string;
  /** Extra dependencies. With install "link" they must be installed in the repository already. */
  dependencies?: Record<string, string>;
  /** Extra files to write, relative path → content. */
  files?: Record<string, string>;
  /**
   * "link" (default, ~50 ms): node_modules holds symlinks to this repository's installed packages
   * (@pulumi/pulumi, typescript, ts-node, the package's dependencies ...) and the package under test
   * is unpacked from the tarball as a real directory, as npm does for a `file:` tarball dependency.
   * "npm": a real `npm install --prefer-offline` of package.json (slower; what a user does).
   */
  install?: "link" | "npm";
  /** Install the package under test (default true). */
  withPackage?: boolean;
}

export interface ConsumerProject {
  dir: string;
  /** The tarball the package under test was installed from (undefined if withPackage false). */
  tarball?: string;
  /** node_modules/<package>/ inside the project. */
  packageDir?: string;
  /** The entry point file the engine runs. */
  main: string;
}

/** The npm name of the package under test. */
export const PACKAGE_NAME: string = packageJson().name;

/**
 * Writes a Pulumi project into `dir` (created if missing): Pulumi.yaml (`runtime: nodejs`),
 * package.json depending on the packed tarball (`file:…tgz`) and @pulumi/pulumi, the program, and
 * installs node_modules. The package under test is installed from the tarball, so a provider module
 * in it is captured by reference: `__provider` is `require("<package>/dist/…")`.
 */
export async function createConsumerProject(dir: string, opts: ConsumerProjectOptions): Promise<ConsumerProject> {
  fs.mkdirSync(dir, { recursive: true });
  const language = opts.language ?? "js";
  const tsMode = opts.typescript ?? "precompile";
  const withPackage = opts.withPackage ?? true;
  const tarball = withPackage ? await packPackage() : undefined;
  const repoPkg = packageJson();
  const devDeps: Record<string, string> = repoPkg.devDependencies || {};

  const dependencies: Record<string, string> = {
    "@pulumi/pulumi": devDeps["@pulumi/pulumi"],
    ...(language === "ts" && tsMode === "ts-node"
      ? { typescript: devDeps.typescript, "ts-node": devDeps["ts-node"] }
      : {}),
    ...(tarball ? { [PACKAGE_NAME]: `file:${tarball}` } : {}),
    ...(opts.dependencies || {}),
  };

  let main: string;
  if (language === "js") {
    main = "index.js";
    fs.writeFileSync(path.join(dir, main), opts.program);
  } else if (tsMode === "ts-node") {
    main = "index.ts";
    fs.writeFileSync(path.join(dir, main), opts.program);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node",
            strict: true,
            esModuleInterop: true,
            skipLibCheck: true,
            types: ["node"],
          },
          files: ["index.ts"],
        },
        null,
        2,
      ),
    );
  } else {
    main = "index.js";
    fs.writeFileSync(path.join(dir, "index.ts"), opts.program);
    fs.writeFileSync(path.join(dir, main), transpile(opts.program, "index.ts"));
  }

  const projectName = opts.projectName ?? "pzm-e2e";
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${projectName}\nruntime:\n  name: nodejs\n  options:\n    typescript: ${main.endsWith(".ts")}\ndescription: end-to-end test project\n`,
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `${projectName}-program`, version: "0.0.0", private: true, main, dependencies }, null, 2) +
      "\n",
  );
  for (const [rel, content] of Object.entries(opts.files || {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }

  if ((opts.install ?? "link") === "npm") {
    const r = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      encoding: "utf8",
      env: npmEnv(),
    });
    if (r.status !== 0) throw new Error(`npm install in ${dir} failed:\n${r.stdout}${r.stderr}`);
  } else {
    linkNodeModules(dir, Object.keys(opts.dependencies || {}));
    if (tarball) installTarball(tarball, path.join(dir, "node_modules", PACKAGE_NAME));
  }
  const packageDir = tarball ? path.join(dir, "node_modules", PACKAGE_NAME) : undefined;
  if (
    packageDir &&
    (fs.lstatSync(packageDir).isSymbolicLink() || !fs.existsSync(path.join(packageDir, "package.json")))
  ) {
    throw new Error(`${packageDir} is not a real installation of the tarball`);
  }
  return { dir, tarball, packageDir, main };
}

/**
 * Writes a small package straight into `<projectDir>/node_modules/<name>` (package.json + files),
 * e.g. a trivial provider whose module.exports is the provider, so it is captured by reference.
 */
export function addLocalPackage(
  projectDir: string,
  name: string,
  files: Record<string, string>,
  main = "index.js",
): string {
  const dir = path.join(projectDir, "node_modules", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, main }, null, 2),
  );
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** TypeScript → CommonJS, as the language host's ts-node would (transpile only). */
export function transpile(source: string, fileName: string): string {
  const r = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  const errors = (r.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    throw new Error(
      `${fileName}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
    );
  }
  return r.outputText;
}

/** node_modules entries of the repository that a consumer project links to (everything but us). */
function linkNodeModules(dir: string, extraDeps: string[]): void {
  const repoNm = path.join(REPO_ROOT, "node_modules");
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(nm, { recursive: true });
  for (const name of fs.readdirSync(repoNm)) {
    if (name.startsWith(".") || name === PACKAGE_NAME) continue;
    const target = path.join(nm, name);
    if (!fs.existsSync(target)) fs.symlinkSync(path.join(repoNm, name), target, "dir");
  }
  for (const dep of extraDeps) {
    if (!fs.existsSync(path.join(nm, dep, "package.json"))) {
      throw new Error(`dependency ${dep} is not installed in the repository; use install: "npm"`);
    }
  }
}

/** What npm does for a `file:x.tgz` dependency (we have no install scripts): unpack `package/`. */
function installTarball(tarball: string, dest: string): void {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", dest, "--strip-components=1"]);
  const pkg = JSON.parse(fs.readFileSync(path.join(dest, "package.json"), "utf8"));
  // Its dependencies must resolve from the project (they are this repository's dependencies).
  for (const dep of Object.keys(pkg.dependencies || {})) {
    try {
      require.resolve(`${dep}/package.json`, { paths: [dest] });
    } catch {
      throw new Error(`${pkg.name} depends on ${dep}, which is not installed; run npm ci in the repository`);
    }
  }
  // Bins, as npm links them.
  const bins: Record<string, string> = typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : pkg.bin || {};
  const binDir = path.join(path.dirname(dest), ".bin");
  for (const [name, rel] of Object.entries(bins)) {
    fs.mkdirSync(binDir, { recursive: true });
    const link = path.join(binDir, name);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(binDir, path.join(dest, rel)), link);
  }
}

// ---------------------------------------------------------------------------------------------
// Stacks
// ---------------------------------------------------------------------------------------------

/** Stack config: plain strings, `{value, secret}`, or any JSON value (stored as JSON text). */
export type StackConfig = Record<string, string | number | boolean | { value: string; secret?: boolean } | object>;

export interface StackOptions {
  /** Passphrase of the passphrase secrets provider. Default: a fixed test passphrase. */
  passphrase?: string;
  /** Extra environment for every CLI call (and so for the program and the provider processes). */
  env?: Record<string, string>;
}

export interface E2EStack {
  stack: Stack;
  workspace: LocalWorkspace;
  /** The temporary file backend (`file://<backendDir>`). */
  backendDir: string;
  /** The temporary PULUMI_HOME. */
  pulumiHome: string;
  /** Environment given to every CLI call. */
  envVars: Record<string, string>;
  setConfig(config: StackConfig): Promise<void>;
  /**
   * `pulumi stack export` as stored: secrets stay encrypted (`{"4dabf…": "1b47…", ciphertext}`).
   * (The Automation API's `stack.exportStack()` passes --show-secrets: secrets in plain text.)
   */
  exportDeployment(opts?: { showSecrets?: boolean }): Promise<any>;
  /**
   * Every file in the stack's backend (current checkpoint, backups, history): relative path →
   * parsed JSON (text for non-JSON files). For "no secret at rest in plain text" checks:
   * `findPlainText(await h.backendFiles(), {password: pw})`.
   */
  backendFiles(): Promise<Record<string, unknown>>;
  /** The same files as one text (for grepping by hand). */
  backendText(): Promise<string>;
  /** Resources of the exported deployment, optionally of one type. */
  resources(type?: string): Promise<any[]>;
  /** Stack outputs as plain values (secrets unwrapped). */
  outputs(): Promise<Record<string, any>>;
  /**
   * What docs/operations.md tells a user to do after a killed `up`: remove the empty `.attrs` sidecar files a
   * SIGKILL can leave in a file backend (docs/engine.md, "A SIGKILL can leave an empty .attrs file"), then
   * `pulumi cancel` (the killed run's lock). Returns the removed files, relative to the backend.
   */
  unlockAfterKill(): Promise<string[]>;
  /** Removes the stack, its backend and PULUMI_HOME (does not destroy resources). */
  dispose(): Promise<void>;
}

/** The empty `*.attrs` sidecar files under a file backend (relative paths), which a SIGKILL can leave behind. */
export function emptyAttrsFiles(backendDir: string): string[] {
  const files: string[] = [];
  walkFiles(backendDir, files);
  return files
    .filter((f) => f.endsWith(".attrs") && fs.statSync(f).size === 0)
    .map((f) => path.relative(backendDir, f));
}

const openStacks = new Set<E2EStack>();

/**
 * `LocalWorkspace.createOrSelectStack` of the project in `workDir` with the CLI from
 * setup-pulumi.sh, a fresh temporary file backend and PULUMI_HOME, the passphrase secrets provider,
 * no update check and no plugin acquisition; sets `config`. Call `dispose()` when done.
 */
export async function withStack(
  workDir: string,
  stackName: string,
  config: StackConfig = {},
  opts: StackOptions = {},
): Promise<E2EStack> {
  const cli = await getPulumiCli();
  const tmp = makeTempDir("stack");
  const backendDir = path.join(tmp, "backend");
  const pulumiHome = path.join(tmp, "home");
  fs.mkdirSync(backendDir);
  fs.mkdirSync(pulumiHome);
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_HOME: pulumiHome,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "pzm-e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The language host and the dynamic-provider script run `node`: this one (>= 22). The
    // Automation API puts the CLI's directory in front of this PATH.
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    ...(opts.env || {}),
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { pulumiCommand: cli.command, pulumiHome, envVars, secretsProvider: "passphrase" },
  );
  const handle: E2EStack = {
    stack,
    workspace: stack.workspace as LocalWorkspace,
    backendDir,
    pulumiHome,
    envVars,
    setConfig: (c) => stack.setAllConfig(toConfigMap(c)),
    unlockAfterKill: async () => {
      const removed = emptyAttrsFiles(backendDir);
      for (const f of removed) fs.rmSync(path.join(backendDir, f));
      await stack.cancel();
      return removed;
    },
    exportDeployment: async (o?: { showSecrets?: boolean }) => {
      const args = [
        "stack",
        "export",
        "--stack",
        stackName,
        "--non-interactive",
        ...(o?.showSecrets ? ["--show-secrets"] : []),
      ];
      const { stdout } = await execFileAsync(path.join(cli.binDir, "pulumi"), args, {
        cwd: workDir,
        env: { ...process.env, ...envVars, PATH: `${cli.binDir}${path.delimiter}${envVars.PATH}` },
        maxBuffer: 1 << 30,
      });
      return JSON.parse(stdout).deployment;
    },
    backendFiles: () =>
      new Promise((resolve) => {
        const files: string[] = [];
        walkFiles(backendDir, files);
        const out: Record<string, unknown> = {};
        for (const f of files.sort()) {
          const text = fs.readFileSync(f, "utf8");
          try {
            out[path.relative(backendDir, f)] = JSON.parse(text);
          } catch {
            out[path.relative(backendDir, f)] = text;
          }
        }
        resolve(out);
      }),
    backendText: () =>
      new Promise((resolve) => {
        const files: string[] = [];
        walkFiles(backendDir, files);
        resolve(
          files
            .sort()
            .map((f) => `== ${path.relative(backendDir, f)}\n${fs.readFileSync(f, "utf8")}`)
            .join("\n"),
        );
      }),
    resources: async (type?: string) => {
      const d = await handle.exportDeployment();
      return ((d && d.resources) || []).filter((r: any) => !type || r.type === type);
    },
    outputs: async () => {
      const o = await stack.outputs();
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));
    },
    dispose: async () => {
      openStacks.delete(handle);
      try {
        await stack.workspace.removeStack(stackName, { force: true });
      } catch {
        // the backend is removed below anyway
      }
      for (const f of [`Pulumi.${stackName}.yaml`]) fs.rmSync(path.join(workDir, f), { force: true });
      removeDir(tmp);
    },
  };
  openStacks.add(handle);
  if (Object.keys(config).length) await handle.setConfig(config);
  return handle;
}

function toConfigMap(c: StackConfig): ConfigMap {
  const m: ConfigMap = {};
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === "string") m[k] = { value: v };
    else if (typeof v === "number" || typeof v === "boolean") m[k] = { value: String(v) };
    else if (
      v &&
      typeof v === "object" &&
      "value" in v &&
      typeof (v as any).value === "string" &&
      Object.keys(v).every((x) => x === "value" || x === "secret")
    ) {
      m[k] = { value: (v as any).value, secret: !!(v as any).secret };
    } else m[k] = { value: JSON.stringify(v) };
  }
  return m;
}

export interface PlainTextHit {
  /** The label of the needle that was found (never the value itself: it may be a secret). */
  label: string;
  /** JSON path of the string that contains it, e.g. resources[3].outputs.password. */
  path: string;
}

/**
 * Where any of `needles` (label → value) occurs in plain text in a string value inside `value` (an
 * exported deployment, `backendFiles()`, outputs, …). Object keys are not searched (config keys
 * such as "zstack:password" would match a needle "password"). Encrypted secrets are ciphertext and
 * never match. Use distinctive needles: a secret that is a common word matches ordinary text.
 */
export function findPlainText(value: unknown, needles: Record<string, string>): PlainTextHit[] {
  const hits: PlainTextHit[] = [];
  const entries = Object.entries(needles).filter(([, v]) => v !== undefined && v !== "");
  const visit = (v: unknown, p: string): void => {
    if (typeof v === "string") {
      for (const [label, needle] of entries) if (v.includes(needle)) hits.push({ label, path: p });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${p}[${i}]`));
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) visit(x, p ? `${p}.${k}` : k);
    }
  };
  visit(value, "");
  return hits;
}

/** True when a state value is an (encrypted) secret. */
export function isSecretValue(v: unknown): boolean {
  return (
    !!v &&
    typeof v === "object" &&
    (v as any)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270"
  );
}

// ---------------------------------------------------------------------------------------------
// The ZStack simulator as a child process
// ---------------------------------------------------------------------------------------------

export interface SimulatorOptions {
  /** Simulated-time speed-up (passed as --speed). */
  speed?: number;
  /** Run the TypeScript sources via ts-node (default) or the compiled dist/simulator/cli.js. */
  from?: "source" | "dist";
  /** Extra CLI arguments. */
  args?: string[];
  env?: Record<string, string>;
  /** Milliseconds to wait for "listening on". Default 30000. */
  startTimeoutMs?: number;
}

export interface SimulatorProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the simulator printed so far. */
  output(): string;
  /** fetch() against the simulator, path relative to the url (e.g. "/zstack/v1/..."). */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  /**
   * The loopback control endpoint: `control("POST", "clock/advance", {duration: "30m"})` →
   * parsed JSON; rejects on a non-2xx reply (docs/simulator.md, "Control endpoint", lists the routes).
   */
  control<T = any>(method: string, route: string, body?: unknown): Promise<T>;
  /** `POST /_sim/clock/advance`: `"30m"`, `"90s"` or milliseconds. */
  advanceClock(by: string | number): Promise<{ now: number }>;
  /** `GET /_sim/stats`: requests served, in total and by route. */
  stats(): Promise<{ requests: number; byRoute: Record<string, number> }>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Spawns the simulator CLI on a free port (`--port 0`) and resolves once it prints
 * `zstack-sim listening on http://127.0.0.1:<port>`.
 */
export async function startSimulatorProcess(opts: SimulatorOptions = {}): Promise<SimulatorProcess> {
  const args = ["--port", "0"];
  if (opts.speed !== undefined) args.push("--speed", String(opts.speed));
  args.push(...(opts.args || []));
  const from = opts.from ?? "source";
  const nodeArgs =
    from === "source"
      ? ["-r", require.resolve("ts-node/register/transpile-only"), path.join(REPO_ROOT, "simulator/cli.ts")]
      : [path.join(REPO_ROOT, "dist/simulator/cli.js")];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(opts.env || {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`simulator did not start within ${opts.startTimeoutMs ?? 30000} ms:\n${out}`));
    }, opts.startTimeoutMs ?? 30000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`simulator exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  const port = Number(new URL(url).port);
  const control = async (method: string, route: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}/_sim/${route.replace(/^\/+/, "")}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator control ${method} /_sim/${route}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url,
    port,
    child,
    output: () => out,
    fetch: (pathname, init) => fetch(url + pathname, init),
    control,
    advanceClock: (by) => control("POST", "clock/advance", typeof by === "number" ? { ms: by } : { duration: by }),
    stats: () => control("GET", "stats"),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          children.delete(child);
          return resolve();
        }
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(killer);
          children.delete(child);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Processes: whole process trees of a run, and what a test leaves behind
// ---------------------------------------------------------------------------------------------
//
// The engine starts every plugin (language host, dynamic-provider server) in a process group of its
// own, and a process whose parent dies is reparented to init, so neither a process-group kill nor
// the parent links find a run's processes after its CLI was killed. Environment variables do: the
// engine passes its environment to every plugin, and they to their children. So each process this
// suite starts carries SUITE_MARKER, and each `spawnPulumi` run a marker of its own. (Linux: /proc.)

/** Set in this process's environment, so every process the e2e suite starts inherits it. */
export const SUITE_MARKER = "PZM_E2E_SUITE";
if (!process.env[SUITE_MARKER]) process.env[SUITE_MARKER] = `${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
const RUN_MARKER = "PZM_E2E_RUN";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** /proc state letter (R, S, Z …) */
  state: string;
  cmdline: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // after "pid (comm) "
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { pid, ppid: Number(rest[1]), state: rest[0], cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Live (not zombie) processes whose environment has `name=value`, except this process. */
export function processesWithEnv(name: string, value: string): ProcessInfo[] {
  const needle = `${name}=${value}`;
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
    } catch {
      continue; // gone, or not ours
    }
    if (!environ.split("\0").includes(needle)) continue;
    const p = readProcess(Number(entry));
    if (p && p.state !== "Z" && p.state !== "X") found.push(p);
  }
  return found;
}

/** Every live process the e2e suite started (directly or not) that still runs. */
export function suiteProcesses(): ProcessInfo[] {
  return processesWithEnv(SUITE_MARKER, process.env[SUITE_MARKER]!);
}

/** The provider processes among `procs`: the dynamic-provider script and its node server, the zstack plugin. */
export function providerProcesses(procs: ProcessInfo[]): ProcessInfo[] {
  return procs.filter((p) =>
    /pulumi-resource-pulumi-nodejs|cmd[\\/]dynamic-provider|pulumi-resource-zstack|hosts[\\/]plugin[\\/]main\.js/.test(
      p.cmdline,
    ),
  );
}

/** SIGKILLs `procs` (and what they started meanwhile) until none of them remains; at most `timeoutMs`. */
export async function killProcesses(list: () => ProcessInfo[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let procs = list(); procs.length; procs = list()) {
    if (Date.now() > deadline) throw new Error(`processes survive SIGKILL: ${describeProcesses(procs)}`);
    for (const p of procs) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function describeProcesses(procs: ProcessInfo[]): string {
  return procs.map((p) => `${p.pid} (ppid ${p.ppid}, ${p.state}) ${p.cmdline.slice(0, 160)}`).join("; ") || "none";
}

/** Polls `condition` every 100 ms until it holds; false if it still does not after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export interface PulumiRun {
  /** the `pulumi` CLI process */
  child: ChildProcess;
  /** everything the CLI printed so far */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** every live process of this run: the CLI, language host, program, dynamic-provider servers */
  processes(): ProcessInfo[];
  /** the run's live provider processes (dynamic-provider servers, the zstack plugin) */
  providerProcesses(): ProcessInfo[];
  /** SIGKILLs the run's whole process tree, orphans included, and waits until it is gone */
  killTree(): Promise<void>;
}

const openRuns = new Set<PulumiRun>();
process.on("exit", () => {
  for (const run of openRuns)
    for (const p of run.processes()) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
});

/**
 * Starts the Pulumi CLI (`args`, e.g. `["up", "--yes", "--skip-preview", "--stack", "s"]`) on the
 * stack's project as a plain child process, as a CI job runs it, so a test can kill it. Every process
 * of the run carries a marker, so `processes()` finds them after the CLI is gone. Call `killTree()`
 * when done with it. `env` adds to the stack's environment.
 */
export async function spawnPulumi(
  h: E2EStack,
  workDir: string,
  args: string[],
  onOutput?: (s: string) => void,
  env: Record<string, string> = {},
): Promise<PulumiRun> {
  const cli = await getPulumiCli();
  const marker = `${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
  const child = spawn(path.join(cli.binDir, "pulumi"), [...args, "--non-interactive"], {
    cwd: workDir,
    env: {
      ...process.env,
      ...h.envVars,
      ...env,
      PATH: `${cli.binDir}${path.delimiter}${h.envVars.PATH}`,
      [RUN_MARKER]: marker,
    },
    detached: true, // its own process group, as under a CI runner; nothing here kills groups
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const onData = (d: Buffer) => {
    out += d.toString();
    onOutput?.(d.toString());
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const processes = () => processesWithEnv(RUN_MARKER, marker);
  const run: PulumiRun = {
    child,
    output: () => out,
    exited,
    processes,
    providerProcesses: () => providerProcesses(processes()),
    killTree: async () => {
      await killProcesses(processes);
      openRuns.delete(run);
    },
  };
  openRuns.add(run);
  return run;
}
