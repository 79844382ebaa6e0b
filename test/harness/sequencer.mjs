// Test files run in one fixed order (by path), on every machine. Jest's default order depends on its
// cache (failed files first, then by the durations of the previous run), so a cold CI machine, a
// developer's machine and the second stack of the same `npm test` each ran the e2e files in a different
// order. The e2e files share one cluster, so an order-dependent failure must be reproducible.
import Sequencer from '@jest/test-sequencer';

const BaseSequencer = Sequencer.default ?? Sequencer;

export default class PathOrderSequencer extends BaseSequencer {
  sort(tests) {
    return [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
