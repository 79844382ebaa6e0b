import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { dump } from 'js-yaml';
import { decodeKubeconfig, KubeconfigProblem, selectContext } from '../../../src/auth/kubeconfig.js';

// A real RSA key, so the PEM-line masking is tested on the shape users actually have.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyData = Buffer.from(keyPem).toString('base64');
const certData = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBcertificatebodyline0001\n-----END CERTIFICATE-----\n'
).toString('base64');

function kubeconfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'ask', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0FEQVRB' } },
      { name: 'other', cluster: { server: 'https://10.0.0.2:6443' } }
    ],
    users: [
      { name: 'ask-admin', user: { 'client-certificate-data': certData, 'client-key-data': keyData } },
      { name: 'bot', user: { token: 'sa-token-0123456789abcdef' } },
      {
        name: 'plugin',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'ack-ram-tool',
            env: [
              { name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', value: 'exec-secret-value' },
              { name: 'REGION', value: 'cn-hangzhou' }
            ]
          }
        }
      },
      {
        name: 'oidc',
        user: {
          'auth-provider': { name: 'oidc', config: { 'id-token': 'idtok-xyz', 'client-id': 'public-client' } }
        }
      }
    ],
    contexts: [
      { name: 'ask-ctx', context: { cluster: 'ask', user: 'ask-admin' } },
      { name: 'bot-ctx', context: { cluster: 'other', user: 'bot', namespace: 'ci' } }
    ],
    'current-context': 'ask-ctx',
    ...overrides
  };
}

const yamlText = dump(kubeconfig());

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KubeconfigProblem);
    return (err as Error).message;
  }
  throw new Error('expected a KubeconfigProblem');
}

describe('decodeKubeconfig', () => {
  it('reads raw YAML', () => {
    const d = decodeKubeconfig(yamlText);
    expect(d.text).toBe(yamlText);
    expect(d.contexts).toEqual(['ask-ctx', 'bot-ctx']);
    expect(d.clusters).toEqual(['ask', 'other']);
    expect(d.currentContext).toBe('ask-ctx');
    expect(d.servers).toEqual({ 'ask-ctx': 'https://10.0.0.1:6443', 'bot-ctx': 'https://10.0.0.2:6443' });
  });

  it('reads JSON, which is YAML too', () => {
    expect(decodeKubeconfig(JSON.stringify(kubeconfig())).contexts).toEqual(['ask-ctx', 'bot-ctx']);
  });

  it('reads base64 of YAML and returns the decoded text', () => {
    const d = decodeKubeconfig(Buffer.from(yamlText).toString('base64'));
    expect(d.text).toBe(yamlText);
    expect(d.currentContext).toBe('ask-ctx');
  });

  it('reads base64 wrapped at 76 columns with surrounding whitespace (base64 -w76, secrets UIs)', () => {
    const b64 = Buffer.from(yamlText).toString('base64');
    const wrapped = `\n  ${b64.match(/.{1,76}/g)!.join('\r\n')}\n\n`;
    expect(decodeKubeconfig(wrapped).text).toBe(yamlText);
  });

  it('rejects text that is neither YAML nor base64, without quoting it', () => {
    const msg = problemOf(() => decodeKubeconfig('clusters: [\n  token: hunter2-secret\n'));
    expect(msg).toMatch(/^the kubeconfig is not valid YAML at line \d+: /);
    expect(msg).not.toContain('hunter2');
  });

  it('names base64 input in YAML errors', () => {
    const msg = problemOf(() => decodeKubeconfig(Buffer.from('a: [\n b: c\n').toString('base64')));
    expect(msg).toMatch(/^the base64-decoded kubeconfig is not valid YAML/);
  });

  it('rejects a scalar or random base64 (e.g. a token pasted by mistake)', () => {
    expect(problemOf(() => decodeKubeconfig('just-a-token'))).toMatch(/neither kubeconfig YAML nor base64/);
    const random = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 97 + 200) % 256)).toString('base64');
    expect(problemOf(() => decodeKubeconfig(random))).toMatch(/kubeconfig/);
  });

  it('rejects empty input', () => {
    expect(problemOf(() => decodeKubeconfig('  \n'))).toBe('the kubeconfig is empty.');
  });

  it('rejects YAML that is not a kubeconfig', () => {
    expect(problemOf(() => decodeKubeconfig('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n'))).toBe(
      'the kubeconfig has kind "Pod"; a kubeconfig has kind "Config".'
    );
    expect(problemOf(() => decodeKubeconfig('foo: bar\n'))).toMatch(/has no clusters/);
    expect(problemOf(() => decodeKubeconfig(dump(kubeconfig({ users: [] }))))).toMatch(/has no users/);
    expect(problemOf(() => decodeKubeconfig(dump(kubeconfig({ contexts: undefined }))))).toMatch(
      /has no contexts/
    );
  });

  it('rejects a context that names a missing user or cluster', () => {
    const badUser = kubeconfig({
      contexts: [{ name: 'c', context: { cluster: 'ask', user: 'ghost' } }],
      'current-context': 'c'
    });
    expect(problemOf(() => decodeKubeconfig(dump(badUser)))).toBe(
      'context "c" in the kubeconfig refers to user "ghost", which is not in its users (ask-admin, bot, plugin, oidc).'
    );
    const badCluster = kubeconfig({
      contexts: [{ name: 'c', context: { cluster: 'gone', user: 'bot' } }],
      'current-context': 'c'
    });
    expect(problemOf(() => decodeKubeconfig(dump(badCluster)))).toMatch(
      /refers to cluster "gone", which is not in its clusters \(ask, other\)/
    );
  });

  it('rejects a cluster without a server and a dangling current-context', () => {
    const noServer = kubeconfig({
      clusters: [
        { name: 'ask', cluster: {} },
        { name: 'other', cluster: { server: 'https://x' } }
      ]
    });
    expect(problemOf(() => decodeKubeconfig(dump(noServer)))).toMatch(
      /cluster "ask" in the kubeconfig has no server URL/
    );
    expect(problemOf(() => decodeKubeconfig(dump(kubeconfig({ 'current-context': 'nope' }))))).toMatch(
      /current-context "nope" is not one of its contexts \(ask-ctx, bot-ctx\)/
    );
  });

  it('lists every credential, in each form it can be printed', () => {
    const { secrets } = decodeKubeconfig(yamlText);
    expect(secrets).toEqual(
      expect.arrayContaining([keyData, keyPem.trim(), certData, 'sa-token-0123456789abcdef'])
    );
    expect(secrets).toContain(Buffer.from('sa-token-0123456789abcdef').toString('base64'));
    expect(secrets).toContain('exec-secret-value');
    expect(secrets).toContain('idtok-xyz');
    // every body line of the private key, so a key printed line by line is still hidden
    const bodyLines = keyPem.split('\n').filter((l) => l.length > 8 && !l.startsWith('-----'));
    expect(bodyLines.length).toBeGreaterThan(5);
    for (const line of bodyLines) expect(secrets).toContain(line);
    // not secret: armor lines, non-secret env, public client ids, the CA, server URLs
    expect(secrets).not.toContain('-----BEGIN PRIVATE KEY-----');
    expect(secrets).not.toContain('cn-hangzhou');
    expect(secrets).not.toContain('public-client');
    expect(secrets).not.toContain('Q0FEQVRB');
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('selectContext', () => {
  const d = decodeKubeconfig(yamlText);

  it('uses the named context, else current-context', () => {
    expect(selectContext(d, 'bot-ctx')).toBe('bot-ctx');
    expect(selectContext(d)).toBe('ask-ctx');
    expect(selectContext(d, '')).toBe('ask-ctx');
  });

  it('lists the available contexts when the name is unknown', () => {
    expect(problemOf(() => selectContext(d, 'prod'))).toBe(
      'context "prod" is not in the kubeconfig; available contexts: "ask-ctx", "bot-ctx".'
    );
  });

  it('picks the only context when there is no current-context, and refuses to guess among several', () => {
    const one = decodeKubeconfig(
      dump(
        kubeconfig({
          'current-context': undefined,
          contexts: [{ name: 'solo', context: { cluster: 'ask', user: 'bot' } }]
        })
      )
    );
    expect(selectContext(one)).toBe('solo');
    const many = decodeKubeconfig(dump(kubeconfig({ 'current-context': undefined })));
    expect(many.currentContext).toBeUndefined();
    expect(problemOf(() => selectContext(many))).toBe(
      'the kubeconfig has 2 contexts and no current-context; set the context input to one of: "ask-ctx", "bot-ctx".'
    );
  });
});
