// Durations as people write them in workflows: `90s`, `10m`, `1h30m`, `72h`, `7d`, `500ms`.
// A bare number is refused on purpose: `timeout: 10` is minutes in some actions and seconds in
// others, and guessing wrong turns a 10-minute wait into a 10-second one.

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
// Longest unit first; each unit at most once, in this order (so `1h30m` but not `30m1h`).
const ORDER = ['d', 'h', 'm', 's', 'ms'];

/** Milliseconds in `text`; throws an Error whose message says what is wrong (one sentence). */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '') throw new Error('it is empty');
  if (/^\d+(\.\d+)?$/.test(s)) throw new Error(`"${s}" has no unit; add one of d, h, m, s, ms`);
  const token = /(\d+)(ms|d|h|m|s)/y;
  let total = 0;
  let lastUnit = -1;
  let pos = 0;
  while (pos < s.length) {
    token.lastIndex = pos;
    const m = token.exec(s);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw new Error(
        `"${s}" is not a duration; write a number followed by a unit (d, h, m, s, ms), e.g. 90s or 1h30m`
      );
    }
    const unitIndex = ORDER.indexOf(m[2]);
    if (unitIndex <= lastUnit)
      throw new Error(`"${s}" repeats or misorders units; write the largest unit first, e.g. 1h30m`);
    lastUnit = unitIndex;
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
    pos = token.lastIndex;
  }
  return total;
}

/** The shortest exact spelling of `ms` in the units above (`5400000` → `1h30m`). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit] ?? 1;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
