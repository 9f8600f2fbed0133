// Stable entry module (a public path: dist/provider/providers/v2v-migration.js). Its module.exports
// IS the provider, so a serialized `__provider` is a one-line require of the installed package.
import { V2vMigrationProvider } from "../v2v-migration-provider";

export = new V2vMigrationProvider();
