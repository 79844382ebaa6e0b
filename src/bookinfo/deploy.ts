// Thin part of the Bookinfo step: namespace with injection, the sample applied server-side, a watch until
// every Deployment is available and every pod is ready with its sidecar, then the seed's in-cluster check
// (productpage answers "Simple Bookstore App") through the API server's service proxy — no exec into pods.
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import type { Istioctl } from '../istioctl/run.js';
import { StepFailure, type Contributing } from '../report/model.js';
import type { Ownership } from '../ownership.js';
import { CREATED_AT_ANNOTATION } from '../ownership.js';
import { ActionError, messageOf } from '../errors.js';
import { podFailure, podFailureIsFinal, runningContainerNames } from '../kube/readiness.js';
import { retry } from '../retry.js';
import {
  BOOKINFO_FILE,
  GATEWAY_API_FILE,
  GATEWAY_COMPONENT,
  GATEWAY_FILE,
  deploymentNames,
  planBookinfo,
  planGateway,
  planGatewayApi,
  planNamespace
} from './plan.js';
import { componentSelector } from '../ownership.js';
import { awaitDeployments, withDiagnostics } from '../kube/diagnostics.js';
import { applyLogged, listRefs } from '../kube/logged.js';
import { componentRow } from '../kube/readiness.js';
import { describeRef, refsNotIn } from '../kube/objects.js';
import {
  peerAuthenticationView,
  ROOT_NAMESPACE,
  securityApiVersion,
  workloadMtlsMode,
  type PeerAuthenticationView
} from '../istio/apis.js';
import { CURL_SAMPLES, curlImageOf, PROBE_COMPONENT, runMeshProbe } from './probe.js';

interface StepArgs {
  kube: Kube;
  config: Config;
  ownership: Ownership;
  readSample: (relativePath: string) => Promise<string>;
}

/** The preview's namespace with its injection label, keeping the creation time an earlier run recorded. */
export async function bookinfoNamespace(
  kube: Kube,
  config: Config,
  ownership: Ownership
): Promise<KubeObject> {
  const live = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: config.namespace });
  return planNamespace({
    name: config.namespace,
    revision: config.istio.revision,
    ambient: config.istio.dataplaneMode === 'ambient',
    ownership,
    existingCreatedAt: live?.metadata.annotations?.[CREATED_AT_ANNOTATION]
  });
}

/** Bookinfo's manifests as they are applied: in the preview's namespace, labelled, with pod-annotations. */
export async function bookinfoWorkloads(
  args: Pick<StepArgs, 'config' | 'ownership' | 'readSample'>
): Promise<KubeObject[]> {
  return planBookinfo(await args.readSample(BOOKINFO_FILE), {
    namespace: args.config.namespace,
    ownership: args.ownership,
    podAnnotations: args.config.podAnnotations
  });
}

/**
 * Applies the namespace and Bookinfo's manifests (one staged apply: the namespace first); returns the
 * Deployments to wait for (none in a dry run). The wait is separate (awaitBookinfo) so the gateway,
 * routing and `istioctl analyze` can be applied and started while the pods start — none of them needs a
 * running pod.
 */
export async function deployBookinfo(args: StepArgs): Promise<{ deployments: string[] } & Contributing> {
  const { kube, config, ownership } = args;
  const dryRun = config.lifecycle.dryRun;
  const objects = await bookinfoWorkloads(args);
  try {
    const { plan } = await applyLogged(kube, [await bookinfoNamespace(kube, config, ownership), ...objects]);
    return {
      deployments: dryRun ? [] : deploymentNames(objects),
      report: { namespace: config.namespace, plan }
    };
  } catch (err) {
    throw new StepFailure(err, { namespace: config.namespace });
  }
}

/** Waits until every Bookinfo pod is ready with its sidecar and productpage answers (the seed's check). */
export async function awaitBookinfo(args: {
  kube: Kube;
  config: Config;
  names: string[];
  timeoutMs: number;
  /** For the in-mesh check under STRICT mTLS: the release's version, files and the ownership labels. */
  istioVersion: string;
  readSample: (relativePath: string) => Promise<string>;
  ownership: Ownership;
}): Promise<Contributing> {
  const { kube, config, names, timeoutMs } = args;
  if (names.length === 0) return { report: {} };
  const ambient = config.istio.dataplaneMode === 'ambient';
  // Pods first: an unavailable Deployment does not say why, its pods do. Waiting on them gives up at once
  // on a failure that will not fix itself (ImagePullBackOff, repeated CrashLoopBackOff) instead of at the
  // timeout, and insists on every container ready in every pod: an available Deployment can still hide a
  // pod without its sidecar (injection off).
  const selector = 'app in (productpage,details,reviews,ratings)';
  await withDiagnostics(kube, config.namespace, selector, () =>
    kube.waitFor(
      { apiVersion: 'v1', kind: 'Pod', namespace: config.namespace, labelSelector: selector },
      (pods) => {
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        const final = live.find(podFailureIsFinal);
        const failure = final ? podFailure(final) : live.map(podFailure).find(Boolean);
        const notReady = live.filter((p) => !allContainersReady(p)).map((p) => p.metadata.name);
        const sidecarless = ambient ? [] : live.filter((p) => !hasSidecar(p)).map((p) => p.metadata.name);
        if (failure) return { done: false, progress: 'pods failing', failure, fatal: final !== undefined };
        return {
          done: live.length >= names.length && notReady.length === 0 && sidecarless.length === 0,
          progress: notReady.length
            ? `pods not ready: ${notReady.join(', ')}`
            : sidecarless.length
              ? `pods without istio-proxy sidecar: ${sidecarless.join(', ')} (is the injection webhook working?)`
              : `${live.length} pods ready`
        };
      },
      { timeoutMs }
    )
  );
  const components = (await awaitDeployments(kube, config.namespace, names, timeoutMs)).map(componentRow);
  // The component table is shown also when productpage then fails to answer.
  try {
    await checkProductpageAnswers(args);
  } catch (err) {
    throw new StepFailure(err, { components });
  }
  return { report: { components } };
}

/** The seed's check: productpage serves the Bookinfo page (from a pod in the mesh under STRICT mTLS). */
async function checkProductpageAnswers(args: {
  kube: Kube;
  config: Config;
  timeoutMs: number;
  istioVersion: string;
  readSample: (relativePath: string) => Promise<string>;
  ownership: Ownership;
}): Promise<void> {
  const { kube, config, timeoutMs } = args;
  if (await productpageRequiresMtls(kube, config.namespace, args.istioVersion)) {
    const image = await curlImage(args.readSample);
    core.info(
      `productpage requires mTLS (PeerAuthentication STRICT): checking it from a pod in the mesh (${image})`
    );
    const said = await runMeshProbe(kube, {
      namespace: config.namespace,
      name: `${PROBE_COMPONENT}-${Date.now().toString(36)}`,
      image,
      url: `http://productpage:${PRODUCTPAGE_PORT}/productpage`,
      expectText: PRODUCTPAGE_TEXT,
      ownership: args.ownership,
      podAnnotations: config.podAnnotations,
      timeoutMs: Math.min(timeoutMs, 300_000)
    });
    core.info(`productpage answers a pod in the mesh: ${said}`);
    return;
  }
  await checkProductpage(kube, config.namespace, timeoutMs);
}

const PRODUCTPAGE_PORT = 9080;
const PRODUCTPAGE_TEXT = 'Simple Bookstore App';

/**
 * Whether productpage's sidecar refuses plaintext (as Istio resolves its PeerAuthentications). Read from
 * the cluster, not from `mtls`: a policy stays STRICT until routing removes it, and may be the user's own.
 */
export async function productpageRequiresMtls(
  kube: Kube,
  namespace: string,
  istioVersion: string
): Promise<boolean> {
  const apiVersion = securityApiVersion(istioVersion);
  const policies: PeerAuthenticationView[] = [];
  for (const ns of [...new Set([namespace, ROOT_NAMESPACE])]) {
    try {
      const items = await kube.list(apiVersion, 'PeerAuthentication', { namespace: ns });
      // Istio takes the oldest of several policies at one level.
      items.sort((a, b) =>
        String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''))
      );
      policies.push(...items.map(peerAuthenticationView));
    } catch (err) {
      core.debug(`listing PeerAuthentications in ${ns}: ${messageOf(err)}`); // no CRD: no policy
    }
  }
  return (
    workloadMtlsMode(policies, { namespace, labels: { app: 'productpage' }, port: PRODUCTPAGE_PORT }) ===
    'STRICT'
  );
}

async function curlImage(readSample: (relativePath: string) => Promise<string>): Promise<string> {
  for (const file of CURL_SAMPLES) {
    const text = await readSample(file).catch(() => undefined);
    const image = text === undefined ? undefined : curlImageOf(text);
    if (image) return image;
  }
  throw new ActionError(
    `productpage requires mTLS, and the Istio release has none of ${CURL_SAMPLES.join(', ')} to check it from a pod in the mesh.`,
    { hint: 'Use an Istio release that ships samples/curl (1.24+) or samples/sleep.' }
  );
}

function containerStatuses(p: KubeObject): Array<{ name: string; ready: boolean }> {
  return (
    (p.status as { containerStatuses?: Array<{ name: string; ready: boolean }> } | undefined)
      ?.containerStatuses ?? []
  );
}
function allContainersReady(p: KubeObject): boolean {
  const spec = p.spec as { containers?: unknown[] } | undefined;
  const statuses = containerStatuses(p);
  return statuses.length === (spec?.containers?.length ?? 0) && statuses.every((s) => s.ready);
}
/**
 * Whether the pod got Istio's sidecar: a regular `istio-proxy` container, or — Istio 1.27+ on Kubernetes
 * 1.29+, where native sidecars are on by default — an `istio-proxy` init container with `restartPolicy:
 * Always` (a sidecar container; found by the real istiod on Kubernetes 1.35, not by the seed's model).
 */
export function hasSidecar(p: KubeObject): boolean {
  return runningContainerNames(p).includes('istio-proxy');
}

/** The walk-through's in-cluster check, through the API server's service proxy. */
export async function checkProductpage(
  kube: Pick<Kube, 'proxyGet' | 'signal'>,
  namespace: string,
  timeoutMs: number
): Promise<void> {
  try {
    await retry(
      async () => {
        const res = await kube.proxyGet(namespace, 'productpage', PRODUCTPAGE_PORT, '/productpage');
        if (res.status !== 200 || !res.body.includes(PRODUCTPAGE_TEXT)) throw new Error(`HTTP ${res.status}`);
      },
      {
        // Poll until the page answers, within the step's time and at most a minute. A cancelled job stops
        // at once: polling on would lose the race with the hard exit, and with it the outputs and summary.
        policy: {
          attempts: Infinity,
          baseDelayMs: 200,
          maxDelayMs: 2000,
          budgetMs: Math.min(timeoutMs, 60_000)
        },
        retryable: () => true,
        signal: kube.signal
      }
    );
  } catch (err) {
    if (kube.signal?.aborted) throw err;
    throw new ActionError(
      `productpage in namespace ${namespace} did not answer "Simple Bookstore App": ${err instanceof Error ? err.message : String(err)}`,
      { hint: 'check the productpage pod logs and that the Service productpage has endpoints' }
    );
  }
  core.info('productpage answers "Simple Bookstore App" (through the API server service proxy)');
}

/** Bookinfo's Gateway + route as they will be applied (for checks before anything is applied). */
export async function bookinfoGatewayObjects(
  args: Pick<StepArgs, 'config' | 'ownership' | 'readSample'>
): Promise<KubeObject[]> {
  const { config } = args;
  if (config.ingress === 'gateway-api')
    return planGatewayApi(await args.readSample(GATEWAY_API_FILE), {
      namespace: config.namespace,
      ownership: args.ownership,
      hosts: config.gatewayHosts,
      serviceAnnotations: config.istio.ingressAnnotations
    });
  return planGateway(await args.readSample(GATEWAY_FILE), {
    namespace: config.namespace,
    ownership: args.ownership,
    hosts: config.gatewayHosts
  });
}

/** Gateway objects of either ingress mode, as an earlier run may have applied them. */
const GATEWAY_KINDS = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
  { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' }
];

export async function applyBookinfoGateway(args: StepArgs): Promise<Contributing> {
  const { kube, config } = args;
  const objects = await bookinfoGatewayObjects(args);
  const gatewayApi =
    config.ingress === 'gateway-api'
      ? {
          gateway: `${config.namespace}/${objects.find((o) => o.kind === 'Gateway')?.metadata.name ?? ''}`,
          routes: objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)
        }
      : undefined;
  const { plan } = await applyLogged(kube, objects);
  // Switching ingress modes: the other mode's Gateway and route go (the shared ingress stops serving this
  // preview's host; a Kubernetes Gateway takes its generated Deployment and Service with it).
  const previous = await listRefs(
    kube,
    GATEWAY_KINDS,
    config.namespace,
    componentSelector(GATEWAY_COMPONENT)
  );
  const stale = refsNotIn(previous, objects);
  for (const ref of stale.sort((a, b) => (a.kind === 'Gateway' ? 1 : 0) - (b.kind === 'Gateway' ? 1 : 0))) {
    if (config.lifecycle.dryRun) {
      plan.push(`${describeRef(ref)} would be deleted`);
      continue;
    }
    await kube.delete(ref);
    core.info(`${describeRef(ref)} deleted (ingress is ${config.ingress} now)`);
  }
  return { report: { plan, ...(gatewayApi ? { gatewayApi } : {}) } };
}

/**
 * Starts `istioctl analyze -n NS` (quietly: its findings are reported by reportAnalysis). Started right
 * after the routing is applied, it runs while the gateway address is awaited and traffic is verified.
 */
export function startAnalysis(istioctl: Istioctl, config: Config): Promise<{ code: number; stdout: string }> {
  return istioctl.run(analyzeArgs(config.namespace), {
    timeoutMs: 120_000,
    allowExitCodes: [0, 79],
    quiet: true
  });
}

/**
 * Istio's own samples/bookinfo/networking/destination-rule-all(-mtls).yaml declares the ratings subsets
 * v2-mysql and v2-mysql-vm for variants the walk-through never deploys. From Istio 1.2x on, analyze reports
 * them as Error IST0173 ("The Subset … does not select any pods"; seen with the real istioctl 1.30.3),
 * which would fail every run that applies the sample. That one finding on that one object is suppressed,
 * by name; every other finding still counts.
 */
export const SAMPLE_ANALYZE_SUPPRESSIONS = (namespace: string): string[] => [
  // A suppression is a glob on the resource's friendly name: `Kind name.namespace` up to 1.2x (what
  // istioctl's --help still shows) and `Kind namespace/name` in 1.30 (what the real 1.30.3 prints and
  // matches). Both are given so one list works for every release.
  `IST0173=DestinationRule ratings.${namespace}`,
  `IST0173=DestinationRule ${namespace}/ratings`
];

export function analyzeArgs(namespace: string): string[] {
  return [
    'analyze',
    '-n',
    namespace,
    ...SAMPLE_ANALYZE_SUPPRESSIONS(namespace).flatMap((s) => ['--suppress', s])
  ];
}

/** Findings go to the log and summary; errors (exit 79) fail the step. */
export function reportAnalysis(res: { code: number; stdout: string } | Error, config: Config): Contributing {
  if (res instanceof Error) {
    // analyze is a diagnostic: its findings can fail the run, its inability to run cannot.
    const why = `istioctl analyze could not analyze namespace ${config.namespace}: ${messageOf(res).split('\n')[0]}`;
    core.warning(why);
    return { report: { warnings: [why] } };
  }
  const findings = res.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(Error|Warning|Info) \[IST\d+\]/.test(l));
  if (findings.length === 0)
    core.info(`✔ No validation issues found when analyzing namespace: ${config.namespace}.`);
  for (const f of findings)
    (f.startsWith('Error') ? core.error : f.startsWith('Warning') ? core.warning : core.info)(f);
  if (res.code === 79) {
    const failure = new ActionError(`istioctl analyze found errors in namespace ${config.namespace}.`, {
      details: findings.filter((f) => f.startsWith('Error')),
      hint: 'fix the objects named above (a routing-file with a wrong host or subset is the usual cause)'
    });
    throw new StepFailure(failure, { analyze: findings });
  }
  return { report: { analyze: findings } };
}
