// End to end on the real Pulumi engine: one Ctrl-C (SIGINT to `pulumi up`) of examples/python-wave, a Python
// program on the provider plugin (installed from its tarball, through the SDK's wheel), while two conversions
// run and two wait for a slot. The engine calls the plugin's Cancel: the waits end at once, each running job is
// recorded in the stack, nothing more is submitted and no process of the run is left; the re-run adopts the two
// jobs and submits the other two: one job per VM. The scenario and its checks are ctrlCThenReRun's
// (plugin-support.ts), shared with the YAML program's test.
import { e2eFixture, MIN } from "./fixture";
import { exampleProjectFiles, installPlugin, programPath } from "./plugin-programs";
import { LONG_CONVERSIONS, ctrlCThenReRun } from "./plugin-support";

describe("e2e: one Ctrl-C of `pulumi up` of the Python wave through the plugin", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "python-cancel",
    project: () => ({ program: "", withPackage: false, files: exampleProjectFiles("python-wave") }),
    simulator: LONG_CONVERSIONS,
    logStderr: true,
    env: () => ({ PATH: programPath("python") }),
    logScope: "describe",
  });
  before(() => installPlugin(fx.h));

  it("ends the waits at once, records the running jobs, submits nothing more; the re-run adopts them", () =>
    // the example's wave: four VMs (app-02 converted only, then exported), maxInFlight 2
    ctrlCThenReRun(fx, ["vmware-web-01", "vmware-web-02", "vmware-app-01", "app-02"], 2));
});
