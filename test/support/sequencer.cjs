// Runs the longest files first, so that on a fresh machine (no timings from an earlier
// run) the scale test and the browser tests do not start last and leave one worker
// busy alone at the end. Otherwise jest's own order (failed first, then slowest known).
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST = [/\.scale-spec\.ts$/, /softphone-flow\.e2e-spec\.ts$/, /process\.e2e-spec\.ts$/, /embedded-postgres\.spec\.ts$/, /\.e2e-spec\.ts$/, /(schedules|dialer|dispositions|ring-pools|reports-stream)\.int-spec\.ts$/];
const rank = (test) => {
  const i = LONGEST.findIndex((r) => r.test(test.path));
  return i < 0 ? LONGEST.length : i;
};

class LongestFirst extends Sequencer {
  async sort(tests) {
    const known = await super.sort(tests);
    return [...known].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
