// A root hook: after the whole run, no process that a test started (the Pulumi CLI, its language
// host and program, dynamic-provider servers, simulator processes) may still be running. They carry
// the suite's marker in their environment (see harness.ts), so orphans reparented to init count too.
import { describeProcesses, killProcesses, suiteProcesses, waitFor } from "./harness";

after("no test left a process behind", async function () {
  this.timeout(60_000);
  // a process that a test has just stopped may take a moment to exit
  if (await waitFor(() => suiteProcesses().length === 0, 15_000)) return;
  const left = suiteProcesses();
  await killProcesses(suiteProcesses);
  throw new Error(`processes left behind by the tests (now killed): ${describeProcesses(left)}`);
});
