// Thin part of the Gateway API CRD step: read the live CRDs, plan (crds.ts), create the missing ones and wait
// until the API server serves them. Runs before Istio is installed, so a cluster that cannot run the mode is
// refused before anything changes; istiod watches for the CRDs and starts its gateway controller once they
// are established (it need not be restarted).
import * as core from '@actions/core';
import { load } from 'js-yaml';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import type { Contributing } from '../report/model.js';
import { applyStaged } from '../kube/staged.js';
import { GATEWAY_API_GROUP, liveCrd, planCrds, type VendoredCrd } from './crds.js';

const CRD_API = 'apiextensions.k8s.io/v1';

async function vendoredCrds(): Promise<{ version: string; crds: VendoredCrd[] }> {
  // Loaded only in this mode: the bundle is about 1 MB of YAML.
  const data = await import('./crds.generated.js');
  const crds = data.STANDARD_CRD_FILES.map((f) => {
    const object = load(f.text) as VendoredCrd['object'];
    const annotations = (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    return {
      name: object.metadata.name,
      bundleVersion: annotations['gateway.networking.k8s.io/bundle-version'] ?? data.GATEWAY_API_VERSION,
      object
    };
  });
  return { version: data.GATEWAY_API_VERSION, crds };
}

export async function ensureGatewayApi(args: {
  kube: Kube;
  config: Config;
  istioVersion: string;
  kubernetesVersion: string;
  timeoutMs: number;
}): Promise<Contributing> {
  const { kube, config } = args;
  const { version, crds } = await vendoredCrds();
  const live = (await kube.list(CRD_API, 'CustomResourceDefinition'))
    .filter((o) => o.metadata.name.endsWith(`.${GATEWAY_API_GROUP}`))
    .map(liveCrd);
  const plan = planCrds({
    vendored: crds,
    live,
    bundleVersion: version,
    istioVersion: args.istioVersion,
    kubernetesVersion: args.kubernetesVersion
  });
  const gatewayApi = {
    bundleVersion: version,
    created: plan.create.map((c) => c.name),
    kept: plan.decisions.filter((d) => d.action === 'keep').map((d) => `${d.name} ${d.version}`)
  };
  const objects = plan.create.map((c) => c.object as unknown as KubeObject);
  if (config.lifecycle.dryRun) {
    for (const l of plan.describe) core.info(l);
    // The server checks the CRDs, and the kube layer then plans this dry run's HTTPRoutes and Gateway
    // as would-be objects of kinds it does not serve yet.
    await applyStaged(kube, objects);
    return { report: { gatewayApi, plan: plan.describe } };
  }
  for (const l of plan.describe.filter((l) => !l.endsWith('would be created'))) core.info(l);
  // Staged: the apply waits until the API server serves the new CRDs.
  for (const outcome of await applyStaged(kube, objects, { timeoutMs: args.timeoutMs }))
    core.info(`CustomResourceDefinition ${outcome.ref.name} ${version} ${outcome.action}`);
  return { report: { gatewayApi } };
}
