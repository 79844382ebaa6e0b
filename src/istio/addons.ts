// Telemetry addons (kiali, prometheus, grafana, jaeger) from the release's samples/addons, applied
// server-side into istio-system and waited for like the control plane.
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import { parseManifests } from '../kube/objects.js';
import type { Contributing } from '../report/model.js';
import { applyLogged } from '../kube/logged.js';
import { awaitDeployments } from '../kube/diagnostics.js';
import { componentRow } from '../kube/readiness.js';
import { COMPONENT_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../ownership.js';
import { ISTIO_NAMESPACE } from './apis.js';

export function addonFile(addon: string): string {
  return `samples/addons/${addon}.yaml`;
}

/** Pure: the addon manifests, labelled as ours; cluster-scoped objects keep no namespace. */
export function planAddons(manifests: Array<{ addon: string; text: string }>): KubeObject[] {
  return manifests.flatMap(({ addon, text }) =>
    parseManifests(text, addonFile(addon)).map((o) => {
      const copy = structuredClone(o);
      copy.metadata.labels = {
        ...(copy.metadata.labels ?? {}),
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [COMPONENT_LABEL]: `addon-${addon}`
      };
      return copy;
    })
  );
}

export interface AddonArgs {
  kube: Kube;
  config: Config;
  readSample: (rel: string) => Promise<string>;
  /** Bounds the wait for the addons' Deployments. */
  timeoutMs: number;
}

export async function deployAddons({
  kube,
  config,
  readSample,
  timeoutMs
}: AddonArgs): Promise<Contributing> {
  const manifests = await Promise.all(
    config.addons.map(async (addon) => ({ addon, text: await readSample(addonFile(addon)) }))
  );
  const objects = planAddons(manifests);
  const { plan } = await applyLogged(kube, objects);
  if (config.lifecycle.dryRun) return { report: { plan } };
  const names = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  return {
    report: {
      components: (await awaitDeployments(kube, ISTIO_NAMESPACE, names, timeoutMs)).map(componentRow)
    }
  };
}
