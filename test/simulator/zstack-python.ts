/**
 * ZStack's own Python client and API metadata, from the PyPI package zstack-mcp-server (by ZStack,
 * MIT), installed unchanged in a virtualenv kept in the cache outside the repository
 * ($PZM_CACHE/python/, set by scripts/env.sh) and reused when present. The first install takes a
 * minute; later runs find it ready.
 */
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

export const ZSTACK_MCP_SERVER = "zstack-mcp-server==0.1.7";
/** zstack-mcp-server declares Requires-Python >= 3.11 */
const MIN_PYTHON: [number, number] = [3, 11];

export interface ZStackPython {
  /** the virtualenv's python, with zstack_mcp importable */
  python: string;
  /** the package's `zstack_mcp/data/api_docs.json`: ZStack's API metadata */
  apiDocs: string;
}

const run = promisify(execFile);
let ready: Promise<ZStackPython> | undefined;

/** The virtualenv with zstack-mcp-server, created on first use; rejects saying what to install. */
export function zstackPython(): Promise<ZStackPython> {
  ready ??= setUp();
  return ready;
}

function cacheDir(): string {
  return process.env.PZM_CACHE ?? path.join(os.homedir(), ".cache", "pulumi-zstack-migration");
}

/** python3 on PATH at MIN_PYTHON or newer, or an error that says what to install. */
function checkPython3(): void {
  const need = `Python ${MIN_PYTHON.join(".")} or newer with venv (Debian: apt-get install python3 python3-venv)`;
  const r = spawnSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(`python3 is not available, and this test drives ZStack's own Python client: install ${need}`);
  }
  const [major, minor] = r.stdout.trim().split(".").map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new Error(`python3 is ${r.stdout.trim()}, and ${ZSTACK_MCP_SERVER} needs more: install ${need}`);
  }
}

async function setUp(): Promise<ZStackPython> {
  const venv = path.join(cacheDir(), "python", ZSTACK_MCP_SERVER.replace("==", "-"));
  const python = path.join(venv, "bin", "python");
  const stamp = path.join(venv, ".pzm-installed");
  if (!fs.existsSync(stamp) || !fs.existsSync(python)) {
    checkPython3();
    fs.rmSync(venv, { recursive: true, force: true });
    try {
      await run("python3", ["-m", "venv", venv]);
      await run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", ZSTACK_MCP_SERVER], {
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(
        `could not install ${ZSTACK_MCP_SERVER} into ${venv} (python3 -m venv, then pip from PyPI): ` +
          `${err.message}\n${(err.stderr ?? "").slice(-2000)}`,
        { cause: e },
      );
    }
    fs.writeFileSync(stamp, `${ZSTACK_MCP_SERVER}\n`);
  }
  const where = await run(python, [
    "-c",
    "import os, zstack_mcp; print(os.path.join(os.path.dirname(zstack_mcp.__file__), 'data', 'api_docs.json'))",
  ]);
  return { python, apiDocs: where.stdout.trim() };
}
