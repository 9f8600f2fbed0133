#!/usr/bin/env node
/**
 * `pulumi-resource-zstack`: the provider plugin's launcher (a `bin` of the npm package). The engine
 * starts it with its address; it serves the `zstack` package to programs in every Pulumi language.
 */
import { installProcessLifecycle } from "../dynamic/process-lifecycle";
import { ZStackPluginProvider } from "./provider";
import { EngineLog, engineAddress, serve } from "./server";
import { PACKAGE_NAME } from "./resources";

const args = process.argv.slice(2);
// the process ends with the engine that started it (a killed `pulumi up`): at once, submitting nothing
// more; what runs in ZStack goes on, and the next `pulumi up` adopts it (the dynamic host does the same)
installProcessLifecycle({ force: true, args });
const provider = new ZStackPluginProvider({ engineLog: new EngineLog(engineAddress(args)) });
serve(provider, args, {
  pkg: PACKAGE_NAME,
  configure: (config) => provider.configure(config),
  checkConfig: (news) => provider.checkConfig(news),
}).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-zstack: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
