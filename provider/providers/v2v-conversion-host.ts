// Stable entry module (a public path: dist/provider/providers/v2v-conversion-host.js, which stacks' recorded `__provider`
// requires). Its module.exports IS the provider, so a serialized `__provider` is a one-line require of the package.
import { V2vConversionHostProvider, entryProvider } from "../hosts/dynamic/providers";

export = entryProvider(() => new V2vConversionHostProvider());
