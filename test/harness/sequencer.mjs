// Test files run in one fixed order (by path), on every machine. Jest's default order depends on its
// cache (failed files first, then by the durations of the previous run), so a cold CI machine, a
// developer's machine and the second stack of the same `npm test` each ran the e2e files in a different
// order. The e2e files share one cluster, so an order-dependent failure must be reproducible.
//
// `--shard=i/n` (test/run-tests.sh splits the `current` entry in two, each shard with a cluster of its own)
// balances the files by their measured cost instead of jest's hash of the path, which could put the three
// longest files into one shard. The split is fixed for a given set of files, and each shard runs in path order.
import Sequencer from '@jest/test-sequencer';
import { basename } from 'node:path';

const BaseSequencer = Sequencer.default ?? Sequencer;

// Seconds per e2e file on the `current` stack, measured in one warm run (.ci/run, both entries side by side);
// a file not listed counts as DEFAULT_COST. Only the relative sizes matter.
const COST = {
  'gateway-api': 223,
  routing: 150,
  reliability: 134,
  'action-deploy': 79,
  'previews-concurrency': 46,
  previews: 45,
  security: 42,
  'real-istio': 32,
  cancellation: 28,
  'action-auth': 25,
  mtls: 23,
  'pod-failures': 20,
  simulator: 19,
  controlPlane: 18,
  'apiserver-restart': 18,
  'eci-imagecache': 29,
  rbac: 12
};
const DEFAULT_COST = 10;

const byPath = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const costOf = (test) => COST[basename(test.path).replace(/\.test\.ts$/, '')] ?? DEFAULT_COST;

export default class PathOrderSequencer extends BaseSequencer {
  sort(tests) {
    return [...tests].sort(byPath);
  }

  /** Greedy balance: the costliest file first, each into the shard with the least cost so far. */
  shard(tests, { shardIndex, shardCount }) {
    const load = Array.from({ length: shardCount }, () => 0);
    const mine = [];
    const order = [...tests].sort((a, b) => costOf(b) - costOf(a) || byPath(a, b));
    for (const test of order) {
      let target = 0;
      for (let i = 1; i < shardCount; i++) if (load[i] < load[target]) target = i;
      load[target] += costOf(test);
      if (target === shardIndex - 1) mine.push(test);
    }
    return mine.sort(byPath);
  }
}
