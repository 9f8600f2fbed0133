// What the end-to-end files of the provider plugin share: a consumer project whose Pulumi.yaml is a YAML
// program, the plugin's launcher on PATH (the `pulumi-resource-zstack` bin of the installed tarball, run by
// this Node.js), and the YAML language host built by scripts/setup-language-hosts.sh (never built here).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConsumerProject, ConsumerProjectOptions, REPO_ROOT } from "./harness";

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
