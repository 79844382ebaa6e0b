import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { InputError } from '../../../src/errors.js';
import { parseConfig, type ParseEnv, type RawInputs } from '../../../src/inputs/parse.js';
import { INPUTS } from '../../../src/inputs/spec.js';
import {
  AK,
  CLIENT_KEY_DATA,
  CLIENT_KEY_PEM,
  KUBECONFIG,
  KUBECONFIG_B64,
  KUBECONFIG_NO_CONTEXTS,
  OIDC,
  problemsOf,
  TOKEN
} from './fixtures.js';

const BASE: RawInputs = { kubeconfig: KUBECONFIG };

interface BadCase {
  title: string;
  raw: RawInputs;
  env?: ParseEnv;
  input: string;
  fragment: string;
  /** Expected number of problems; 1 unless the case produces several by nature. */
  count?: number;
}

const noKube = { kubeconfig: '' };
const LONG = 'a'.repeat(64);

const BAD: BadCase[] = [
  // auth: which way
  {
    title: 'no auth at all',
    raw: noKube,
    input: 'kubeconfig',
    fragment: 'give exactly one way to reach the cluster: (1) kubeconfig'
  },
  {
    title: 'kubeconfig and access key',
    raw: { ...BASE, ...AK },
    input: 'kubeconfig',
    fragment: 'conflicting ways to authenticate: kubeconfig and access-key-id/access-key-secret'
  },
  {
    title: 'access key and OIDC',
    raw: { ...noKube, ...AK, 'role-arn': OIDC['role-arn'] },
    input: 'access-key-id',
    fragment: 'conflicting ways'
  },
  {
    title: 'half an AK pair (id only)',
    raw: { ...noKube, ...AK, 'access-key-secret': '' },
    input: 'access-key-secret',
    fragment: 'is missing'
  },
  {
    title: 'half an AK pair (secret only)',
    raw: { ...noKube, ...AK, 'access-key-id': '' },
    input: 'access-key-id',
    fragment: 'is missing'
  },
  {
    title: 'AK without region',
    raw: { ...noKube, ...AK, 'region-id': '' },
    input: 'region-id',
    fragment: 'is required with access-key-id'
  },
  {
    title: 'AK without cluster',
    raw: { ...noKube, ...AK, 'cluster-id': '' },
    input: 'cluster-id',
    fragment: 'is required'
  },
  {
    title: 'region not a region id',
    raw: { ...noKube, ...AK, 'region-id': 'Hangzhou' },
    input: 'region-id',
    fragment: 'not an Alibaba Cloud region id'
  },
  {
    title: 'cluster id with spaces',
    raw: { ...noKube, ...AK, 'cluster-id': 'my cluster' },
    input: 'cluster-id',
    fragment: 'not a cluster id'
  },
  {
    title: 'STS key without token',
    raw: { ...noKube, ...AK, 'access-key-id': 'STS.NUexample123' },
    input: 'security-token',
    fragment: 'is required'
  },
  {
    title: 'token with a long-term key',
    raw: { ...noKube, ...AK, 'security-token': 'CAIS-example' },
    input: 'security-token',
    fragment: 'long-term AccessKey'
  },
  {
    title: 'AK id with whitespace',
    raw: { ...noKube, ...AK, 'access-key-id': 'LTAI5t Example' },
    input: 'access-key-id',
    fragment: 'contains whitespace'
  },
  {
    title: 'role without provider',
    raw: { ...noKube, ...OIDC, 'oidc-provider-arn': '' },
    input: 'oidc-provider-arn',
    fragment: 'is missing'
  },
  {
    title: 'provider without role',
    raw: { ...noKube, ...OIDC, 'role-arn': '' },
    input: 'role-arn',
    fragment: 'is missing'
  },
  {
    title: 'role ARN malformed',
    raw: { ...noKube, ...OIDC, 'role-arn': 'arn:aws:iam::1:role/x' },
    input: 'role-arn',
    fragment: 'is not a RAM role ARN'
  },
  {
    title: 'provider ARN malformed',
    raw: { ...noKube, ...OIDC, 'oidc-provider-arn': 'acs:ram::12:role/github' },
    input: 'oidc-provider-arn',
    fragment: 'not a RAM OIDC provider ARN'
  },
  {
    title: 'OIDC without id-token permission',
    raw: { ...noKube, ...OIDC },
    env: { oidcAvailable: false },
    input: 'role-arn',
    fragment: 'permissions: id-token: write'
  },
  {
    title: 'audience with whitespace',
    raw: { ...noKube, ...OIDC, 'oidc-audience': 'sts aliyuncs' },
    input: 'oidc-audience',
    fragment: 'contains whitespace'
  },
  {
    title: 'context with the AK way',
    raw: { ...noKube, ...AK, context: 'ask-admin' },
    input: 'context',
    fragment: 'only applies to kubeconfig'
  },
  {
    title: 'sts endpoint over http',
    raw: { ...noKube, ...OIDC, 'sts-endpoint': 'http://sts.example.com' },
    input: 'sts-endpoint',
    fragment: 'plain http is only allowed for loopback'
  },
  // auth: kubeconfig content
  {
    title: 'kubeconfig neither YAML nor base64',
    raw: { kubeconfig: 'hello world' },
    input: 'kubeconfig',
    fragment: 'could not be used: the kubeconfig is neither kubeconfig YAML nor base64'
  },
  {
    title: 'kubeconfig without contexts',
    raw: { kubeconfig: KUBECONFIG_NO_CONTEXTS },
    input: 'kubeconfig',
    fragment: 'has no contexts'
  },
  {
    title: 'base64 of something else',
    raw: { kubeconfig: Buffer.from('just: [a, list').toString('base64') },
    input: 'kubeconfig',
    fragment: 'not valid YAML'
  },
  {
    title: 'unknown context',
    raw: { ...BASE, context: 'ask-adminn' },
    input: 'context',
    fragment: 'available contexts: "ask-admin", "ask-ci"'
  },
  {
    title: 'ttl below the API minimum',
    raw: { ...noKube, ...AK, 'kubeconfig-ttl-minutes': '10' },
    input: 'kubeconfig-ttl-minutes',
    fragment: 'from 15 to 4320'
  },
  {
    title: 'ttl not a number',
    raw: { ...noKube, ...AK, 'kubeconfig-ttl-minutes': '1h' },
    input: 'kubeconfig-ttl-minutes',
    fragment: 'not a whole number'
  },
  {
    title: 'private-endpoint not a bool',
    raw: { ...noKube, ...AK, 'private-endpoint': 'maybe' },
    input: 'private-endpoint',
    fragment: '"maybe" is not a boolean'
  },
  {
    title: 'ack endpoint over http',
    raw: { ...noKube, ...AK, 'ack-endpoint': 'http://cs.example.com' },
    input: 'ack-endpoint',
    fragment: 'plain http'
  },
  // istio
  {
    title: 'version with four parts',
    raw: { ...BASE, 'istio-version': '1.30.3.4' },
    input: 'istio-version',
    fragment: 'is not an Istio version'
  },
  {
    title: 'version word',
    raw: { ...BASE, 'istio-version': 'stable' },
    input: 'istio-version',
    fragment: '"stable" is not an Istio version'
  },
  {
    title: 'version range',
    raw: { ...BASE, 'istio-version': '>=1.20' },
    input: 'istio-version',
    fragment: 'not an Istio version'
  },
  {
    title: 'download url plain http',
    raw: { ...BASE, 'istio-download-url': 'http://mirror.example.com/istio' },
    input: 'istio-download-url',
    fragment: 'plain http is only allowed for loopback hosts'
  },
  {
    title: 'download url ftp',
    raw: { ...BASE, 'istio-download-url': 'ftp://mirror.example.com/istio' },
    input: 'istio-download-url',
    fragment: 'ftp: URLs are not supported'
  },
  {
    title: 'download url relative',
    raw: { ...BASE, 'istio-download-url': 'mirror/istio' },
    input: 'istio-download-url',
    fragment: 'not an absolute URL'
  },
  {
    title: 'download url with credentials',
    raw: { ...BASE, 'istio-download-url': 'https://u:p@mirror.example.com/' },
    input: 'istio-download-url',
    fragment: 'contains credentials'
  },
  {
    title: 'download url with a query',
    raw: { ...BASE, 'istio-download-url': 'https://mirror.example.com/?v=1' },
    input: 'istio-download-url',
    fragment: 'query'
  },
  {
    title: 'profile typo',
    raw: { ...BASE, 'istio-profile': 'dmeo' },
    input: 'istio-profile',
    fragment: 'did you mean "demo"?'
  },
  {
    title: 'istio-set line without =',
    raw: { ...BASE, 'istio-set': 'meshConfig.accessLogFile=/dev/stdout\nvalues.pilot.cpu' },
    input: 'istio-set',
    fragment: 'line 2 "values.pilot.cpu" is not `key=value`'
  },
  {
    title: 'istio-set sets the profile',
    raw: { ...BASE, 'istio-set': 'profile=minimal' },
    input: 'istio-set',
    fragment: 'use istio-profile instead'
  },
  {
    title: 'istio-set key with spaces',
    raw: { ...BASE, 'istio-set': 'values global=1' },
    input: 'istio-set',
    fragment: 'is not an IstioOperator path'
  },
  {
    title: 'revision with dots',
    raw: { ...BASE, 'istio-revision': '1.30.3' },
    input: 'istio-revision',
    fragment: 'not a DNS label'
  },
  {
    title: 'install-istio unknown',
    raw: { ...BASE, 'install-istio': 'sometimes' },
    input: 'install-istio',
    fragment: 'is not one of auto, always, never'
  },
  {
    title: 'compatibility-check unknown',
    raw: { ...BASE, 'compatibility-check': 'ignore' },
    input: 'compatibility-check',
    fragment: 'is not one of fail, warn'
  },
  {
    title: 'istio-cni unknown',
    raw: { ...BASE, 'istio-cni': 'maybe' },
    input: 'istio-cni',
    fragment: 'not one of auto, true, false'
  },
  {
    title: 'istio-mode typo',
    raw: { ...BASE, 'istio-mode': 'ambiant' },
    input: 'istio-mode',
    fragment: 'did you mean "ambient"?'
  },
  {
    title: 'ambient without CNI',
    raw: { ...BASE, 'istio-mode': 'ambient', 'istio-cni': 'false' },
    input: 'istio-cni',
    fragment: 'ambient mode needs the Istio CNI'
  },
  {
    title: 'ingress annotation bad key',
    raw: { ...BASE, 'ingress-annotations': 'bad key!: x' },
    input: 'ingress-annotations',
    fragment: 'is not a valid annotation key'
  },
  {
    title: 'ingress annotation bad prefix',
    raw: { ...BASE, 'ingress-annotations': 'Bad_Prefix/spec: x' },
    input: 'ingress-annotations',
    fragment: 'invalid prefix'
  },
  {
    title: 'ingress annotation without colon',
    raw: { ...BASE, 'ingress-annotations': 'service.beta.kubernetes.io/spec slb.s1.small' },
    input: 'ingress-annotations',
    fragment: 'is not `key: value`'
  },
  {
    title: 'egress-gateway not a bool',
    raw: { ...BASE, 'egress-gateway': 'on' },
    input: 'egress-gateway',
    fragment: 'use true or false'
  },
  // app
  {
    title: 'namespace with uppercase and underscore',
    raw: { ...BASE, namespace: 'Bookinfo_NS' },
    input: 'namespace',
    fragment: 'DNS-1123 label'
  },
  {
    title: 'namespace too long',
    raw: { ...BASE, namespace: LONG },
    input: 'namespace',
    fragment: 'at most 63 characters'
  },
  {
    title: 'namespace istio-system',
    raw: { ...BASE, namespace: 'istio-system' },
    input: 'namespace',
    fragment: 'istio-system is a system namespace'
  },
  {
    title: 'namespace template without preview',
    raw: { ...BASE, namespace: 'bookinfo-{id}' },
    input: 'namespace',
    fragment: 'uses {id} but preview-id is not set'
  },
  {
    title: 'teardown of default',
    raw: { ...BASE, mode: 'teardown' },
    input: 'namespace',
    fragment: '"default" cannot be deleted'
  },
  {
    title: 'teardown of istio-system',
    raw: { ...BASE, mode: 'teardown', namespace: 'istio-system' },
    input: 'namespace',
    fragment: 'system namespace'
  },
  {
    title: 'preview id not DNS-safe',
    raw: { ...BASE, 'preview-id': 'PR_42' },
    input: 'preview-id',
    fragment: '"PR_42" is not DNS-safe'
  },
  {
    title: 'preview id too long',
    raw: { ...BASE, 'preview-id': LONG },
    input: 'preview-id',
    fragment: 'at most 51 characters'
  },
  {
    title: 'preview id auto outside a PR',
    raw: { ...BASE, 'preview-id': 'auto' },
    env: { eventName: 'push' },
    input: 'preview-id',
    fragment: 'this run is a push event'
  },
  {
    title: 'preview id with prune',
    raw: { ...BASE, mode: 'prune', 'preview-id': '42' },
    input: 'preview-id',
    fragment: 'prune removes every expired preview'
  },
  {
    title: 'gateway host invalid',
    raw: { ...BASE, 'gateway-hosts': 'bookinfo.example.com, bad host!' },
    input: 'gateway-hosts',
    fragment: '"host!" is not a host name'
  },
  {
    title: 'gateway host template without preview',
    raw: { ...BASE, 'gateway-hosts': 'pr-{id}.example.com' },
    input: 'gateway-hosts',
    fragment: 'uses {id} but preview-id is not set'
  },
  {
    title: 'addon typo',
    raw: { ...BASE, addons: 'prometheus, kialii' },
    input: 'addons',
    fragment: 'unknown addon "kialii"; available: kiali, prometheus, grafana, jaeger; did you mean "kiali"?'
  },
  {
    title: 'bookinfo not a bool',
    raw: { ...BASE, bookinfo: 'sure' },
    input: 'bookinfo',
    fragment: 'not a boolean'
  },
  {
    title: 'duration without unit',
    raw: { ...BASE, 'wait-timeout': '10' },
    input: 'wait-timeout',
    fragment: 'has no unit'
  },
  {
    title: 'duration in words',
    raw: { ...BASE, 'wait-timeout': '10 minutes' },
    input: 'wait-timeout',
    fragment: 'malformed duration'
  },
  {
    title: 'duration misordered',
    raw: { ...BASE, 'wait-timeout': '30m1h' },
    input: 'wait-timeout',
    fragment: 'largest unit first'
  },
  {
    title: 'duration zero',
    raw: { ...BASE, 'wait-timeout': '0s' },
    input: 'wait-timeout',
    fragment: 'from 1s to 6h'
  },
  {
    title: 'duration above a job',
    raw: { ...BASE, 'wait-timeout': '7h' },
    input: 'wait-timeout',
    fragment: 'out of range'
  },
  {
    title: 'pod annotation twice',
    raw: { ...BASE, 'pod-annotations': 'a.io/x: 1\na.io/x: 2' },
    input: 'pod-annotations',
    fragment: 'is given twice'
  },
  // routing
  {
    title: 'unknown variant',
    raw: { ...BASE, routing: 'reviews-50-v4' },
    input: 'routing',
    fragment: 'unknown variant "reviews-50-v4"; did you mean "reviews-50-v3"?'
  },
  {
    title: 'unknown variant, nothing close',
    raw: { ...BASE, routing: 'canary' },
    input: 'routing',
    fragment: '(variants: none, all-v1'
  },
  {
    title: 'weights not summing to 100',
    raw: { ...BASE, 'routing-weights': 'v1=80,v2=30' },
    input: 'routing-weights',
    fragment: 'weights sum to 110, not 100'
  },
  {
    title: 'negative weight',
    raw: { ...BASE, 'routing-weights': 'v1=120,v2=-20' },
    input: 'routing-weights',
    fragment: 'negative'
  },
  {
    title: 'weight for an unknown version',
    raw: { ...BASE, 'routing-weights': 'v1=80,v4=20' },
    input: 'routing-weights',
    fragment: 'unknown version "v4" of reviews'
  },
  {
    title: 'weight not a number',
    raw: { ...BASE, 'routing-weights': 'v1=half,v2=50' },
    input: 'routing-weights',
    fragment: 'is not a whole number'
  },
  {
    title: 'weights with colons',
    raw: { ...BASE, 'routing-weights': 'v1:80,v2:20' },
    input: 'routing-weights',
    fragment: 'is not version=percent',
    count: 2
  },
  {
    title: 'weight twice',
    raw: { ...BASE, 'routing-weights': 'v1=50,v1=50' },
    input: 'routing-weights',
    fragment: 'v1 is given twice'
  },
  {
    title: 'weights with a variant',
    raw: { ...BASE, routing: 'reviews-v3', 'routing-weights': 'v1=50,v3=50' },
    input: 'routing',
    fragment: 'cannot be combined with routing-weights'
  },
  {
    title: 'user without version',
    raw: { ...BASE, 'routing-user': 'jason' },
    input: 'routing-user-version',
    fragment: 'is required with routing-user'
  },
  {
    title: 'version without user',
    raw: { ...BASE, 'routing-user-version': 'v2' },
    input: 'routing-user',
    fragment: 'is required with routing-user-version'
  },
  {
    title: 'user version unknown',
    raw: { ...BASE, 'routing-user': 'jason', 'routing-user-version': 'v9' },
    input: 'routing-user-version',
    fragment: 'unknown version "v9"'
  },
  {
    title: 'user name with spaces',
    raw: { ...BASE, 'routing-user': 'jason bourne', 'routing-user-version': 'v2' },
    input: 'routing-user',
    fragment: 'is not a user name'
  },
  {
    title: 'routing service typo',
    raw: { ...BASE, 'routing-service': 'review' },
    input: 'routing-service',
    fragment: 'did you mean "reviews"?'
  },
  {
    title: 'routing file with weights',
    raw: { ...BASE, 'routing-file': 'vs.yaml', 'routing-weights': 'v1=100' },
    input: 'routing-file',
    fragment: 'cannot be combined with routing-weights'
  },
  {
    title: 'routing file with a variant',
    raw: { ...BASE, 'routing-file': 'vs.yaml', routing: 'reviews-v3' },
    input: 'routing',
    fragment: 'cannot be combined with routing-file'
  },
  {
    title: 'mtls not a bool',
    raw: { ...BASE, mtls: 'strict' },
    input: 'mtls',
    fragment: '"strict" is not a boolean'
  },
  // verify
  {
    title: 'zero requests',
    raw: { ...BASE, 'verify-requests': '0' },
    input: 'verify-requests',
    fragment: 'from 1 to 10000'
  },
  {
    title: 'negative requests',
    raw: { ...BASE, 'verify-requests': '-5' },
    input: 'verify-requests',
    fragment: 'out of range'
  },
  {
    title: 'fractional requests',
    raw: { ...BASE, 'verify-requests': '3.5' },
    input: 'verify-requests',
    fragment: 'not a whole number'
  },
  {
    title: 'smoke-test not a bool',
    raw: { ...BASE, 'smoke-test': 'y' },
    input: 'smoke-test',
    fragment: 'not a boolean'
  },
  // lifecycle
  {
    title: 'mode unknown',
    raw: { ...BASE, mode: 'destroy' },
    input: 'mode',
    fragment: 'is not one of deploy, teardown, prune'
  },
  {
    title: 'prune age too short',
    raw: { ...BASE, mode: 'prune', 'prune-older-than': '30s' },
    input: 'prune-older-than',
    fragment: 'from 1m to 365d'
  },
  {
    title: 'comment without token',
    raw: { ...BASE, 'comment-on-pr': 'true' },
    input: 'github-token',
    fragment: 'is required when comment-on-pr is true'
  },
  {
    title: 'dry-run not a bool',
    raw: { ...BASE, 'dry-run': 'TRUE1' },
    input: 'dry-run',
    fragment: 'not a boolean'
  }
];

describe('parseConfig: bad inputs', () => {
  it('has a broad table (at least 45 cases)', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(45);
  });

  it.each(BAD.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const err = problemsOf(c.raw, c.env);
    const mine = err.problems.filter((p) => p.input === c.input);
    expect(mine.map((p) => p.problem).join('\n')).toContain(c.fragment);
    // One mistake, one message: a bad value must not cascade into follow-up complaints.
    expect(err.problems).toHaveLength(c.count ?? 1);
    // The rendered error names the input the way a workflow spells it.
    expect(err.describe()).toContain(`- ${c.input}: `);
  });
});

describe('parseConfig: aggregation and secrecy', () => {
  it('reports every problem at once, in one InputError', () => {
    const err = problemsOf({
      ...BASE,
      context: 'nope',
      'istio-version': 'one.two',
      namespace: 'Bad_NS',
      'routing-weights': 'v1=70,v2=20',
      'wait-timeout': '5 min',
      addons: 'zipkin',
      mode: 'explode'
    });
    expect(err.problems.map((p) => p.input).sort()).toEqual(
      ['addons', 'context', 'istio-version', 'mode', 'namespace', 'routing-weights', 'wait-timeout'].sort()
    );
    expect(err.message).toBe('7 inputs are invalid:');
    const text = err.describe();
    for (const line of [
      '- namespace: "Bad_NS"',
      '- routing-weights: weights sum to 90',
      '- addons: unknown addon "zipkin"'
    ]) {
      expect(text).toContain(line);
    }
    // Examples show a valid value in workflow syntax.
    expect(text).toContain('(example: wait-timeout: 90s)');
  });

  it('omits the example where one value cannot fix the problem', () => {
    expect(problemsOf(noKube).problems[0]?.example).toBeUndefined();
    expect(problemsOf({ ...BASE, ...OIDC }).problems[0]?.example).toBeUndefined();
    expect(problemsOf({ ...BASE, namespace: 'A' }).problems[0]?.example).toBe('bookinfo');
  });

  it('never echoes a secret value in a problem', () => {
    const secret = 'Sec ret-Value-0123456789';
    const err = problemsOf({
      ...noKube,
      ...AK,
      'access-key-secret': secret,
      'github-token': 'ghs_TOKENVALUE',
      'comment-on-pr': 'yes'
    });
    expect(err.problems.map((p) => p.input)).toEqual(['access-key-secret']);
    expect(err.describe()).not.toContain(secret);
    const broken = problemsOf({ kubeconfig: KUBECONFIG.replace('kind: Config', 'kind: Secret') });
    expect(broken.describe()).toContain('kind "Secret"');
    expect(broken.describe()).not.toContain(TOKEN);
    expect(broken.describe()).not.toContain(CLIENT_KEY_DATA);
  });
});

describe('parseConfig: good inputs', () => {
  it('fills every default from the spec', () => {
    const c = parseConfig(BASE);
    expect(c.auth).toMatchObject({
      kind: 'kubeconfig',
      kubeconfig: { text: KUBECONFIG },
      context: 'ask-admin'
    });
    expect(c.namespace).toBe('default');
    expect(c.istio).toEqual({
      versionSpec: '1.30.3',
      downloadUrl: 'https://github.com/istio/istio/releases/download',
      profile: 'demo',
      set: [],
      install: 'auto',
      compatibilityCheck: 'fail',
      cni: 'auto',
      dataplaneMode: 'sidecar',
      ingressAnnotations: {},
      egressGateway: true
    });
    expect(c.routing).toEqual({ kind: 'variant', variant: 'all-v1', service: 'reviews', mtls: false });
    expect(c.verify).toEqual({ smokeTest: true, verifyRouting: true, requests: 30 });
    expect(c.lifecycle).toEqual({
      mode: 'deploy',
      dryRun: false,
      pruneOlderThanMs: 72 * 3_600_000,
      commentOnPr: false,
      jobSummary: true
    });
    expect(c.gatewayHosts).toEqual(['*']);
    expect(c.addons).toEqual([]);
    expect(c.waitTimeoutMs).toBe(600_000);
    expect(c.bookinfo && c.gateway).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  it('collects the kubeconfig credentials as secrets', () => {
    const c = parseConfig(BASE);
    expect(c.secrets).toEqual(
      expect.arrayContaining([KUBECONFIG.trim(), TOKEN, CLIENT_KEY_DATA, CLIENT_KEY_PEM.trim()])
    );
  });

  it('accepts a base64 (line-wrapped) kubeconfig and a chosen context', () => {
    const c = parseConfig({ kubeconfig: KUBECONFIG_B64, context: 'ask-ci' });
    expect(c.auth).toMatchObject({ kind: 'kubeconfig', kubeconfig: { text: KUBECONFIG }, context: 'ask-ci' });
    expect(c.secrets).toEqual(expect.arrayContaining([KUBECONFIG_B64.trim(), TOKEN]));
  });

  it('names the preview namespace and fills the host template', () => {
    const c = parseConfig({
      ...BASE,
      'preview-id': '42',
      'gateway-hosts': 'pr-{id}.preview.example.com, *.Example.com'
    });
    expect(c.namespace).toBe('bookinfo-pr-42');
    expect(c.gatewayHosts).toEqual(['pr-42.preview.example.com', '*.example.com']);
    expect(c.lifecycle.previewId).toBe('42');
  });

  it('takes preview-id auto from the pull request, and lets teardown delete it', () => {
    const c = parseConfig(
      { ...BASE, 'preview-id': 'auto', mode: 'teardown' },
      { eventName: 'pull_request', prNumber: 7 }
    );
    expect(c.namespace).toBe('bookinfo-pr-7');
    expect(c.lifecycle.mode).toBe('teardown');
  });

  it('keeps an explicit namespace with a preview id, filling {id}', () => {
    expect(parseConfig({ ...BASE, 'preview-id': 'feat-x', namespace: 'preview-{id}' }).namespace).toBe(
      'preview-feat-x'
    );
  });

  it('parses weights into a custom split', () => {
    const c = parseConfig({ ...BASE, 'routing-weights': 'v1=80, v2=20', 'verify-requests': '200' });
    expect(c.routing).toEqual({
      kind: 'weights',
      variant: 'custom-weights',
      service: 'reviews',
      mtls: false,
      weights: [
        { subset: 'v1', weight: 80 },
        { subset: 'v2', weight: 20 }
      ]
    });
    expect(c.verify.requests).toBe(200);
  });

  it('warns when too few requests would verify a split', () => {
    const c = parseConfig({ ...BASE, 'routing-weights': 'v1=50,v3=50', 'verify-requests': '10' });
    expect(c.warnings.join('\n')).toContain('verify-requests: 10 requests are too few');
  });

  it('builds a per-user route on top of weights', () => {
    const c = parseConfig({
      ...BASE,
      'routing-user': 'jason',
      'routing-user-version': 'v2',
      'routing-weights': 'v1=50,v3=50'
    });
    expect(c.routing).toMatchObject({
      kind: 'user',
      variant: 'custom-user',
      user: 'jason',
      userVersion: 'v2'
    });
    expect(c.routing.kind === 'user' && c.routing.weights).toHaveLength(2);
  });

  it('resolves routing-file against the workspace', () => {
    const c = parseConfig({ ...BASE, 'routing-file': 'deploy/vs.yaml' }, { workspace: '/ws' });
    expect(c.routing).toEqual({
      kind: 'file',
      variant: 'file',
      file: path.resolve('/ws', 'deploy/vs.yaml'),
      service: 'reviews',
      mtls: false
    });
  });

  it('accepts any subset name for a service of your own app', () => {
    const c = parseConfig({
      ...BASE,
      bookinfo: 'false',
      'routing-service': 'checkout',
      'routing-weights': 'stable=90,canary=10'
    });
    expect(c.routing.kind === 'weights' && c.routing.weights).toEqual([
      { subset: 'stable', weight: 90 },
      { subset: 'canary', weight: 10 }
    ]);
  });

  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000]
  ])('parses wait-timeout %s', (text, ms) => {
    expect(parseConfig({ ...BASE, 'wait-timeout': text }).waitTimeoutMs).toBe(ms);
  });

  it.each([
    ['v1.30.3', '1.30.3'],
    ['1.30', '1.30'],
    ['1.30.x', '1.30'],
    ['LATEST', 'latest'],
    ['1.31.0-beta.1', '1.31.0-beta.1']
  ])('normalizes istio-version %s', (given, spec) => {
    expect(parseConfig({ ...BASE, 'istio-version': given }).istio.versionSpec).toBe(spec);
  });

  it('reads booleans case-insensitively, with yes/no', () => {
    const c = parseConfig({ ...BASE, mtls: 'YES', 'egress-gateway': 'No', 'dry-run': 'True' });
    expect([c.routing.mtls, c.istio.egressGateway, c.lifecycle.dryRun]).toEqual([true, false, true]);
  });

  it('parses istio-set, annotations and addons', () => {
    const c = parseConfig({
      ...BASE,
      'istio-set':
        '# resources for ECI\nvalues.global.proxy.resources.requests.cpu=50m\n\ncomponents.egressGateways[0].enabled=false\r\n',
      'ingress-annotations':
        'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: "slb.s1.small"\nservice.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet',
      'pod-annotations': 'k8s.aliyun.com/eci-use-specs: ecs.c6.large',
      addons: 'Kiali\nprometheus, kiali'
    });
    expect(c.istio.set).toEqual([
      { key: 'values.global.proxy.resources.requests.cpu', value: '50m' },
      { key: 'components.egressGateways[0].enabled', value: 'false' }
    ]);
    expect(c.istio.ingressAnnotations).toEqual({
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small',
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'intranet'
    });
    expect(c.podAnnotations).toEqual({ 'k8s.aliyun.com/eci-use-specs': 'ecs.c6.large' });
    expect(c.addons).toEqual(['kiali', 'prometheus']);
  });

  it('allows plain http only for a loopback mirror, and trims the trailing slash', () => {
    expect(
      parseConfig({ ...BASE, 'istio-download-url': 'http://127.0.0.1:8080/download/' }).istio.downloadUrl
    ).toBe('http://127.0.0.1:8080/download');
    expect(parseConfig({ ...BASE, 'istio-download-url': 'http://localhost/d' }).istio.downloadUrl).toBe(
      'http://localhost/d'
    );
    expect(parseConfig({ ...BASE, 'istio-download-url': 'http://[::1]:9/d' }).istio.downloadUrl).toBe(
      'http://[::1]:9/d'
    );
  });

  it('builds the access-key way with STS token and endpoints', () => {
    const c = parseConfig({
      ...AK,
      'access-key-id': 'STS.NUexample123',
      'security-token': 'CAIS-token-value',
      'private-endpoint': 'true',
      'kubeconfig-ttl-minutes': '15',
      'ack-endpoint': 'http://127.0.0.1:9999'
    });
    expect(c.auth).toEqual({
      kind: 'access-key',
      accessKeyId: 'STS.NUexample123',
      accessKeySecret: AK['access-key-secret'],
      securityToken: 'CAIS-token-value',
      regionId: 'cn-hangzhou',
      clusterId: AK['cluster-id'],
      privateEndpoint: true,
      kubeconfigTtlMinutes: 15,
      ackEndpoint: 'http://127.0.0.1:9999'
    });
    expect(c.secrets).toEqual(expect.arrayContaining([AK['access-key-secret'], 'CAIS-token-value']));
  });

  it('builds the OIDC way with default audience', () => {
    const c = parseConfig({ ...OIDC }, { oidcAvailable: true });
    expect(c.auth).toEqual({
      kind: 'oidc',
      roleArn: OIDC['role-arn'],
      oidcProviderArn: OIDC['oidc-provider-arn'],
      regionId: 'cn-hangzhou',
      clusterId: OIDC['cluster-id'],
      privateEndpoint: false,
      kubeconfigTtlMinutes: 60,
      oidcAudience: 'sts.aliyuncs.com'
    });
  });

  it('warns about cloud-only inputs next to a kubeconfig instead of failing', () => {
    const c = parseConfig({ ...BASE, 'region-id': 'cn-hangzhou' });
    expect(c.warnings).toEqual(['region-id is ignored because kubeconfig is given.']);
  });

  it('prune mode takes its age', () => {
    const c = parseConfig({ ...BASE, mode: 'prune', 'prune-older-than': '7d' });
    expect(c.lifecycle.pruneOlderThanMs).toBe(7 * 86_400_000);
  });
});

describe('[R3-1] profiles without an ingress gateway or istiod', () => {
  it.each(['minimal', 'empty', 'remote', 'ambient'])(
    '[R3-1] istio-profile %s with gateway: true (the default) is an input error naming gateway',
    (profile) => {
      const err = problemsOf({ ...BASE, 'istio-profile': profile, bookinfo: 'false' });
      const p = err.problems.find((x) => x.input === 'gateway');
      expect(p?.problem).toContain(`istio-profile ${profile} installs no ingress gateway`);
      expect(p?.problem).toContain('(the default)');
      expect(p?.problem).toContain('components.ingressGateways[0].enabled=true');
      expect(p?.example).toBe('false');
    }
  );

  it('[R3-1] says "is true" without "(the default)" when gateway was given', () => {
    const err = problemsOf({ ...BASE, 'istio-profile': 'minimal', gateway: 'true' });
    expect(err.problems.map((x) => x.input)).toEqual(['gateway']);
    expect(err.problems[0]?.problem).toMatch(
      /^is true, but istio-profile minimal installs no ingress gateway/
    );
  });

  it('[R3-1] minimal with gateway: false, or with the gateway switched back on, is accepted', () => {
    expect(parseConfig({ ...BASE, 'istio-profile': 'minimal', gateway: 'false' }).istio.profile).toBe(
      'minimal'
    );
    const on = parseConfig({
      ...BASE,
      'istio-profile': 'minimal',
      'istio-set': 'components.ingressGateways[0].enabled=true'
    });
    expect(on.gateway).toBe(true);
  });

  it('[R3-1] Bookinfo on a profile without istiod (nothing injects the sidecars) is an input error', () => {
    const err = problemsOf({ ...BASE, 'istio-profile': 'empty', gateway: 'false' });
    expect(err.problems).toEqual([
      {
        input: 'istio-profile',
        problem: expect.stringContaining('empty runs no istiod in this cluster'),
        example: 'minimal'
      }
    ]);
  });

  it('[R3-1] the version decides for profiles that changed: remote in 1.13 is the default profile', () => {
    const c = parseConfig({ ...BASE, 'istio-profile': 'remote', 'istio-version': '1.13.9' });
    expect(c.gateway).toBe(true);
    const gone = problemsOf({ ...BASE, 'istio-profile': 'remote', 'istio-version': '1.15' });
    expect(gone.problems[0]).toMatchObject({ input: 'istio-profile' });
    expect(gone.problems[0]?.problem).toContain('Istio 1.15 has no remote profile');
  });

  it('[R3-1] with install-istio: never the profile is not installed, so it is not checked', () => {
    expect(parseConfig({ ...BASE, 'istio-profile': 'minimal', 'install-istio': 'never' }).gateway).toBe(true);
  });
});

describe('[R3-6] mainland China regions and hosts without an ICP filing', () => {
  const ak = { kubeconfig: '', ...AK };
  const icpWarnings = (raw: RawInputs) => parseConfig(raw).warnings.filter((w) => /ICP filing/.test(w));

  it('[R3-6] cn-hangzhou with a domain in gateway-hosts warns, naming both inputs and the host', () => {
    const w = icpWarnings({ ...ak, 'gateway-hosts': 'bookinfo.example.com, 47.1.2.3' });
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /^gateway-hosts: bookinfo\.example\.com is a domain and region-id cn-hangzhou is in mainland China/
    );
    expect(w[0]).toContain('ICP filing');
  });

  it.each([
    ['cn-hongkong', 'bookinfo.example.com'], // Hong Kong needs no ICP filing
    ['ap-southeast-1', 'bookinfo.example.com'],
    ['cn-shanghai', '*'], // the SLB address itself, no Host name
    ['cn-shanghai', '47.1.2.3']
  ])('[R3-6] %s with gateway-hosts %s does not warn', (region, hosts) => {
    expect(icpWarnings({ ...ak, 'region-id': region, 'gateway-hosts': hosts })).toEqual([]);
  });

  it('[R3-6] also for the OIDC way, and for wildcard domains', () => {
    const w = icpWarnings({
      kubeconfig: '',
      ...OIDC,
      'region-id': 'cn-beijing',
      'gateway-hosts': '*.preview.example.com'
    });
    expect(w[0]).toMatch(/^gateway-hosts: \*\.preview\.example\.com is a domain and region-id cn-beijing/);
  });
});

describe('[R3-2] istio-mode: ambient makes no routing variant work (ztunnel is L4 only)', () => {
  const AMBIENT: RawInputs = { ...BASE, 'istio-mode': 'ambient' };

  it.each([
    [{ routing: 'reviews-v3' }, 'routing'],
    [{ 'routing-weights': 'v1=50,v3=50' }, 'routing-weights'],
    [{ 'routing-user': 'jason', 'routing-user-version': 'v2' }, 'routing-user']
  ])('[R3-2] a chosen variant %j is an input error naming %s', (raw, input) => {
    const err = problemsOf({ ...AMBIENT, ...raw });
    const p = err.problems.find((x) => x.input === input);
    expect(p?.problem).toContain('cannot be used with istio-mode: ambient');
    expect(p?.problem).toContain('waypoint');
    expect(p?.problem).toContain('istio-mode: sidecar');
  });

  it('[R3-2] suggests routing: none as the valid example', () => {
    const err = problemsOf({ ...AMBIENT, routing: 'all-v1' });
    expect(err.problems.find((x) => x.input === 'routing')?.example).toBe('none');
  });

  it('[R3-2] the default routing becomes none, with a warning; none itself is accepted silently', () => {
    const c = parseConfig(AMBIENT);
    expect(c.routing.variant).toBe('none');
    expect(c.warnings.join('\n')).toContain('the default routing all-v1 is replaced by none');
    const none = parseConfig({ ...AMBIENT, routing: 'none' });
    expect(none.routing.variant).toBe('none');
    expect(none.warnings.join('\n')).not.toContain('replaced by none');
  });

  it('[R3-2] sidecar mode keeps the default variant', () => {
    expect(parseConfig(BASE).routing.variant).toBe('all-v1');
  });
});

describe('ranges come from the spec alone', () => {
  const ranged = INPUTS.filter((s) => s.min !== undefined && s.max !== undefined);
  const asInput = (kind: string, n: number): string => (kind === 'duration' ? `${n}ms` : String(n));
  const problemsOf = (name: string, value: string): string[] => {
    try {
      parseConfig({ ...BASE, [name]: value });
      return [];
    } catch (err) {
      return (err as InputError).problems.filter((p) => p.input === name).map((p) => p.problem);
    }
  };

  it('covers every int and duration input', () => {
    expect(ranged.map((s) => s.name).sort()).toEqual(
      INPUTS.filter((s) => s.kind === 'int' || s.kind === 'duration')
        .map((s) => s.name)
        .sort()
    );
  });

  it.each(ranged.map((s) => [s.name, s] as const))(
    '%s: its bounds pass, one past them fails',
    (name, spec) => {
      expect(problemsOf(name, asInput(spec.kind, spec.min!))).toEqual([]);
      expect(problemsOf(name, asInput(spec.kind, spec.max!))).toEqual([]);
      expect(problemsOf(name, asInput(spec.kind, spec.min! - 1)).join()).toMatch(/out of range/);
      expect(problemsOf(name, asInput(spec.kind, spec.max! + 1)).join()).toMatch(/out of range/);
    }
  );

  it('a range stated in a description is the spec’s', () => {
    for (const spec of ranged) {
      const stated = /\((\d+) to (\d+)\)/.exec(spec.description);
      if (stated) expect([Number(stated[1]), Number(stated[2])]).toEqual([spec.min, spec.max]);
    }
  });
});
