// Pods that cannot start: the bundled action must give up as soon as a failure is one that will not fix
// itself (CrashLoopBackOff after repeated restarts, ImagePullBackOff), long before `wait-timeout`, and say
// which pod, which container, why, and what the pod's events show. The simulator's kubelet produces the
// faults for one Bookinfo app in the test's own namespace (rules.json of ConfigMap ask-istio-sim/sim-behaviour).
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { prependRules, setRules } from '../../test/harness/behaviour.js';
import { runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const WAIT_TIMEOUT_S = 180;
const namespaces: string[] = [];

function deploy(namespace: string): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace,
      'gateway-hosts': `${namespace}.bookinfo.test`,
      routing: 'none',
      'smoke-test': 'false',
      'wait-timeout': `${WAIT_TIMEOUT_S}s`
    },
    post: false,
    timeoutMs: (WAIT_TIMEOUT_S + 120) * 1000
  });
}

afterAll(async () => {
  const { Kube } = await import('../../src/kube/index.js');
  const kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'pod-failures-e2e' });
  for (const name of namespaces)
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => false);
  await kube.close();
});

describe('pods that cannot start fail the run fast, naming pod, container, reason and events', () => {
  const cases = [
    {
      fault: 'crashloop',
      app: 'ratings',
      reason:
        /pod ratings-v1-[a-z0-9]+-[a-z0-9]+: container ratings is crash-looping \(CrashLoopBackOff, \d+ restarts, last exit code 1/,
      event: /event: .*BackOff.*Back-off restarting failed container/
    },
    {
      fault: 'image-pull',
      app: 'details',
      reason:
        /pod details-v1-[a-z0-9]+-[a-z0-9]+: container details cannot pull image \S+ \(ImagePullBackOff\)/,
      event: /event: .*Failed.*Failed to pull image/
    }
  ] as const;

  it.each(cases)('$fault of $app', async ({ fault, app, reason, event }) => {
    const namespace = newNamespace(`podfail-${fault}`);
    namespaces.push(namespace);
    const saved = await prependRules([{ namespace, app, behaviour: { fault } }]);
    let r: RunActionResult;
    try {
      r = await deploy(namespace);
    } finally {
      await setRules(saved);
    }
    const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
    process.stderr.write(
      `[pod-failures] ${fault}: failed after ${(r.main.durationMs / 1000).toFixed(1)}s: ${errors[0]?.split('\n')[0] ?? ''}\n`
    );
    expect(r.code).not.toBe(0);
    expect(errors).toHaveLength(1);
    const message = errors[0] ?? '';
    // Fast: it gave up on the failure, not at the wait timeout (which would say "timed out after 180s").
    expect(message).toMatch(/^gave up waiting for /);
    expect(message).not.toMatch(/timed out/);
    expect(r.main.durationMs).toBeLessThan((WAIT_TIMEOUT_S * 1000) / 3);
    expect(message).toMatch(reason);
    expect(message).toMatch(event);
    // Only the faulty app is blamed: other pods may be listed as still starting ("is not ready", on a
    // loaded machine), never as failing ("pod X: container … is crash-looping / cannot pull …").
    for (const other of ['productpage', 'reviews', 'details', 'ratings'].filter((a) => a !== app))
      expect(message).not.toMatch(new RegExp(`pod ${other}-v\\d-[\\w-]+: (container|init container)`));
  });
});
