// Raw input strings → typed Config. Pure: no I/O, no logging, no network, so every problem is known
// before the action touches a cluster. Problems are collected, never thrown one at a time: a user
// fixing a workflow should see every mistake in one run. Each problem names the input, says what is
// wrong and shows a valid example (from spec.ts). Secret values are never echoed.

import path from 'node:path';
import { decodeKubeconfig, selectContext, type DecodedKubeconfig } from '../auth/kubeconfig.js';
import { InputError, type InputProblem } from '../errors.js';
import { CUSTOM_VARIANTS, suggestVariant, variantNames } from '../routing/variants.js';
import type { Addon, AuthConfig, Config, IstioConfig, LifecycleConfig, RoutingConfig } from './config.js';
import { formatDuration, parseDuration } from './duration.js';
import { ADDONS, BOOKINFO_SERVICES, inputSpec } from './spec.js';
import { didYouMean } from './suggest.js';
import { controlPlaneShape, istioMinorOf } from '../istio/profiles.js';
import { gatewayApiRefusals } from '../routing/gatewayApiPlan.js';
import { MIN_ISTIO_MINOR } from '../gatewayapi/crds.js';

/** Action inputs by name (as in action.yml); missing or empty means "use the default". */
export type RawInputs = Record<string, string>;

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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PREVIEW_PREFIX = 'bookinfo-pr-';
// Namespaces the action must never deploy into or delete: they belong to the platform or to Istio.
const SYSTEM_NAMESPACES = ['istio-system', 'kube-system', 'kube-public', 'kube-node-lease'];
const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

class Problems {
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

  bool(name: string): boolean {
    const v = this.value(name).toLowerCase();
    if (v === 'true' || v === 'yes') return true;
    if (v === 'false' || v === 'no') return false;
    this.add(
      name,
      `${this.show(name, this.value(name))} is not a boolean; use true or false (yes/no also work)`
    );
    return inputSpec(name).default === 'true';
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.value(name);
    if (!/^-?\d+$/.test(v)) {
      this.add(name, `${this.show(name, v)} is not a whole number`);
      return undefined;
    }
    const n = Number(v);
    if (n < min || n > max) {
      this.add(name, `${n} is out of range; use a number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  duration(name: string, minMs: number, maxMs: number): number | undefined {
    const v = this.value(name);
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch (err) {
      this.add(name, `malformed duration: ${(err as Error).message}`);
      return undefined;
    }
    if (ms < minMs || ms > maxMs) {
      this.add(
        name,
        `${v} is out of range; use a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`
      );
      return undefined;
    }
    return ms;
  }

  oneOf<T extends string>(name: string): T {
    const spec = inputSpec(name);
    const allowed = spec.values ?? [];
    const v = this.value(name);
    const lower = v.toLowerCase();
    if (allowed.includes(lower)) return lower as T;
    this.add(name, `${this.show(name, v)} is not one of ${allowed.join(', ')}${didYouMean(v, allowed)}`);
    return spec.default as T;
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

// ---------------------------------------------------------------------------------------------
// Auth: exactly one of three ways.

const AUTH_WAYS =
  'give exactly one way to reach the cluster: (1) kubeconfig [+ context]; ' +
  '(2) access-key-id + access-key-secret [+ security-token] + region-id + cluster-id; ' +
  '(3) role-arn + oidc-provider-arn + region-id + cluster-id (GitHub OIDC → RAM role via STS AssumeRoleWithOIDC, needs permissions: id-token: write)';

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const CLUSTER_ID = /^[a-z0-9]{8,64}$/;
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._-]+$/;
const OIDC_PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._-]+$/;

// Kubernetes annotation key: optional DNS-subdomain prefix + '/' + name of at most 63 characters.
function annotationKeyProblem(key: string): string | undefined {
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

function parseKubeconfigWay(p: Problems, secrets: string[]): AuthConfig | undefined {
  // Untrimmed: the decoded text is written to disk as given.
  const raw = p.raw.kubeconfig ?? '';
  let decoded: DecodedKubeconfig;
  try {
    decoded = decodeKubeconfig(raw);
  } catch (err) {
    p.add('kubeconfig', `could not be used: ${(err as Error).message}`);
    return undefined;
  }
  secrets.push(...decoded.secrets);
  const wanted = p.given('context');
  let context: string;
  try {
    context = selectContext(decoded, wanted || undefined);
  } catch (err) {
    p.add(
      'context',
      `${(err as Error).message}${wanted ? didYouMean(wanted, decoded.contexts) : ''}`,
      decoded.contexts[0] ?? null
    );
    return undefined;
  }
  return { kind: 'kubeconfig', kubeconfig: decoded.text, context };
}

function parseCloudTarget(p: Problems, way: string): { regionId: string; clusterId: string } | undefined {
  const regionId = p.given('region-id');
  const clusterId = p.given('cluster-id');
  let ok = true;
  if (regionId === '') {
    p.add('region-id', `is required with ${way}`);
    ok = false;
  } else if (!REGION.test(regionId)) {
    p.add('region-id', `${JSON.stringify(regionId)} is not an Alibaba Cloud region id`);
    ok = false;
  }
  if (clusterId === '') {
    p.add('cluster-id', `is required with ${way}`);
    ok = false;
  } else if (!CLUSTER_ID.test(clusterId)) {
    p.add(
      'cluster-id',
      `${JSON.stringify(clusterId)} is not a cluster id (8 to 64 lowercase letters and digits)`
    );
    ok = false;
  }
  return ok ? { regionId, clusterId } : undefined;
}

function parseAuth(p: Problems, env: ParseEnv, secrets: string[]): AuthConfig | undefined {
  const kubeconfigWay = p.given('kubeconfig') !== '';
  const akInputs = ['access-key-id', 'access-key-secret', 'security-token'].filter((n) => p.given(n) !== '');
  const oidcInputs = ['role-arn', 'oidc-provider-arn'].filter((n) => p.given(n) !== '');
  const ways = [
    ...(kubeconfigWay ? ['kubeconfig'] : []),
    ...(akInputs.length ? [akInputs.join('/')] : []),
    ...(oidcInputs.length ? [oidcInputs.join('/')] : [])
  ];
  if (ways.length === 0) {
    p.add('kubeconfig', `no cluster credentials were given; ${AUTH_WAYS}`, null);
    return undefined;
  }
  if (ways.length > 1) {
    const first = kubeconfigWay ? 'kubeconfig' : (akInputs[0] ?? 'access-key-id');
    p.add(
      first,
      `conflicting ways to authenticate: ${ways.join(' and ')} were all given; ${AUTH_WAYS}`,
      null
    );
    return undefined;
  }

  // Inputs that only the cloud ways read are ignored with a kubeconfig; say so rather than guess.
  const common = {
    privateEndpoint: p.bool('private-endpoint'),
    kubeconfigTtlMinutes: p.int('kubeconfig-ttl-minutes', 15, 4320) ?? 60,
    ackEndpoint: p.url('ack-endpoint')
  };

  if (kubeconfigWay) {
    for (const n of ['region-id', 'cluster-id', 'ack-endpoint', 'sts-endpoint']) {
      if (p.given(n) !== '') p.warnings.push(`${n} is ignored because kubeconfig is given.`);
    }
    return parseKubeconfigWay(p, secrets);
  }
  if (p.given('context') !== '')
    p.add('context', 'only applies to kubeconfig; remove it or give kubeconfig instead', null);

  if (akInputs.length) {
    const id = p.given('access-key-id');
    const secret = p.given('access-key-secret');
    const token = p.given('security-token');
    if (id === '')
      p.add('access-key-id', 'is missing; access-key-secret was given, and an AccessKey is a pair');
    if (secret === '')
      p.add('access-key-secret', 'is missing; access-key-id was given, and an AccessKey is a pair');
    if (id !== '' && /\s/.test(id))
      p.add('access-key-id', 'contains whitespace; copy the AccessKey ID exactly');
    if (secret !== '' && /\s/.test(secret))
      p.add('access-key-secret', 'contains whitespace; copy the AccessKey secret exactly');
    if (token !== '' && id.startsWith('LTAI')) {
      p.add(
        'security-token',
        'was given with a long-term AccessKey (LTAI...); a security token belongs to temporary STS.* keys'
      );
    }
    if (id !== '' && id.startsWith('STS.') && token === '') {
      p.add('security-token', 'is required: access-key-id is a temporary STS key (STS....)');
    }
    if (p.given('sts-endpoint') !== '')
      p.warnings.push(
        'sts-endpoint is ignored: it is only used with role-arn (GitHub OIDC → RAM role via STS AssumeRoleWithOIDC).'
      );
    const target = parseCloudTarget(p, 'access-key-id/access-key-secret');
    if (!target || id === '' || secret === '') return undefined;
    return {
      kind: 'access-key',
      accessKeyId: id,
      accessKeySecret: secret,
      ...(token ? { securityToken: token } : {}),
      ...target,
      privateEndpoint: common.privateEndpoint,
      kubeconfigTtlMinutes: common.kubeconfigTtlMinutes,
      ...(common.ackEndpoint ? { ackEndpoint: common.ackEndpoint } : {})
    };
  }

  const roleArn = p.given('role-arn');
  const providerArn = p.given('oidc-provider-arn');
  if (roleArn === '')
    p.add('role-arn', 'is missing; oidc-provider-arn was given and needs the role to assume');
  else if (!ROLE_ARN.test(roleArn)) p.add('role-arn', `${JSON.stringify(roleArn)} is not a RAM role ARN`);
  if (providerArn === '')
    p.add(
      'oidc-provider-arn',
      'is missing; role-arn was given and needs the OIDC provider that trusts GitHub'
    );
  else if (!OIDC_PROVIDER_ARN.test(providerArn))
    p.add('oidc-provider-arn', `${JSON.stringify(providerArn)} is not a RAM OIDC provider ARN`);
  if (env.oidcAvailable === false) {
    p.add(
      'role-arn',
      'needs a GitHub OIDC token, but this job cannot request one; add `permissions: id-token: write` to the job (pull requests from forks never get one)',
      null
    );
  }
  const audience = p.value('oidc-audience');
  if (/\s/.test(audience)) p.add('oidc-audience', `${JSON.stringify(audience)} contains whitespace`);
  const stsEndpoint = p.url('sts-endpoint');
  const target = parseCloudTarget(p, 'role-arn/oidc-provider-arn');
  if (!target || !ROLE_ARN.test(roleArn) || !OIDC_PROVIDER_ARN.test(providerArn)) return undefined;
  return {
    kind: 'oidc',
    roleArn,
    oidcProviderArn: providerArn,
    ...target,
    privateEndpoint: common.privateEndpoint,
    kubeconfigTtlMinutes: common.kubeconfigTtlMinutes,
    ...(common.ackEndpoint ? { ackEndpoint: common.ackEndpoint } : {}),
    ...(stsEndpoint ? { stsEndpoint } : {}),
    oidcAudience: audience
  };
}

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

function parseIstio(p: Problems): IstioConfig {
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
  const cni = p.oneOf<IstioConfig['cni']>('istio-cni');
  const dataplaneMode = p.oneOf<IstioConfig['dataplaneMode']>('istio-mode');
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
    profile: p.oneOf('istio-profile'),
    set,
    ...(revision !== '' ? { revision } : {}),
    install: p.oneOf('install-istio'),
    compatibilityCheck: p.oneOf('compatibility-check'),
    cni,
    dataplaneMode,
    ingressAnnotations,
    egressGateway: p.bool('egress-gateway')
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

function parseLifecycle(p: Problems, previewId: string | undefined): LifecycleConfig {
  const mode = p.oneOf<LifecycleConfig['mode']>('mode');
  const pruneOlderThanMs = p.duration('prune-older-than', 60_000, 365 * 86_400_000);
  const githubToken = p.given('github-token');
  const commentOnPr = p.bool('comment-on-pr');
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
    dryRun: p.bool('dry-run'),
    ...(previewId !== undefined ? { previewId } : {}),
    ...(pruneOlderThanMs !== undefined ? { pruneOlderThanMs } : {}),
    ...(githubToken ? { githubToken } : {}),
    commentOnPr,
    jobSummary: p.bool('job-summary')
  };
}

// ---------------------------------------------------------------------------------------------
// Routing

function checkSubset(
  p: Problems,
  input: string,
  subset: string,
  service: string,
  known: readonly string[] | undefined
): boolean {
  if (known) {
    if (known.includes(subset)) return true;
    p.add(
      input,
      `unknown version ${JSON.stringify(subset)} of ${service}; Bookinfo's ${service} has ${known.join(', ')}${didYouMean(subset, known)}`
    );
    return false;
  }
  if (DNS_LABEL.test(subset)) return true;
  p.add(input, `${JSON.stringify(subset)} is not a subset name (a DNS label like v1)`);
  return false;
}

function parseWeights(
  p: Problems,
  service: string,
  known: readonly string[] | undefined
): RoutingConfig['weights'] {
  const text = p.given('routing-weights');
  if (text === '') return undefined;
  const weights: Array<{ subset: string; weight: number }> = [];
  let ok = true;
  for (const part of text.split(/[\s,]+/).filter((s) => s !== '')) {
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m || m[1] === undefined || m[2] === undefined) {
      p.add('routing-weights', `${JSON.stringify(part)} is not version=percent`);
      ok = false;
      continue;
    }
    const subset = m[1].trim();
    const w = m[2].trim();
    if (!/^-?\d+$/.test(w)) {
      p.add('routing-weights', `weight ${JSON.stringify(w)} of ${subset} is not a whole number`);
      ok = false;
    } else if (Number(w) < 0) {
      p.add(
        'routing-weights',
        `weight of ${subset} is negative (${w}); weights are percentages from 0 to 100`
      );
      ok = false;
    } else if (!checkSubset(p, 'routing-weights', subset, service, known)) ok = false;
    else if (weights.some((x) => x.subset === subset)) {
      p.add('routing-weights', `${subset} is given twice`);
      ok = false;
    } else weights.push({ subset, weight: Number(w) });
  }
  if (!ok) return undefined;
  const sum = weights.reduce((a, w) => a + w.weight, 0);
  if (sum !== 100) {
    p.add('routing-weights', `weights sum to ${sum}, not 100`);
    return undefined;
  }
  return weights;
}

/**
 * [R3] item 2: ambient's ztunnel is L4 only. VirtualService routing takes effect only through a waypoint
 * proxy (Gateway API CRDs, `istioctl waypoint apply`), where Istio supports it as alpha, so in ambient
 * no routing variant would do what it says. The action does not deploy waypoints: a variant the user
 * chose is refused, and the default (all-v1) becomes none (Kubernetes' own load balancing), said aloud.
 */
function ambientRouting(
  p: Problems,
  istio: IstioConfig,
  bookinfo: boolean,
  routing: RoutingConfig
): RoutingConfig {
  if (istio.dataplaneMode !== 'ambient' || !bookinfo || routing.variant === 'none') return routing;
  const chosen = ['routing', 'routing-weights', 'routing-user', 'routing-file'].filter(
    (name) => p.given(name) !== ''
  );
  if (chosen.length === 0) {
    p.warnings.push(
      'istio-mode: ambient routes at L4 only (ztunnel), so the default routing all-v1 is replaced by none; VirtualService routing in ambient needs a waypoint proxy, which this action does not deploy.'
    );
    return { ...routing, variant: 'none' };
  }
  for (const name of chosen) {
    p.add(
      name,
      `cannot be used with istio-mode: ambient: ztunnel routes at L4 only, and VirtualService routing needs a waypoint proxy (alpha in Istio), which this action does not deploy; use routing: none in ambient, or istio-mode: sidecar for routing variants`,
      name === 'routing' ? 'none' : undefined
    );
  }
  return routing;
}

function parseRouting(p: Problems, bookinfo: boolean, workspace: string): RoutingConfig {
  const mtls = p.bool('mtls');
  const service = p.value('routing-service');
  let known: readonly string[] | undefined;
  if (bookinfo && !(service in BOOKINFO_SERVICES)) {
    const services = Object.keys(BOOKINFO_SERVICES);
    p.add(
      'routing-service',
      `${JSON.stringify(service)} is not a Bookinfo service (${services.join(', ')})${didYouMean(service, services)}`
    );
  } else if (!DNS_LABEL.test(service)) {
    p.add('routing-service', `${JSON.stringify(service)} is not a Service name (DNS label)`);
  } else if (bookinfo) known = BOOKINFO_SERVICES[service];

  const variantGiven = p.given('routing');
  const variantDefault = inputSpec('routing').default;
  const variant = p.value('routing');
  const weights = parseWeights(p, service, known);
  const user = p.given('routing-user');
  const userVersion = p.given('routing-user-version');
  const file = p.given('routing-file');
  const custom = [
    ...(p.given('routing-weights') ? ['routing-weights'] : []),
    ...(user || userVersion ? ['routing-user'] : []),
    ...(file ? ['routing-file'] : [])
  ];

  if (user !== '' && userVersion === '')
    p.add('routing-user-version', `is required with routing-user (the version ${user} is sent to)`);
  if (userVersion !== '' && user === '')
    p.add(
      'routing-user',
      `is required with routing-user-version (the user to send to ${userVersion})`,
      'jason'
    );
  if (user !== '' && (/\s/.test(user) || user.length > 128))
    p.add('routing-user', `${JSON.stringify(user)} is not a user name (no spaces, at most 128 characters)`);
  if (userVersion !== '') checkSubset(p, 'routing-user-version', userVersion, service, known);

  const base = { service, mtls };
  if (file !== '') {
    if (custom.length > 1)
      p.add(
        'routing-file',
        `cannot be combined with ${custom.filter((c) => c !== 'routing-file').join(' or ')}; your file defines all routing`
      );
    if (variantGiven !== '' && variantGiven !== variantDefault) {
      p.add('routing', `cannot be combined with routing-file; remove one of them`, null);
    }
    return { ...base, variant: CUSTOM_VARIANTS.file, file: path.resolve(workspace, file) };
  }
  if (custom.length > 0) {
    const allowedVariants = [variantDefault, CUSTOM_VARIANTS.weights, CUSTOM_VARIANTS.user];
    if (variantGiven !== '' && !allowedVariants.includes(variantGiven)) {
      p.add(
        'routing',
        `${JSON.stringify(variantGiven)} cannot be combined with ${custom.join(' and ')}; remove routing or the custom inputs`,
        null
      );
    }
    return {
      ...base,
      variant: user !== '' ? CUSTOM_VARIANTS.user : CUSTOM_VARIANTS.weights,
      ...(weights ? { weights } : {}),
      ...(user !== '' ? { user } : {}),
      ...(userVersion !== '' ? { userVersion } : {})
    };
  }
  const names = variantNames();
  if (!names.includes(variant)) {
    const suggestion = suggestVariant(variant);
    p.add(
      'routing',
      `unknown variant ${JSON.stringify(variant)}${suggestion ? `; did you mean "${suggestion}"?` : ''} (variants: ${names.join(', ')})`
    );
  }
  return { ...base, variant };
}

// ---------------------------------------------------------------------------------------------
// ingress: gateway-api

/**
 * What `ingress: gateway-api` cannot do, known from the inputs alone: an Istio line without stable Gateway
 * API support (the cluster side — Kubernetes version, CRDs — is checked before anything is installed), and
 * routing that has no HTTPRoute form (fault injection, a VirtualService file, mtls destination rules).
 */
function checkGatewayApi(p: Problems, istio: IstioConfig, routing: RoutingConfig): void {
  const minor = istioMinorOf(istio.versionSpec);
  if (minor !== undefined && minor < MIN_ISTIO_MINOR) {
    p.add(
      'ingress',
      `gateway-api needs Istio 1.${MIN_ISTIO_MINOR} or later (stable Gateway API for ingress and mesh routes), but istio-version is ${istio.versionSpec}; use istio-version 1.${MIN_ISTIO_MINOR}+ or ingress: istio-gateway`,
      'istio-gateway'
    );
  }
  for (const r of gatewayApiRefusals(routing)) p.add(r.input, r.problem, r.example);
}

// ---------------------------------------------------------------------------------------------

/** Every input checked; throws InputError listing all problems, or returns the typed Config. */
export function parseConfig(raw: RawInputs, env: ParseEnv = {}): Config {
  const p = new Problems(raw);
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    // Unknown names come from programming errors (the reader only reads spec inputs).
    if (inputSpec(name).kind === 'secret' && value.trim() !== '') secrets.push(value.trim());
  }

  const auth = parseAuth(p, env, secrets);
  const istio = parseIstio(p);
  const previewBroken = p.given('preview-id') !== '';
  const previewId = parsePreviewId(p, env);
  const lifecycle = parseLifecycle(p, previewId);
  const namespace = parseNamespace(p, lifecycle.mode, previewId, previewBroken && previewId === undefined);
  const bookinfo = p.bool('bookinfo');
  const gateway = p.bool('gateway');
  const ingress = p.oneOf<Config['ingress']>('ingress');
  const gatewayHosts = parseGatewayHosts(p, previewId, previewBroken && previewId === undefined);
  const allowSharedHosts = p.bool('allow-shared-hosts');

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

  const waitTimeoutMs = p.duration('wait-timeout', 1_000, 6 * 3_600_000);
  const podAnnotations = Object.fromEntries(
    p.pairs('pod-annotations', ':', annotationKeyProblem).map((a) => [a.key, a.value])
  );
  const routing = ambientRouting(
    p,
    istio,
    bookinfo,
    parseRouting(p, bookinfo, env.workspace ?? process.cwd())
  );
  if (ingress === 'gateway-api') checkGatewayApi(p, istio, routing);
  const verify = {
    smokeTest: p.bool('smoke-test'),
    verifyRouting: p.bool('verify-routing'),
    requests: p.int('verify-requests', 1, 10_000) ?? 30
  };
  if (
    verify.verifyRouting &&
    routing.weights &&
    verify.requests < 20 &&
    routing.weights.some((w) => w.weight > 0 && w.weight < 100)
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
    waitTimeoutMs: waitTimeoutMs ?? 600_000,
    podAnnotations,
    routing,
    verify,
    lifecycle,
    secrets: [...new Set(secrets)],
    warnings: p.warnings
  };
}
