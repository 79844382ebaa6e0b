// Preloaded into the action's Node processes during the scale benchmark (NODE_OPTIONS=--import <this>):
// at exit, appends "<pid> <VmHWM kB> <script>" to $BENCH_RSS_FILE. VmHWM is the kernel's own peak resident
// set size of the process, so no polling interval can miss a short spike.
import { appendFileSync, readFileSync } from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) appendFileSync(out, `${process.pid} ${m[1]} ${process.argv[1] ?? ''}\n`);
    } catch {
      // A probe must never change the outcome of the process it measures.
    }
  });
}
