// The one set-up of the end-to-end files that run a program on the real engine. Inside a `describe`:
//
//   const fx = e2eFixture({ stack: "lifecycle", project: fixtureProgram("spec-program"), password: PASSWORD,
//     simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } }, config: { "e2e:spec": spec } });
//   it("…", async () => { const res = await fx.h.stack.up(fx.opts()); … fx.sim.world.get(…); fx.log … });
//
// registers the hooks that start the simulator (in this process, on a free port), install the
// consumer project (the package from the `npm pack` tarball, see harness.ts), create the stack with
// the zstack:* config pointing at the simulator, print the engine's output when a test fails, and
// stop and remove all of it after the `describe`. Also the names the files share: MIN, the type
// tokens, jobsFor, and every resource's property names, taken from the resource's own tables.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  Row,
  SEED_CREDENTIALS,
  SEED_UUIDS as U,
  SimulatorOptions,
  startSimulator,
  ZStackSimulator,
} from "../../simulator";
import { OVA_PACKAGE_INPUTS, OVA_PACKAGE_OUTPUTS } from "../../provider/ova-package/inputs";
import { V2V_CONVERSION_HOST_INPUTS, V2V_CONVERSION_HOST_OUTPUTS } from "../../provider/v2v-conversion-host/inputs";
import { V2V_MIGRATION_INPUTS, V2V_MIGRATION_OUTPUTS } from "../../provider/v2v-migration/inputs";
import {
  ConsumerProject,
  ConsumerProjectOptions,
  createConsumerProject,
  E2EStack,
  makeTempDir,
  PulumiRun,
  removeDir,
  spawnPulumi,
  StackConfig,
  withStack,
} from "./harness";

export const MIN = 60_000;
export const GiB = 1024 ** 3;
export const TiB = 1024 ** 4;

export const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
export const OVA = "pulumi-nodejs:dynamic/zstack:OvaPackage";
export const CH = "pulumi-nodejs:dynamic/zstack:V2vConversionHost";

export function sha512Hex(s: string): string {
  return createHash("sha512").update(s).digest("hex");
}

/** Requests that change jobs (submit, cancel, rerun, resume, update, delete), by route. */
export function jobWrites(sim: ZStackSimulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sim.stats.byRoute).filter(
      ([route]) => !route.startsWith("GET ") && /\/v1\/(v2vs|longjobs)/.test(route),
    ),
  );
}

/** Long jobs in ZStack that convert into a VM of this name. */
export function jobsFor(sim: ZStackSimulator, vmName: string): Row[] {
  return sim.world.list("longJobs").filter((j) => JSON.parse(String(j.jobData ?? "{}")).name === vmName);
}

// ---------------------------------------------------------------------------------------------
// Property names, from each resource's tables (provider/<resource>/inputs.ts)
// ---------------------------------------------------------------------------------------------

const TABLES = {
  V2vMigration: { inputs: V2V_MIGRATION_INPUTS.names, outputs: V2V_MIGRATION_OUTPUTS },
  OvaPackage: { inputs: OVA_PACKAGE_INPUTS.names, outputs: OVA_PACKAGE_OUTPUTS },
  V2vConversionHost: { inputs: V2V_CONVERSION_HOST_INPUTS.names, outputs: V2V_CONVERSION_HOST_OUTPUTS },
};
export type ResourceKind = keyof typeof TABLES;

/** Every property of a resource: its inputs (echoed as outputs), then its output-only properties. */
export function outputNames(kind: ResourceKind): string[] {
  return [...new Set<string>([...TABLES[kind].inputs, ...TABLES[kind].outputs])];
}

/**
 * The outputs a resource promises to have once created: every output-only property, and every input
 * the program set (`args`). An input left unset may stay unset.
 */
export function promisedOutputs(kind: ResourceKind, args: Record<string, unknown>): string[] {
  const inputs = TABLES[kind].inputs as readonly string[];
  const given = Object.keys(args).filter((k) => args[k] !== undefined && inputs.includes(k));
  return [...new Set<string>([...TABLES[kind].outputs, ...given])];
}

/**
 * A program of test/e2e/fixtures/ (spec-program or plan-program), with output-names.json next to it:
 * `outputNames` of every resource, which the spec program exports.
 */
export function fixtureProgram(
  name: "spec-program" | "plan-program",
): Pick<ConsumerProjectOptions, "program" | "files"> {
  const names = Object.fromEntries(Object.keys(TABLES).map((k) => [k, outputNames(k as ResourceKind)]));
  return {
    program: fs.readFileSync(path.join(__dirname, "fixtures", name, "index.js"), "utf8"),
    files: { "output-names.json": JSON.stringify(names, null, 2) + "\n" },
  };
}

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

export interface E2EFixtureOptions {
  /** The stack's name (also the prefix of the project's temporary directory). */
  stack: string;
  /** The consumer project: the program and how it is installed (createConsumerProject); a function is called in `before`. */
  project: ConsumerProjectOptions | (() => ConsumerProjectOptions);
  /**
   * Options of the simulator started in this process (`port: 0` and `quiet` are added), or false for
   * no simulator (and no zstack:* config). Default: the simulator's defaults.
   */
  simulator?: Omit<SimulatorOptions, "port"> | false;
  /** The admin account's password, set in the simulator and given as secret config. Default: the seeded one. */
  password?: string;
  /** More stack config next to zstack:endpoint, accountName and password; a function is called in `before`. */
  config?: StackConfig | (() => StackConfig);
  /** true: no stack, the project only (default false). */
  stackless?: boolean;
  /** "test" (default): the engine output recorded is cleared after every test; "describe": kept for all of them. */
  logScope?: "test" | "describe";
  /** Record the engine's stderr in the log too (opts() sets onError). */
  logStderr?: boolean;
  /** Extra environment of every CLI call (withStack's `env`); a function is called in `before`. */
  env?: Record<string, string> | (() => Record<string, string>);
}

export interface E2EFixture {
  /** The simulator (this process). */
  readonly sim: ZStackSimulator;
  readonly project: ConsumerProject;
  readonly h: E2EStack;
  /** The engine's output recorded by `opts()`/`onOutput` (printed when a test fails). Assignable. */
  log: string;
  /** Appends engine output to `log` (for spawnPulumi). */
  readonly onOutput: (s: string) => void;
  /** Options for stack.up/preview/refresh/destroy that record the engine's output in `log`. */
  readonly opts: () => { onOutput: (s: string) => void; onError?: (s: string) => void };
  /**
   * Starts `pulumi up --yes --skip-preview` on the stack as a plain child process (spawnPulumi), its
   * output recorded in `log`, so that a test can kill it; call the run's killTree() when done.
   */
  readonly spawnUp: () => Promise<PulumiRun>;
}

/** Registers the before/afterEach/after hooks of an end-to-end `describe`; see the top of this file. */
export function e2eFixture(options: E2EFixtureOptions): E2EFixture {
  let sim: ZStackSimulator | undefined;
  let project: ConsumerProject | undefined;
  let h: E2EStack | undefined;
  let log = "";
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2eFixture(${options.stack}): no ${what} (not set up, or not asked for)`);
    return value;
  };
  const onOutput = (s: string): void => void (log += s);
  const fx: E2EFixture = {
    get sim() {
      return ready(sim, "simulator");
    },
    get project() {
      return ready(project, "project");
    },
    get h() {
      return ready(h, "stack");
    },
    get log() {
      return log;
    },
    set log(v: string) {
      log = v;
    },
    onOutput,
    opts: () => (options.logStderr ? { onOutput, onError: onOutput } : { onOutput }),
    spawnUp: () =>
      spawnPulumi(fx.h, fx.project.dir, ["up", "--yes", "--skip-preview", "--stack", options.stack], onOutput),
  };

  before(async function () {
    const password = options.password ?? SEED_CREDENTIALS.password;
    if (options.simulator !== false) {
      sim = await startSimulator({ quiet: true, ...options.simulator, port: 0 });
      if (options.password !== undefined)
        sim.world.update("accounts", U.adminAccount, { password: sha512Hex(password) });
    }
    const projectOptions = typeof options.project === "function" ? options.project() : options.project;
    project = await createConsumerProject(makeTempDir(options.stack), projectOptions);
    if (options.stackless) return;
    const zstack: StackConfig = sim
      ? {
          "zstack:endpoint": sim.url,
          "zstack:accountName": SEED_CREDENTIALS.accountName,
          "zstack:password": { value: password, secret: true },
        }
      : {};
    const extra = typeof options.config === "function" ? options.config() : (options.config ?? {});
    const env = typeof options.env === "function" ? options.env() : options.env;
    h = await withStack(project.dir, options.stack, { ...zstack, ...extra }, env ? { env } : {});
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- engine output ---\n${log.slice(-20000)}`);
    if ((options.logScope ?? "test") === "test") log = "";
  });

  after(async () => {
    await h?.dispose();
    await sim?.stop();
    if (project) removeDir(project.dir);
  });

  return fx;
}
