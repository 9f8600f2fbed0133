#!/usr/bin/env node
/**
 * zstack-migration: the package's command.
 *
 *   zstack-migration report [--stack <name>] [--cwd <project dir>]   the stack's state, via `pulumi stack export`
 *   zstack-migration report --file <export.json>                     a `pulumi stack export` file (`-`: stdin)
 *
 * prints the Markdown report of every wave in the stack (sdk/wave-report.ts), whatever way its last
 * `up` ended. It reads the state only: it never talks to ZStack and never changes anything.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { StackExport, waveReport } from "./wave-report";

const USAGE = `usage:
  zstack-migration report [--stack <name>] [--cwd <project dir>]   report from the stack's state (pulumi stack export)
  zstack-migration report --file <export.json>                     report from a pulumi stack export file (- for stdin)`;

class UsageError extends Error {}

function parse(argv: string[]): { command?: string; flags: Record<string, string> } {
  const [command, ...rest] = argv;
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const m = /^--(stack|file|cwd)(?:=(.*))?$/.exec(a);
    if (!m) throw new UsageError(`unknown argument "${a}"`);
    const value = m[2] ?? rest[++i];
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`);
    flags[m[1]] = value;
  }
  return { command, flags };
}

/** `pulumi stack export` of a stack (the current one without a name), as the Pulumi CLI on PATH gives it. */
function exportStack(stack: string | undefined, cwd: string | undefined): StackExport {
  const args = ["stack", "export", "--non-interactive", ...(stack ? ["--stack", stack] : [])];
  const r = spawnSync("pulumi", args, { cwd, encoding: "utf8", maxBuffer: 1024 ** 3 });
  if (r.error) throw new Error(`could not run pulumi ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as StackExport;
}

function readExport(file: string): StackExport {
  const body = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  try {
    return JSON.parse(body) as StackExport;
  } catch (e) {
    throw new Error(`${file} is not a pulumi stack export (JSON): ${(e as Error).message}`, { cause: e });
  }
}

/** Runs the command; what it prints goes to `out` and `err` (the process's stdout and stderr by default). */
export function main(
  argv: string[],
  out: (s: string) => void = (s) => void process.stdout.write(s),
  err: (s: string) => void = (s) => void process.stderr.write(s),
): number {
  try {
    const { command, flags } = parse(argv);
    if (command !== "report") throw new UsageError(command ? `unknown command "${command}"` : "no command");
    if (flags.file && (flags.stack || flags.cwd)) throw new UsageError("--file reads a file: no --stack or --cwd");
    const exported = flags.file ? readExport(flags.file) : exportStack(flags.stack, flags.cwd);
    out(waveReport(exported));
    return 0;
  } catch (e) {
    err(`zstack-migration: ${(e as Error).message}\n`);
    if (e instanceof UsageError) err(`${USAGE}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
