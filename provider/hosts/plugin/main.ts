#!/usr/bin/env node
/**
 * `pulumi-resource-zstack`: the provider plugin's launcher (a `bin` of the npm package). The engine
 * starts it with its address; it serves the `zstack` package to programs in every Pulumi language.
 */
import { ZStackPluginProvider } from "./provider";
import { EngineLog, engineAddress, serve } from "./server";
import { PACKAGE_NAME } from "./resources";

const args = process.argv.slice(2);
const provider = new ZStackPluginProvider({ engineLog: new EngineLog(engineAddress(args)) });
serve(provider, args, { pkg: PACKAGE_NAME, configure: (config) => provider.configure(config) }).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-zstack: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
