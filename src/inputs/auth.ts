// Cluster access from the inputs: exactly one of three ways (a kubeconfig, an AccessKey, GitHub OIDC →
// RAM role), each checked completely, and inputs that only another way reads named as ignored.

import { decodeKubeconfig, selectContext, type DecodedKubeconfig } from '../auth/kubeconfig.js';
import type { AuthConfig } from './config.js';
import type { ParseEnv } from './parse.js';
import type { Problems, Scalars } from './problems.js';
import { didYouMean } from './suggest.js';

const AUTH_WAYS =
  'give exactly one way to reach the cluster: (1) kubeconfig [+ context]; ' +
  '(2) access-key-id + access-key-secret [+ security-token] + region-id + cluster-id; ' +
  '(3) role-arn + oidc-provider-arn + region-id + cluster-id (GitHub OIDC → RAM role via STS AssumeRoleWithOIDC, needs permissions: id-token: write)';

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const CLUSTER_ID = /^[a-z0-9]{8,64}$/;
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._-]+$/;
const OIDC_PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._-]+$/;

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
  return { kind: 'kubeconfig', kubeconfig: decoded, context };
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

export function parseAuth(p: Problems, s: Scalars, env: ParseEnv, secrets: string[]): AuthConfig | undefined {
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
    privateEndpoint: s.bool('private-endpoint'),
    kubeconfigTtlMinutes: s.int('kubeconfig-ttl-minutes'),
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
