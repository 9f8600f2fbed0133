/**
 * The provider plugin's Pulumi package schema, generated — never written by hand — from the one
 * declaration of each resource: its input table (`provider/<resource>/inputs.ts`: which inputs are
 * secrets) and its TypeScript interfaces (types, enums, required flags, and the TSDoc of every
 * property, which is also what TypeScript users read). The component's inputs come from the SDK's
 * `MigrationPlanArgs`, the functions' from the lookups (`LOOKUP_FUNCTIONS`, `LookupArgs`, the
 * inventories), the config from `CONFIG_VARIABLES`. A number is an `integer` where the resources'
 * validation checks a property of that name as one (`Validator.integer`; {@link integerNames}).
 *
 * It reads the TypeScript sources with the TypeScript compiler (a development dependency), so it runs
 * in the repository, not in the plugin: `npm run schema` (after `npm run build`) writes it to provider/hosts/plugin/zstack-schema.json (committed: the plugin serves it, and
 * SDK generators read it); a test fails when that file and the sources disagree.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";
import { CONFIG_VARIABLES } from "../../core/config";
import { PACKAGE_NAME, PLUGIN_COMPONENT, PLUGIN_FUNCTIONS, PLUGIN_RESOURCES, token } from "./resources";

/* eslint-disable @typescript-eslint/no-require-imports -- typescript is a build-time dependency, loaded only here */

type Json = Record<string, unknown>;

const ANY = { $ref: "pulumi.json#/Any" };

/** The package root (the directory of package.json), from this file in the sources or in dist/. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A literal default stated in a TSDoc text: `(default true)`, `default \`"24h"\``. */
function defaultOf(doc: string): unknown {
  const lit = /\(default (true|false|\d+)\b/.exec(doc);
  if (lit) return JSON.parse(lit[1]);
  const str = /default `"([^"`]+)"`/.exec(doc);
  return str ? str[1] : undefined;
}

/** Where the validators' integer check is declared: `Validator.integer` of provider/core/validation.ts. */
const INTEGER_CHECK = { file: "provider/core/validation.ts", cls: "Validator", method: "integer" };

/**
 * The names of the properties that the resources' `check` validates as integers (ZStack's "int or
 * long"): the string literal of every `….integer("cpuNum", …)` call of `Validator.integer` in the
 * package's sources. Such a name is an `integer` in the schema wherever a number of that name appears
 * (the input, the output that echoes it, a MigrationPlan entry's field, an inventory's), so that the
 * generated SDKs type it `int` (Python) and `int` (Go) rather than a float.
 */
function integerNames(ts: typeof TS, program: TS.Program, checker: TS.TypeChecker, root: string): Set<string> {
  const names = new Set<string>();
  const isIntegerCheck = (sym: TS.Symbol | undefined): boolean =>
    !!sym?.declarations?.some(
      (d) =>
        ts.isMethodDeclaration(d) &&
        d.name.getText() === INTEGER_CHECK.method &&
        ts.isClassDeclaration(d.parent) &&
        d.parent.name?.text === INTEGER_CHECK.cls &&
        path.resolve(d.getSourceFile().fileName) === path.join(root, INTEGER_CHECK.file),
    );
  const visit = (node: TS.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === INTEGER_CHECK.method &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      isIntegerCheck(checker.getSymbolAtLocation(node.expression.name))
    ) {
      names.add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  for (const sf of program.getSourceFiles()) {
    const f = path.resolve(sf.fileName);
    if (sf.isDeclarationFile || !f.startsWith(root + path.sep) || f.includes(`${path.sep}node_modules${path.sep}`))
      continue;
    visit(sf);
  }
  if (names.size === 0) throw new Error(`schema: no ${INTEGER_CHECK.cls}.${INTEGER_CHECK.method} call found`);
  return names;
}

/** A number (or a list or map of numbers) as an integer. */
function asInteger(spec: Json): Json {
  if (spec.type === "number") return { ...spec, type: "integer" };
  if (spec.type === "array" && spec.items) return { ...spec, items: asInteger(spec.items as Json) };
  return spec;
}

export interface GenerateOptions {
  /** the package root; default: found from this file */
  root?: string;
  /** the plugin's version */
  version?: string;
}

/** The package schema, as a JSON-serializable object. */
export function generateSchema(opts: GenerateOptions = {}): Json {
  const ts = require("typescript") as typeof TS;
  const root = opts.root ?? packageRoot();
  const files = [
    ...PLUGIN_RESOURCES.flatMap((r) => [r.declared.file, r.doc.file]),
    PLUGIN_COMPONENT.file,
    "sdk/lookups.ts",
    "provider/lookups/lookups.ts",
    // the resources' logic: their validation says which numbers are integers
    "provider/hosts/plugin/resources.ts",
  ].map((f) => path.join(root, f));
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  });
  const checker = program.getTypeChecker();

  const sourceFile = (rel: string): TS.SourceFile => {
    const sf = program.getSourceFile(path.join(root, rel));
    if (!sf) throw new Error(`schema: ${rel} is not in the program`);
    return sf;
  };
  /** an exported declaration of a file, by name */
  const exported = (rel: string, name: string): TS.Symbol => {
    const mod = checker.getSymbolAtLocation(sourceFile(rel));
    const sym = mod && checker.getExportsOfModule(mod).find((s) => s.getName() === name);
    if (!sym) throw new Error(`schema: ${rel} does not export ${name}`);
    return sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  };
  const docOf = (sym: TS.Symbol): string => ts.displayPartsToString(sym.getDocumentationComment(checker)).trim();
  const declaredType = (sym: TS.Symbol): TS.Type => checker.getDeclaredTypeOfSymbol(sym);
  const at = (sym: TS.Symbol): TS.Node => sym.valueDeclaration ?? sym.declarations![0];

  const integers = integerNames(ts, program, checker, root);

  const types: Record<string, Json> = {};
  /** structural key → token, so that the same enum or object reached twice is one type */
  const byShape = new Map<string, string>();
  const register = (name: string, spec: Json): Json => {
    const shape = JSON.stringify({ ...spec, description: undefined });
    let tok = byShape.get(shape);
    if (!tok) {
      tok = token(name);
      for (let i = 2; types[tok]; i++) tok = token(`${name}${i}`);
      types[tok] = spec;
      byShape.set(shape, tok);
    }
    return { $ref: `#/types/${tok}` };
  };

  /** a name declared in this package (not a library's utility type such as `Partial`) */
  const ours = (sym: TS.Symbol | undefined): sym is TS.Symbol =>
    !!sym &&
    !sym.getName().startsWith("__") &&
    !!sym.declarations?.some((d) => {
      const f = path.resolve(d.getSourceFile().fileName);
      return f.startsWith(root + path.sep) && !f.includes(`${path.sep}node_modules${path.sep}`);
    });

  const isWrapper = (t: TS.Type): boolean => {
    const n = (t.aliasSymbol ?? t.getSymbol())?.getName();
    return n === "Promise" || n === "OutputInstance" || n === "Output";
  };

  /** The schema type of a TypeScript type (`Input<T>` unwrapped); `name` names a new enum or object type. */
  const typeSpec = (t: TS.Type, name: string, seen: Set<TS.Type>): Json => {
    if (t.isUnion()) {
      const parts = t.types.filter((p) => !(p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !isWrapper(p));
      if (parts.length > 0 && parts.every((p) => p.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
      if (parts.length > 0 && parts.every((p) => p.isStringLiteral())) {
        const enumName = ours(t.aliasSymbol) ? t.aliasSymbol.getName() : name;
        return register(enumName, {
          type: "string",
          enum: parts.map((p) => ({ value: p.value })),
        });
      }
      if (parts.length === 1) return typeSpec(parts[0], name, seen);
      // e.g. Input<T>[] nested: one non-wrapper array form
      const arrays = parts.filter((p) => checker.isArrayType(p));
      if (arrays.length === 1) return typeSpec(arrays[0], name, seen);
      return ANY;
    }
    if (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return { type: "string" };
    if (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { type: "number" };
    if (t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (t.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return ANY;
    if (checker.isArrayType(t)) {
      const [item] = checker.getTypeArguments(t as TS.TypeReference);
      return { type: "array", items: typeSpec(item, name, seen) };
    }
    if (t.flags & ts.TypeFlags.Object || t.isIntersection()) {
      const props = checker.getPropertiesOfType(t);
      const index = checker.getIndexInfosOfType(t).find((i) => i.keyType.flags & ts.TypeFlags.String);
      if (props.length === 0)
        return { type: "object", additionalProperties: index ? typeSpec(index.type, name, seen) : ANY };
      if (seen.has(t)) return ANY;
      const sym = ours(t.aliasSymbol) ? t.aliasSymbol : ours(t.getSymbol()) ? t.getSymbol() : undefined;
      const own = sym ? sym.getName() : name;
      const obj = objectSpec(t, own, new Set([...seen, t]));
      return register(own, { type: "object", ...obj, ...(sym && docOf(sym) ? { description: docOf(sym) } : {}) });
    }
    return ANY;
  };

  interface ObjectSpec {
    properties: Record<string, Json>;
    required?: string[];
  }
  /** The properties of an object type; `secrets` are marked secret. */
  const objectSpec = (t: TS.Type, name: string, seen: Set<TS.Type>, secrets: readonly string[] = []): ObjectSpec => {
    const properties: Record<string, Json> = {};
    const required: string[] = [];
    for (const p of checker.getPropertiesOfType(t)) {
      const n = p.getName();
      const pt = checker.getTypeOfSymbolAtLocation(p, at(p));
      const doc = docOf(p);
      const spec: Json = integers.has(n)
        ? asInteger(typeSpec(pt, `${name}${capitalize(n)}`, seen))
        : { ...typeSpec(pt, `${name}${capitalize(n)}`, seen) };
      if (doc) spec.description = doc;
      const dflt = defaultOf(doc);
      if (dflt !== undefined) spec.default = dflt;
      if (secrets.includes(n)) spec.secret = true;
      properties[n] = spec;
      if (!(p.flags & ts.SymbolFlags.Optional)) required.push(n);
    }
    return { properties, ...(required.length ? { required } : {}) };
  };

  // ------------------------------------------------------------------------------ resources
  const resources: Record<string, Json> = {};
  for (const r of PLUGIN_RESOURCES) {
    const secrets = r.inputs.secrets;
    const inputs = objectSpec(declaredType(exported(r.declared.file, r.declared.inputs)), r.name, new Set(), secrets);
    const outputs = objectSpec(declaredType(exported(r.declared.file, r.declared.outputs)), r.name, new Set(), secrets);
    resources[token(r.name)] = {
      description: docOf(exported(r.doc.file, r.doc.name)),
      inputProperties: inputs.properties,
      ...(inputs.required ? { requiredInputs: inputs.required } : {}),
      properties: outputs.properties,
      ...(outputs.required ? { required: outputs.required } : {}),
    };
  }

  // ------------------------------------------------------------------------------ the component
  const planClass = exported(PLUGIN_COMPONENT.file, PLUGIN_COMPONENT.name);
  const planArgs = objectSpec(
    declaredType(exported(PLUGIN_COMPONENT.file, PLUGIN_COMPONENT.args)),
    PLUGIN_COMPONENT.name,
    new Set(),
  );
  const planOutputs: ObjectSpec = { properties: {}, required: [] };
  for (const p of checker.getPropertiesOfType(declaredType(planClass))) {
    const pt = checker.getTypeOfSymbolAtLocation(p, at(p));
    // the Output properties the component registers (not the engine's urn, not the child resources)
    if (p.getName() === "urn" || pt.aliasSymbol?.getName() !== "Output" || !pt.aliasTypeArguments) continue;
    planOutputs.properties[p.getName()] = {
      ...typeSpec(pt.aliasTypeArguments[0], `${PLUGIN_COMPONENT.name}${capitalize(p.getName())}`, new Set()),
      description: docOf(p),
    };
    planOutputs.required!.push(p.getName());
  }
  resources[token(PLUGIN_COMPONENT.name)] = {
    isComponent: true,
    description: docOf(planClass),
    inputProperties: planArgs.properties,
    ...(planArgs.required ? { requiredInputs: planArgs.required } : {}),
    properties: planOutputs.properties,
    required: planOutputs.required,
  };

  // ------------------------------------------------------------------------------ functions
  const functions: Record<string, Json> = {};
  const lookupArgs = objectSpec(
    declaredType(exported("provider/lookups/lookups.ts", "LookupArgs")),
    "LookupArgs",
    new Set(),
  );
  for (const fn of PLUGIN_FUNCTIONS) {
    const sym = exported("sdk/lookups.ts", fn);
    const sig = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(sym, at(sym)), ts.SignatureKind.Call)[0];
    let result = checker.getReturnTypeOfSignature(sig);
    result = checker.getAwaitedType(result) ?? result;
    const resultName = capitalize(fn.replace(/^get/, "")) + "Result";
    const outputs = checker.isArrayType(result)
      ? {
          properties: {
            items: {
              type: "array",
              items: typeSpec(checker.getTypeArguments(result as TS.TypeReference)[0], resultName + "Item", new Set()),
              description: "every match, in uuid order (empty when none matches)",
            },
          },
          required: ["items"],
        }
      : objectSpec(result, resultName, new Set());
    functions[token(fn)] = {
      description: docOf(sym),
      inputs: { properties: lookupArgs.properties },
      outputs,
    };
  }

  // ------------------------------------------------------------------------------ config
  const variables: Record<string, Json> = {};
  for (const [k, v] of Object.entries(CONFIG_VARIABLES) as [
    string,
    { type: string; secret?: boolean; description: string },
  ][]) {
    variables[k] = { type: v.type, description: v.description, ...(v.secret ? { secret: true } : {}) };
  }

  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    version: string;
    license?: string;
  };
  return {
    name: PACKAGE_NAME,
    displayName: "ZStack migration",
    version: opts.version ?? pkg.version,
    description:
      "ZStack Cloud VM migrations (V2V), OVA exports and V2V conversion hosts, with lookups of ZStack objects",
    license: pkg.license,
    keywords: ["zstack", "migration", "v2v", "category/cloud", "kind/native"],
    meta: { moduleFormat: "(.*)" },
    config: { variables },
    // an explicit provider (`pulumi:providers:zstack`) takes the config variables as its inputs
    provider: {
      description: "The zstack provider: the connection to a ZStack management node.",
      inputProperties: variables,
    },
    types,
    resources,
    functions,
    language: {
      python: { packageName: "pulumi_zstack", requires: { pulumi: ">=3.0.0,<4.0.0" } },
      // not published to a module host: programs use it through a replace line, so the path only has to be
      // unique, and `.invalid` never resolves (a go.mod without the replace fails instead of fetching a stranger's)
      go: { importBasePath: "pulumi-zstack-migration.invalid/sdk/go/zstack", generateResourceContainerTypes: false },
      nodejs: { packageName: "pulumi-zstack-migration" },
      csharp: { rootNamespace: "ZStack", packageReferences: { Pulumi: "3.*" } },
    },
  };
}
