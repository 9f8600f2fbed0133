// What the end-to-end files of the provider plugin share: a consumer project whose Pulumi.yaml is a YAML
// program, the plugin's launcher on PATH (the `pulumi-resource-zstack` bin of the installed tarball, run by
// this Node.js), and the YAML language host built by scripts/setup-language-hosts.sh (never built here).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as assert from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { E2EFixture, jobsFor, jobWrites, MIN } from "./fixture";
import { ConsumerProject, ConsumerProjectOptions, REPO_ROOT, describeProcesses, waitFor } from "./harness";

/** The YAML wave example's program. */
export const YAML_WAVE = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml-wave", "Pulumi.yaml"), "utf8");

/** A consumer project running the YAML program `pulumiYaml` (the package installed from the tarball). */
export function yamlProject(pulumiYaml: string): ConsumerProjectOptions {
  return { program: "// unused: the project's runtime is yaml\n", files: { "Pulumi.yaml": pulumiYaml } };
}

/** The directory of the language hosts, or an error saying how to build them. */
export function languageHostBin(host: "yaml" | "python" | "go" = "yaml"): string {
  const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "setup-language-hosts.sh"), "--check", host], {
    encoding: "utf8",
  });
  if (r.status !== 0) {
    throw new Error(
      `the ${host} language host is not built: run scripts/setup-language-hosts.sh ${host} (or source scripts/env.sh && pzm_ensure_language_hosts ${host})\n${r.stderr}`,
    );
  }
  return r.stdout.trim();
}

/**
 * The environment of the CLI calls: PATH with the plugin's launcher (a `pulumi-resource-zstack` in the
 * project's `.plugin-bin`, which runs the tarball's bin with this Node.js) and the YAML language host.
 */
export function pluginEnv(project: ConsumerProject): Record<string, string> {
  return {
    PATH: [pluginLauncherDir(project), languageHostBin("yaml"), path.dirname(process.execPath), process.env.PATH].join(
      path.delimiter,
    ),
  };
}

/**
 * Node.js 22's AsyncLocalStorage on V8's async context frames instead of promise hooks, which slow every
 * promise of the process down once a store is in use (the plugin keeps each request's URN in one:
 * provider/hosts/plugin/server.ts). The default from Node.js 24 on.
 */
export const ASYNC_CONTEXT_FRAME = "--experimental-async-context-frame";

/**
 * The directory of a `pulumi-resource-zstack` launcher that runs the project's installed package (its
 * `bin`) with this Node.js: put first on PATH, the engine starts the plugin from it.
 */
export function pluginLauncherDir(project: ConsumerProject): string {
  const bin = path.join(project.dir, ".plugin-bin");
  fs.mkdirSync(bin, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(project.packageDir!, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  const main = path.join(project.packageDir!, pkg.bin["pulumi-resource-zstack"]);
  // as the tarball's launcher does (scripts/pack-plugin.sh): async context frames where this Node.js has them
  const flag = process.allowedNodeEnvironmentFlags.has(ASYNC_CONTEXT_FRAME) ? ` ${ASYNC_CONTEXT_FRAME}` : "";
  fs.writeFileSync(
    path.join(bin, "pulumi-resource-zstack"),
    `#!/bin/sh\nexec "${process.execPath}"${flag} "${main}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return bin;
}

/** Routes that change something in ZStack (anything but queries, logins and the simulator's own). */
export function mutatingRoutes(byRoute: Record<string, number>): string[] {
  return Object.keys(byRoute).filter(
    (r) => !/^(GET|HEAD) /.test(r) && !r.includes("/_sim/") && !/\/accounts\/(users\/)?login$/.test(r),
  );
}

/** The plugin's migration type token. */
export const PLUGIN_V2V = "zstack:index:V2vMigration";

/**
 * The plugin's progress lines in an `up`'s engine events: each named migration's "submitted long job" line on its
 * own row (the engine's Log with its URN), a wait's line as a row's live status (ephemeral), none on the stack's row.
 */
export function assertProgressOnRows(events: EngineEvent[], migrations: string[]): void {
  const diags = events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
  const onRow = (name: string) => diags.filter((d) => d.urn?.endsWith(`${PLUGIN_V2V}::${name}`));
  for (const name of migrations) {
    assert.ok(
      onRow(name).some((d) => /submitted long job/.test(d.message)),
      `${name}: no "submitted" line on its row: ${JSON.stringify(onRow(name))}`,
    );
  }
  assert.ok(
    diags.some((d) => d.ephemeral && d.urn?.includes(PLUGIN_V2V) && /\(elapsed |queued: /.test(d.message)),
    "a wait's progress is the row's live status (ephemeral)",
  );
  assert.ok(
    !diags.some((d) => /submitted long job/.test(d.message) && !d.urn?.includes(PLUGIN_V2V)),
    "no progress line on the stack's row",
  );
}

/**
 * Simulator options under which a wave's conversions outlast any Ctrl-C test: 10 simulated hours each at
 * 300x (2 minutes of real time), the clock moved on by `ctrlCThenReRun` itself.
 */
export const LONG_CONVERSIONS = { speed: 300, jobDurations: { v2vMs: 600 * MIN, ovaMs: 5 * MIN } };

/**
 * One Ctrl-C (SIGINT to the CLI alone) of `pulumi up` of a wave through the plugin, then a re-run, with
 * the simulator of `LONG_CONVERSIONS`. `vms` are the names of the wave's migrated VMs; `inFlight` of them
 * convert at once (the plan's maxInFlight) and the rest queue. At the Ctrl-C: the waits end at once (no
 * wait for the 10-hour conversions), each running job is recorded in the stack as Running with its id,
 * nothing is submitted or changed in ZStack afterwards, and no process of the run is left. The re-run
 * adopts the recorded jobs and submits only the queued ones: one long job per VM, all Succeeded.
 */
export async function ctrlCThenReRun(fx: E2EFixture, vms: readonly string[], inFlight: number): Promise<void> {
  const submitted = () => vms.filter((vm) => jobsFor(fx.sim, vm).length > 0).length;
  const run = await fx.spawnUp();
  try {
    assert.ok(await waitFor(() => submitted() === inFlight, 180_000), `${inFlight} conversions never started`);
    assert.ok(await waitFor(() => /queued: 0 ahead of it/.test(fx.log), 60_000), "no migration ever queued");
    const writesAtCtrlC = jobWrites(fx.sim);
    process.kill(run.child.pid!, "SIGINT"); // one Ctrl-C, to the CLI alone
    const exit = await run.exited; // no wait for the 10-hour conversions
    assert.notStrictEqual(exit.code, 0, "a cancelled up does not succeed");
    const gone = await waitFor(() => run.processes().length === 0, 10_000);
    assert.ok(gone, `processes of the run survive it: ${describeProcesses(run.processes())}`);
    assert.deepStrictEqual(jobWrites(fx.sim), writesAtCtrlC, "a job was submitted or changed after the Ctrl-C");
  } finally {
    await run.killTree();
  }
  assert.strictEqual(submitted(), inFlight, "a queued migration was submitted after Ctrl-C");
  assert.match(fx.log, /not submitted: the run was cancelled \(Ctrl-C\)/);
  assert.match(fx.log, /the run was cancelled \(Ctrl-C\) while waiting/);
  const recorded = await fx.h.resources(PLUGIN_V2V);
  assert.strictEqual(recorded.length, inFlight, "each running job is recorded in the stack");
  const recordedIds = new Map<string, string>();
  for (const r of recorded) {
    assert.strictEqual(r.outputs.state, "Running");
    assert.strictEqual(jobsFor(fx.sim, r.outputs.name)[0].uuid, r.id);
    recordedIds.set(r.outputs.name, r.id);
  }

  fx.sim.advance(11 * 60 * MIN); // the running conversions end in ZStack; nothing submits anything
  assert.strictEqual(submitted(), inFlight);
  let done = false;
  const up = fx.h.stack.up(fx.opts()).finally(() => (done = true));
  // the queued ones are submitted now: their 10 hours pass at once too
  if (await waitFor(() => done || submitted() === vms.length, 180_000)) fx.sim.advance(11 * 60 * MIN);
  const res = await up;
  assert.strictEqual(res.summary.result, "succeeded");
  for (const vm of vms) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
  const after = await fx.h.resources(PLUGIN_V2V);
  assert.deepStrictEqual(
    after.map((r) => r.outputs.state),
    vms.map(() => "Succeeded"),
  );
  for (const [name, id] of recordedIds) {
    assert.strictEqual(after.find((r) => r.outputs.name === name)?.id, id, `${name}: the recorded job adopted`);
  }
}
