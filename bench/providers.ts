// The one place the benchmarks load provider code from: the provider classes, for a provider with
// injected dependencies (a virtual clock, a log), `new (providerClass("v2v-migration"))({ clock, log })`,
// from the compiled package (dist/, which scripts/bench.sh and ./test.sh build). Everything else the
// benchmarks run of the package goes through its public surface: the SDK installed from the packed
// tarball in a consumer project (whose engine loads dist/provider/providers/<resource>.js) and the
// simulator's index. A module moved inside provider/ then breaks, at most, the one line `classModule`.
import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The resources, as named in provider/<resource>/ and dist/provider/providers/<resource>.js. */
export type ResourceName = "v2v-migration" | "ova-package" | "v2v-conversion-host";

/** The compiled module (under dist/) that exports the provider classes (one module exports all three). */
const classModule = (_resource: ResourceName): string => "provider/hosts/dynamic/providers";

const CLASS_NAMES = {
  "v2v-migration": "V2vMigrationProvider",
  "ova-package": "OvaPackageProvider",
  "v2v-conversion-host": "V2vConversionHostProvider",
} as const satisfies Record<ResourceName, string>;

/** What a provider class takes (provider/core/context.ts, ProviderDeps). */
export interface ProviderDeps {
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  pollPolicy?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  /** where progress lines go (default console.log) */
  log?: (line: string) => void;
}

/** A provider, as the engine calls it; configure reads the stack config by fully qualified key. */
export type Provider = Omit<pulumi.dynamic.ResourceProvider, "configure"> &
  Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "create" | "read">> & {
    configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  };

export type ProviderClass = new (deps?: ProviderDeps) => Provider;

/** An absolute path under dist/, checked to exist (with what to do when it does not). */
function distFile(rel: string): string {
  const file = path.join(REPO_ROOT, "dist", `${rel}.js`);
  if (!fs.existsSync(file)) {
    throw new Error(
      `${path.relative(REPO_ROOT, file)} is missing: build with \`npx tsc -p tsconfig.json\` (npm run bench does)`,
    );
  }
  return file;
}

/**
 * Where a provider class is, for a process that loads it itself (`node -e`): the compiled module's
 * absolute path and the name it is exported under.
 */
export function providerClassLocation(resource: ResourceName): { file: string; exportName: string } {
  return { file: distFile(classModule(resource)), exportName: CLASS_NAMES[resource] };
}

/** The provider class of a resource, from the compiled package. */
export function providerClass(resource: ResourceName): ProviderClass {
  const { file, exportName } = providerClassLocation(resource);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path resolved at run time, on purpose
  const cls = (require(file) as Record<string, ProviderClass | undefined>)[exportName];
  if (typeof cls !== "function") throw new Error(`${file} does not export ${exportName}`);
  return cls;
}

/**
 * The mark a deleted migration leaves on its long job's description when its VM is kept
 * (provider/v2v-migration/earlier-migrations.ts): a destroy keeps such records as ZStack's evidence
 * that each source was migrated.
 */
export function releasedMark(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- from dist/, like the provider classes above
  const m = require(path.join(REPO_ROOT, "dist/provider/v2v-migration/earlier-migrations")) as {
    RELEASED_MARK: string;
  };
  return m.RELEASED_MARK;
}
