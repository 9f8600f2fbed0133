// ESLint flat config: typescript-eslint's type-checked recommended rules on every TypeScript file
// (type information from tsconfig.eslint.json), ESLint's recommended rules on the JavaScript ones,
// and eslint-config-prettier last so that no rule disagrees with the formatter (Prettier,
// .prettierrc.json). `npm run lint`; `npm run lint:fix` applies the automatic fixes.
import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "**/node_modules/",
      ".pulumi/",
      ".pulumi-state/",
      ".zstack-sim/",
      // __provider texts exactly as stacks recorded them (data, compared verbatim; sloppy-mode `with`)
      "test/e2e/fixtures/recorded-providers/",
    ],
  },
  eslint.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: "./tsconfig.eslint.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The codebase's convention: a leading underscore marks a binding that is unused on purpose
      // (omitting a key with rest destructuring, an unused callback parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Tests and benchmarks read raw answers (ZStack JSON from the simulator, the engine's outputs,
    // the simulator's stats) as untyped values on purpose: the assertions that follow are the check,
    // and typing each answer again would be a second, untested copy of the schemas. The rules about
    // flowing `any` values on therefore do not apply there; every other type-checked rule does.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: { ...globals.node }, sourceType: "commonjs" },
  },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
  prettier,
);
