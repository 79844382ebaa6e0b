// Preloaded into the action's Node process by the benchmark (NODE_OPTIONS=--import <this>): at exit it
// appends one JSON line to $BENCH_PROBE_FILE with the kernel's own figures for the process, so no polling
// can miss anything:
//   peakRssKb   VmHWM, the peak resident set size;
//   cpuSelfS    user + system CPU of the action's own process;
//   cpuChildrenS user + system CPU of its waited-for children (istioctl), from /proc/self/stat's cutime/cstime.
// Clock ticks are taken as 100 per second (Linux's USER_HZ on every common architecture).
import { appendFileSync, readFileSync } from 'node:fs';

const out = process.env.BENCH_PROBE_FILE;
const TICKS = 100;
if (out) {
  process.on('exit', () => {
    try {
      const hwm = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      const stat = readFileSync('/proc/self/stat', 'utf8');
      const f = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      // After "pid (comm) ": f[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17.
      const line = {
        pid: process.pid,
        script: process.argv[1] ?? '',
        peakRssKb: hwm ? Number(hwm[1]) : null,
        cpuSelfS: (f[11] + f[12]) / TICKS,
        cpuChildrenS: (f[13] + f[14]) / TICKS
      };
      appendFileSync(out, JSON.stringify(line) + '\n');
    } catch {
      // A probe must never change the outcome of the process it measures.
    }
  });
}
