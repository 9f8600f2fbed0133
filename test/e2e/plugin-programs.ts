// What the end-to-end files that run Python and Go programs on the provider plugin share: the SDKs
// that scripts/build-sdks.sh generated (with the programs' virtualenv), the plugin's tarball
// (scripts/build-plugin.sh) installed as a user does, and the PATH with the language host
// (plugin-support.ts).
// Like the CLI (harness.ts), nothing is built here: `./test.sh` builds them first, and a missing piece
// fails the tests with the command to run.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { E2EStack, getPulumiCli, REPO_ROOT } from "./harness";
import { languageHostBin } from "./plugin-support";

/** The stdout line of a `--check` run of one of the repository's setup scripts, or an error saying what to run. */
function checkedDir(script: string, args: string[], what: string): string {
  try {
    return execFileSync("bash", [path.join(REPO_ROOT, "scripts", script), "--check", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(
      `${what} is not built: run ./test.sh, or scripts/${script} ${args.join(" ")} (${String(err.stderr ?? e).trim()})`,
      { cause: e },
    );
  }
}

export interface BuiltSdks {
  /** $PZM_CACHE/sdks/<version>-<key> */
  dir: string;
  /** The generated Go module (go.mod + zstack/). */
  goDir: string;
  /** The Go module path of the generated SDK (its go.mod's `module`). */
  goModule: string;
  /** The programs' virtualenv: pulumi and the wheel. */
  venvBin: string;
  /** The wheel. */
  wheel: string;
}

/** The SDKs generated from the current build's schema (scripts/build-sdks.sh --check). */
export function builtSdks(): BuiltSdks {
  const dir = checkedDir("build-sdks.sh", [], "The SDKs of the provider plugin");
  const goDir = path.join(dir, "go");
  const goMod = fs.readFileSync(path.join(goDir, "go.mod"), "utf8");
  const goModule = /^module (\S+)$/m.exec(goMod)?.[1];
  if (!goModule) throw new Error(`${goDir}/go.mod names no module`);
  const wheels = fs.readdirSync(path.join(dir, "dist")).filter((f) => f.endsWith(".whl"));
  if (wheels.length !== 1) throw new Error(`${dir}/dist holds ${wheels.length} wheels`);
  return { dir, goDir, goModule, venvBin: path.join(dir, "venv", "bin"), wheel: path.join(dir, "dist", wheels[0]) };
}

/** The package's version: the plugin's and the SDKs'. */
export const PACKAGE_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** The plugin's tarball that scripts/build-plugin.sh made from the current build. */
export function pluginTarball(): string {
  return checkedDir("build-plugin.sh", [], "The provider plugin's tarball");
}

/**
 * Installs the plugin from its tarball into the stack's PULUMI_HOME, as the README says
 * (`pulumi plugin install resource zstack <version> --file <tarball>`): the engine then starts it from
 * the plugin cache, its launcher running the Node.js (>= 22) on PATH (the tarball carries none); nothing else
 * of ours is on PATH.
 */
export async function installPlugin(h: E2EStack): Promise<void> {
  const cli = await getPulumiCli();
  execFileSync(
    path.join(cli.binDir, "pulumi"),
    ["plugin", "install", "resource", "zstack", PACKAGE_VERSION, "--file", pluginTarball()],
    { env: { ...process.env, ...h.envVars }, stdio: "pipe" },
  );
}

/** The engine's warning when it starts a plugin from PATH instead of the plugin cache. */
export const AMBIENT_PLUGIN = /using pulumi-resource-zstack from \$PATH/;

/**
 * The PATH of the CLI calls of a program in `language`: the language host (plugin-support.ts), and for
 * Python the programs' virtualenv first (the host runs the first `python` on PATH).
 */
export function programPath(language: "python" | "go"): string {
  return [
    ...(language === "python" ? [builtSdks().venvBin] : []),
    languageHostBin(language),
    path.dirname(process.execPath),
    process.env.PATH,
  ].join(path.delimiter);
}

/** The files of examples/<name>, without what a user's run leaves there (venv, caches, stack files). */
export function exampleProjectFiles(name: string): Record<string, string> {
  const dir = path.join(REPO_ROOT, "examples", name);
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    if (f === "venv" || f === "__pycache__" || (f.startsWith("Pulumi.") && f !== "Pulumi.yaml")) continue;
    if (fs.statSync(path.join(dir, f)).isFile()) files[f] = fs.readFileSync(path.join(dir, f), "utf8");
  }
  return files;
}
