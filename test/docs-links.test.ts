// Every relative link in the repository's Markdown resolves: the file or folder it names exists, and
// a #fragment names a heading of the target file (GitHub's anchors) or an explicit <a id> / <a name>.
// Links to other sites (https:, mailto:) are not followed: no network.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
/** folders that hold no documentation of ours (installed packages, build output, local state) */
const SKIPPED_DIRS = new Set(["node_modules", "dist"]);

/** The Markdown files of the repository, outside hidden folders and `SKIPPED_DIRS`. */
function markdownFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...markdownFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".md")) found.push(full);
  }
  return found.sort();
}

/** The lines outside fenced code blocks, with inline code spans blanked out. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
      lines.push("");
    } else if (m) {
      fence = m[1];
      lines.push("");
    } else lines.push(line.replace(/(`+)[\s\S]*?\1/g, (s) => " ".repeat(s.length)));
  }
  return lines;
}

/** GitHub's anchor of a heading: the rendered text, lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file: its headings (duplicates numbered as GitHub does) and <a id/name>. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const h = /^ {0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/.exec(line);
    if (h) {
      const base = anchorOf(h[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]);
  }
  return anchors;
}

/** The link targets of a Markdown file (inline links, images and reference definitions), with line numbers. */
function linksOf(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  proseLines(markdown).forEach((text, i) => {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ line: i + 1, target: m[1] });
    const def = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(text);
    if (def) links.push({ line: i + 1, target: def[1] });
    for (const m of text.matchAll(/<a\s+[^>]*href="([^"]+)"/g)) links.push({ line: i + 1, target: m[1] });
  });
  return links;
}

/** Why a link of `file` does not resolve, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // another site: not followed
  const hash = target.indexOf("#");
  const pathPart = decodeURIComponent((hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, ""));
  const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === "" ? file : path.resolve(path.dirname(file), pathPart);
  if (path.relative(ROOT, resolved).startsWith("..")) return "points outside the repository";
  if (!fs.existsSync(resolved)) return `${path.relative(ROOT, resolved)} does not exist`;
  if (fragment === undefined || fragment === "" || !resolved.endsWith(".md")) return undefined;
  if (!anchorsOf(fs.readFileSync(resolved, "utf8")).has(fragment))
    return `${path.relative(ROOT, resolved)} has no heading or anchor #${fragment}`;
  return undefined;
}

describe("docs: every relative link in the Markdown files resolves", () => {
  it("finds the anchors GitHub makes of headings", () => {
    assert.strictEqual(
      anchorOf("`MigrationPlan`: a wave of migrations as data"),
      "migrationplan-a-wave-of-migrations-as-data",
    );
    assert.strictEqual(
      anchorOf("When `pulumi up` is interrupted or killed"),
      "when-pulumi-up-is-interrupted-or-killed",
    );
    assert.strictEqual(anchorOf("Control endpoint (`/_sim/...`)"), "control-endpoint-_sim");
    assert.strictEqual(
      anchorOf("11.1 The KVM `url` of ConvertVmFromForeignHypervisor"),
      "111-the-kvm-url-of-convertvmfromforeignhypervisor",
    );
    assert.deepStrictEqual(
      [...anchorsOf("# A\n## Example\n```\n# not a heading\n```\n### Example\n")],
      ["a", "example", "example-1"],
    );
  });

  it("finds links in prose only, not in code", () => {
    const md = "See [the guide](docs/a.md#x) and `[not](a link)`.\n```\n[nor](this)\n```\n[ref]: CONTRIBUTING.md\n";
    assert.deepStrictEqual(linksOf(md), [
      { line: 1, target: "docs/a.md#x" },
      { line: 5, target: "CONTRIBUTING.md" },
    ]);
  });

  it("README.md, CONTRIBUTING.md, docs/ and the examples: every relative link and #anchor exists", () => {
    const files = markdownFiles();
    assert.ok(
      files.some((f) => path.relative(ROOT, f) === "README.md"),
      "README.md is among the files checked",
    );
    const broken: string[] = [];
    for (const file of files) {
      for (const { line, target } of linksOf(fs.readFileSync(file, "utf8"))) {
        const why = brokenLink(file, target);
        if (why) broken.push(`${path.relative(ROOT, file)}:${line}: (${target}) ${why}`);
      }
    }
    assert.deepStrictEqual(broken, []);
  });
});
