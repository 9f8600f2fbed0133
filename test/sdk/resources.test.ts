// SDK wiring under pulumi.runtime.setMocks: type tokens, inputs sent, seeded outputs, secret
// outputs, and the derived resourceUuid. Mocks never call the provider; the provider itself is
// tested in test/provider. Serialization of the provider does run here (by value, in the repo).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  OvaPackage,
  OVA_PACKAGE_TYPE,
  V2vConversionHost,
  V2V_CONVERSION_HOST_TYPE,
  V2vMigration,
  V2V_MIGRATION_TYPE,
  VCenter,
  VCENTER_TYPE,
} from "../../sdk";
import { deriveResourceUuid } from "../../sdk/resource-uuid";
import { SEED_UUIDS as U } from "../../simulator/seed-uuids";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider module uses `export =`; imported as the SDK imports it
import v2vProvider = require("../../provider/providers/v2v-migration");

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
}

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => (resolve(v), v)));
}

describe("sdk: resource wiring (setMocks)", function () {
  this.timeout(30000);
  const registered = new Map<string, Registered>();
  const secretOutputs = new Map<string, string[]>();
  /** the properties as sent to the engine, secrets still wrapped */
  const sentObjects = new Map<string, Record<string, unknown>>();
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);

  before(async () => {
    process.on("unhandledRejection", onRejection);
    // a configured provider must never leak its credentials into __provider
    await v2vProvider.configure({
      config: {
        get: (k: string) =>
          ({
            "zstack:endpoint": "http://127.0.0.1:1",
            "zstack:accountName": "admin",
            "zstack:password": "s3cret-Passw0rd",
          })[k],
      },
    });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, {
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            additionalSecretOutputs: [],
          });
          const state: Record<string, unknown> = { ...args.inputs };
          delete state.__provider;
          if (args.type === V2V_MIGRATION_TYPE) {
            Object.assign(state, {
              uuid: args.inputs.resourceUuid ?? args.inputs.defaultResourceUuid,
              state: "Succeeded",
              vmUuid: "1".repeat(32),
              jobName: "APIConvertVmFromForeignHypervisorMsg",
              executeTime: 7200,
              longJobName: "job",
            });
          } else if (args.type === V2V_CONVERSION_HOST_TYPE) {
            Object.assign(state, {
              uuid: args.inputs.resourceUuid ?? args.inputs.defaultResourceUuid,
              state: "Enabled",
              totalSize: 4096,
              availableSize: 1024,
              hostStatus: "Connected",
              hostState: "Enabled",
              createDate: "d1",
              lastOpDate: "d2",
            });
          } else {
            Object.assign(state, {
              uuid: args.inputs.resourceUuid ?? args.inputs.defaultResourceUuid,
              state: "Exported",
              exportUrl: "http://bs/x.ova",
              md5Sum: "abc",
              size: 42,
              format: "ova",
              name: "exported-vm-x",
            });
          }
          return { id: String(state.uuid), state };
        },
        call: () => ({}),
      },
      "proj",
      "dev",
      false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource: (
        req: {
          getName(): string;
          getAdditionalsecretoutputsList(): string[];
          getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
        },
        cb: unknown,
      ) => unknown;
    };
    const orig = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
      sentObjects.set(req.getName(), req.getObject()?.toJavaScript() ?? {});
      return orig(req, cb);
    };
  });

  after(() => {
    process.off("unhandledRejection", onRejection);
  });

  it("V2vMigration: type token, inputs, seeded outputs, sshPrivKey as an additional secret output", async () => {
    const m = new V2vMigration("web-01", {
      url: `vmware://${U.vmwareWeb01}`,
      name: "web-01",
      cpuNum: 2,
      memorySize: 4 * 1024 ** 3,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      sshPrivKey: pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----"),
      timeouts: { create: "3h" },
    });
    assert.strictEqual(await value(m.vmUuid), "1".repeat(32));
    assert.strictEqual(await value(m.state), "Succeeded");
    assert.strictEqual(await value(m.executeTime), 7200);
    assert.strictEqual(await value(m.longJobName), "job");
    assert.deepStrictEqual(await value(m.l3NetworkUuids), [U.l3Private]);
    assert.deepStrictEqual(await value(m.timeouts), { create: "3h" });
    const r = registered.get("web-01")!;
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/zstack:V2vMigration");
    assert.strictEqual(r.type, V2V_MIGRATION_TYPE);
    // the derived uuid goes as defaultResourceUuid: check keeps a recorded uuid over it (renames)
    assert.strictEqual(r.inputs.defaultResourceUuid, deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "proj", "dev"));
    assert.strictEqual(r.inputs.resourceUuid, undefined);
    assert.strictEqual(await value(m.uuid), deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "proj", "dev"));
    assert.strictEqual(typeof r.inputs.__provider, "string");
    assert.ok(!String(r.inputs.__provider).includes("s3cret-Passw0rd"), "__provider captured the password");
    // output-only keys are seeded but never sent as inputs (so check can reject unknown keys)
    for (const k of ["uuid", "vmUuid", "state", "jobData", "apiId"])
      assert.ok(!(k in r.inputs), `${k} was sent as an input`);
    assert.deepStrictEqual(secretOutputs.get("web-01"), ["sshPrivKey"]);
    assert.strictEqual(await value(m.urn), "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/zstack:V2vMigration::web-01");
    assert.deepStrictEqual(rejections, []);
  });

  it("V2vMigration: an explicit resourceUuid wins over the derived one", async () => {
    const explicit = "0123456789ab4cde8f0123456789abcd";
    const m = new V2vMigration("web-02", {
      url: `vmware://${U.vmwareWeb02}`,
      name: "web-02",
      cpuNum: 1,
      memorySize: 1024 ** 3,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      resourceUuid: explicit,
    });
    assert.strictEqual(await value(m.resourceUuid), explicit);
    assert.strictEqual(registered.get("web-02")!.inputs.resourceUuid, explicit);
  });

  it("V2vMigration: a plain-string sshPrivKey is sent as a secret (encrypted in the state's inputs too)", async () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nplain\n-----END OPENSSH PRIVATE KEY-----";
    const m = new V2vMigration("kvm-01", {
      url: "qemu+ssh://root@10.0.0.9/system/vm-01",
      name: "kvm-01",
      cpuNum: 1,
      memorySize: 1024 ** 3,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      sshPrivKey: key,
    });
    await value(m.urn);
    const sent = sentObjects.get("kvm-01")!.sshPrivKey as Record<string, unknown>;
    assert.strictEqual(
      sent?.[pulumi.runtime.specialSigKey],
      pulumi.runtime.specialSecretSig,
      `sshPrivKey sent as ${JSON.stringify(sent)}`,
    );
    assert.strictEqual(sent.value, key);
    assert.strictEqual(await pulumi.isSecret(m.sshPrivKey), true);
  });

  it("adopting takes only adoptUuid (the conversion and export parameters are optional)", async () => {
    const m = new V2vMigration("adopted-job", { adoptUuid: "58c143053914375e94529a5590c64f95" });
    const p = new OvaPackage("adopted-ova", { adoptUuid: "5e7f07a9cd2b4a3f8f3b2c0e9d1a6b42" });
    await Promise.all([value(m.urn), value(p.urn)]);
    assert.strictEqual(registered.get("adopted-job")!.inputs.adoptUuid, "58c143053914375e94529a5590c64f95");
    assert.strictEqual(registered.get("adopted-ova")!.inputs.adoptUuid, "5e7f07a9cd2b4a3f8f3b2c0e9d1a6b42");
    assert.deepStrictEqual(rejections, []);
  });

  it("OvaPackage: type token, inputs, seeded outputs", async () => {
    const p = new OvaPackage("web-01-ova", { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    assert.strictEqual(await value(p.exportUrl), "http://bs/x.ova");
    assert.strictEqual(await value(p.md5Sum), "abc");
    assert.strictEqual(await value(p.size), 42);
    assert.strictEqual(await value(p.format), "ova");
    assert.strictEqual(await value(p.state), "Exported");
    assert.strictEqual(await value(p.name), "exported-vm-x");
    const r = registered.get("web-01-ova")!;
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/zstack:OvaPackage");
    assert.strictEqual(r.type, OVA_PACKAGE_TYPE);
    assert.strictEqual(r.inputs.defaultResourceUuid, deriveResourceUuid(OVA_PACKAGE_TYPE, "web-01-ova", "proj", "dev"));
    assert.strictEqual(await value(p.uuid), deriveResourceUuid(OVA_PACKAGE_TYPE, "web-01-ova", "proj", "dev"));
    for (const k of ["uuid", "exportUrl", "md5Sum", "size", "state", "name"])
      assert.ok(!(k in r.inputs), `${k} was sent as an input`);
    assert.deepStrictEqual(secretOutputs.get("web-01-ova"), []);
    assert.deepStrictEqual(rejections, []);
  });

  it("V2vConversionHost: type token, inputs, seeded outputs, no secret outputs", async () => {
    const ch = new V2vConversionHost("v2v-host-3", {
      name: "v2v-host-3",
      hostUuid: U.host3,
      storagePath: "/zstack/v2v-cache",
      type: "VMWARE",
      state: "Disabled",
      userTags: ["team::v2v"],
    });
    assert.strictEqual(await value(ch.totalSize), 4096);
    assert.strictEqual(await value(ch.availableSize), 1024);
    assert.strictEqual(await value(ch.hostStatus), "Connected");
    assert.strictEqual(await value(ch.hostState), "Enabled");
    assert.strictEqual(await value(ch.lastOpDate), "d2");
    assert.strictEqual(await value(ch.storagePath), "/zstack/v2v-cache");
    const r = registered.get("v2v-host-3")!;
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/zstack:V2vConversionHost");
    assert.strictEqual(r.type, V2V_CONVERSION_HOST_TYPE);
    assert.strictEqual(
      r.inputs.defaultResourceUuid,
      deriveResourceUuid(V2V_CONVERSION_HOST_TYPE, "v2v-host-3", "proj", "dev"),
    );
    assert.strictEqual(await value(ch.uuid), deriveResourceUuid(V2V_CONVERSION_HOST_TYPE, "v2v-host-3", "proj", "dev"));
    assert.strictEqual(r.inputs.state, "Disabled");
    assert.deepStrictEqual(r.inputs.userTags, ["team::v2v"]);
    for (const k of ["uuid", "totalSize", "availableSize", "hostStatus", "hostState", "createDate", "lastOpDate"])
      assert.ok(!(k in r.inputs), `${k} was sent as an input`);
    assert.deepStrictEqual(secretOutputs.get("v2v-host-3"), []);
    assert.strictEqual(
      await value(ch.urn),
      "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/zstack:V2vConversionHost::v2v-host-3",
    );
    const adopted = new V2vConversionHost("adopted-ch", { adoptUuid: U.convHost });
    await value(adopted.urn);
    assert.strictEqual(registered.get("adopted-ch")!.inputs.adoptUuid, U.convHost);
    assert.deepStrictEqual(rejections, []);
  });

  it("VCenter: type token, inputs, the password sent as a secret and a secret output", async () => {
    const vc = new VCenter("vcenter", {
      name: "vcenter-1",
      domainName: "vcenter.example.com",
      username: "administrator@vsphere.local",
      password: "vC-pa55word",
      zoneUuid: U.zone,
      syncTrigger: "wave-1",
    });
    await value(vc.urn);
    const r = registered.get("vcenter")!;
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/zstack:VCenter");
    assert.strictEqual(r.type, VCENTER_TYPE);
    assert.strictEqual(r.inputs.defaultResourceUuid, deriveResourceUuid(VCENTER_TYPE, "vcenter", "proj", "dev"));
    assert.strictEqual(r.inputs.syncTrigger, "wave-1");
    const sent = sentObjects.get("vcenter")!.password as Record<string, unknown>;
    assert.strictEqual(sent?.[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
    assert.deepStrictEqual(secretOutputs.get("vcenter"), ["password"]);
    assert.strictEqual(await pulumi.isSecret(vc.password), true);
    for (const k of ["uuid", "userName", "version", "status"]) assert.ok(!(k in r.inputs), `${k} was sent as an input`);
    const adopted = new VCenter("adopted-vc", { adoptUuid: U.vcenter });
    await value(adopted.urn);
    assert.strictEqual(registered.get("adopted-vc")!.inputs.adoptUuid, U.vcenter);
    assert.deepStrictEqual(rejections, []);
  });

  it("derived resourceUuid: a stable dash-less v5 UUID that passes ZStack's resourceUuid check", () => {
    const re = /^[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/;
    const a = deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "proj", "dev");
    assert.match(a, re);
    assert.strictEqual(a[12], "5");
    assert.strictEqual(deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "proj", "dev"), a, "not stable");
    const others = [
      deriveResourceUuid(V2V_MIGRATION_TYPE, "web-02", "proj", "dev"),
      deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "proj", "prod"),
      deriveResourceUuid(V2V_MIGRATION_TYPE, "web-01", "other", "dev"),
      deriveResourceUuid(OVA_PACKAGE_TYPE, "web-01", "proj", "dev"),
    ];
    for (const o of others) {
      assert.match(o, re);
      assert.notStrictEqual(o, a);
    }
    assert.strictEqual(new Set(others).size, others.length);
  });
});
