// mocha's spec reporter plus the closing line CI reads: "N passed, N failed".
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const pending = s.pending ? `, ${s.pending} skipped` : "";
      // printed after the spec reporter's epilogue
      process.stdout.write(`\n${s.passes || 0} passed, ${s.failures || 0} failed${pending}\n`);
    });
  }
}
module.exports = SummaryReporter;
