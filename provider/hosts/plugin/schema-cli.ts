#!/usr/bin/env node
/**
 * Prints the provider plugin's schema (generated from the sources, `schema.ts`) on stdout, or writes it
 * to a file: `node dist/provider/hosts/plugin/schema-cli.js [--out FILE]`. Needs the package's sources
 * and the `typescript` package (a development dependency): it runs in the repository.
 * `npm run schema` writes provider/hosts/plugin/zstack-schema.json with it.
 */
import * as fs from "fs";
import { generateSchema } from "./schema";

const args = process.argv.slice(2);
const out = args[0] === "--out" ? args[1] : undefined;
if (args.length > 0 && !(out && args.length === 2)) {
  process.stderr.write("usage: schema-cli [--out FILE]\n");
  process.exit(2);
}
const text = JSON.stringify(generateSchema(), null, 2) + "\n";
if (out) fs.writeFileSync(out, text);
else process.stdout.write(text);
