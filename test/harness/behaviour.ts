// Per-test simulator behaviour (test/README.md): rules.json of ConfigMap ask-istio-sim/sim-behaviour.
// Tests prepend their own rules (first match wins) and restore the previous value in a finally block.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { readHarnessState, SIMULATOR_NAMESPACE } from './state.js';

function coreApi(): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(readHarnessState().kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

/** Prepends rules to rules.json (creating the ConfigMap if needed); returns the previous value. */
export async function prependRules(rules: unknown[]): Promise<string | undefined> {
  const core = coreApi();
  const cm = await core
    .readNamespacedConfigMap({ name: 'sim-behaviour', namespace: SIMULATOR_NAMESPACE })
    .catch((err: unknown) => {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    });
  if (!cm) {
    await core.createNamespacedConfigMap({
      namespace: SIMULATOR_NAMESPACE,
      body: { metadata: { name: 'sim-behaviour', namespace: SIMULATOR_NAMESPACE }, data: {} }
    });
  }
  const previous = cm?.data?.['rules.json'];
  const current = previous ? (JSON.parse(previous) as unknown[]) : [];
  await setRules(JSON.stringify([...rules, ...current]));
  return previous;
}

/** Sets rules.json (undefined removes the key). */
export async function setRules(value: string | undefined): Promise<void> {
  await setBehaviourKey('rules.json', value);
}

/**
 * Sets eci.json, the simulator's ECI timing mode (test/simulator/eci.ts), e.g. `{"enabled": true,
 * "timeScale": 0.02}`; undefined turns it off. Returns the previous value.
 */
export async function setEciTiming(value: string | undefined): Promise<string | undefined> {
  const cm = await coreApi()
    .readNamespacedConfigMap({ name: 'sim-behaviour', namespace: SIMULATOR_NAMESPACE })
    .catch(() => undefined);
  if (!cm) await prependRules([]); // creates the ConfigMap
  await setBehaviourKey('eci.json', value);
  return cm?.data?.['eci.json'];
}

async function setBehaviourKey(key: string, value: string | undefined): Promise<void> {
  await coreApi().patchNamespacedConfigMap(
    {
      name: 'sim-behaviour',
      namespace: SIMULATOR_NAMESPACE,
      body: { data: { [key]: value ?? null } }
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
  );
}
