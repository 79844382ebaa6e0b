// A cancelled workflow: the runner sends SIGINT/SIGTERM to the step's process. The bundled action must stop
// its waits at once, fail with a "cancelled" error, still write the job summary, and leave the post step
// (which the runner still runs) to remove the kubeconfig. A re-run afterwards must complete: the half-done
// deploy leaves the namespace in a state the action can pick up.
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { STATE_KUBECONFIG_PATH } from '../../src/auth/state.js';
import { prependRules, setRules } from '../../test/harness/behaviour.js';
import { runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const NS = newNamespace('cancel');
const START_DELAY_MS = 20_000;

function deploy(onMainStart?: (child: ChildProcess) => void): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace: NS,
      'gateway-hosts': `${NS}.bookinfo.test`,
      routing: 'reviews-v3',
      'wait-timeout': '5m'
    },
    timeoutMs: 6 * 60_000,
    onMainStart
  });
}

afterAll(async () => {
  const { Kube } = await import('../../src/kube/index.js');
  const kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'cancellation-e2e' });
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => false);
  await kube.close();
});

describe('cancellation (SIGTERM while waiting for the Bookinfo rollout)', () => {
  let cancelled: RunActionResult | undefined;

  it('stops within 3 s with a "cancelled" error, writes the summary, and the post step removes the kubeconfig', async () => {
    // Pods of this namespace take 20 s to start: the run is certain to be waiting when signalled 1 s after
    // its rollout wait began, and the re-run below finds them starting (the delay is fixed per pod).
    const saved = await prependRules([{ namespace: NS, behaviour: { startDelayMs: START_DELAY_MS } }]);
    let signalledAt = 0;
    let exitedAt = 0;
    let scheduled = false; // one signal: later output chunks must not schedule another
    try {
      cancelled = await deploy((child) => {
        let out = '';
        const deadline = setTimeout(() => child.kill('SIGKILL'), 4 * 60_000);
        child.stdout?.on('data', (c: Buffer | string) => {
          out += String(c);
          // The rollout wait has begun (after Bookinfo, its gateway and its routing were applied): from here
          // on the run waits for pods that do not start.
          if (!scheduled && out.includes('::group::Wait for Bookinfo')) {
            scheduled = true;
            setTimeout(() => {
              signalledAt = Date.now();
              child.kill('SIGTERM');
            }, 1000);
          }
        });
        child.on('exit', () => {
          exitedAt = Date.now();
          clearTimeout(deadline);
        });
      });
    } finally {
      await setRules(saved);
    }
    const r = cancelled;
    expect(signalledAt).toBeGreaterThan(0);
    const stopMs = exitedAt - signalledAt;
    process.stderr.write(
      `[cancellation] exited ${stopMs} ms after SIGTERM (exit ${r.main.code}, signal ${r.main.signal})\n`
    );
    expect(stopMs).toBeLessThan(3000);
    // It exited by itself with a failure (not killed by the signal's default action).
    expect(r.main.signal).toBeNull();
    expect(r.code).toBe(1);
    const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^The run was cancelled \(SIGTERM\) before it finished/);
    expect(r.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toContain(
      'Received SIGTERM: cancelling the run.'
    );
    // The summary was written: what happened, and how far the run got.
    expect(r.summary).toContain(`| Namespace | ${NS} |`);
    expect(r.summary).toContain('**Failed:** The run was cancelled (SIGTERM)');
    expect(r.summary).toMatch(/\| Wait for Bookinfo \| failed \|/);
    // The post step ran and removed the kubeconfig the main step wrote.
    const kubeconfigPath = r.state[STATE_KUBECONFIG_PATH];
    expect(kubeconfigPath).toBeTruthy();
    expect(r.stdout).toContain(`Kubeconfig for ${state.server}`);
    expect(r.post?.code).toBe(0);
    expect(r.post?.stdout).toContain(`Removed the kubeconfig ${kubeconfigPath}`);
    expect(existsSync(kubeconfigPath ?? '')).toBe(false);
  });

  it('a re-run after the cancelled one completes', async () => {
    expect(cancelled).toBeDefined();
    const r = await deploy();
    const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
    if (r.code !== 0) throw new Error(`re-run after cancellation failed:\n${errors.join('\n')}`);
    expect(r.outputs.namespace).toBe(NS);
    expect(r.outputs['productpage-url']).toMatch(/^http:\/\//);
    expect(r.kubeStats?.requests).toBeGreaterThan(0);
  });
});
