// Before installing anything: is this Istio release made for this cluster, what kind of cluster is it
// (serverless ASK or real nodes), and may pods add the capabilities istio-init needs?
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { RunReport } from '../report/model.js';
import { ActionError } from '../errors.js';
import { checkCompatibility } from './compat.js';
import { isServerless } from '../gateway/address.js';

export interface ClusterFacts {
  kubeVersion: string;
  serverless: boolean;
  fixes: Array<{ key: string; value: string }>;
  capabilitiesAllowed?: boolean;
}

/** A pod that asks for what istio-init asks for; created with a server-side dry run only. */
export function capabilityProbePod(namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'ask-istio-capability-probe',
      namespace,
      annotations: { 'sidecar.istio.io/inject': 'false' }
    },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'probe',
          image: 'busybox',
          securityContext: {
            capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
            runAsUser: 0,
            runAsNonRoot: false
          }
        }
      ]
    }
  };
}

export async function checkCluster(
  kube: Kube,
  config: Config,
  istioVersion: string,
  report: RunReport
): Promise<ClusterFacts> {
  const version = await kube.serverVersion();
  const compat = checkCompatibility(istioVersion, version.gitVersion);
  report.compatibility = compat.message;
  core.info(compat.message);
  if (!compat.supported) {
    const hint = compat.fittingIstioMinors.length
      ? `set istio-version to ${compat.fittingIstioMinors.map((m) => `1.${m}`).join(' or ')}, or compatibility-check: warn to try anyway`
      : 'upgrade the cluster, or set compatibility-check: warn to try anyway';
    if (config.istio.compatibilityCheck === 'fail') throw new ActionError(compat.message, { hint });
    core.warning(`${compat.message} (compatibility-check: warn — continuing)`);
    report.warnings.push(compat.message);
  }
  for (const f of compat.fixes) {
    core.info(`Applying known fix --set ${f.key}=${f.value}: ${f.why}`);
  }

  const nodes = await kube.list('v1', 'Node', {});
  const serverless = isServerless(nodes);
  core.info(
    `Cluster: Kubernetes ${version.gitVersion}, ${serverless ? 'serverless (virtual-kubelet nodes only)' : `${nodes.length} node(s)`}`
  );

  // The admission chain's real answer (PSP on ≤1.24, Pod Security Admission later) for istio-init's
  // NET_ADMIN/NET_RAW, asked with a dry-run pod in the target namespace when it already exists.
  let capabilitiesAllowed: boolean | undefined;
  const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: config.namespace });
  if (ns) {
    try {
      await kube.apply([capabilityProbePod(config.namespace)], { dryRun: true });
      capabilitiesAllowed = true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (/forbidden|PodSecurityPolicy|capabilit|violates/i.test(why)) {
        throw new ActionError(
          `Pods in namespace ${config.namespace} may not add NET_ADMIN/NET_RAW, which istio-init needs.`,
          {
            details: [why.split('\n')[0] ?? why],
            hint: serverless
              ? "on ASK, bind the `ack.privileged` PodSecurityPolicy to the namespace's service accounts (or use a PSP/PSA level allowing NET_ADMIN and NET_RAW); Istio CNI cannot run on serverless clusters"
              : 'allow NET_ADMIN and NET_RAW for the namespace (PSP or Pod Security Admission "privileged"), or enable Istio CNI with istio-cni: true'
          }
        );
      }
      core.debug(`capability probe inconclusive: ${why}`);
      capabilitiesAllowed = undefined;
    }
  }
  return {
    kubeVersion: version.gitVersion,
    serverless,
    fixes: compat.fixes.map(({ key, value }) => ({ key, value })),
    capabilitiesAllowed
  };
}
