// Stable entry module (a public path: dist/provider/providers/vcenter.js, which stacks' recorded `__provider`
// requires). Its module.exports IS the provider, so a serialized `__provider` is a one-line require of the package.
import { VCenterProvider, entryProvider } from "../hosts/dynamic/providers";

export = entryProvider(() => new VCenterProvider());
