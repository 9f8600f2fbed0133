// Stable entry module (a public path: dist/provider/providers/v2v-conversion-host.js). Its module.exports
// IS the provider, so a serialized `__provider` is a one-line require of the installed package.
import { installProcessLifecycle } from "../hosts/dynamic/process-lifecycle";
import { V2vConversionHostProvider } from "../v2v-conversion-host/resource";

// In the engine's dynamic-provider process: end with the engine (see process-lifecycle.ts).
installProcessLifecycle();

export = new V2vConversionHostProvider();
