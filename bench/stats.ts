// Small statistics and reporting helpers for bench/bench.ts: every figure is kept as its raw samples plus
// min/median/max, so results.json shows the spread (the bench machine is shared and noisy).
import { cpus, totalmem, release, platform, arch, loadavg } from 'node:os';

export interface Figure {
  unit: string;
  min: number;
  median: number;
  max: number;
  samples: number[];
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function figure(samples: number[], unit: string): Figure {
  if (samples.length === 0) throw new Error(`no samples for a figure in ${unit}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    unit,
    min: round(sorted[0] as number),
    median: round(median),
    max: round(sorted[sorted.length - 1] as number),
    samples: samples.map((s) => round(s))
  };
}

export function median(samples: number[]): number {
  return figure(samples, '').median;
}

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGb: number;
  os: string;
  node: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => round(l, 2))
  };
}

export interface Goal {
  /** Human text, e.g. "≤ 1.10". */
  text: string;
  met: boolean;
}

export interface Row {
  name: string;
  figure: Figure;
  goal?: Goal;
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** The README table: one row per figure, goals marked met / **missed**. */
export function markdownTable(rows: Row[]): string {
  const lines = ['| measure | unit | runs | min | median | max | goal |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const f = r.figure;
    const goal = r.goal ? `${r.goal.text} ${r.goal.met ? '(met)' : '**missed**'}` : '';
    lines.push(
      `| ${r.name} | ${f.unit} | ${f.samples.length} | ${fmt(f.min)} | ${fmt(f.median)} | ${fmt(f.max)} | ${goal} |`
    );
  }
  return lines.join('\n');
}
