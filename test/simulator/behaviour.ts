// Per-test simulator behaviour, read from ConfigMap ask-istio-sim/sim-behaviour (see test/README.md).
// Parsing is forgiving about absent keys and loud (logged) about malformed JSON, because a typo in a
// test's rule must not silently turn into "default behaviour".

export const SIM_NAMESPACE = 'ask-istio-sim';
export const BEHAVIOUR_CONFIGMAP = 'sim-behaviour';
export const BEHAVIOUR_ANNOTATION = 'sim.ask-istio.dev/behaviour';
/**
 * The simulator's receipt for sim-behaviour: `resourceVersion` of the newest sim-behaviour it has applied
 * (and `error` when that version was invalid and the previous behaviour stays). A test that changes
 * behaviour waits for the receipt instead of sleeping, since the simulator sees the change through a watch.
 */
export const BEHAVIOUR_APPLIED_CONFIGMAP = 'sim-behaviour-applied';

export type PodFault = 'none' | 'crashloop' | 'image-pull' | 'never-ready' | 'flapping';
export interface PodBehaviour {
  startDelayMs?: number;
  fault?: PodFault;
}
export interface PodRule {
  namespace?: string;
  app?: string;
  namePrefix?: string;
  behaviour: PodBehaviour;
}
export type LbMode = 'ip' | 'hostname' | 'never';
export interface LbBehaviour {
  mode: LbMode;
  delayMs?: number;
}

const FAULTS: readonly string[] = ['none', 'crashloop', 'image-pull', 'never-ready', 'flapping'];
const LB_MODES: readonly string[] = ['ip', 'hostname', 'never'];
export const DEFAULT_START_DELAY_MS = 300;

export function parsePodBehaviour(value: unknown, where: string): PodBehaviour {
  if (!value || typeof value !== 'object') throw new Error(`${where}: behaviour must be an object`);
  const v = value as Record<string, unknown>;
  const out: PodBehaviour = {};
  if (v.startDelayMs !== undefined) {
    if (typeof v.startDelayMs !== 'number' || v.startDelayMs < 0)
      throw new Error(`${where}: startDelayMs must be a number >= 0`);
    out.startDelayMs = v.startDelayMs;
  }
  if (v.fault !== undefined) {
    if (typeof v.fault !== 'string' || !FAULTS.includes(v.fault))
      throw new Error(`${where}: fault must be one of ${FAULTS.join(', ')}`);
    out.fault = v.fault as PodFault;
  }
  return out;
}

export function parseRules(json: string | undefined): PodRule[] {
  if (!json?.trim()) return [];
  const raw: unknown = JSON.parse(json);
  if (!Array.isArray(raw)) throw new Error('rules.json must be a JSON array');
  return raw.map((r: unknown, i) => {
    const rule = (r ?? {}) as Record<string, unknown>;
    const str = (k: string): string | undefined =>
      typeof rule[k] === 'string' ? (rule[k] as string) : undefined;
    return {
      namespace: str('namespace'),
      app: str('app'),
      namePrefix: str('namePrefix'),
      behaviour: parsePodBehaviour(rule.behaviour, `rules.json[${i}]`)
    };
  });
}

export function parseLb(json: string | undefined): Record<string, LbBehaviour> {
  if (!json?.trim()) return {};
  const raw = JSON.parse(json) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('lb.json must be a JSON object');
  const out: Record<string, LbBehaviour> = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = (value ?? {}) as Record<string, unknown>;
    const mode = v.mode ?? 'ip';
    if (typeof mode !== 'string' || !LB_MODES.includes(mode))
      throw new Error(`lb.json["${key}"].mode must be one of ${LB_MODES.join(', ')}`);
    out[key] = { mode: mode as LbMode, delayMs: typeof v.delayMs === 'number' ? v.delayMs : undefined };
  }
  return out;
}

export interface PodIdentity {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The annotation wins over the rules; first matching rule wins; otherwise a healthy pod. */
export function behaviourFor(
  pod: PodIdentity,
  rules: readonly PodRule[],
  log: (l: string) => void
): PodBehaviour {
  const annotation = pod.annotations[BEHAVIOUR_ANNOTATION];
  if (annotation) {
    try {
      return parsePodBehaviour(
        JSON.parse(annotation),
        `annotation ${BEHAVIOUR_ANNOTATION} on ${pod.namespace}/${pod.name}`
      );
    } catch (err) {
      log(`ignoring bad behaviour annotation: ${(err as Error).message}`);
    }
  }
  for (const rule of rules) {
    if (rule.namespace !== undefined && rule.namespace !== pod.namespace) continue;
    if (rule.app !== undefined && rule.app !== pod.labels.app) continue;
    if (rule.namePrefix !== undefined && !pod.name.startsWith(rule.namePrefix)) continue;
    return rule.behaviour;
  }
  return {};
}
