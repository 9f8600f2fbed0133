#!/usr/bin/env node
/**
 * zstack-sim: run the simulated ZStack management node.
 *
 *   zstack-sim [--port 8080] [--host 127.0.0.1] [--advertised-host HOST:PORT] [--state FILE]
 *              [--speed FACTOR] [--seed FILE] [--random-seed N] [--session-timeout SECONDS]
 *              [--v2v-duration 30m] [--ova-duration 90s] [--synchronous-apis LIST] [--no-sim-header] [--quiet]
 *
 * Prints `zstack-sim listening on http://127.0.0.1:8080` when ready (scripts can wait for that line),
 * then the default credentials. Exits cleanly on SIGINT/SIGTERM, flushing the state file.
 */
import { parseDuration } from "./core/java-time";
import { SEED_CREDENTIALS, startSimulator, type SimulatorOptions } from "./index";

/** Every flag, its default and meaning: `--help` prints this table, and the README's flag table matches it (a test checks). */
export const FLAGS: ReadonlyArray<{ flag: string; default: string; meaning: string }> = [
  { flag: "--port N", default: "8080", meaning: "listen port; 0 picks a free one" },
  { flag: "--host ADDR", default: "127.0.0.1", meaning: "bind address" },
  {
    flag: "--advertised-host H:P",
    default: "the bind address (IPv6 in brackets; 127.0.0.1 for 0.0.0.0/::)",
    meaning: "host:port written into api-job locations",
  },
  { flag: "--state FILE", default: "none (in memory)", meaning: "persist the world to FILE and load it on start" },
  { flag: "--speed FACTOR", default: "1", meaning: "simulated ms per real ms; 600 makes an hour take 6 s" },
  { flag: "--seed FILE", default: "the default world", meaning: "JSON world replacing the default one" },
  { flag: "--random-seed N", default: "random", meaning: "seed of the PRNG (fault injection, generated uuids)" },
  { flag: "--session-timeout SECS", default: "7200", meaning: "session lifetime" },
  {
    flag: "--v2v-duration DUR",
    default: "from disk sizes",
    meaning: "fixed V2V conversion time, e.g. 30m, 90s, 1h30m",
  },
  { flag: "--ova-duration DUR", default: "from disk sizes", meaning: "fixed OVA export time" },
  { flag: "--quiet", default: "off", meaning: 'print only the "listening on" line' },
  {
    flag: "--synchronous-apis LIST",
    default: "none",
    meaning:
      "async APIs answered 200 + result instead of 202 + location, e.g. ConvertVmFromForeignHypervisor,ExportVmOvaPackage or *",
  },
  { flag: "--no-sim-header", default: "off", meaning: "do not send the X-ZStack-Simulator header" },
];

const USAGE = `usage: zstack-sim [options]

${[...FLAGS, { flag: "--help", default: "", meaning: "this text" }]
  .map((f) => `  ${f.flag.padEnd(24)} ${f.meaning}${f.default ? ` [default: ${f.default}]` : ""}`)
  .join("\n")}

The control endpoint (loopback only) is at <url>/_sim/ (see the README of pulumi-zstack-migration).`;

function fail(message: string): never {
  process.stderr.write(`zstack-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

export function parseArgs(argv: string[]): SimulatorOptions {
  const opts: SimulatorOptions = {};
  const durations: { v2vMs?: number; ovaMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const number = (what: string): number => {
      const v = value();
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n)) fail(`${what} must be a number, got "${v}"`);
      return n;
    };
    const duration = (): number => {
      try {
        return parseDuration(value());
      } catch (e) {
        return fail((e as Error).message);
      }
    };
    switch (flag) {
      case "--port":
        opts.port = number("--port");
        break;
      case "--host":
        opts.host = value();
        break;
      case "--advertised-host":
        opts.advertisedHost = value();
        break;
      case "--state":
        opts.statePath = value();
        break;
      case "--speed":
        opts.speed = number("--speed");
        if (!(opts.speed > 0)) fail("--speed must be positive");
        break;
      case "--seed":
        opts.seed = value();
        break;
      case "--random-seed":
        opts.randomSeed = number("--random-seed");
        break;
      case "--session-timeout":
        opts.sessionTimeoutSeconds = number("--session-timeout");
        break;
      case "--v2v-duration":
        durations.v2vMs = duration();
        break;
      case "--ova-duration":
        durations.ovaMs = duration();
        break;
      case "--synchronous-apis":
        opts.synchronousApis = value()
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x !== "");
        break;
      case "--no-sim-header":
        opts.simulatorHeader = false;
        break;
      case "--quiet":
        opts.quiet = true;
        break;
      case "--help":
      case "-h":
        process.stdout.write(USAGE + "\n");
        process.exit(0);
        break;
      default:
        fail(`unknown argument "${arg}"`);
    }
  }
  if (durations.v2vMs !== undefined || durations.ovaMs !== undefined) opts.jobDurations = durations;
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  let sim;
  try {
    sim = await startSimulator(opts);
  } catch (e) {
    process.stderr.write(`zstack-sim: cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const out = (line: string) => process.stdout.write(line + "\n");
  // one write, so a reader that sees the first line sees the whole banner
  const banner = [`zstack-sim listening on ${sim.url}`];
  if (!opts.quiet) {
    banner.push(
      `  API base        ${sim.url}/zstack/v1`,
      `  account         ${SEED_CREDENTIALS.accountName} / ${SEED_CREDENTIALS.password}`,
      `  access key id   ${SEED_CREDENTIALS.accessKeyId}`,
      `  control         ${sim.url}/_sim/status (loopback only)`,
    );
    if (opts.statePath) banner.push(`  state file      ${opts.statePath}`);
    if (opts.speed && opts.speed !== 1) banner.push(`  speed           x${opts.speed}`);
  }
  out(banner.join("\n"));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!opts.quiet) out(`zstack-sim: ${signal}, stopping`);
    sim
      .stop()
      .then(() => process.exit(0))
      .catch((e: Error) => {
        process.stderr.write(`zstack-sim: ${e.message}\n`);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  void main();
}
