// End to end on the real Pulumi engine: an explicit provider (`pulumi:providers:zstack`) in Pulumi YAML, the way a
// program reaches a second ZStack or keeps its connection in code. The provider takes the config variables as its
// inputs (the schema's `provider.inputProperties`), a lookup and a resource use it through `options.provider`, and
// the stack's own `zstack:endpoint` points nowhere (nothing may use the default provider). A bad input fails
// `preview` naming the provider and the field, before anything is sent; the password, given in plain text in the
// program, is a secret in the state (the plugin's CheckConfig marks it) and never in plain text in the backend or
// the engine's output.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SEED_CREDENTIALS } from "../../simulator";
import { e2eFixture, MIN } from "./fixture";
import { findPlainText } from "./harness";
import { pluginEnv, yamlProject } from "./plugin-support";

const PASSWORD = "plugin-provider-S3cret!";
const HOST_NAME = "explicit-provider-conversion-host";

/** The program, its provider's endpoint from the project's config. */
const PROGRAM = `name: explicit-provider
runtime: yaml
config:
  endpoint:
    type: string
resources:
  zs:
    type: pulumi:providers:zstack
    properties:
      endpoint: \${endpoint}
      accountName: ${SEED_CREDENTIALS.accountName}
      password: ${PASSWORD}
      maxConcurrentMigrations: 4
  conversionHost:
    type: zstack:index:V2vConversionHost
    properties:
      name: ${HOST_NAME}
      hostUuid: \${kvmHostUuid}
      storagePath: /zstack/v2v-explicit-provider
      type: VMWARE
    options:
      provider: \${zs}
variables:
  kvmHostUuid:
    fn::invoke:
      function: zstack:index:getHost
      arguments:
        name: kvm-host-3
      options:
        provider: \${zs}
      return: uuid
outputs:
  conversionHostUuid: \${conversionHost.uuid}
`;

describe("e2e: an explicit provider in YAML (pulumi:providers:zstack with its inputs)", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "plugin-provider",
    project: yamlProject(PROGRAM),
    simulator: { speed: 300 },
    password: PASSWORD,
    // the default provider's endpoint is a closed port: only the explicit provider can reach ZStack
    config: () => ({ "explicit-provider:endpoint": fx.sim.url, "zstack:endpoint": "http://127.0.0.1:1" }),
    env: () => pluginEnv(fx.project),
    logStderr: true,
    logScope: "describe",
  });

  it("a bad provider input fails preview naming the provider and the field; nothing is sent", async () => {
    await fx.h.setConfig({ "explicit-provider:endpoint": "ftp://zstack-mn" });
    fx.sim.stats.reset();
    try {
      await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
        assert.match(e.message, /pulumi:providers:zstack resource 'zs'/);
        assert.match(e.message, /property endpoint/);
        assert.match(e.message, /zstack:endpoint must use http or https, not ftp:/);
        return true;
      });
    } finally {
      await fx.h.setConfig({ "explicit-provider:endpoint": fx.sim.url });
    }
    assert.strictEqual(fx.sim.stats.requests, 0, "nothing reached ZStack");
  });

  it("up: the lookup and the conversion host go through the explicit provider; its password is a secret", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const host = fx.sim.world.list("conversionHosts").find((h) => h.name === HOST_NAME);
    assert.ok(host, "the conversion host was added");
    assert.strictEqual((await fx.h.outputs()).conversionHostUuid, host.uuid);
    const [provider] = (await fx.h.resources()).filter((r) => r.type === "pulumi:providers:zstack");
    assert.ok(provider && provider.urn.endsWith("::zs"), "the explicit provider is in the state");
    assert.strictEqual(provider.inputs.endpoint, fx.sim.url);
    // plain text in the program, a secret in the state and nowhere in plain text
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { PASSWORD }), []);
    assert.ok(!fx.log.includes(PASSWORD), "the password is in the engine's output");
    assert.ok(
      !(await fx.h.resources()).some((r) => r.type === "pulumi:providers:zstack" && r.urn.includes("default")),
      "nothing used the default provider",
    );
  });

  it("preview expects no changes; destroy removes the conversion host through the same provider", async () => {
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.ok(!fx.sim.world.list("conversionHosts").some((h) => h.name === HOST_NAME));
    // the program's text is the one place the password is in plain text (the user's choice, not ours)
    assert.ok(fs.readFileSync(path.join(fx.project.dir, "Pulumi.yaml"), "utf8").includes(PASSWORD));
  });

  it("the default provider's password set without --secret is still a secret in the state", async () => {
    // the same program on the default provider (the stack config), its password set in plain text
    const onDefault = PROGRAM.replace(/\n {4}options:\n {6}provider: \$\{zs\}/, "").replace(
      /\n {6}options:\n {8}provider: \$\{zs\}/,
      "",
    );
    assert.ok(!onDefault.includes("provider: ${zs}"), onDefault);
    fs.writeFileSync(path.join(fx.project.dir, "Pulumi.yaml"), onDefault);
    await fx.h.setConfig({ "zstack:endpoint": fx.sim.url, "zstack:password": { value: PASSWORD, secret: false } });
    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.result, "succeeded");
    assert.ok(fx.sim.world.list("conversionHosts").some((h) => h.name === HOST_NAME));
    const providers = (await fx.h.resources()).filter((r) => r.type === "pulumi:providers:zstack");
    assert.ok(
      providers.some((r) => /::default/.test(r.urn)),
      `the default provider is in the state: ${providers.map((r) => r.urn).join(", ")}`,
    );
    // the state's checkpoints keep it encrypted; the update history records the stack config as it was set (as
    // Pulumi.<stack>.yaml does): that copy is the user's, and why the README says `pulumi config set --secret`
    const hits = findPlainText(await fx.h.backendFiles(), { PASSWORD });
    assert.deepStrictEqual(
      hits.filter((h) => !/\.history\.json\.config\.zstack:password$/.test(h.path)),
      [],
    );
    assert.ok(hits.length > 0, "the update history records the config as set (the check above can see plain text)");
    assert.strictEqual((await fx.h.stack.destroy(fx.opts())).summary.result, "succeeded");
  });
});
