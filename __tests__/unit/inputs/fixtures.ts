// A realistic ACK-style kubeconfig for input tests: two contexts, one authenticating with a client
// certificate + key, one with a bearer token. The key is generated per run (never committed), so
// the masking tests look for real PEM material rather than a placeholder.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { InputError } from '../../../src/errors.js';
import { parseConfig, type ParseEnv, type RawInputs } from '../../../src/inputs/parse.js';

function pemBlock(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const clientKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'sec1', format: 'pem' })
  .toString();
// The certificates are not parsed by the action; random DER-sized bytes keep the shape realistic.
const clientCertPem = pemBlock('CERTIFICATE', randomBytes(600));
const caPem = pemBlock('CERTIFICATE', randomBytes(700));

export const TOKEN = `eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.${randomBytes(48).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
export const CLIENT_KEY_DATA = Buffer.from(clientKeyPem).toString('base64');
export const CLIENT_KEY_PEM = clientKeyPem;

export const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://192.0.2.10:6443
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: "kubernetes-admin"
  name: ask-admin
- context:
    cluster: kubernetes
    user: ci-bot
    namespace: bookinfo
  name: ask-ci
current-context: ask-admin
preferences: {}
users:
- name: "kubernetes-admin"
  user:
    client-certificate-data: ${Buffer.from(clientCertPem).toString('base64')}
    client-key-data: ${CLIENT_KEY_DATA}
- name: ci-bot
  user:
    token: ${TOKEN}
`;

/** The same kubeconfig base64-encoded and wrapped at 76 columns, as `base64` prints it. */
export const KUBECONFIG_B64 = (
  Buffer.from(KUBECONFIG)
    .toString('base64')
    .match(/.{1,76}/g) ?? []
).join('\n');

export const KUBECONFIG_NO_CONTEXTS = `apiVersion: v1
kind: Config
clusters:
- cluster: {server: 'https://192.0.2.10:6443'}
  name: kubernetes
users:
- name: ci-bot
  user: {token: ${TOKEN}}
`;

export const AK = {
  'access-key-id': 'LTAI5tExampleKeyId0001',
  'access-key-secret': 'ExampleSecret0123456789abcdefABCDEF',
  'region-id': 'cn-hangzhou',
  'cluster-id': 'c0123456789abcdef0123456789abcdef'
};

export const OIDC = {
  'role-arn': 'acs:ram::1234567890123456:role/github-deployer',
  'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github',
  'region-id': 'cn-hangzhou',
  'cluster-id': 'c0123456789abcdef0123456789abcdef'
};

/** The InputError parseConfig throws for these inputs (fails the test when it accepts them). */
export function problemsOf(raw: RawInputs, env: ParseEnv = {}): InputError {
  try {
    parseConfig(raw, env);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`expected an InputError for ${JSON.stringify(Object.keys(raw))}`);
}
