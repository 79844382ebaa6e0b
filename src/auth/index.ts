// Authentication: turns the auth part of Config into a kubeconfig file on the runner that every later
// step (the kube layer, istioctl, the user's own steps via KUBECONFIG) uses. Three sources:
//   kubeconfig  — given by the user;
//   access-key  — ACK DescribeClusterUserKubeconfig with an AccessKey (optionally STS);
//   oidc        — GitHub ID token → STS AssumeRoleWithOIDC → temporary AccessKey → the same ACK call.
// Every credential seen on the way is registered with core.setSecret before anything can print it.

import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { ActionError } from '../errors.js';
import { retry } from '../retry.js';
import type { AuthConfig } from '../inputs/config.js';
import {
  assumeRoleWithOidc,
  classifySdkError,
  describeClusterUserKubeconfig,
  describeEndpoint,
  chooseEndpoint,
  type AccessKeyCredentials,
  type ApiEndpoint
} from './aliyun.js';
import { authError } from './errors.js';
import { decodeKubeconfig, KubeconfigProblem, selectContext, type DecodedKubeconfig } from './kubeconfig.js';
import { KUBECONFIG_FILE_PREFIX, STATE_KUBECONFIG_PATH } from './state.js';

export { decodeKubeconfig, selectContext, KubeconfigProblem } from './kubeconfig.js';
export type { DecodedKubeconfig } from './kubeconfig.js';

export interface ClusterCredentials {
  kubeconfigPath: string;
  context?: string;
  source: 'kubeconfig' | 'access-key' | 'oidc';
  /** API server URL of the selected context. */
  server: string;
  /** When the kubeconfig's credentials stop working (RFC 3339), when known. */
  expiresAt?: string;
}

export interface AuthDeps {
  runnerTemp: string;
  log?: (message: string) => void;
  /** Defaults to core.getIDToken; injectable for tests and for the CLI. */
  getIDToken?: (audience: string) => Promise<string>;
  /** Used in the STS session name; defaults to GITHUB_RUN_ID. */
  runId?: string;
  /** Network retry policy; attempts include the first try. */
  retry?: { attempts: number; baseDelayMs: number };
  /** The job's cancellation: stops a retry wait at once. */
  signal?: AbortSignal;
}

export { KUBECONFIG_FILE_PREFIX, STATE_KUBECONFIG_PATH } from './state.js';

// STS credentials only live long enough for one ACK call; 900 s is the shortest STS allows.
const STS_DURATION_SECONDS = 900;
const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 1000 };
// Backoff doubles per attempt up to this (4 attempts with 1 s base stay below it).
const MAX_RETRY_DELAY_MS = 10_000;

function mask(values: Iterable<string | undefined>): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v && v.trim() !== '') {
      core.setSecret(v);
      out.push(v);
    }
  }
  return out;
}

/** Runs an OpenAPI call, retrying only what can succeed on a second try (network, 5xx, throttling). */
async function withRetry<T>(
  fn: () => Promise<T>,
  ctx: { call: string; endpoint: ApiEndpoint; regionId: string; clusterId?: string; secrets: string[] },
  deps: AuthDeps
): Promise<T> {
  const { attempts, baseDelayMs } = deps.retry ?? DEFAULT_RETRY;
  const log = deps.log ?? core.info;
  return retry(fn, {
    policy: { attempts, baseDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS },
    retryable: (err) => classifySdkError(err).retryable,
    signal: deps.signal,
    giveUp: (err, tried) =>
      authError(classifySdkError(err), { ...ctx, endpoint: describeEndpoint(ctx.endpoint), attempts: tried }),
    onRetry: (err, next) => {
      const info = classifySdkError(err);
      log(
        `${ctx.call} failed (${info.code ?? info.kind}); retrying in ${next.delayMs} ms (attempt ${next.attempt} of ${next.attempts}).`
      );
    }
  });
}

function sessionName(runId: string | undefined): string {
  // RoleSessionName allows [A-Za-z0-9.@_-], 2–64 characters; it shows up in ActionTrail as the actor.
  const id = (runId ?? 'local').replace(/[^\w.@-]/g, '-');
  return `ask-istio-action-${id}`.slice(0, 64);
}

async function fetchFromAck(
  auth: Extract<AuthConfig, { kind: 'access-key' | 'oidc' }>,
  creds: AccessKeyCredentials,
  secrets: string[],
  deps: AuthDeps
): Promise<{ config: string; expiration?: string }> {
  const endpoint = await chooseEndpoint('cs', auth.ackEndpoint, auth.regionId);
  (deps.log ?? core.info)(
    `Requesting a ${auth.kubeconfigTtlMinutes}-minute kubeconfig for cluster ${auth.clusterId} from ${describeEndpoint(endpoint)}` +
      ` (${auth.privateEndpoint ? 'VPC-internal' : 'public'} API server address).`
  );
  return withRetry(
    () =>
      describeClusterUserKubeconfig(creds, endpoint, auth.regionId, auth.clusterId, {
        privateIpAddress: auth.privateEndpoint,
        temporaryDurationMinutes: auth.kubeconfigTtlMinutes
      }),
    {
      call: 'ACK DescribeClusterUserKubeconfig',
      endpoint,
      regionId: auth.regionId,
      clusterId: auth.clusterId,
      secrets
    },
    deps
  );
}

async function oidcCredentials(
  auth: Extract<AuthConfig, { kind: 'oidc' }>,
  deps: AuthDeps
): Promise<{ creds: AccessKeyCredentials; secrets: string[] }> {
  const getIDToken = deps.getIDToken ?? ((aud: string) => core.getIDToken(aud));
  let token: string;
  try {
    token = await getIDToken(auth.oidcAudience);
  } catch (err) {
    throw new ActionError(
      `Could not get a GitHub OIDC token for audience "${auth.oidcAudience}": ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: 'give the job `permissions: id-token: write` (and keep contents: read). Workflows triggered from forks get no OIDC token.'
      }
    );
  }
  const secrets = mask([token]);
  const endpoint = await chooseEndpoint('sts', auth.stsEndpoint, auth.regionId);
  (deps.log ?? core.info)(
    `Exchanging the GitHub OIDC token for temporary credentials of RAM role ${auth.roleArn} (STS AssumeRoleWithOIDC at ${describeEndpoint(endpoint)}).`
  );
  const temp = await withRetry(
    () =>
      assumeRoleWithOidc(endpoint, auth.regionId, {
        roleArn: auth.roleArn,
        oidcProviderArn: auth.oidcProviderArn,
        oidcToken: token,
        roleSessionName: sessionName(deps.runId ?? process.env.GITHUB_RUN_ID),
        durationSeconds: STS_DURATION_SECONDS
      }),
    { call: 'STS AssumeRoleWithOIDC', endpoint, regionId: auth.regionId, secrets },
    deps
  );
  secrets.push(...mask([temp.accessKeySecret, temp.securityToken, temp.accessKeyId]));
  return { creds: temp, secrets };
}

/** Decodes a kubeconfig that came from ACK; a broken one is ACK's fault, not an input problem. */
function decodeFromAck(config: string, clusterId: string): DecodedKubeconfig {
  try {
    return decodeKubeconfig(config);
  } catch (err) {
    if (err instanceof KubeconfigProblem) {
      throw new ActionError(
        `The kubeconfig ACK returned for cluster ${clusterId} is unusable: ${err.message}`,
        {
          hint: 'check the cluster state in the ACK console; a cluster that is still being created has no API server yet.'
        }
      );
    }
    throw err;
  }
}

/** The kubeconfig text with current-context set to `context`, so istioctl and later steps use it too. */
function withCurrentContext(decoded: DecodedKubeconfig, context: string): string {
  if (decoded.currentContext === context) return decoded.text;
  const doc = load(decoded.text) as Record<string, unknown>;
  doc['current-context'] = context;
  return dump(doc, { lineWidth: -1 });
}

async function writeKubeconfig(text: string, runnerTemp: string): Promise<string> {
  // Outside a runner (CLI, local runs) RUNNER_TEMP is unset; never fall back to the working directory.
  const path = join(
    runnerTemp || tmpdir(),
    `${KUBECONFIG_FILE_PREFIX}${randomBytes(8).toString('hex')}.yaml`
  );
  // 'wx': never follow or reuse an existing file; mode applies at creation, chmod undoes a loose umask.
  await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return path;
}

export async function authenticate(auth: AuthConfig, deps: AuthDeps): Promise<ClusterCredentials> {
  let decoded: DecodedKubeconfig;
  let context: string;
  let expiresAt: string | undefined;

  if (auth.kind === 'kubeconfig') {
    // Decoded and its context chosen by the parser, which reported any problem with it as an input problem.
    decoded = auth.kubeconfig;
    mask(decoded.secrets);
    context = auth.context;
  } else {
    let creds: AccessKeyCredentials;
    let secrets: string[];
    if (auth.kind === 'access-key') {
      creds = auth;
      secrets = mask([auth.accessKeySecret, auth.securityToken]);
    } else {
      ({ creds, secrets } = await oidcCredentials(auth, deps));
    }
    const result = await fetchFromAck(auth, creds, secrets, deps);
    decoded = decodeFromAck(result.config, auth.clusterId);
    mask(decoded.secrets);
    context = selectContext(decoded);
    expiresAt = result.expiration;
  }

  const server = decoded.servers[context] ?? '';
  const kubeconfigPath = await writeKubeconfig(withCurrentContext(decoded, context), deps.runnerTemp);
  core.saveState(STATE_KUBECONFIG_PATH, kubeconfigPath);
  core.exportVariable('KUBECONFIG', kubeconfigPath);
  (deps.log ?? core.info)(
    `Kubeconfig for ${server} (context ${context}) written to ${kubeconfigPath}` +
      (expiresAt ? `; valid until ${expiresAt}.` : '.')
  );
  return { kubeconfigPath, context, source: auth.kind, server, ...(expiresAt ? { expiresAt } : {}) };
}
