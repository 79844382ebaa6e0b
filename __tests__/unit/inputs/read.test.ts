import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLIENT_KEY_DATA, CLIENT_KEY_PEM, KUBECONFIG, TOKEN } from './fixtures.js';

// One log of calls across the mocked core functions, so the tests can check ordering: every
// secret must be registered before anything is logged or thrown.
const calls: Array<[string, string]> = [];
jest.unstable_mockModule('@actions/core', () => ({
  getInput: (name: string) => (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim(),
  setSecret: (s: string) => calls.push(['setSecret', s]),
  warning: (s: string) => calls.push(['warning', s]),
  info: (s: string) => calls.push(['info', s]),
  debug: (s: string) => calls.push(['debug', s])
}));

const { readInputs, inputsFromArgv, maskRawSecrets, runEnv } = await import('../../../src/inputs/read.js');
const { InputError } = await import('../../../src/errors.js');
const { INPUT_NAMES } = await import('../../../src/inputs/spec.js');

function clearInputs(): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
}

let dir: string;
beforeEach(() => {
  calls.length = 0;
  clearInputs();
  dir = mkdtempSync(path.join(tmpdir(), 'inputs-test-'));
});
afterEach(() => {
  clearInputs();
  rmSync(dir, { recursive: true, force: true });
});

const masked = (): string[] => calls.filter(([k]) => k === 'setSecret').map(([, v]) => v);

describe('readInputs', () => {
  it('masks the kubeconfig and its credentials before logging warnings', () => {
    process.env.INPUT_KUBECONFIG = KUBECONFIG;
    process.env['INPUT_REGION-ID'] = 'cn-hangzhou';
    const config = readInputs({});
    expect(config.auth.kind).toBe('kubeconfig');
    expect(masked()).toEqual(
      expect.arrayContaining([KUBECONFIG.trim(), TOKEN, CLIENT_KEY_DATA, CLIENT_KEY_PEM.trim()])
    );
    const firstWarning = calls.findIndex(([k]) => k === 'warning');
    const lastSecret = calls.map(([k]) => k).lastIndexOf('setSecret');
    expect(firstWarning).toBeGreaterThan(lastSecret);
    expect(calls[firstWarning]?.[1]).toContain('region-id is ignored');
  });

  it('has masked every secret when validation fails', () => {
    process.env.INPUT_KUBECONFIG = KUBECONFIG;
    process.env['INPUT_GITHUB-TOKEN'] = 'ghs_exampletoken123';
    process.env.INPUT_NAMESPACE = 'Not Valid';
    expect(() => readInputs({})).toThrow(InputError);
    expect(masked()).toEqual(expect.arrayContaining([TOKEN, CLIENT_KEY_DATA, 'ghs_exampletoken123']));
  });

  it('masks cloud credentials, including the AccessKey ID', () => {
    const set = maskRawSecrets(
      {
        'access-key-id': 'LTAI5tX',
        'access-key-secret': 'sek',
        'security-token': '',
        kubeconfig: 'not: [valid'
      },
      (s) => calls.push(['setSecret', s])
    );
    expect([...set].sort()).toEqual(['LTAI5tX', 'not: [valid', 'sek']);
  });
});

describe('runEnv', () => {
  it('reads the PR number from the event payload', () => {
    const event = path.join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ number: 12, pull_request: { number: 12 } }));
    expect(
      runEnv({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_WORKSPACE: '/w',
        GITHUB_ACTIONS: 'true'
      })
    ).toEqual({
      eventName: 'pull_request',
      prNumber: 12,
      workspace: '/w',
      oidcAvailable: false
    });
  });
});

describe('inputsFromArgv (local CLI)', () => {
  it('maps flags onto INPUT_* and reads --kubeconfig-file', () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    const env: NodeJS.ProcessEnv = {};
    const r = inputsFromArgv(
      [
        '--namespace',
        'bookinfo',
        '--routing=reviews-50-v3',
        '--kubeconfig-file',
        file,
        '--dry-run',
        '--istio-set',
        'a=1',
        '--istio-set',
        'b=2'
      ],
      env
    );
    expect(r.help).toBeUndefined();
    expect(env).toEqual({
      INPUT_NAMESPACE: 'bookinfo',
      INPUT_ROUTING: 'reviews-50-v3',
      INPUT_KUBECONFIG: KUBECONFIG,
      'INPUT_DRY-RUN': 'true',
      'INPUT_ISTIO-SET': 'a=1\nb=2'
    });
  });

  it('runs the same reader as the action', () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    inputsFromArgv(['--kubeconfig-file', file, '--context', 'ask-ci', '--preview-id', '9']);
    const config = readInputs({});
    expect(config.auth).toMatchObject({ kind: 'kubeconfig', context: 'ask-ci' });
    expect(config.namespace).toBe('bookinfo-pr-9');
  });

  it('lists every input in --help', () => {
    const { help } = inputsFromArgv(['--help'], {});
    for (const name of INPUT_NAMES) expect(help).toContain(`--${name}`);
    expect(help).toContain('--kubeconfig-file');
  });

  it('reports all bad flags together', () => {
    let err: unknown;
    try {
      inputsFromArgv(
        ['--namespce', 'x', '--routing', '--kubeconfig-file', path.join(dir, 'missing'), 'stray'],
        {}
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const problems = (err as InstanceType<typeof InputError>).problems;
    expect(problems.map((p) => p.input)).toEqual(['--namespce', '--routing', '--kubeconfig-file', 'stray']);
    expect(problems[0]?.problem).toContain('did you mean --namespace?');
    expect(problems[1]?.problem).toBe('needs a value');
  });
});
