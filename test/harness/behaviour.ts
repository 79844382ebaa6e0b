// Per-test simulator behaviour (test/README.md): the keys of ConfigMap ask-istio-sim/sim-behaviour.
// Tests change one key, restore the previous value in a finally block, and every change here returns only
// once the simulator has applied it (its receipt, BEHAVIOUR_APPLIED_CONFIGMAP): the simulator sees the
// ConfigMap through a watch, and objects created before the event arrives would get the old behaviour.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { readHarnessState, SIMULATOR_NAMESPACE } from './state.js';
import { BEHAVIOUR_APPLIED_CONFIGMAP, BEHAVIOUR_CONFIGMAP } from '../simulator/behaviour.js';
import { newerOrSame } from '../simulator/receipts.js';

export type BehaviourKey = 'rules.json' | 'lb.json' | 'eci.json';

/** How long the simulator may take to apply a change (its watch, under a loaded 2-core machine). */
const RECEIPT_TIMEOUT_MS = 30_000;

/** A CoreV1Api for the harness cluster, or for the kubeconfig given (the benchmark's counting proxy). */
function coreApi(kubeconfigPath = readHarnessState().kubeconfigPath): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Sets one key of sim-behaviour (undefined removes it), creating the ConfigMap if needed, and waits until the
 * simulator has applied that version. Returns the key's previous value, for restoring.
 */
export async function setBehaviour(
  key: BehaviourKey,
  value: string | undefined,
  kubeconfigPath?: string
): Promise<string | undefined> {
  const core = coreApi(kubeconfigPath);
  const cm = await core
    .readNamespacedConfigMap({ name: BEHAVIOUR_CONFIGMAP, namespace: SIMULATOR_NAMESPACE })
    .catch((err: unknown) => {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    });
  if (!cm) {
    // The simulator treats a missing ConfigMap as defaults; an empty one means the same.
    await core
      .createNamespacedConfigMap({
        namespace: SIMULATOR_NAMESPACE,
        body: { metadata: { name: BEHAVIOUR_CONFIGMAP, namespace: SIMULATOR_NAMESPACE }, data: {} }
      })
      .catch((err: unknown) => {
        if ((err as { code?: number }).code !== 409) throw err;
      });
  }
  const written = await core.patchNamespacedConfigMap(
    { name: BEHAVIOUR_CONFIGMAP, namespace: SIMULATOR_NAMESPACE, body: { data: { [key]: value ?? null } } },
    mergePatch
  );
  await awaitReceipt(core, written.metadata?.resourceVersion ?? '');
  return cm?.data?.[key];
}

/** Waits until the simulator's receipt names `resourceVersion` or a newer one; throws if it refused it. */
async function awaitReceipt(core: CoreV1Api, resourceVersion: string): Promise<void> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  let seen: string | undefined;
  for (;;) {
    const receipt = await core
      .readNamespacedConfigMap({ name: BEHAVIOUR_APPLIED_CONFIGMAP, namespace: SIMULATOR_NAMESPACE })
      .then((c) => c.data)
      .catch(() => undefined);
    seen = receipt?.resourceVersion;
    if (seen && newerOrSame(seen, resourceVersion)) {
      if (seen === resourceVersion && receipt?.error) throw new Error(receipt.error);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `the simulator did not apply ${BEHAVIOUR_CONFIGMAP} version ${resourceVersion} within ${RECEIPT_TIMEOUT_MS / 1000} s (its receipt says ${seen ?? 'nothing'}); is it running?`
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Prepends rules to rules.json (first match wins); returns the previous value. */
export async function prependRules(rules: unknown[]): Promise<string | undefined> {
  const cm = await coreApi()
    .readNamespacedConfigMap({ name: BEHAVIOUR_CONFIGMAP, namespace: SIMULATOR_NAMESPACE })
    .catch(() => undefined);
  const previous = cm?.data?.['rules.json'];
  const current = previous ? (JSON.parse(previous) as unknown[]) : [];
  await setBehaviour('rules.json', JSON.stringify([...rules, ...current]));
  return previous;
}

/** Sets rules.json (undefined removes the key). */
export async function setRules(value: string | undefined): Promise<void> {
  await setBehaviour('rules.json', value);
}

/** Adds or replaces entries of lb.json (`"<namespace>/<service>": {mode, delayMs?}`); returns the previous value. */
export async function mergeLb(entries: Record<string, unknown>): Promise<string | undefined> {
  const cm = await coreApi()
    .readNamespacedConfigMap({ name: BEHAVIOUR_CONFIGMAP, namespace: SIMULATOR_NAMESPACE })
    .catch(() => undefined);
  const previous = cm?.data?.['lb.json'];
  const current = previous ? (JSON.parse(previous) as object) : {};
  await setBehaviour('lb.json', JSON.stringify({ ...current, ...entries }));
  return previous;
}

/**
 * Sets eci.json, the simulator's ECI timing mode (test/simulator/eci.ts), e.g. `{"enabled": true,
 * "timeScale": 0.02}`; undefined turns it off. Returns the previous value.
 */
export async function setEciTiming(
  value: string | undefined,
  kubeconfigPath?: string
): Promise<string | undefined> {
  return setBehaviour('eci.json', value, kubeconfigPath);
}
