// Cobra-style flag parsing for the stand-in istioctl: `--flag value`, `--flag=value`, `-f value`,
// boolean `--flag` / `--flag=false`, repeatable flags, and cobra's "unknown flag" errors.

export interface FlagSpec {
  name: string;
  short?: string;
  type: 'bool' | 'string' | 'list';
  default?: string | boolean;
}

export interface Parsed {
  flags: Map<string, string | boolean | string[]>;
  positionals: string[];
}

export class UsageError extends Error {}

/** Flags every command accepts (istioctl's root persistent flags). */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', short: 'c', type: 'string' },
  { name: 'context', type: 'string' },
  { name: 'namespace', short: 'n', type: 'string' },
  { name: 'istioNamespace', short: 'i', type: 'string', default: 'istio-system' },
  { name: 'vklog', type: 'string' },
  { name: 'dry-run', type: 'bool', default: false }
];

export function parseArgs(argv: string[], specs: FlagSpec[]): Parsed {
  const all = [...GLOBAL_FLAGS, ...specs];
  const byLong = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short as string, s]));
  const flags = new Map<string, string | boolean | string[]>();
  for (const s of all) if (s.default !== undefined) flags.set(s.name, s.default);
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
    } else if (a.startsWith('-') && a.length > 1) {
      const short = a[1] as string;
      spec = byShort.get(short);
      if (!spec) throw new UsageError(`unknown shorthand flag: '${short}' in ${a}`);
      if (a.length > 2) inline = a[2] === '=' ? a.slice(3) : a.slice(2);
    } else {
      positionals.push(a);
      continue;
    }
    if (spec.type === 'bool') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) {
        throw new UsageError(
          `invalid argument "${inline}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`
        );
      }
      flags.set(spec.name, inline === undefined ? true : inline === 'true');
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${spec.name}`);
      value = argv[++i] as string;
    }
    if (spec.type === 'list') {
      const prev = flags.get(spec.name);
      flags.set(spec.name, [...(Array.isArray(prev) ? prev : []), value]);
    } else {
      flags.set(spec.name, value);
    }
  }
  return { flags, positionals };
}

export const str = (p: Parsed, name: string): string | undefined => {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
};
export const bool = (p: Parsed, name: string): boolean => p.flags.get(name) === true;
export const list = (p: Parsed, name: string): string[] => {
  const v = p.flags.get(name);
  return Array.isArray(v) ? v : [];
};

/** Go's time.ParseDuration for the units istioctl users write (ms, s, m, h; combinations). */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed !== text.length || text.length === 0) throw new UsageError(`time: invalid duration "${text}"`);
  return total;
}

/** Go's Duration.String(): 300000 → "5m0s", 3000 → "3s", 500 → "500ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
