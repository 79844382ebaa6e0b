// Raw input strings → typed Config. Pure: no I/O, no logging, no network, so every problem is known
// before the action touches a cluster. Problems are collected, never thrown one at a time: a user
// fixing a workflow should see every mistake in one run. Each problem names the input, says what is
// wrong and shows a valid example (from spec.ts). Secret values are never echoed.

import { InputError } from '../errors.js';
import { controlPlaneShape, istioMinorOf } from '../istio/profiles.js';
import { SYSTEM_NAMESPACES } from '../ownership.js';
import { parseAuth } from './auth.js';
import type { Addon, Config, IstioConfig, LifecycleConfig } from './config.js';
import { annotationKeyProblem, DNS_LABEL, Problems, Scalars, type RawInputs } from './problems.js';
import { parseRoutingInputs } from './routing.js';
import { ADDONS, inputSpec } from './spec.js';
import { didYouMean } from './suggest.js';

export type { RawInputs } from './problems.js';

/** What the parser needs to know about the run (read from the GitHub context by the reader). */
export interface ParseEnv {
  eventName?: string;
  /** Pull request number of a pull_request(_target) event. */
  prNumber?: number;
  /** Base for a relative `routing-file` (GITHUB_WORKSPACE); the process cwd when absent. */
  workspace?: string;
  /** Whether the job can request a GitHub OIDC token (id-token: write); undefined = unknown. */
  oidcAvailable?: boolean;
}

const PREVIEW_PREFIX = 'bookinfo-pr-';

// ---------------------------------------------------------------------------------------------
// Istio

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+|x)(-[0-9A-Za-z.-]+)?)?$/;

function parseIstioVersion(p: Problems): string {
  const v = p.value('istio-version');
  if (v.toLowerCase() === 'latest') return 'latest';
  const m = VERSION.exec(v);
  if (!m || (m[3] === 'x' && m[4])) {
    p.add(
      'istio-version',
      `${JSON.stringify(v)} is not an Istio version; use latest, a minor line like 1.30 or an exact version like 1.30.3`
    );
    return inputSpec('istio-version').default;
  }
  const [, major, minor, patch, pre] = m;
  return patch === undefined || patch === 'x'
    ? `${major}.${minor}`
    : `${major}.${minor}.${patch}${pre ?? ''}`;
}

// Keys of `--set` that have an input of their own; two sources for one setting would silently disagree.
const SET_KEYS_WITH_INPUTS: Record<string, string> = { profile: 'istio-profile', revision: 'istio-revision' };

function parseIstio(p: Problems, s: Scalars): IstioConfig {
  const set = p.pairs('istio-set', '=', (key) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.[\]-]*$/.test(key))
      return 'is not an IstioOperator path like values.global.proxy.resources.requests.cpu';
    const own = SET_KEYS_WITH_INPUTS[key];
    return own ? `has its own input; use ${own} instead` : undefined;
  });
  const revision = p.given('istio-revision');
  if (revision !== '' && (!DNS_LABEL.test(revision) || revision.length > 63)) {
    p.add(
      'istio-revision',
      `${JSON.stringify(revision)} is not a DNS label (lowercase letters, digits and dashes; no dots)`
    );
  }
  const cni = s.oneOf<IstioConfig['cni']>('istio-cni');
  const dataplaneMode = s.oneOf<IstioConfig['dataplaneMode']>('istio-mode');
  if (dataplaneMode === 'ambient' && cni === 'false') {
    p.add(
      'istio-cni',
      'cannot be false with istio-mode: ambient; ambient mode needs the Istio CNI agent',
      'auto'
    );
  }
  const ingressAnnotations = Object.fromEntries(
    p.pairs('ingress-annotations', ':', annotationKeyProblem).map((a) => [a.key, a.value])
  );
  return {
    versionSpec: parseIstioVersion(p),
    downloadUrl: p.url('istio-download-url') ?? inputSpec('istio-download-url').default,
    profile: s.oneOf('istio-profile'),
    set,
    ...(revision !== '' ? { revision } : {}),
    install: s.oneOf('install-istio'),
    compatibilityCheck: s.oneOf('compatibility-check'),
    cni,
    dataplaneMode,
    ingressAnnotations,
    egressGateway: s.bool('egress-gateway')
  };
}

/**
 * The profile must be able to carry what the other inputs ask for, decided before anything is installed:
 * `gateway` needs the ingress gateway (minimal, empty, remote ≥ 1.16 and ambient ≥ 1.18 disable it), and
 * Bookinfo's sidecars need an istiod in the cluster to inject them (empty and remote ≥ 1.16 run none).
 * With install-istio: never the action installs nothing, so the profile is not what runs.
 */
function checkProfile(p: Problems, istio: IstioConfig, app: { bookinfo: boolean; gateway: boolean }): void {
  if (istio.install === 'never') return;
  const minor = istioMinorOf(istio.versionSpec);
  const release = minor === undefined ? 'the newest Istio' : `Istio 1.${minor}`;
  const shape = controlPlaneShape(istio, minor);
  if (!shape.exists) {
    p.add(
      'istio-profile',
      `${release} has no ${istio.profile} profile (manifests/profiles/${istio.profile}.yaml is not in that release)`
    );
    return;
  }
  if (app.gateway && !shape.ingressGateway) {
    p.add(
      'gateway',
      `is true${p.given('gateway') === '' ? ' (the default)' : ''}, but istio-profile ${istio.profile} installs no ingress gateway in ${release}, so nothing could serve the Bookinfo Gateway, the smoke test or the verification; set gateway: false (smoke-test and verify-routing need the gateway and are then skipped), or keep the gateway with istio-set components.ingressGateways[0].enabled=true`,
      'false'
    );
  }
  if (app.bookinfo && !shape.istiod) {
    p.add(
      'istio-profile',
      `${istio.profile} runs no istiod in this cluster in ${release}, so nothing injects Bookinfo's sidecars; use a profile with istiod (default, demo, minimal), or set bookinfo: false`,
      'minimal'
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle, namespace and gateway hosts (the preview id feeds the other two)

function parsePreviewId(p: Problems, env: ParseEnv): string | undefined {
  const v = p.given('preview-id');
  if (v === '') return undefined;
  if (v.toLowerCase() === 'auto') {
    if (env.prNumber === undefined) {
      p.add(
        'preview-id',
        `auto needs a pull_request event to take the number from, but this run is a ${env.eventName ?? 'non-PR'} event`
      );
      return undefined;
    }
    return String(env.prNumber);
  }
  const max = 63 - PREVIEW_PREFIX.length;
  if (!DNS_LABEL.test(v) || v.length > max) {
    p.add(
      'preview-id',
      `${JSON.stringify(v)} is not DNS-safe; use lowercase letters, digits and dashes (at most ${max} characters)`
    );
    return undefined;
  }
  return v;
}

function parseNamespace(
  p: Problems,
  mode: string,
  previewId: string | undefined,
  previewBroken: boolean
): string {
  const given = p.given('namespace');
  let ns: string;
  if (given === '') ns = previewId !== undefined ? `${PREVIEW_PREFIX}${previewId}` : 'default';
  else if (given.includes('{id}')) {
    if (previewId === undefined) {
      if (!previewBroken) p.add('namespace', 'uses {id} but preview-id is not set');
      return 'default';
    }
    ns = given.replaceAll('{id}', previewId);
  } else ns = given;

  if (ns.length > 63 || !DNS_LABEL.test(ns)) {
    p.add(
      'namespace',
      `${JSON.stringify(ns)} is not a valid namespace name (DNS-1123 label: lowercase letters, digits and dashes, at most 63 characters)`
    );
  } else if (SYSTEM_NAMESPACES.includes(ns)) {
    p.add('namespace', `${ns} is a system namespace; Bookinfo needs a namespace of its own`);
  } else if (mode === 'teardown' && ns === 'default') {
    p.add(
      'namespace',
      'teardown deletes the namespace, and "default" cannot be deleted; set namespace or preview-id to the preview to remove'
    );
  }
  return ns;
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function parseGatewayHosts(p: Problems, previewId: string | undefined, previewBroken: boolean): string[] {
  const hosts: string[] = [];
  for (const h of p.words('gateway-hosts')) {
    if (h.includes('{id}') && previewId === undefined) {
      if (!previewBroken) p.add('gateway-hosts', `${JSON.stringify(h)} uses {id} but preview-id is not set`);
      continue;
    }
    const host = previewId === undefined ? h.toLowerCase() : h.replaceAll('{id}', previewId).toLowerCase();
    if (host !== '*' && (host.length > 253 || !HOST.test(host))) {
      p.add(
        'gateway-hosts',
        `${JSON.stringify(host)} is not a host name (use * or a DNS name, optionally starting with *.)`
      );
    } else if (!hosts.includes(host)) hosts.push(host);
  }
  if (hosts.length === 0 && p.words('gateway-hosts').length === 0) return ['*'];
  return hosts;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Alibaba Cloud blocks HTTP(S) to a domain without an ICP filing on servers in mainland China regions
 * (every `cn-*` region except Hong Kong), so a preview host that is a domain would fail the smoke test and
 * the verification there unless the domain is filed. The action cannot see filings: it warns.
 */
export function icpWarning(regionId: string, hosts: readonly string[]): string | undefined {
  if (!regionId.startsWith('cn-') || regionId.startsWith('cn-hongkong')) return undefined;
  const domains = hosts.filter((h) => h !== '*' && !IPV4.test(h));
  if (domains.length === 0) return undefined;
  return (
    `gateway-hosts: ${domains.join(', ')} ${domains.length === 1 ? 'is a domain' : 'are domains'} and region-id ${regionId} is in mainland China, ` +
    'where Alibaba Cloud blocks HTTP(S) requests for domains without an ICP filing; the smoke test and the routing ' +
    'verification will fail unless the domain has an ICP filing. Use a filed domain, gateway-hosts: * (the SLB address, one preview at a time), or a cluster outside the mainland (e.g. cn-hongkong).'
  );
}

function parseLifecycle(p: Problems, s: Scalars, previewId: string | undefined): LifecycleConfig {
  const mode = s.oneOf<LifecycleConfig['mode']>('mode');
  const pruneOlderThanMs = s.duration('prune-older-than');
  const githubToken = p.given('github-token');
  const commentOnPr = s.bool('comment-on-pr');
  if (commentOnPr && githubToken === '') {
    p.add(
      'github-token',
      'is required when comment-on-pr is true (the default ${{ github.token }} works with permissions: pull-requests: write)'
    );
  }
  if (mode === 'prune' && previewId !== undefined) {
    p.add(
      'preview-id',
      'prune removes every expired preview; it cannot be combined with one preview-id (use mode: teardown for one)',
      null
    );
  }
  return {
    mode,
    dryRun: s.bool('dry-run'),
    ...(previewId !== undefined ? { previewId } : {}),
    pruneOlderThanMs,
    ...(githubToken ? { githubToken } : {}),
    commentOnPr,
    jobSummary: s.bool('job-summary')
  };
}

// ---------------------------------------------------------------------------------------------

/** ECI's pod annotation that turns its automatic ImageCache matching off (Alibaba Cloud's ECI docs). */
export const ECI_AUTO_MATCH_ANNOTATION = 'k8s.aliyun.com/eci-auto-imc';

/**
 * `eci-image-cache`: `off` becomes the pod annotation; a pod-annotations value of that annotation that says
 * otherwise is a conflict, and `prepare` needs Bookinfo (its images are what the cache holds).
 */
function parseEciImageCache(
  p: Problems,
  s: Scalars,
  podAnnotations: Record<string, string>,
  bookinfo: boolean
): Config['eciImageCache'] {
  const mode = s.oneOf<Config['eciImageCache']>('eci-image-cache');
  const given = podAnnotations[ECI_AUTO_MATCH_ANNOTATION];
  const wanted = mode === 'off' ? 'false' : 'true';
  if (given !== undefined && p.given('eci-image-cache') !== '' && given !== wanted)
    p.add(
      'eci-image-cache',
      `is ${mode}, but pod-annotations sets ${ECI_AUTO_MATCH_ANNOTATION}: ${JSON.stringify(given)}; set one of them only (e.g. eci-image-cache: off alone)`
    );
  else if (mode === 'off') podAnnotations[ECI_AUTO_MATCH_ANNOTATION] = 'false';
  if (mode === 'prepare' && !bookinfo)
    p.add(
      'eci-image-cache',
      'is prepare, but bookinfo is false: the cache holds the images of Bookinfo and its sidecar; set bookinfo: true, or eci-image-cache: auto'
    );
  return mode;
}

/** Every input checked; throws InputError listing all problems, or returns the typed Config. */
export function parseConfig(raw: RawInputs, env: ParseEnv = {}): Config {
  const p = new Problems(raw);
  const s = new Scalars(p);
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    // Unknown names come from programming errors (the reader only reads spec inputs).
    if (inputSpec(name).kind === 'secret' && value.trim() !== '') secrets.push(value.trim());
  }

  const auth = parseAuth(p, s, env, secrets);
  const istio = parseIstio(p, s);
  const previewBroken = p.given('preview-id') !== '';
  const previewId = parsePreviewId(p, env);
  const lifecycle = parseLifecycle(p, s, previewId);
  const namespace = parseNamespace(p, lifecycle.mode, previewId, previewBroken && previewId === undefined);
  const bookinfo = s.bool('bookinfo');
  const gateway = s.bool('gateway');
  const ingress = s.oneOf<Config['ingress']>('ingress');
  const gatewayHosts = parseGatewayHosts(p, previewId, previewBroken && previewId === undefined);
  const allowSharedHosts = s.bool('allow-shared-hosts');

  if (auth && auth.kind !== 'kubeconfig') {
    const warning = icpWarning(auth.regionId, gatewayHosts);
    if (warning) p.warnings.push(warning);
  }

  const addons: Addon[] = [];
  for (const a of p.words('addons')) {
    const name = a.toLowerCase();
    if ((ADDONS as readonly string[]).includes(name)) {
      if (!addons.includes(name as Addon)) addons.push(name as Addon);
    } else
      p.add(
        'addons',
        `unknown addon ${JSON.stringify(a)}; available: ${ADDONS.join(', ')}${didYouMean(a, ADDONS)}`
      );
  }

  checkProfile(p, istio, { bookinfo, gateway });

  const waitTimeoutMs = s.duration('wait-timeout');
  const podAnnotations = Object.fromEntries(
    p.pairs('pod-annotations', ':', annotationKeyProblem).map((a) => [a.key, a.value])
  );
  const eciImageCache = parseEciImageCache(p, s, podAnnotations, bookinfo);
  const routing = parseRoutingInputs(p, s, {
    bookinfo,
    istio,
    ingress,
    workspace: env.workspace ?? process.cwd()
  });
  const verify = {
    smokeTest: s.bool('smoke-test'),
    verifyRouting: s.bool('verify-routing'),
    requests: s.int('verify-requests')
  };
  if (
    verify.verifyRouting &&
    (routing.kind === 'weights' || routing.kind === 'user') &&
    verify.requests < 20 &&
    (routing.weights ?? []).some((w) => w.weight > 0 && w.weight < 100)
  ) {
    p.warnings.push(
      `verify-requests: ${verify.requests} requests are too few to tell a weighted split from chance; 100 or more is reliable.`
    );
  }

  if (p.items.length > 0 || !auth) throw new InputError(p.items);
  return {
    auth,
    istio,
    namespace,
    bookinfo,
    gateway,
    ingress,
    gatewayHosts,
    allowSharedHosts,
    addons,
    waitTimeoutMs,
    podAnnotations,
    eciImageCache,
    routing,
    verify,
    lifecycle,
    secrets: [...new Set(secrets)],
    warnings: p.warnings
  };
}
