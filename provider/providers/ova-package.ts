// Stable entry module (a public path: dist/provider/providers/ova-package.js). Its module.exports
// IS the provider, so a serialized `__provider` is a one-line require of the installed package.
import { OvaPackageProvider } from "../ova-package-provider";

export = new OvaPackageProvider();
