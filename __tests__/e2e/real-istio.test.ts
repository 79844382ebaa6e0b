// The `current` matrix entry's own scenarios: Kubernetes 1.35 with the REAL istioctl 1.30.3 and the REAL
// istiod (pilot-discovery) behind the istiod pod. What is checked here is Istio's doing, not the project's
// model of it: istioctl's own progress lines, istiod's sidecar injection (native sidecar, istio-init's
// capabilities, the status annotation), istiod's CA writing istio-ca-root-cert, istiod's validating
// webhook refusing an invalid VirtualService, the real analyze finding a real problem, and Pod Security
// Admission refusing what istio-init needs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1Pod
} from '@kubernetes/client-node';
import { prependRules, setRules } from '../../test/harness/behaviour.js';
import { httpGet } from '../../test/harness/http.js';
import { describeOn, newNamespace, readHarnessState } from '../../test/harness/state.js';
import {
  actionErrors,
  expectActionSuccess,
  runAction,
  type RunActionResult
} from '../../test/harness/runAction.js';

const state = readHarnessState();
const kc = new KubeConfig();
kc.loadFromFile(state.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const workspace = mkdtempSync(join(tmpdir(), 'real-istio-e2e-'));
const ns = newNamespace('real-istio');

function deploy(namespace: string, inputs: Record<string, string> = {}): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace,
      'gateway-hosts': `${namespace}.bookinfo.test`,
      routing: 'reviews-v3',
      'verify-routing': 'true',
      'verify-requests': '10',
      'wait-timeout': '4m',
      ...inputs
    },
    cwd: workspace,
    post: false
  });
}

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describeOn(['current'], describe)(`the real Istio 1.30.3 on Kubernetes ${state.stack.kubernetes}`, () => {
  let first: RunActionResult;
  let pod: V1Pod;

  beforeAll(async () => {
    first = await deploy(ns);
    expectActionSuccess(first, 'deploying Bookinfo with the real Istio');
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=productpage' });
    pod = pods.items[0] as V1Pod;
  });

  it(`runs on the real kube-apiserver ${state.stack.kubernetes} and the real istioctl reports itself`, () => {
    expect(state.kubernetesVersion).toBe(`v${state.stack.kubernetes}`);
    expect(state.realIstio[state.stack.istio]).toBeTruthy();
    expect(first.outputs['istio-version']).toBe('1.30.3');
  });

  it("shows the real istioctl's own precheck and install lines in the log", () => {
    const log = first.stdout + first.stderr;
    // Either this run installed Istio (its progress lines) or an earlier file did and it was kept.
    if (/Istio: (install|upgrade|reconcile)/.test(log)) {
      expect(log).toContain('✔ Istio core installed ⛵️');
      expect(log).toContain('✔ Istiod installed 🧠');
      expect(log).toContain('✔ Installation complete');
    } else {
      expect(log).toMatch(/Istio: skip/);
    }
  });

  it("injects through istiod's own webhook: native sidecar, istio-init with NET_ADMIN/NET_RAW, status annotation", () => {
    const inits = pod.spec?.initContainers ?? [];
    const init = inits.find((c) => c.name === 'istio-init');
    const proxy = inits.find((c) => c.name === 'istio-proxy');
    // Kubernetes >= 1.29: Istio injects istio-proxy as a sidecar container (init container, restartPolicy Always).
    expect(proxy?.restartPolicy).toBe('Always');
    expect(proxy?.image).toBe('registry.istio.io/release/proxyv2:1.30.3');
    expect(init?.securityContext?.capabilities?.add?.sort()).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect((pod.spec?.containers ?? []).map((c) => c.name)).toEqual(['productpage']);
    const status = JSON.parse(pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}') as {
      initContainers?: string[];
      volumes?: string[];
      revision?: string;
    };
    expect(status.initContainers).toEqual(['istio-init', 'istio-proxy']);
    // Volumes only the real injection template renders (the seed's model injects none).
    expect(status.volumes).toEqual(expect.arrayContaining(['istio-envoy', 'istio-token', 'istiod-ca-cert']));
    expect(status.revision).toBe('default');
  });

  it("gets the mesh root certificate written by istiod's CA into the Bookinfo namespace", async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'istio-ca-root-cert', namespace: ns });
    expect(cm.data?.['root-cert.pem']).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('serves the real 1.30 sample: Tailwind productpage from registry.istio.io images', async () => {
    expect(pod.spec?.containers[0]?.image).toBe(
      'registry.istio.io/release/examples-bookinfo-productpage-v1:1.20.3'
    );
    const url = first.outputs['productpage-url'] ?? '';
    const res = await httpGet(url, `${ns}.bookinfo.test`);
    const body = res.body;
    expect(res.status).toBe(200);
    expect(body).toContain('text-red-500'); // reviews-v3: red stars, Tailwind classes since the 1.20 images
  });

  it("refuses an invalid VirtualService with istiod's own message, naming the object, before the rest", async () => {
    const file = join(workspace, 'invalid-vs.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: DestinationRule',
        'metadata: {name: reviews-invalid-test}',
        'spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}',
        '---',
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: reviews-invalid}',
        // The CRD schema accepts a `*` host; istiod's validation refuses it for the mesh gateway.
        'spec: {hosts: ["*"], http: [{route: [{destination: {host: reviews, subset: v1}}]}]}',
        ''
      ].join('\n')
    );
    const r = await deploy(ns, { routing: '', 'routing-file': 'invalid-vs.yaml' });
    expect(r.code).not.toBe(0);
    const errors = actionErrors(r);
    expect(errors).toContain('reviews-invalid');
    // The message comes from istiod's validating webhook (validation.istio.io).
    expect(errors).toMatch(/admission webhook "validation\.istio\.io" denied the request/);
    // Nothing of that routing was applied: not even the DestinationRule listed before it.
    const dr = await custom
      .getNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: ns,
        plural: 'destinationrules',
        name: 'reviews-invalid-test'
      })
      .then(
        () => 'present',
        (err: { code?: number }) => (err.code === 404 ? 'absent' : `error ${err.code}`)
      );
    expect(dr).toBe('absent');
  });

  it('fails the run on the real analyze finding a VirtualService to an unknown subset (IST0101)', async () => {
    const file = join(workspace, 'unknown-subset.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: reviews}',
        // A destination host that does not exist: only analyze knows the cluster's services (IST0101).
        'spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews-gone}}]}]}',
        ''
      ].join('\n')
    );
    const r = await deploy(ns, {
      routing: '',
      'routing-file': 'unknown-subset.yaml',
      'verify-routing': 'false'
    });
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toMatch(/IST0101.*VirtualService .*reviews.*reviews-gone/);
  });
});

describeOn(['current'], describe)(`Pod Security Admission on Kubernetes ${state.stack.kubernetes}`, () => {
  it('refuses a namespace that enforces baseline (no NET_ADMIN) before anything is installed', async () => {
    const psa = newNamespace('psa-baseline');
    await core.createNamespace({
      body: { metadata: { name: psa, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }
    });
    try {
      const r = await deploy(psa);
      expect(r.code).not.toBe(0);
      const errors = actionErrors(r);
      expect(errors).toContain('Pod Security level "baseline" is enforced');
      expect(errors).toContain(psa);
      // Refused in the preflight: no Bookinfo object was created in the namespace.
      const pods = await core.listNamespacedPod({ namespace: psa });
      const services = await core.listNamespacedService({ namespace: psa });
      expect(pods.items).toHaveLength(0);
      expect(services.items).toHaveLength(0);
    } finally {
      await core.deleteNamespace({ name: psa });
    }
  });
});

describeOn(['current'], describe)(
  'a revisioned control plane (istio-revision) beside the default one',
  () => {
    // Runs after the default install above: istioctl installs istiod-<rev> next to istiod, and the Bookinfo
    // namespace is labelled istio.io/rev=<rev> (not istio-injection, which would win and pick the default).
    const REV = 'canary-1-30';
    const revNs = newNamespace('real-istio-rev');
    let r: RunActionResult;
    let pod: V1Pod;

    beforeAll(async () => {
      // The revision's gateways are a new rollout (their pods carry istio.io/rev). Their pods start
      // 8 s late here, so that the overlap with Bookinfo's rollout is shown by the log's order rather
      // than left to how fast the machine is (gateways that are ready at istioctl's first 2 s poll
      // would show nothing).
      const saved = await prependRules([
        { namespace: 'istio-system', app: 'istio-ingressgateway', behaviour: { startDelayMs: 8000 } }
      ]);
      try {
        r = await deploy(revNs, { 'istio-revision': REV });
      } finally {
        await setRules(saved);
      }
      expectActionSuccess(r, 'deploying Bookinfo with istio-revision');
      pod = (await core.listNamespacedPod({ namespace: revNs, labelSelector: 'app=productpage' }))
        .items[0] as V1Pod;
    });
    afterAll(async () => {
      await core.deleteNamespace({ name: revNs }).catch(() => undefined);
    });

    it('installs istiod-<rev> with its own injection webhook, selecting namespaces by istio.io/rev', async () => {
      const admission = kc.makeApiClient(AdmissionregistrationV1Api);
      const hook = await admission.readMutatingWebhookConfiguration({
        name: `istio-sidecar-injector-${REV}`
      });
      const selectors = (hook.webhooks ?? []).map((w) => JSON.stringify(w.namespaceSelector ?? {}));
      expect(selectors.some((s) => s.includes('istio.io/rev') && s.includes(REV))).toBe(true);
      expect(new Set((hook.webhooks ?? []).map((w) => w.clientConfig.service?.name))).toEqual(
        new Set([`istiod-${REV}`])
      );
      const ns = await core.readNamespace({ name: revNs });
      expect(ns.metadata?.labels?.['istio.io/rev']).toBe(REV);
      expect(ns.metadata?.labels).not.toHaveProperty('istio-injection');
    });

    it("injects through that revision's istiod: the status annotation names the revision", () => {
      const status = JSON.parse(pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}') as {
        initContainers?: string[];
        revision?: string;
      };
      expect(status.revision).toBe(REV);
      expect(status.initContainers).toEqual(['istio-init', 'istio-proxy']);
      // The proxy is told to fetch its config from the revision's istiod, not the default one.
      const proxy = (pod.spec?.initContainers ?? []).find((c) => c.name === 'istio-proxy');
      const discovery = proxy?.env?.find((e) => e.name === 'PROXY_CONFIG')?.value ?? '';
      expect(discovery).toContain(`istiod-${REV}.istio-system.svc:15012`);
    });

    it('applies Bookinfo once the new istiod injects, while the real istioctl still rolls out the gateways', () => {
      // istiod-<rev> is new, so this run installs it. istioctl applies the gateways only after it has seen
      // istiod ready and reports them once their pods are ready: Bookinfo's apply comes before that line,
      // and a later step waits for the rest of the install.
      const log = r.stdout + r.stderr;
      expect(log).toMatch(/Istio: install — /);
      const servesAt = log.indexOf('istiod 1.30.3 serves sidecar injection');
      const deployAt = log.indexOf('::group::Deploy Bookinfo');
      expect(servesAt).toBeGreaterThan(-1);
      expect(deployAt).toBeGreaterThan(servesAt);
      expect(log.indexOf('✔ Ingress gateways installed')).toBeGreaterThan(deployAt);
      expect(log.indexOf('::group::Finish Istio install')).toBeGreaterThan(deployAt);
    });

    it('verifies the routing through the revision like the default one', () => {
      expect(r.outputs.routing).toBe('reviews-v3');
      expect(r.stdout).toContain(`istiod-${REV}`);
    });
  }
);
