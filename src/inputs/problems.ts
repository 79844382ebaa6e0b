// The parser's two tools. `Problems` collects every problem with the input it names and a valid example
// (never throwing one at a time: a user fixing a workflow should see every mistake in one run) and reads
// the structured inputs (URLs, key/value lines, lists). `Scalars` is the one generic pass over the input
// spec: every bool, int, duration and enum input is parsed there, with the kind, range, allowed values
// and default that spec.ts gives it, so no rule about a single input is written twice.

import type { InputProblem } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';
import { INPUTS, inputSpec, type InputSpec } from './spec.js';
import { didYouMean } from './suggest.js';

/** Action inputs by name (as in action.yml); missing or empty means "use the default". */
export type RawInputs = Record<string, string>;

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

export class Problems {
  readonly items: InputProblem[] = [];
  readonly warnings: string[] = [];
  readonly raw: RawInputs;

  constructor(raw: RawInputs) {
    this.raw = raw;
  }

  /** `example` defaults to the spec's; null when no single value would help (e.g. conflicts). */
  add(input: string, problem: string, example: string | null = inputSpec(input).example): void {
    this.items.push(example === null ? { input, problem } : { input, problem, example });
  }

  /** Trimmed value as given ('' when not given). */
  given(name: string): string {
    inputSpec(name); // a typo in a name here is a bug; fail loudly in tests
    return (this.raw[name] ?? '').replace(/\r/g, '').trim();
  }

  /** Value as given, or the spec default. */
  value(name: string): string {
    return this.given(name) || inputSpec(name).default;
  }

  /** `"value"` for messages, or a placeholder for secrets so they never reach a log. */
  show(name: string, v: string): string {
    return inputSpec(name).kind === 'secret' ? '(the value is hidden)' : JSON.stringify(v);
  }

  /** An absolute https URL (http only for loopback hosts), without credentials; '' when not given. */
  url(name: string): string | undefined {
    const v = this.value(name);
    if (v === '') return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      this.add(name, `${this.show(name, v)} is not an absolute URL`);
      return undefined;
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK_HOST.test(u.hostname))) {
      this.add(
        name,
        u.protocol === 'http:'
          ? `plain http is only allowed for loopback hosts (127.x, localhost, ::1), not ${u.hostname}; use https`
          : `${u.protocol} URLs are not supported; use https`
      );
      return undefined;
    }
    if (u.username || u.password) {
      this.add(
        name,
        'the URL contains credentials (user:password@), which would end up in logs; remove them'
      );
      return undefined;
    }
    if (u.search || u.hash) {
      this.add(name, 'a base URL cannot have a query (?) or fragment (#)');
      return undefined;
    }
    return u.toString().replace(/\/+$/, '');
  }

  /** `key<sep>value` lines; blank lines and `#` comments are skipped. */
  pairs(
    name: string,
    sep: '=' | ':',
    checkKey: (key: string) => string | undefined
  ): Array<{ key: string; value: string }> {
    const out: Array<{ key: string; value: string }> = [];
    const lines = this.value(name).split('\n');
    lines.forEach((line, i) => {
      const l = line.trim();
      if (l === '' || l.startsWith('#')) return;
      const at = l.indexOf(sep);
      const where = lines.length > 1 ? `line ${i + 1} ` : '';
      if (at <= 0) {
        this.add(name, `${where}${JSON.stringify(l)} is not \`key${sep === '=' ? '=' : ': '}value\``);
        return;
      }
      const key = l.slice(0, at).trim();
      let value = l.slice(at + 1).trim();
      // YAML habits: `key: "value"` means the string value without the quotes.
      const quoted = /^(["'])(.*)\1$/.exec(value);
      if (quoted) value = quoted[2] ?? '';
      const bad = checkKey(key);
      if (bad) this.add(name, `${where}key ${JSON.stringify(key)} ${bad}`);
      else if (out.some((p) => p.key === key))
        this.add(name, `${where}key ${JSON.stringify(key)} is given twice`);
      else out.push({ key, value });
    });
    return out;
  }

  /** Comma-, space- or newline-separated list. */
  words(name: string): string[] {
    return this.value(name)
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
}

type Scalar = boolean | number | string;
const SCALAR_KINDS = new Set<InputSpec['kind']>(['bool', 'int', 'duration', 'enum']);

/**
 * Every scalar input parsed once, in spec order. A bad value is a problem (named, with the spec's
 * example) and reads as the spec's default afterwards, so cross-field rules still run and the user sees
 * all problems at once; the parse then fails anyway.
 */
export class Scalars {
  private readonly values = new Map<string, Scalar>();

  constructor(p: Problems) {
    for (const spec of INPUTS) {
      if (!SCALAR_KINDS.has(spec.kind)) continue;
      const parsed = parseScalar(p, spec, p.value(spec.name));
      this.values.set(spec.name, parsed ?? parseScalar(p, spec, spec.default)!);
    }
  }

  bool(name: string): boolean {
    return this.read(name, 'bool') as boolean;
  }

  int(name: string): number {
    return this.read(name, 'int') as number;
  }

  /** Milliseconds. */
  duration(name: string): number {
    return this.read(name, 'duration') as number;
  }

  /** Lower-cased, one of the spec's values. */
  oneOf<T extends string>(name: string): T {
    return this.read(name, 'enum') as T;
  }

  private read(name: string, kind: InputSpec['kind']): Scalar {
    if (inputSpec(name).kind !== kind) throw new Error(`input ${name} is not of kind ${kind} in spec.ts`);
    return this.values.get(name)!;
  }
}

function parseScalar(p: Problems, spec: InputSpec, v: string): Scalar | undefined {
  const { name } = spec;
  const min = spec.min ?? -Infinity;
  const max = spec.max ?? Infinity;
  switch (spec.kind) {
    case 'bool': {
      const lower = v.toLowerCase();
      if (lower === 'true' || lower === 'yes') return true;
      if (lower === 'false' || lower === 'no') return false;
      p.add(name, `${p.show(name, v)} is not a boolean; use true or false (yes/no also work)`);
      return undefined;
    }
    case 'int': {
      if (!/^-?\d+$/.test(v)) {
        p.add(name, `${p.show(name, v)} is not a whole number`);
        return undefined;
      }
      const n = Number(v);
      if (n < min || n > max) {
        p.add(name, `${n} is out of range; use a number from ${min} to ${max}`);
        return undefined;
      }
      return n;
    }
    case 'duration': {
      let ms: number;
      try {
        ms = parseDuration(v);
      } catch (err) {
        p.add(name, `malformed duration: ${(err as Error).message}`);
        return undefined;
      }
      if (ms < min || ms > max) {
        p.add(
          name,
          `${v} is out of range; use a duration from ${formatDuration(min)} to ${formatDuration(max)}`
        );
        return undefined;
      }
      return ms;
    }
    default: {
      const allowed = spec.values ?? [];
      const lower = v.toLowerCase();
      if (allowed.includes(lower)) return lower;
      p.add(name, `${p.show(name, v)} is not one of ${allowed.join(', ')}${didYouMean(v, allowed)}`);
      return undefined;
    }
  }
}

// Kubernetes annotation key: optional DNS-subdomain prefix + '/' + name of at most 63 characters.
export function annotationKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix))) {
    return 'has an invalid prefix; the part before "/" must be a DNS subdomain like example.com';
  }
  if (name.length === 0 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return 'is not a valid annotation key (letters, digits, -, _ and . up to 63 characters, optionally prefixed by a domain and /)';
  }
  return undefined;
}
