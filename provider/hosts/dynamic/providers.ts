/**
 * The resources as dynamic providers: one class each, over the resource's logic. The entry
 * modules (`provider/providers/*.ts`) export an instance; tests and benchmarks construct them with
 * injected dependencies (a virtual clock, a log).
 */
import { ProviderDeps } from "../../core/context";
import { OvaPackageInputs, OvaPackageOutputs } from "../../ova-package/inputs";
import { OvaPackageResource } from "../../ova-package/resource";
import { V2vConversionHostInputs, V2vConversionHostOutputs } from "../../v2v-conversion-host/inputs";
import { V2vConversionHostResource } from "../../v2v-conversion-host/resource";
import { V2vMigrationInputs, V2vMigrationOutputs } from "../../v2v-migration/inputs";
import { VCenterInputs, VCenterOutputs } from "../../vcenter/inputs";
import { VCenterResource } from "../../vcenter/resource";
import { V2vMigrationResource } from "../../v2v-migration/resource";
import { DynamicProvider } from "./provider";

export { ResourceInitError, entryProvider } from "./provider";
export type { ProviderDeps } from "../../core/context";

export class V2vMigrationProvider extends DynamicProvider<V2vMigrationInputs, V2vMigrationOutputs> {
  constructor(deps?: ProviderDeps) {
    super(V2vMigrationResource, deps);
  }
}

export class OvaPackageProvider extends DynamicProvider<OvaPackageInputs, OvaPackageOutputs> {
  constructor(deps?: ProviderDeps) {
    super(OvaPackageResource, deps);
  }
}

export class V2vConversionHostProvider extends DynamicProvider<V2vConversionHostInputs, V2vConversionHostOutputs> {
  constructor(deps?: ProviderDeps) {
    super(V2vConversionHostResource, deps);
  }
}

export class VCenterProvider extends DynamicProvider<VCenterInputs, VCenterOutputs> {
  constructor(deps?: ProviderDeps) {
    super(VCenterResource, deps);
  }
}
