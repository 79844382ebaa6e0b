// The Istioctl process wrapper, driving a shell script that stands in for istioctl.
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../../src/errors.js';
import type { Logger } from '../../../src/istioctl/log.js';
import { Istioctl } from '../../../src/istioctl/run.js';

const dir = mkdtempSync(join(tmpdir(), 'fake-istioctl-'));
const pidFile = join(dir, 'child.pid');
const script = (name: string, body: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
};

const FAKE = script(
  'istioctl',
  `
case "$1" in
  args) shift; for a in "$@"; do echo "arg: $a"; done; echo "env: $FAKE_ENV" ;;
  prompt) printf 'Proceed? (y/N) '; if read answer; then echo "answer: $answer"; else echo "Cancelled." >&2; exit 1; fi ;;
  analyze) echo 'Error [IST0101] (VirtualService default/reviews) Referenced host+subset in destinationrule not found: "reviews+v2"'; exit 79 ;;
  fail) i=1; while [ $i -le 30 ]; do echo "stderr line $i" >&2; i=$((i+1)); done; echo "Error: token s3cr3t-value was rejected" >&2; exit 2 ;;
  hang) sleep 30 & echo $! > "${pidFile}"; wait ;;
  stubborn) trap '' TERM; sleep 30 & echo $! > "${pidFile}"; wait ;;
  partial) printf 'no newline at the end' ;;
  version)
    case "$*" in
      *"-o json"*) echo '{"clientVersion":{"version":"1.30.3","revision":"abc","golang_version":"go1.24","status":"Clean","tag":"1.30.3"}}' ;;
      *) echo "client version: 1.30.3" ;;
    esac ;;
  *) echo "unknown command $1" >&2; exit 64 ;;
esac`
);
// istioctl 1.13-like: refuses nothing but prints the bare version; used to check the plain fallback.
const OLD = script(
  'istioctl-old',
  `case "$*" in *"-o json"*) echo 'Error: unknown shorthand flag' >&2; exit 1 ;; *) echo 1.13.3 ;; esac`
);

let logged: Array<[string, string]>;
const log: Logger = {
  info: (m) => logged.push(['info', m]),
  warning: (m) => logged.push(['warning', m]),
  debug: (m) => logged.push(['debug', m])
};

async function failure(p: Promise<unknown>): Promise<ActionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(ActionError);
  return err as ActionError;
}

/** Running, as opposed to gone or a zombie waiting to be reaped (PID 1 in a container may never reap it). */
function alive(pid: number): boolean {
  if (!existsSync('/proc')) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

beforeEach(() => {
  logged = [];
  rmSync(pidFile, { force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Istioctl.run', () => {
  it('adds kubeconfig and context, passes env, captures output and streams it line by line', async () => {
    const istioctl = new Istioctl(FAKE, {
      kubeconfig: '/tmp/kube config',
      context: 'ask',
      env: { FAKE_ENV: 'from-options' },
      log
    });
    const res = await istioctl.run(['args', 'install', '--set', 'profile=demo']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'arg: install',
        'arg: --set',
        'arg: profile=demo',
        'arg: --kubeconfig=/tmp/kube config',
        'arg: --context=ask',
        'env: from-options',
        ''
      ].join('\n')
    );
    expect(res.stderr).toBe('');
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    expect(logged[0]).toEqual([
      'info',
      "$ istioctl args install --set profile=demo '--kubeconfig=/tmp/kube config' --context=ask"
    ]);
    expect(
      logged
        .filter(([l]) => l === 'info')
        .map(([, m]) => m)
        .slice(1, 4)
    ).toEqual(['arg: install', 'arg: --set', 'arg: profile=demo']);
  });

  it('puts the cluster flags before a -- separator', () => {
    const istioctl = new Istioctl(FAKE, { kubeconfig: '/k', context: 'c' });
    expect(istioctl.argv(['x', 'y', '--', 'a'])).toEqual([
      'x',
      'y',
      '--kubeconfig=/k',
      '--context=c',
      '--',
      'a'
    ]);
    expect(istioctl.argv(['version'], false)).toEqual(['version']);
  });

  it('closes stdin, so a confirmation prompt reads EOF instead of hanging', async () => {
    const istioctl = new Istioctl(FAKE, { log });
    const err = await failure(istioctl.run(['prompt'], { timeoutMs: 5000 }));
    expect(err.message).toBe('istioctl prompt failed with exit code 1.');
    expect(err.details).toContain('  Cancelled.');
    const yes = await istioctl.run(['prompt'], { input: 'y\n' });
    expect(yes.stdout).toBe('Proceed? (y/N) answer: y\n');
  });

  it('returns allowed non-zero exit codes as results', async () => {
    const res = await new Istioctl(FAKE, { log }).run(['analyze', '-n', 'bookinfo'], {
      allowExitCodes: [0, 79]
    });
    expect(res.code).toBe(79);
    expect(res.stdout).toMatch(/^Error \[IST0101\]/);
  });

  it('fails with the command line and the masked tail of stderr', async () => {
    const istioctl = new Istioctl(FAKE, { secrets: ['s3cr3t-value'], log });
    const err = await failure(istioctl.run(['fail', '--set', 'values.token=s3cr3t-value']));
    expect(err.message).toBe('istioctl fail failed with exit code 2.');
    expect(err.details[0]).toBe('Command: istioctl fail --set values.token=***');
    expect(err.details[1]).toBe('Last lines of its error output:');
    expect(err.details.slice(2)).toHaveLength(20);
    expect(err.details[2]).toBe('  stderr line 12');
    expect(err.details.at(-1)).toBe('  Error: token *** was rejected');
    expect(err.describe()).not.toContain('s3cr3t-value');
    expect(logged.map(([, m]) => m).join('\n')).not.toContain('s3cr3t-value');
    expect(logged).toContainEqual(['info', 'Error: token *** was rejected']);
  });

  it('stops istioctl and what it started when the timeout passes', async () => {
    const started = Date.now();
    const err = await failure(new Istioctl(FAKE, { log }).run(['hang'], { timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(err.message).toBe('istioctl hang did not finish within 0s and was stopped.');
    expect(err.details[0]).toBe('Command: istioctl hang');
    expect(err.hint).toMatch(/wait-timeout/);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(child)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const started = Date.now();
    // The timeout leaves the fake time to install its trap even on a loaded machine (else SIGTERM ends it).
    const err = await failure(new Istioctl(FAKE, { log }).run(['stubborn'], { timeoutMs: 3000 }));
    expect(err.message).toMatch(/did not finish/);
    // The timeout, then the 5 s grace: SIGTERM was ignored, only SIGKILL ended it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(8000);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  }, 30000);

  it('stops on the abort signal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const err = await failure(new Istioctl(FAKE, { log, signal: controller.signal }).run(['hang']));
    expect(err.message).toBe('istioctl hang was cancelled.');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('reports a binary that cannot be started', async () => {
    const err = await failure(new Istioctl(join(dir, 'missing'), { log }).run(['version']));
    expect(err.message).toMatch(/^istioctl version could not be started: .*ENOENT/);
    expect(err.details).toEqual([`Binary: ${join(dir, 'missing')}`]);
  });

  it('logs a last line without a newline, and only at debug level when quiet', async () => {
    const res = await new Istioctl(FAKE, { log }).run(['partial'], { quiet: true });
    expect(res.stdout).toBe('no newline at the end');
    expect(logged).toContainEqual(['debug', 'no newline at the end']);
    expect(logged.filter(([l]) => l === 'info')).toHaveLength(1); // the command line only
  });
});

describe('Istioctl.version', () => {
  it('reads the JSON form without cluster flags', async () => {
    const istioctl = new Istioctl(FAKE, { kubeconfig: '/does/not/exist', log });
    expect(await istioctl.version()).toBe('1.30.3');
    expect(logged[0]).toEqual(['info', '$ istioctl version --remote=false -o json']);
  });

  it('falls back to the plain form when -o json is refused', async () => {
    expect(await new Istioctl(OLD, { log }).version()).toBe('1.13.3');
    expect(logged.filter(([l]) => l === 'info').map(([, m]) => m)).toEqual([
      '$ istioctl version --remote=false -o json',
      '$ istioctl version --remote=false'
    ]);
  });
});

describe('[R3-7] transient results of commands whose exit code mixes findings and errors', () => {
  const counter = join(dir, 'precheck.count');
  const PRECHECK = script(
    'istioctl-precheck',
    `n=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${counter}"
if [ $n -le 2 ]; then echo 'Error: failed to get the Kubernetes version: the server is currently unable to handle the request' >&2; exit 1; fi
echo 'Error [IST0141] (Cluster) Missing required permission to create resource clusterroles (permission denied)'
echo 'Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.' >&2; exit 1`
  );
  const isTransient = (r: { stderr: string }) =>
    /unable to handle the request/.test(r.stderr) && !/Issues found/.test(r.stderr)
      ? 'API unavailable'
      : undefined;

  it('[R3-7] a transient error under an allowed exit code is retried until the real answer comes', async () => {
    rmSync(counter, { force: true });
    const r = await new Istioctl(PRECHECK, { log }).run(['x', 'precheck'], {
      allowExitCodes: [0, 1],
      transient: isTransient
    });
    expect(readFileSync(counter, 'utf8').trim()).toBe('3');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[IST0141]');
    expect(logged.filter(([, m]) => /retrying in \d+ ms \(attempt [23]\/4\)/.test(m))).toHaveLength(2);
  }, 20_000);

  it('[R3-7] gives up after the attempts with the transient reason and the output tail', async () => {
    writeFileSync(counter, '-10');
    const err = await failure(
      new Istioctl(PRECHECK, { log }).run(['x', 'precheck'], {
        allowExitCodes: [0, 1],
        transient: isTransient
      })
    );
    expect(err.message).toBe('istioctl x precheck could not finish: API unavailable.');
    expect(err.details.join('\n')).toContain('the server is currently unable to handle the request');
  }, 30_000);
});
