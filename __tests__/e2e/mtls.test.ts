// [R3] item 5, "mtls: true does not do what the docs say": it used to swap in the ISTIO_MUTUAL destination
// rules only, which leaves the namespace PERMISSIVE. Now it makes the namespace STRICT
// (PeerAuthentication), and since a STRICT sidecar resets the API server's plaintext service-proxy request,
// the in-cluster productpage check runs from a short-lived pod in the mesh. The sidecars' enforcement is
// the simulator's (no Envoy runs here, test/README.md); the policy object is validated and stored by the
// real apiserver (and on `current` by the real istiod's webhook).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securityApiVersion } from '../../src/istio/apis.js';
import { Kube } from '../../src/kube/client.js';
import { COMPONENT_LABEL } from '../../src/ownership.js';
import { httpGet } from '../../test/harness/http.js';
import { expectActionSuccess, runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const workspace = mkdtempSync(join(tmpdir(), 'mtls-e2e-'));
const ns = newNamespace('mtls');
const host = `${ns}.bookinfo.test`;
const policyRef = {
  apiVersion: securityApiVersion(state.stack.istio),
  kind: 'PeerAuthentication',
  namespace: ns,
  name: 'default'
};
let kube: Kube;

function deploy(mtls: boolean): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace: ns,
      'gateway-hosts': host,
      routing: 'reviews-v3',
      mtls: String(mtls),
      'verify-routing': 'true',
      'verify-requests': '10',
      'wait-timeout': '4m'
    },
    cwd: workspace,
    post: false
  });
}

/** The API server's plaintext service-proxy GET to productpage: its status, or the proxy's error. */
async function plaintextAnswer(): Promise<string> {
  return kube.proxyGet(ns, 'productpage', 9080, '/productpage').then(
    (r) => `HTTP ${r.status}`,
    (err: Error) => `refused: ${err.message}`
  );
}

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath });
});

afterAll(async () => {
  await kube?.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => false);
  await kube?.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('[R3] item 5: mtls: true makes the namespace STRICT', () => {
  let strict: RunActionResult;

  beforeAll(async () => {
    strict = await deploy(true);
    expectActionSuccess(strict, 'deploying Bookinfo with mtls: true');
  });

  it('creates a namespace-wide PeerAuthentication STRICT, owned like the routing objects', async () => {
    const pa = await kube.get(policyRef);
    expect(pa?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(pa?.metadata.labels?.[COMPONENT_LABEL]).toBe('routing');
  });

  it("plaintext is refused: the API server's service proxy to productpage is reset by its sidecar", async () => {
    expect(await plaintextAnswer()).toMatch(/^refused: /);
  });

  it('mTLS traffic passes: the in-mesh check pod and the ingress gateway both reach productpage', async () => {
    const log = strict.stdout;
    expect(log).toContain(
      'productpage requires mTLS (PeerAuthentication STRICT): checking it from a pod in the mesh'
    );
    expect(log).toMatch(/productpage answers a pod in the mesh/);
    const res = await httpGet(strict.outputs['productpage-url'] ?? '', host);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Simple Bookstore App');
  });

  it('removes its check pod', async () => {
    const pods = await kube.list('v1', 'Pod', {
      namespace: ns,
      labelSelector: `${COMPONENT_LABEL}=productpage-check`
    });
    expect(pods.filter((p) => !p.metadata.deletionTimestamp)).toEqual([]);
  });

  it('a re-run under STRICT passes again (the check does not depend on the policy being new)', async () => {
    const again = await deploy(true);
    expectActionSuccess(again, 'the second mtls: true run');
    expect(again.stdout).toMatch(/productpage answers a pod in the mesh/);
  });

  it('mtls back to false deletes the policy; plaintext works again and the service proxy checks', async () => {
    const off = await deploy(false);
    expectActionSuccess(off, 'mtls: false after STRICT');
    expect(off.stdout).toMatch(/PeerAuthentication .*default deleted/);
    expect(await kube.get(policyRef)).toBeUndefined();
    expect(await plaintextAnswer()).toBe('HTTP 200');
  });
});
