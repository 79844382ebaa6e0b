// A real kube-apiserver restart in the middle of a run (the harness restarts the process: same flags, same
// etcd, new pid). The bundled action is waiting for the Bookinfo rollout when the API server goes away; its
// watches break, requests are refused for a few seconds, and it must carry on to the same end state as an
// undisturbed run: every pod ready, productpage answering, routing verified.
import type { V1Pod } from '@kubernetes/client-node';
import { runningContainerStatuses } from '../../test/harness/pods.js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { prependRules, setRules } from '../../test/harness/behaviour.js';
import { runAction } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { Kube } from '../../src/kube/index.js';

const state = readHarnessState();
const NS = newNamespace('restart');

afterAll(async () => {
  const kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'restart-e2e' });
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => false);
  await kube.close();
});

describe('kube-apiserver restart during a run', () => {
  it('the run survives the restart and ends with Bookinfo deployed and verified', async () => {
    // Pods take 6 s to start, so the restart (requested 1 s after the rollout wait began) happens while
    // the action watches the rollout.
    const saved = await prependRules([{ namespace: NS, behaviour: { startDelayMs: 6000 } }]);
    let restart: Promise<{ restartedMs: number }> | undefined;
    try {
      const r = await runAction({
        inputs: {
          kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
          'istio-version': state.stack.istio,
          'istio-download-url': state.downloadUrl,
          namespace: NS,
          'gateway-hosts': `${NS}.bookinfo.test`,
          routing: 'reviews-test-v2',
          'verify-routing': 'true',
          'verify-requests': '20',
          'wait-timeout': '4m'
        },
        timeoutMs: 5 * 60_000,
        onMainStart: (child) => {
          let out = '';
          child.stdout?.on('data', (c: Buffer | string) => {
            out += String(c);
            // Once the rollout wait has begun: after the last Bookinfo object the run still applies the
            // gateway and routing, and a restart during those writes tests the retry budget, not the watch.
            if (!restart && out.includes('::group::Wait for Bookinfo')) {
              restart = new Promise((resolve) => setTimeout(resolve, 1000)).then(async () => {
                const res = await fetch(`${state.controlUrl}/restart-apiserver`, { method: 'POST' });
                if (!res.ok) throw new Error(`restart failed: HTTP ${res.status} ${await res.text()}`);
                return (await res.json()) as { restartedMs: number };
              });
            }
          });
        }
      });
      expect(restart).toBeDefined();
      const { restartedMs } = await (restart as Promise<{ restartedMs: number }>);
      process.stderr.write(`[restart] kube-apiserver restarted in ${restartedMs} ms during the run\n`);
      if (r.code !== 0) {
        const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
        throw new Error(`the action failed across the restart: ${errors.join('\n')}`);
      }
      expect(r.outputs['smoke-status']).toBe('passed');
      const verification = JSON.parse(r.outputs.verification ?? '{}') as { pass?: boolean };
      expect(verification.pass).toBe(true);
      // The same end state as an undisturbed run: six available Deployments, every pod 2/2.
      const kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'restart-e2e' });
      const pods = await kube.list('v1', 'Pod', { namespace: NS });
      await kube.close();
      expect(pods).toHaveLength(6);
      for (const p of pods) {
        const statuses = runningContainerStatuses(p as V1Pod);
        expect(statuses.map((s) => s.ready)).toEqual([true, true]);
      }
    } finally {
      await setRules(saved);
    }
  });
});
