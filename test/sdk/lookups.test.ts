// The lookup functions over real HTTP against the simulator: the connection from the program's
// config map (as the Pulumi runtime holds it) and the ZSTACK_* environment, one login for many
// lookups, zero/one/several matches with their error texts, filters, conditions, the plural form,
// paging, the Output forms, and no secret in any message.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { startSimulator, SEED_CREDENTIALS, SEED_UUIDS as U } from "../../simulator";
import { clearSessionCache, queryAll, ZStackClient } from "../../provider/client";
import {
  getBackupStorage,
  getCluster,
  getClusterOutput,
  getHost,
  getL3Network,
  getPrimaryStorage,
  getV2vConversionHost,
  getVCenter,
  getVmInstance,
  getVmInstanceOutput,
  getVmInstances,
  getVmInstancesOutput,
  getZone,
  getZoneOutput,
  ZStackLookupError,
} from "../../sdk";
import { rejection, routeCount, Sim } from "../provider/helpers";

const GiB = 1024 ** 3;
const ENV_KEYS = Object.keys(process.env).filter((k) => k.startsWith("ZSTACK_"));

/** The program's stack config, as the language host hands it to the Pulumi runtime. */
function setProgramConfig(config: Record<string, string>, secretKeys: string[] = []): void {
  pulumi.runtime.setAllConfig(config, secretKeys);
}

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    (o as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}

const logins = (sim: Sim) => routeCount(sim, /^PUT \/v1\/accounts\/login$/);

describe("sdk: lookups against the simulator", function () {
  this.timeout(30_000);
  let sim: Sim;
  const savedEnv: Record<string, string | undefined> = {};

  before(async () => {
    for (const k of ENV_KEYS) {
      savedEnv[k] = process.env[k];
      delete process.env[k];
    }
    clearSessionCache();
    sim = await startSimulator({ port: 0, quiet: true });
  });
  beforeEach(() => {
    setProgramConfig(
      {
        "zstack:endpoint": sim.url,
        "zstack:accountName": SEED_CREDENTIALS.accountName,
        "zstack:password": SEED_CREDENTIALS.password,
      },
      ["zstack:password"],
    );
  });
  after(async () => {
    setProgramConfig({});
    for (const k of ENV_KEYS) process.env[k] = savedEnv[k];
    await sim?.stop();
  });

  describe("one match", () => {
    it("by name: the typed VmInstanceInventory, fields as ZStack names them", async () => {
      const vm = await getVmInstance({ name: "vmware-db-01" });
      assert.strictEqual(vm.uuid, U.vmwareDb01);
      assert.strictEqual(vm.hypervisorType, "ESX");
      assert.strictEqual(vm.cpuNum, 8);
      assert.strictEqual(vm.memorySize, 32 * GiB);
      assert.strictEqual(vm.platform, "Linux");
      assert.strictEqual(vm.guestOsType, "Red Hat Enterprise Linux 8");
      assert.strictEqual(vm.allVolumes?.length, 2);
    });

    it("by uuid, and with no criteria when exactly one object exists", async () => {
      const host = await getHost({ uuid: U.host1 });
      assert.strictEqual(host.uuid, U.host1);
      assert.strictEqual(host.managementIp, sim.world.get("hosts", U.host1)!.managementIp);
      assert.strictEqual(host.status, "Connected");
      const zone = await getZone();
      assert.strictEqual(zone.uuid, U.zone);
      assert.strictEqual(zone.name, "ZONE-1");
      assert.strictEqual(zone.isDefault, true);
    });

    it("every kind: cluster, host, primary and backup storage, L3 network, conversion host", async () => {
      const cluster = await getCluster({ name: "Cluster-1" });
      assert.strictEqual(cluster.uuid, U.cluster);
      assert.strictEqual(cluster.hypervisorType, "KVM");
      assert.strictEqual((await getPrimaryStorage({ name: "PS-Local" })).uuid, U.primaryStorage);
      const bs = await getBackupStorage({ filters: { type: "ImageStoreBackupStorage" } });
      assert.strictEqual(bs.uuid, U.bsImageStore);
      assert.deepStrictEqual(bs.attachedZoneUuids, [U.zone]);
      const l3s = sim.world.list("l3Networks");
      const l3 = await getL3Network({ name: String(l3s.find((x) => x.uuid === U.l3Private)!.name) });
      assert.strictEqual(l3.uuid, U.l3Private);
      assert.strictEqual(typeof l3.system, "boolean");
      const ch = await getV2vConversionHost({ filters: { state: "Enabled" } });
      assert.strictEqual(ch.uuid, U.convHost);
      assert.strictEqual(ch.type, "VMWARE");
      assert.strictEqual(typeof ch.totalSize, "number");
      assert.strictEqual(ch.hostStatus, "Connected");
      const host = await getHost({ uuid: ch.hostUuid });
      assert.strictEqual(host.hypervisorType, "KVM");
      const vc = await getVCenter({ filters: { domainName: "vcenter.sim.local" } });
      assert.strictEqual(vc.uuid, U.vcenter);
      assert.strictEqual(vc.status, "Connected");
      assert.strictEqual(vc.port, 443);
      assert.ok(!("password" in vc));
    });
  });

  describe("zero and several matches", () => {
    it("none: the error names the function, the kind and the criteria", async () => {
      const e = await rejection(() => getVmInstance({ name: "vmware-web-99", filters: { hypervisorType: "ESX" } }));
      assert.ok(e instanceof ZStackLookupError);
      assert.strictEqual(e.message, "getVmInstance: no VmInstance matches name=vmware-web-99 AND hypervisorType=ESX");
      assert.deepStrictEqual(e.criteria, ["name=vmware-web-99", "hypervisorType=ESX"]);
      assert.strictEqual(e.kind, "VmInstance");
      const z = await rejection(() => getZone({ name: "ZONE-2" }));
      assert.strictEqual(z.message, "getZone: no Zone matches name=ZONE-2");
    });

    it("several: the error lists each candidate's uuid and name, and points at the plural form", async () => {
      const e = await rejection(() => getVmInstance({ conditions: ["name~=vmware-web-%"] }));
      assert.ok(e instanceof ZStackLookupError);
      const [a, b] = [U.vmwareWeb01, U.vmwareWeb02].sort();
      const nameOf = (u: string) => (u === U.vmwareWeb01 ? "vmware-web-01" : "vmware-web-02");
      assert.strictEqual(
        e.message,
        "getVmInstance: 2 VmInstances match name~=vmware-web-%, and a singular lookup needs exactly one " +
          `(narrow the criteria, or use getVmInstances for a list): ${a} ("${nameOf(a)}"), ${b} ("${nameOf(b)}")`,
      );
      const hosts = await rejection(() => getHost({ filters: { hypervisorType: "KVM" } }));
      assert.match(
        hosts.message,
        /^getHost: 3 Hosts match hypervisorType=KVM, and a singular lookup needs exactly one \(narrow the criteria \(uuid, name, filters, conditions\)\): /,
      );
      assert.ok(hosts.message.includes(U.host1) && hosts.message.includes(U.host2) && hosts.message.includes(U.host3));
      const none = await rejection(() => getL3Network());
      assert.match(none.message, /^getL3Network: 2 L3Networks match \(no criteria\)/);
    });
  });

  describe("filters, conditions and the plural form", () => {
    it("filters are field equalities, numbers and booleans included, ANDed with each other", async () => {
      const esx = await getVmInstances({ filters: { hypervisorType: "ESX" } });
      assert.deepStrictEqual(
        esx.map((v) => v.uuid).sort(),
        [U.vmwareWeb01, U.vmwareWeb02, U.vmwareDb01, U.vmwareApp01, U.vmwareApp02].sort(),
      );
      const stopped = await getVmInstance({ filters: { hypervisorType: "ESX", state: "Stopped" } });
      assert.strictEqual(stopped.uuid, U.vmwareApp02);
      const fourCpus = await getVmInstances({ filters: { hypervisorType: "ESX", cpuNum: 4 } });
      assert.deepStrictEqual(fourCpus.map((v) => v.name).sort(), ["vmware-app-01", "vmware-app-02"]);
      assert.strictEqual((await getZone({ filters: { isDefault: true } })).uuid, U.zone);
    });

    it("conditions are raw ZStack conditions, ANDed with name and filters", async () => {
      const web = await getVmInstances({ conditions: ["name~=vmware-web-%"], filters: { hypervisorType: "ESX" } });
      assert.deepStrictEqual(web.map((v) => v.name).sort(), ["vmware-web-01", "vmware-web-02"]);
      const big = await getVmInstances({ conditions: ["memorySize>=8589934592", "hypervisorType=ESX"] });
      assert.deepStrictEqual(big.map((v) => v.name).sort(), ["vmware-app-01", "vmware-app-02", "vmware-db-01"]);
      const one = await getVmInstance({ name: "vmware-web-02", conditions: ["state=Running"] });
      assert.strictEqual(one.uuid, U.vmwareWeb02);
    });

    it("the plural form answers a list in uuid order, empty when nothing matches", async () => {
      const all = await getVmInstances();
      assert.strictEqual(all.length, sim.world.list("vms").length);
      assert.deepStrictEqual(
        all.map((v) => v.uuid),
        all.map((v) => v.uuid!).sort(),
      );
      assert.deepStrictEqual(await getVmInstances({ name: "no-such-vm" }), []);
    });

    it("a match set larger than one page is fetched whole, page by page", async () => {
      const c = new ZStackClient({
        endpoint: sim.url,
        auth: { kind: "account", accountName: "admin", password: SEED_CREDENTIALS.password },
      });
      const before = routeCount(sim, /^GET \/v1\/vm-instances$/);
      const all = await queryAll(c, "VmInstance", [], 2);
      const total = sim.world.list("vms").length;
      assert.strictEqual(all.length, total);
      assert.strictEqual(new Set(all.map((v) => v.uuid)).size, total);
      assert.strictEqual(routeCount(sim, /^GET \/v1\/vm-instances$/) - before, Math.floor(total / 2) + 1);
    });
  });

  describe("criteria errors", () => {
    it("values ZStack would misread, empty values, unknown arguments and wrong types fail before any request", async () => {
      const before = sim.stats.requests;
      const op = await rejection(() => getVmInstance({ filters: { name: "a!=b" } }));
      assert.match(
        op.message,
        /^getVmInstance: filters\.name "a!=b" cannot be sent as an equality: ZStack splits a condition at the first operator it finds, and "!=" would be read as one/,
      );
      const empty = await rejection(() => getVmInstance({ name: "" }));
      assert.strictEqual(empty.message, "getVmInstance: name is empty (ZStack rejects a condition without a value)");
      const unknown = await rejection(() => getVmInstance({ hypervisorType: "ESX" } as never));
      assert.match(
        unknown.message,
        /^getVmInstance: unknown argument hypervisorType \(the arguments are uuid, name, filters and conditions; fields go in filters\)$/,
      );
      const field = await rejection(() => getVmInstances({ filters: { "cpuNum>": 2 } }));
      assert.match(field.message, /^getVmInstances: filters\.cpuNum> is not a field name/);
      const obj = await rejection(() => getVmInstances({ filters: { cpuNum: { n: 1 } as never } }));
      assert.match(obj.message, /filters\.cpuNum must be a string, a number or a boolean, got object/);
      assert.strictEqual(sim.stats.requests, before);
    });

    it("a condition ZStack refuses fails with ZStack's reason and the criteria", async () => {
      const e = await rejection(() => getVmInstances({ conditions: ["no operator here"] }));
      assert.ok(e instanceof ZStackLookupError);
      assert.match(
        e.message,
        /^getVmInstances: querying VmInstance where no operator here failed: .*Invalid query parameter/,
      );
      const f = await rejection(() => getVmInstances({ filters: { noSuchField: "x" } }));
      assert.match(f.message, /^getVmInstances: querying VmInstance where noSuchField=x failed: /);
    });
  });

  describe("connection", () => {
    it("many lookups, in parallel and in sequence, log in once", async () => {
      clearSessionCache();
      const before = logins(sim);
      await Promise.all([
        getZone(),
        getCluster({ name: "Cluster-1" }),
        getVmInstances(),
        getHost({ uuid: U.host2 }),
        getV2vConversionHost({ uuid: U.convHost }),
      ]);
      for (let i = 0; i < 5; i++) await getVmInstance({ uuid: U.vmwareWeb01 });
      assert.strictEqual(logins(sim) - before, 1);
    });

    it("without stack config, the ZSTACK_* environment variables are used", async () => {
      setProgramConfig({});
      process.env.ZSTACK_ENDPOINT = sim.url;
      process.env.ZSTACK_ACCOUNT_NAME = SEED_CREDENTIALS.accountName;
      process.env.ZSTACK_ACCOUNT_PASSWORD = SEED_CREDENTIALS.password;
      try {
        assert.strictEqual((await getZone()).uuid, U.zone);
      } finally {
        delete process.env.ZSTACK_ENDPOINT;
        delete process.env.ZSTACK_ACCOUNT_NAME;
        delete process.env.ZSTACK_ACCOUNT_PASSWORD;
      }
    });

    it("access keys work as for the providers", async () => {
      setProgramConfig(
        {
          "zstack:endpoint": sim.url,
          "zstack:accessKeyId": SEED_CREDENTIALS.accessKeyId,
          "zstack:accessKeySecret": SEED_CREDENTIALS.accessKeySecret,
        },
        ["zstack:accessKeySecret"],
      );
      const before = logins(sim);
      assert.strictEqual((await getVmInstance({ name: "vmware-web-01" })).uuid, U.vmwareWeb01);
      assert.strictEqual(logins(sim), before);
    });

    it("no configuration: one error naming the keys; a wrong password: ZStack's refusal, the password nowhere", async () => {
      setProgramConfig({});
      const none = await rejection(() => getZone());
      assert.match(none.message, /^getZone: ZStack is not configured\. Set zstack:endpoint/);
      const wrong = "Wr0ng-pa55word-91c2e";
      setProgramConfig({ "zstack:endpoint": sim.url, "zstack:accountName": "admin", "zstack:password": wrong }, [
        "zstack:password",
      ]);
      const e = await rejection(() => getVmInstance({ name: "vmware-web-01" }));
      assert.match(e.message, /ZStack refused the login of account "admin"/);
      assert.ok(!e.message.includes(wrong) && !String(e.stack).includes(wrong), e.message);
    });
  });

  describe("Output forms", () => {
    it("take Inputs and answer Outputs of the inventory", async () => {
      // typed: a lifted property is the field's type (the loose inventories' index signature is dropped)
      const typed: pulumi.Output<string> = getZoneOutput().uuid;
      assert.strictEqual(await value(typed), U.zone);
      const name = pulumi.output(Promise.resolve("vmware-db-01"));
      const vm = getVmInstanceOutput({ name, filters: { hypervisorType: pulumi.output("ESX") } });
      assert.strictEqual(await value(vm.uuid), U.vmwareDb01);
      assert.strictEqual(await value(getZoneOutput().name!), "ZONE-1");
      const cluster = getClusterOutput({ uuid: getZoneOutput().apply(() => U.cluster) });
      assert.strictEqual(await value(cluster.name!), "Cluster-1");
      const web = getVmInstancesOutput({ conditions: [pulumi.output("name~=vmware-web-%")] });
      assert.deepStrictEqual((await value(web)).map((v) => v.name).sort(), ["vmware-web-01", "vmware-web-02"]);
    });

    it("a failing lookup fails its Output with the lookup's error", async () => {
      await assert.rejects(
        value(getVmInstanceOutput({ name: "nope" })),
        /getVmInstance: no VmInstance matches name=nope/,
      );
    });
  });
});
