import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, HOUR } from "./helpers";

describe("simulator VmInstance APIs", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const vm = async (uuid: string) => (await h.query(`/v1/vm-instances/${uuid}`))[0];
  const act = (uuid: string, body: Record<string, unknown>) => h.async("PUT", `/v1/vm-instances/${uuid}/actions`, body);

  it("stops and starts VMs, keeping hostUuid consistent", async () => {
    const stopped = await act(U.vmRunning, { stopVmInstance: { type: "grace" } });
    assert.equal(stopped.status, 200);
    assert.equal(stopped.json().inventory.state, "Stopped");
    assert.equal("hostUuid" in stopped.json().inventory, false);
    assert.equal((await act(U.vmRunning, { stopVmInstance: {} })).status, 200, "stopping a stopped VM is a no-op");
    const started = await act(U.vmRunning, { startVmInstance: {} });
    assert.equal(started.json().inventory.state, "Running");
    assert.equal(started.json().inventory.hostUuid, U.host1);
    expectError(
      await act(U.vmRunning, { stopVmInstance: { type: "forcefully" } }),
      503,
      "SYS.1007",
      "valid value for field[type] of message[org.zstack.header.vm.APIStopVmInstanceMsg] are [grace, cold], but forcefully found",
    );
  });

  it("destroys (still queryable as Destroyed), recovers and expunges VMs", async () => {
    const r = await h.async("DELETE", `/v1/vm-instances/${U.vmStopped3}?deleteMode=Permissive`);
    assert.equal(r.status, 200);
    assert.equal(r.text, "{}");
    assert.equal((await vm(U.vmStopped3)).state, "Destroyed");
    expectError(
      await act(U.vmStopped3, { startVmInstance: {} }),
      503,
      "VM.1010",
      "current vm instance state[Destroyed] doesn't allow to proceed message[org.zstack.header.vm.StartVmInstanceMsg], allowed states are [Stopped, Created, Starting]",
    );
    assert.equal((await act(U.vmStopped3, { recoverVmInstance: {} })).json().inventory.state, "Stopped");
    await h.async("DELETE", `/v1/vm-instances/${U.vmStopped3}`);
    assert.equal((await act(U.vmStopped3, { expungeVmInstance: {} })).status, 200);
    assert.deepEqual(await h.query(`/v1/vm-instances/${U.vmStopped3}`), []);
    assert.equal(
      (await h.async("DELETE", `/v1/vm-instances/${U.vmStopped3}`)).status,
      200,
      "destroying a missing VM succeeds",
    );
  });

  it("refuses to expunge a VM that is not Destroyed, and unknown VMs", async () => {
    expectError(
      await act(U.vmRunning, { expungeVmInstance: {} }),
      503,
      "VM.1010",
      /current vm instance state\[Running\]/,
    );
    expectError(
      await act("0123456789abcdef0123456789abcdef", { stopVmInstance: {} }),
      503,
      "SYS.1003",
      "invalid field[uuid], resource[uuid:0123456789abcdef0123456789abcdef, type:VmInstanceVO] not found",
    );
  });

  it("clears the vmUuid of a package whose VM is expunged", async () => {
    await h.async("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
    });
    h.sim.advance(HOUR);
    await h.async("DELETE", `/v1/vm-instances/${U.vmStopped}`);
    await act(U.vmStopped, { expungeVmInstance: {} });
    const [pkg] = await h.query("/v1/image-packages");
    assert.equal(pkg.state, "Exported");
    assert.equal("vmUuid" in pkg, false);
  });

  it("lets a stopped VM be made exportable after stopping the running one", async () => {
    await act(U.vmRunning, { stopVmInstance: {} });
    const r = await h.async("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmRunning, backupStorageUuid: U.bsImageStore },
    });
    assert.equal(r.status, 202);
  });

  it("manages V2V conversion hosts", async () => {
    const enable = await h.async("PUT", `/v1/v2v-conversion-hosts/${U.convHostDisabled}/actions`, {
      changeV2VConversionHostState: { stateEvent: "enable" },
    });
    assert.equal(enable.json().inventory.state, "Enabled");
    const add = await h.async("POST", "/v1/v2v-conversion-hosts", {
      params: { name: "ch3", hostUuid: U.host3, storagePath: "/cache", type: "KVM" },
    });
    assert.equal(add.status, 200, add.text);
    const uuid = add.json().inventory.uuid;
    const upd = await h.async("PUT", `/v1/v2v-conversion-hosts/${uuid}/actions`, {
      updateV2VConversionHost: { name: "ch3b" },
    });
    assert.equal(upd.json().inventory.name, "ch3b");
    assert.equal(
      (await h.async("PUT", `/v1/v2v/conversion/host/${uuid}/actions`, { cleanV2VConversionCache: {} })).status,
      200,
    );
    assert.equal((await h.async("DELETE", `/v1/v2v-conversion-hosts/${uuid}`)).status, 200);
    assert.deepEqual(await h.query(`/v1/v2v-conversion-hosts/${uuid}`), []);
    expectError(
      await h.async("PUT", `/v1/v2v-conversion-hosts/${uuid}/actions`, {
        changeV2VConversionHostState: { stateEvent: "disable" },
      }),
      503,
      "SYS.1003",
      `invalid field[uuid], resource[uuid:${uuid}, type:V2VConversionHostVO] not found`,
    );
  });
});
