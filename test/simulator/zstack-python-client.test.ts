// ZStack's own Python client (zstack-mcp-server's ZStackClient, installed from PyPI by the test into a
// cached virtualenv, unchanged) against the simulator over real HTTP on 127.0.0.1, through the RPC API:
// login, a V2V and an OVA export polled to the end, queries, a validation error, and session expiry
// in both forms. The flow is test/simulator/fixtures/zstack_client_flow.py.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { SEED_UUIDS as U, startSimulator, type ZStackSimulator } from "../../simulator";
import { zstackPython, ZSTACK_MCP_SERVER, type ZStackPython } from "./zstack-python";

const MIN = 60_000;
const FLOW = path.join(__dirname, "fixtures", "zstack_client_flow.py");

describe(`simulator: ZStack's own Python client (${ZSTACK_MCP_SERVER}) through the RPC API`, function () {
  let py: ZStackPython;
  let sim: ZStackSimulator;
  let steps: Array<Record<string, unknown>>;
  const step = (name: string) => {
    const found = steps.find((s) => s.step === name);
    assert.ok(found, `the flow reported no "${name}" step: ${JSON.stringify(steps)}`);
    return found;
  };

  before(async function () {
    this.timeout(10 * MIN); // the first pip install; later runs reuse the virtualenv
    py = await zstackPython();
    sim = await startSimulator({ port: 0, manualClock: true, randomSeed: 21, quiet: true });
    const run = await promisify(execFile)(py.python, [FLOW, sim.url, JSON.stringify(U)], { timeout: 5 * MIN });
    steps = run.stdout
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  after(async () => sim?.stop());

  it("logs in (SHA-512 password) and runs to the end", () => {
    assert.deepEqual(step("login"), { step: "login", accountUuid: U.adminAccount, hasSession: true });
    assert.ok(step("done"));
  });

  it("converts a VM: ConvertVmFromForeignHypervisor through execute, its long job polled to Succeeded", () => {
    assert.deepEqual(step("convert"), {
      step: "convert",
      state: "Running",
      jobName: "APIConvertVmFromForeignHypervisorMsg",
    });
    const job = step("longjob");
    assert.equal(job.state, "Succeeded");
    assert.equal(job.converted, true);
    assert.ok((job.polls as number) > 1, "the job was seen running before it succeeded");
    assert.equal(sim.world.list("vms", (v) => v.name === "web-01").length, 1);
  });

  it("exports an OVA: ExportVmOvaPackage through execute, polled until Exported; QueryImagePackage finds it", () => {
    assert.deepEqual(step("export"), { step: "export", state: "Exported", format: "ova", hasUrl: true });
    assert.deepEqual(step("query-image-package"), { step: "query-image-package", count: 1, state: "Exported" });
  });

  it("gets ZStack's validation error with its code", () => {
    assert.deepEqual(step("validation-error"), {
      step: "validation-error",
      code: "SYS.1007",
      details:
        "field[name] of message[org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg] is mandatory, can not be null",
    });
  });

  it("renews a session expired by the simulator's fault, reported as ID.1001 and as ORG_ZSTACK_IDENTITY_10020", () => {
    const renewals = steps.filter((s) => s.step === "session-renewed");
    assert.deepEqual(renewals, [
      { step: "session-renewed", expiredWith: "ID.1001", renewed: true, zones: 1 },
      { step: "session-renewed", expiredWith: "ORG_ZSTACK_IDENTITY_10020", renewed: true, zones: 1 },
    ]);
  });
});
