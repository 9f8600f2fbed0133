// One mocha configuration for every suite; `npm test` runs them all.
process.env.TS_NODE_TRANSPILE_ONLY = "true";
module.exports = {
  require: ["ts-node/register"],
  extension: ["ts"],
  spec: ["test/**/*.test.ts"],
  reporter: "./test/support/reporter.js",
  timeout: 60000,
  exit: true,
};
