// Runs the long, idle test files (`*.long.e2e-spec.ts`: a websocket left quiet for ten minutes)
// first, so their waiting overlaps everything else instead of adding to the end of the run.
import Sequencer from '@jest/test-sequencer';

const isLong = (test) => /\.long\.e2e-spec\.ts$/.test(test.path);

export default class LongFirst extends (Sequencer.default ?? Sequencer) {
  sort(tests) {
    return [...super.sort(tests)].sort((a, b) => Number(!isLong(a)) - Number(!isLong(b)));
  }
}
