// Stable entry module (a public path: dist/provider/providers/ova-package.js). Its module.exports
// IS the provider, so a serialized `__provider` is a one-line require of the installed package.
import { OvaPackageProvider } from "../ova-package/resource";
import { installProcessLifecycle } from "../hosts/dynamic/process-lifecycle";

// In the engine's dynamic-provider process: end with the engine (see process-lifecycle.ts).
installProcessLifecycle();

export = new OvaPackageProvider();
