// Turns a failed Alibaba Cloud call into one ActionError: what failed, the service's own words with
// its error code and RequestId (what support asks for), and a remedy chosen by error code. Credential
// values never reach the message: known secrets are redacted from anything the service echoes.

import { ActionError } from '../errors.js';
import type { ApiFailureInfo } from './aliyun.js';

export interface CallContext {
  /** e.g. 'ACK DescribeClusterUserKubeconfig' */
  call: string;
  endpoint: string;
  regionId: string;
  clusterId?: string;
  attempts: number;
  /** Values to redact from any text shown (keys, tokens). */
  secrets: string[];
}

type HintFn = (ctx: CallContext) => string;

// Exact codes first; prefixes (ending in '.') match code families such as Throttling.User.
const HINTS: Array<[string, HintFn]> = [
  [
    'InvalidAccessKeyId.NotFound',
    (c) =>
      `the AccessKey ID is unknown to Alibaba Cloud. Check the access-key-id secret (copy it again from the RAM console, without spaces), and that ${c.endpoint} belongs to the same site (international vs. China) as the account.`
  ],
  [
    'InvalidAccessKeyId.Inactive',
    () => 'the AccessKey is disabled. Enable it in the RAM console or create a new one.'
  ],
  [
    'SignatureDoesNotMatch',
    () =>
      'the access-key-secret does not belong to the access-key-id. Copy the secret again (a trailing newline or space breaks the signature), and check that both secrets come from the same AccessKey pair.'
  ],
  [
    'IncompleteSignature',
    () =>
      'the request signature was rejected. Check that access-key-secret holds only the secret, with no extra characters.'
  ],
  [
    'InvalidTimeStamp.Expired',
    () => "the runner's clock is more than 15 minutes off; fix the machine's time (NTP)."
  ],
  [
    'InvalidSecurityToken.',
    () =>
      'the STS security-token is expired or does not belong to the access key. Obtain a fresh AccessKeyId/AccessKeySecret/SecurityToken triple, or use role-arn + oidc-provider-arn so the action obtains one itself.'
  ],
  [
    'Forbidden.RAM',
    (c) =>
      `the RAM identity may not read this cluster's kubeconfig. Grant it cs:DescribeClusterUserKubeconfig on cluster ${c.clusterId ?? ''} (for example the AliyunCSReadOnlyAccess policy) and an RBAC role on the cluster in the ACK console (Authorizations).`
  ],
  [
    'Forbidden',
    (c) =>
      `the RAM identity is not allowed to call ${c.call}. Attach a policy that allows it in the RAM console.`
  ],
  [
    'NoPermission',
    (c) =>
      `the RAM identity is not allowed to call ${c.call}. Attach a policy that allows it in the RAM console.`
  ],
  [
    'ErrorRamPolicyConfig',
    () => 'the RAM policy for this cluster is missing or invalid; grant cs:DescribeClusterUserKubeconfig.'
  ],
  [
    'ErrorClusterNotFound',
    (c) =>
      `no cluster ${c.clusterId ?? ''} exists in region ${c.regionId}. Check cluster-id, and that region-id is the region the cluster runs in: ACK endpoints are regional, so a cluster in another region is "not found" (the console URL shows the region).`
  ],
  [
    'ErrorParameterInvalid',
    () => 'a request parameter was rejected; kubeconfig-ttl must be between 15 and 4320 minutes.'
  ],
  [
    'AuthenticationFail.OIDCToken.Invalid',
    () =>
      "the GitHub OIDC token was rejected. Check that the OIDC provider in RAM has this workflow's audience (oidc-audience) among its client IDs and https://token.actions.githubusercontent.com as issuer, with the current fingerprint."
  ],
  ['AuthenticationFail.OIDCToken.Expired', () => 'the GitHub OIDC token had expired; re-run the job.'],
  [
    'AuthenticationFail.NoPermission',
    () =>
      "the role's trust policy does not allow this workflow. Allow the OIDC provider and match the token's sub claim (repo:<owner>/<repo>:...) in the role's trust policy conditions."
  ],
  [
    'EntityNotExist.Role',
    () =>
      'the role in role-arn does not exist. Copy the ARN from the RAM console (acs:ram::<account>:role/<name>).'
  ],
  [
    'EntityNotExist.OIDCProvider',
    () =>
      'the OIDC provider in oidc-provider-arn does not exist. Copy the ARN from RAM > SSO > OIDC (acs:ram::<account>:oidc-provider/<name>).'
  ],
  [
    'InvalidParameter.',
    () => 'a parameter of the call was rejected; check role-arn, oidc-provider-arn and their formats.'
  ],
  [
    'Throttling',
    (c) =>
      `Alibaba Cloud throttled the request (tried ${c.attempts} times). Re-run later or lower the job's concurrency.`
  ]
];

export function hintFor(code: string | undefined, ctx: CallContext): string | undefined {
  if (!code) return undefined;
  const exact = HINTS.find(([k]) => k === code);
  const prefix =
    exact ?? HINTS.find(([k]) => (k.endsWith('.') ? code.startsWith(k) : code.startsWith(`${k}.`)));
  return prefix?.[1](ctx);
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length))
    if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

// No `cause` is attached: SDK errors quote request URLs, and the STS URL carries the OIDC token.
export function authError(info: ApiFailureInfo, ctx: CallContext): ActionError {
  const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
  if (info.kind === 'api') {
    const said = redact(info.message, ctx.secrets).replace(/\s*\.?\s*$/, '');
    const ids = [
      `code ${info.code}`,
      `HTTP ${info.status}`,
      ...(info.requestId ? [`RequestId ${info.requestId}`] : [])
    ];
    const hint =
      hintFor(info.code, ctx) ??
      (info.retryable
        ? 'Alibaba Cloud had a server-side problem; re-run the job, and if it persists report the RequestId to Alibaba Cloud support.'
        : 'see the error code in the Alibaba Cloud API troubleshooting portal (api.aliyun.com/troubleshoot).');
    return new ActionError(`${ctx.call} at ${ctx.endpoint} failed${tries}: ${said} (${ids.join(', ')}).`, {
      hint
    });
  }
  const said = redact(info.message, ctx.secrets);
  const hint =
    info.code === 'ENOTFOUND'
      ? `the host name does not resolve. Check region-id ("${ctx.regionId}") and any endpoint override.`
      : `check that the runner can reach ${ctx.endpoint} (proxy, firewall, VPC endpoint) and re-run.`;
  return new ActionError(`${ctx.call} at ${ctx.endpoint} could not be completed${tries}: ${said}`, { hint });
}
