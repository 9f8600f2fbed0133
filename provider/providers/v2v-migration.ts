// Stable entry module (a public path: dist/provider/providers/v2v-migration.js). Its module.exports
// IS the provider, so a serialized `__provider` is a one-line require of the installed package.
import { V2vMigrationProvider } from "../v2v-migration/resource";
import { installProcessLifecycle } from "../hosts/dynamic/process-lifecycle";

// In the engine's dynamic-provider process: end with the engine (see process-lifecycle.ts).
installProcessLifecycle();

export = new V2vMigrationProvider();
