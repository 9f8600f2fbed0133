// One mocha configuration for every suite; `npm test` / ./test.sh run them all. Files or --spec
// given on the command line replace the default spec (mocha would otherwise add them to it).
process.env.TS_NODE_TRANSPILE_ONLY = "true";
const args = process.argv.slice(2);
const explicitSpec = args.some((a) => a === "--spec" || a.startsWith("--spec=") || /\.(ts|js)$/.test(a));
module.exports = {
  require: ["ts-node/register"],
  extension: ["ts"],
  ...(explicitSpec ? {} : { spec: ["test/**/*.test.ts"] }),
  reporter: "./test/support/reporter.js",
  timeout: 60000,
  exit: true,
};
