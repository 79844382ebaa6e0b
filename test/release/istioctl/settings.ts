// Resolves `istioctl install` configuration the way istioctl layers it: default profile → selected
// profile → each -f IstioOperator file → each --set path=value. Pure, so it is unit-tested directly.
import { profileSpec, PROFILE_NAMES, type Spec } from '../model/profiles.js';
import type { InstallSettings } from '../model/install.js';
import type { ReleaseModel } from '../model/version.js';

/** IstioOperatorSpec's top-level fields; anything else is refused like the real schema does. */
const SPEC_FIELDS = new Set([
  'profile',
  'revision',
  'hub',
  'tag',
  'components',
  'values',
  'meshConfig',
  'namespace',
  'installPackagePath',
  'unvalidatedValues'
]);

export class SettingsError extends Error {}

type Node = Record<string, unknown>;
const isObj = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits `a.b\.c[0].d[name:x]` into ['a', 'b.c', '[0]', 'd', '[name:x]'] (`\.` escapes a dot). */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\' && path[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (ch === '.') {
      if (cur) out.push(cur);
      cur = '';
    } else if (ch === '[') {
      if (cur) out.push(cur);
      const end = path.indexOf(']', i);
      if (end < 0) throw new SettingsError(`invalid path ${path}: unbalanced [`);
      out.push(path.slice(i, end + 1));
      cur = '';
      i = end;
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function parseValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** Applies one `--set path=value` to a spec tree in place. */
export function setPath(spec: Node, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new SettingsError(`--set ${assignment}: expected path=value`);
  const parts = splitPath(assignment.slice(0, eq));
  const value = parseValue(assignment.slice(eq + 1));
  const top = parts[0] ?? '';
  if (!SPEC_FIELDS.has(top)) {
    throw new SettingsError(`unknown field "${top}" in v1alpha1.IstioOperatorSpec`);
  }
  // Annotation keys hold dots and slashes: everything after serviceAnnotations is one key.
  const ann = parts.indexOf('serviceAnnotations');
  const keys =
    ann >= 0 && ann < parts.length - 1 ? [...parts.slice(0, ann + 1), parts.slice(ann + 1).join('.')] : parts;
  let node: unknown = spec;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const last = i === keys.length - 1;
    const nextIsIndex = (keys[i + 1] ?? '').startsWith('[');
    const fresh = (): unknown => (nextIsIndex ? [] : {});
    if (key.startsWith('[')) {
      if (!Array.isArray(node)) throw new SettingsError(`--set ${assignment}: ${key} used on a non-list`);
      const inner = key.slice(1, -1);
      let idx: number;
      if (/^\d+$/.test(inner)) {
        idx = Number(inner);
        while (node.length <= idx) node.push({});
      } else {
        const [k, v] = inner.split(':');
        idx = node.findIndex((e) => isObj(e) && e[k ?? ''] === v);
        if (idx < 0) idx = node.push({ [k ?? 'name']: v }) - 1;
      }
      if (last) node[idx] = value;
      else if (!isObj(node[idx]) && !Array.isArray(node[idx])) node[idx] = fresh();
      node = node[idx];
    } else {
      if (!isObj(node)) throw new SettingsError(`--set ${assignment}: ${key} is not an object`);
      if (last) node[key] = value;
      else if (!isObj(node[key]) && !Array.isArray(node[key])) node[key] = fresh();
      node = node[key];
    }
  }
}

/** Deep merge; lists of named objects merge by `name` (as IstioOperator gateway lists do). */
export function overlay(base: unknown, over: unknown): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Node = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? overlay(base[k], v) : v;
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(over) &&
    over.every((e) => isObj(e) && typeof e.name === 'string')
  ) {
    const out = [...base];
    for (const e of over as Node[]) {
      const i = out.findIndex((b) => isObj(b) && b.name === e.name);
      if (i >= 0) out[i] = overlay(out[i], e);
      else out.push(e);
    }
    return out;
  }
  return over;
}

function gatewayEnabled(spec: Node, list: 'ingressGateways' | 'egressGateways', name: string): boolean {
  const comps = isObj(spec.components) ? spec.components : {};
  const gws = Array.isArray(comps[list]) ? (comps[list] as unknown[]) : [];
  const gw = gws.find((g) => isObj(g) && (g.name === name || g.name === undefined));
  return isObj(gw) && gw.enabled === true;
}

function dig(spec: Node, ...path: string[]): unknown {
  let n: unknown = spec;
  for (const p of path) n = isObj(n) ? n[p] : undefined;
  return n;
}

/** The file specs (parsed `-f` IstioOperator documents) and `--set` flags → install settings. */
export function resolveSettings(m: ReleaseModel, files: Spec[], sets: string[]): InstallSettings {
  // The profile can come from a file or a --set; the last one wins, as in istioctl.
  const user: Node = {};
  let merged: Node = {};
  for (const f of files) {
    for (const k of Object.keys(f))
      if (!SPEC_FIELDS.has(k)) throw new SettingsError(`unknown field "${k}" in v1alpha1.IstioOperatorSpec`);
    merged = overlay(merged, f) as Node;
  }
  for (const s of sets) setPath(user, s);
  const profile = String(user.profile ?? merged.profile ?? 'default');
  const prof = profileSpec(m, profile);
  if (!prof || !(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new SettingsError(
      `could not read profile ${profile}: supported profiles are ${PROFILE_NAMES.join(', ')}`
    );
  }
  let spec = overlay(profileSpec(m, 'default'), profile === 'default' ? {} : prof) as Node;
  spec = overlay(spec, merged) as Node;
  spec = overlay(spec, user) as Node;
  const ann = dig(spec, 'values', 'gateways', 'istio-ingressgateway', 'serviceAnnotations');
  const annotations: Record<string, string> = {};
  if (isObj(ann)) for (const [k, v] of Object.entries(ann)) annotations[k] = String(v);
  return {
    profile,
    revision: typeof spec.revision === 'string' ? spec.revision : '',
    ingressEnabled: gatewayEnabled(spec, 'ingressGateways', 'istio-ingressgateway'),
    egressEnabled: gatewayEnabled(spec, 'egressGateways', 'istio-egressgateway'),
    cniEnabled: dig(spec, 'components', 'cni', 'enabled') === true,
    pdbEnabled: dig(spec, 'values', 'global', 'defaultPodDisruptionBudget', 'enabled') !== false,
    ingressServiceAnnotations: annotations,
    meshConfig: isObj(spec.meshConfig) ? spec.meshConfig : {},
    hub: String(spec.hub ?? m.hub),
    tag: String(spec.tag ?? m.version),
    operatorSpec: spec
  };
}
