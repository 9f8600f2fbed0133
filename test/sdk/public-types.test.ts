// The package's public declarations (dist/sdk/index.d.ts and everything it imports) name no zod
// type: a user's `tsc` without skipLibCheck never loads zod's .d.cts files (test/e2e/package.test.ts
// type-checks such a project; this finds the import that would bring them back, in seconds).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const DIST = path.resolve(__dirname, "../../dist");

/** bare module specifiers the declaration graph from `entry` imports, with the file that imports each */
function bareImports(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const bare = new Map<string, string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:from |import\()"([^"]+)"/g)) {
      const spec = m[1];
      if (!spec.startsWith(".")) {
        if (!bare.has(spec)) bare.set(spec, path.relative(DIST, file));
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const next = [`${base}.d.ts`, path.join(base, "index.d.ts")].find((f) => fs.existsSync(f));
      if (next) walk(next);
    }
  };
  walk(entry);
  return bare;
}

describe("sdk: the public declarations do not reach zod", () => {
  it("dist/sdk/index.d.ts and what it imports name @pulumi/pulumi and Node's modules, never zod", () => {
    const entry = path.join(DIST, "sdk/index.d.ts");
    assert.ok(fs.existsSync(entry), "dist/ is not built: run npm run build");
    const bare = bareImports(entry);
    const zod = [...bare].filter(([spec]) => spec === "zod" || spec.startsWith("zod/"));
    assert.deepStrictEqual(zod, [], "a public declaration imports zod (see provider/client/inventories.ts)");
  });
});
