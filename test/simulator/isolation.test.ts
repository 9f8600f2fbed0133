// The simulator is the test oracle: it must not share code with the client it tests, so a
// misunderstanding of the wire protocol cannot hide in code both sides use.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const SIM = path.join(ROOT, "simulator");

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

describe("simulator: isolation", () => {
  it("imports nothing from provider/, sdk/ or the package's own name", () => {
    const files = sources(SIM);
    assert.ok(files.length > 10, "found the simulator's sources");
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      const specs = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
      for (const s of specs) {
        const target = s.startsWith(".") ? path.resolve(path.dirname(f), s) : s;
        const rel = path.relative(ROOT, target);
        if (/^(provider|sdk)(\/|$)/.test(rel) || s.startsWith("pulumi-zstack-migration"))
          offenders.push(`${path.relative(ROOT, f)} → ${s}`);
      }
    }
    assert.deepStrictEqual(offenders, []);
  });
});
