// End to end on the real Pulumi engine: one Ctrl-C (SIGINT to `pulumi up`) of the YAML wave (examples/yaml-wave)
// through the provider plugin while two conversions run and the third waits for a slot. The engine calls the
// plugin's Cancel: the two waits end at once, each migration recorded with its running job (nothing is lost),
// the queued one is never submitted. The re-run adopts the two jobs and submits the third: one job per VM.
// The scenario and its checks are ctrlCThenReRun's (plugin-support.ts), shared with the Python program's test.
import { e2eFixture, MIN } from "./fixture";
import { LONG_CONVERSIONS, YAML_WAVE, ctrlCThenReRun, pluginEnv, yamlProject } from "./plugin-support";

describe("e2e: one Ctrl-C of `pulumi up` of the YAML wave through the plugin", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "plugin-cancel",
    project: yamlProject(YAML_WAVE),
    simulator: LONG_CONVERSIONS,
    env: () => pluginEnv(fx.project),
    logScope: "describe",
  });

  it("ends the waits at once, records the running jobs, submits nothing more; the re-run adopts them", () =>
    // the example's wave: three VMs, maxInFlight 2
    ctrlCThenReRun(fx, ["web-01", "web-02", "db-01"], 2));
});
