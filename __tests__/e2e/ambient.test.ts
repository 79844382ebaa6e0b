// [R3] item 2, "istio-mode: ambient makes no routing variant work": ztunnel is L4 only and the action
// deploys no waypoint, so a routing variant with ambient is refused as bad input, by the bundled action,
// before anything in the cluster changes (the namespace it names is never created).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Kube } from '../../src/kube/client.js';
import { actionErrors, runAction } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
let kube: Kube;

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath });
});
afterAll(async () => {
  await kube?.close();
});

describe('[R3] item 2: ambient and routing variants', () => {
  it('refuses routing-weights with istio-mode: ambient in one input error, naming the way out, changing nothing', async () => {
    const ns = newNamespace('ambient');
    const r = await runAction({
      inputs: {
        kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
        'istio-version': state.stack.istio,
        'istio-download-url': state.downloadUrl,
        namespace: ns,
        'istio-mode': 'ambient',
        'routing-weights': 'v1=50,v3=50'
      },
      post: false
    });
    expect(r.code).toBe(1);
    const errors = actionErrors(r);
    expect(errors).toContain('routing-weights');
    expect(errors).toContain('cannot be used with istio-mode: ambient');
    expect(errors).toContain('istio-mode: sidecar');
    // Refused while reading the inputs: no step ran, the namespace does not exist.
    expect(r.stdout).not.toContain('::group::Preflight');
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: ns })).toBeUndefined();
  });
});
