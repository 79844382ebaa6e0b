// `ingress: gateway-api` on the `current` entry (Kubernetes 1.35, the real istioctl/istiod 1.30.3), through
// the bundled action. What is real here: the apiserver validating the vendored Gateway API CRDs and the
// release's own samples/bookinfo/gateway-api manifests, and istiod's gateway controller creating the
// `bookinfo-gateway-istio` Deployment + LoadBalancer Service and writing the Gateway's Programmed condition
// and status address. Simulated: the pod behind that Deployment, the SLB address, and the Envoy data plane,
// which serves the generated Service's LB address and follows the HTTPRoutes.
//
// Order matters (the CRDs are cluster-wide): too old CRDs are refused first, then the CRDs are created by a
// deploy, then every variant runs on that namespace, then the other scenarios run with the CRDs present.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kube } from '../../src/kube/index.js';
import type { KubeObject } from '../../src/kube/objects.js';
import { VARIANTS } from '../../src/routing/variants.js';
import { httpGet as get } from '../../test/harness/http.js';
import { describeOn, newNamespace, readHarnessState } from '../../test/harness/state.js';
import {
  actionErrors,
  expectActionSuccess,
  runAction,
  type RunActionResult
} from '../../test/harness/runAction.js';

const state = readHarnessState();
const kubeconfig = readFileSync(state.kubeconfigPath, 'utf8');
const workspace = mkdtempSync(join(tmpdir(), 'gateway-api-e2e-'));
const GROUP = 'gateway.networking.k8s.io';
const CRD_API = 'apiextensions.k8s.io/v1';
const BUNDLE = 'gateway.networking.k8s.io/bundle-version';
const GW_API = `${GROUP}/v1`;
const SLB_SPEC = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec';
let kube: Kube;

function deploy(inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig,
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      ingress: 'gateway-api',
      'verify-routing': 'true',
      'verify-requests': '40',
      'wait-timeout': '4m',
      ...inputs
    },
    cwd: workspace,
    post: false
  });
}

const gatewayCrds = async (): Promise<KubeObject[]> =>
  (await kube.list(CRD_API, 'CustomResourceDefinition')).filter((c) => c.metadata.name.endsWith(`.${GROUP}`));

async function deleteGatewayCrds(): Promise<void> {
  for (const c of await gatewayCrds())
    await kube.delete({ apiVersion: CRD_API, kind: 'CustomResourceDefinition', name: c.metadata.name });
  await kube.waitFor(
    { apiVersion: CRD_API, kind: 'CustomResourceDefinition' },
    (items) => {
      const left = items.filter((c) => c.metadata.name.endsWith(`.${GROUP}`)).length;
      return { done: left === 0, progress: `${left} Gateway API CRDs left` };
    },
    { timeoutMs: 60_000 }
  );
}

const gatewayOf = (namespace: string) =>
  kube.get({ apiVersion: GW_API, kind: 'Gateway', namespace, name: 'bookinfo-gateway' });
const statusAddress = (gw: KubeObject | undefined): string | undefined =>
  (gw?.status as { addresses?: Array<{ value?: string }> } | undefined)?.addresses?.[0]?.value;
const verification = (r: RunActionResult) =>
  JSON.parse(r.outputs.verification ?? '{}') as {
    pass?: boolean;
    identities?: Array<{ identity: string; observed: Record<string, number>; requests: number }>;
  };

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'gateway-api-e2e' });
});

afterAll(async () => {
  await kube?.close();
  rmSync(workspace, { recursive: true, force: true });
});

describeOn(['current'], describe)('ingress: gateway-api with the real istiod', () => {
  const ns = newNamespace('gwapi');
  let first: RunActionResult;

  it('refuses CRDs too old for Istio before changing anything', async () => {
    await deleteGatewayCrds();
    // An old HTTPRoute CRD that serves v1beta1 only (as Gateway API v0.6 did): a minimal stand-in.
    const old: KubeObject = {
      apiVersion: CRD_API,
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `httproutes.${GROUP}`,
        // k8s.io groups need this annotation; "unapproved, …" is the form for a non-upstream definition.
        annotations: {
          [BUNDLE]: 'v0.6.2',
          'api-approved.kubernetes.io': 'unapproved, e2e stand-in of an old CRD'
        }
      },
      spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { plural: 'httproutes', singular: 'httproute', kind: 'HTTPRoute', listKind: 'HTTPRouteList' },
        versions: [
          {
            name: 'v1beta1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }
          }
        ]
      }
    };
    await kube.apply([old]);
    const oldNs = newNamespace('gwapi-old');
    const r = await deploy({ namespace: oldNs, routing: 'all-v1' });
    expect(r.code).not.toBe(0);
    const errors = actionErrors(r);
    expect(errors).toContain('ingress: gateway-api cannot run on this cluster; nothing was changed.');
    expect(errors).toContain(`CRD httproutes.${GROUP} (bundle v0.6.2) serves v1beta1, not v1`);
    // Nothing changed: no namespace, no other Gateway API CRD, the old one untouched.
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: oldNs })).toBeUndefined();
    expect((await gatewayCrds()).map((c) => c.metadata.name)).toEqual([`httproutes.${GROUP}`]);
    expect(r.stdout).not.toContain('Install Istio');
    await deleteGatewayCrds();
  });

  it('dry run without the CRDs: plans them, the Gateway and the routes, creates nothing', async () => {
    const dry = newNamespace('gwapi-dry0');
    const r = await deploy({ namespace: dry, routing: 'reviews-50-v3', 'dry-run': 'true' });
    expectActionSuccess(r, 'the dry run without CRDs');
    expect(r.stdout).toContain(`CustomResourceDefinition httproutes.${GROUP} v1.5.1 would be created`);
    expect(r.stdout).toContain(`Gateway ${dry}/bookinfo-gateway would be created`);
    expect(r.stdout).toContain(`HTTPRoute ${dry}/reviews`);
    expect(await gatewayCrds()).toEqual([]);
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: dry })).toBeUndefined();
  });

  it('creates the absent CRDs at v1.5.1, and istiod programs the namespace its own Gateway', async () => {
    first = await deploy({ namespace: ns, routing: 'all-v1' });
    expectActionSuccess(first, 'the first gateway-api deploy');
    const crds = await gatewayCrds();
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(
      [
        'backendtlspolicies',
        'gatewayclasses',
        'gateways',
        'grpcroutes',
        'httproutes',
        'listenersets',
        'referencegrants',
        'tlsroutes'
      ].map((p) => `${p}.${GROUP}`)
    );
    for (const c of crds)
      expect([c.metadata.name, c.metadata.annotations?.[BUNDLE]]).toEqual([c.metadata.name, 'v1.5.1']);
    // istiod's gateway controller made the Deployment and the LoadBalancer Service for the Gateway.
    const dep = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns,
      name: 'bookinfo-gateway-istio'
    });
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: ns,
      name: 'bookinfo-gateway-istio'
    });
    expect(dep?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Gateway', name: 'bookinfo-gateway' });
    expect((svc?.spec as { type?: string }).type).toBe('LoadBalancer');
    const lbIp = (svc?.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } }).loadBalancer
      ?.ingress?.[0]?.ip;
    // The outputs come from the Gateway's status (Programmed, addresses) = the generated Service's LB address.
    const gw = await gatewayOf(ns);
    const programmed = (
      gw?.status as { conditions?: Array<{ type: string; status: string }> }
    ).conditions?.find((c) => c.type === 'Programmed');
    expect(programmed?.status).toBe('True');
    expect(first.outputs['ingress-host']).toBe(statusAddress(gw));
    expect(first.outputs['ingress-host']).toBe(lbIp);
    expect(first.outputs['ingress-port']).toBe('80');
    expect(first.outputs['gateway-url']).toBe(`http://${lbIp}`);
    expect(first.outputs['productpage-url']).toBe(`http://${lbIp}/productpage`);
    const shared = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'istio-system',
      name: 'istio-ingressgateway'
    });
    const sharedIp = (shared?.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } }).loadBalancer
      ?.ingress?.[0]?.ip;
    expect(lbIp).not.toBe(sharedIp);
    const page = await get(first.outputs['productpage-url'] ?? '');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Simple Bookstore App</title>');
    // The summary draws the Gateway and the HTTPRoute.
    expect(first.summary).toContain(`gw[Gateway ${ns}/bookinfo-gateway]`);
    expect(first.summary).toContain('HTTPRoute bookinfo');
    expect(first.stdout).toContain(`CustomResourceDefinition httproutes.${GROUP} v1.5.1 created`);
  });

  // Every variant with a Gateway API form, in sequence on the one namespace, each verified by the action's
  // requests through the Gateway's own address (and the split test), then checked for stale routes.
  const runnable = VARIANTS.filter((v) => !('unsupported' in v.gatewayApi));
  const custom: Array<{ name: string; inputs: Record<string, string> }> = [
    { name: 'custom-weights', inputs: { 'routing-weights': 'v1=30,v2=30,v3=40' } },
    {
      name: 'custom-user',
      inputs: { 'routing-user': 'jason', 'routing-user-version': 'v3', 'routing-weights': 'v2=100' }
    }
  ];
  it.each([
    ...runnable.map((v) => ({ name: v.name, inputs: { routing: v.name } as Record<string, string> })),
    ...custom.map((c) => ({ name: c.name, inputs: c.inputs }))
  ])('variant $name: applied and verified through the Gateway', async ({ name, inputs }) => {
    const r = await deploy({ namespace: ns, ...inputs });
    expectActionSuccess(r, `gateway-api variant ${name}`);
    expect(r.outputs.routing).toBe(name);
    const v = verification(r);
    expect(v.pass).toBe(true);
    expect(r.outputs['ingress-host']).toBe(statusAddress(await gatewayOf(ns)));
    // The objects now in the namespace are exactly the plan's: no VirtualService, no stale HTTPRoute.
    const routes = (await kube.list(GW_API, 'HTTPRoute', { namespace: ns }))
      .map((o) => o.metadata.name)
      .sort();
    const variant = VARIANTS.find((x) => x.name === name);
    const expectedRoutes = variant
      ? variant.name === 'none'
        ? []
        : 'files' in variant.gatewayApi && variant.gatewayApi.files.includes('route-all-v1.yaml')
          ? ['details', 'productpage', 'ratings', 'reviews']
          : ['reviews']
      : ['reviews'];
    expect(routes).toEqual(['bookinfo', ...expectedRoutes].sort());
    expect(await kube.list('networking.istio.io/v1', 'VirtualService', { namespace: ns })).toEqual([]);
    expect(r.kubeStats?.requests).toBeGreaterThan(0);
  });

  it('refuses fault injection with an input error naming the alternative, before any change', async () => {
    const before = (await kube.list(GW_API, 'HTTPRoute', { namespace: ns })).map(
      (o) => o.metadata.resourceVersion
    );
    const r = await deploy({ namespace: ns, routing: 'ratings-test-delay', 'istio-version': '1.20.8' });
    expect(r.code).not.toBe(0);
    const errors = actionErrors(r);
    expect(errors).toContain('routing: variant "ratings-test-delay" uses fault injection');
    expect(errors).toContain('ingress: istio-gateway');
    // Both problems in the one error.
    expect(errors).toContain('ingress: gateway-api needs Istio 1.');
    expect(r.kubeStats).toBeUndefined();
    expect(
      (await kube.list(GW_API, 'HTTPRoute', { namespace: ns })).map((o) => o.metadata.resourceVersion)
    ).toEqual(before);
  });

  it('keeps present CRDs: the same version untouched, a newer one never downgraded', async () => {
    await kube.apply(
      [
        {
          apiVersion: CRD_API,
          kind: 'CustomResourceDefinition',
          metadata: { name: `referencegrants.${GROUP}`, annotations: { [BUNDLE]: 'v1.6.0' } }
        }
      ],
      { force: true }
    );
    const r = await deploy({ namespace: ns, routing: 'reviews-v3' });
    expectActionSuccess(r, 'a deploy with the CRDs present');
    expect(r.stdout).toContain(
      `CustomResourceDefinition referencegrants.${GROUP} v1.6.0: newer than the bundled version, kept (never downgraded)`
    );
    expect(r.stdout).toContain(`CustomResourceDefinition httproutes.${GROUP} v1.5.1: already installed`);
    expect(r.stdout).not.toMatch(/CustomResourceDefinition \S+ v1\.5\.1 created/);
    const rg = await kube.get({
      apiVersion: CRD_API,
      kind: 'CustomResourceDefinition',
      name: `referencegrants.${GROUP}`
    });
    expect(rg?.metadata.annotations?.[BUNDLE]).toBe('v1.6.0');
  });

  it('runs two previews at once, each with its own Gateway and address', async () => {
    const id = randomBytes(3).toString('hex');
    const [a, b] = await Promise.all([
      deploy({
        'preview-id': `ga-${id}`,
        routing: 'reviews-v3',
        'ingress-annotations': `${SLB_SPEC}: slb.s1.small`
      }),
      deploy({ 'preview-id': `gb-${id}`, routing: 'reviews-v2' })
    ]);
    expectActionSuccess(a as RunActionResult, 'preview A');
    expectActionSuccess(b as RunActionResult, 'preview B');
    const hostA = a?.outputs['ingress-host'];
    const hostB = b?.outputs['ingress-host'];
    expect(hostA).toBe(statusAddress(await gatewayOf(`bookinfo-pr-ga-${id}`)));
    expect(hostB).toBe(statusAddress(await gatewayOf(`bookinfo-pr-gb-${id}`)));
    expect(hostA).not.toBe(hostB);
    // ingress-annotations reach A's generated Service through the Gateway's spec.infrastructure.annotations.
    const svcA = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: `bookinfo-pr-ga-${id}`,
      name: 'bookinfo-gateway-istio'
    });
    expect(svcA?.metadata.annotations?.[SLB_SPEC]).toBe('slb.s1.small');
    // Each address serves its own namespace's routing: red stars (v3) on A, black stars (v2) on B.
    expect(verification(a as RunActionResult).identities?.[0]?.observed).toEqual({ v3: 40 });
    expect(verification(b as RunActionResult).identities?.[0]?.observed).toEqual({ v2: 40 });
    // Tearing A down removes its Gateway with the namespace; B keeps serving.
    const down = await runAction({
      inputs: { kubeconfig, mode: 'teardown', 'preview-id': `ga-${id}` },
      cwd: workspace,
      post: false
    });
    expectActionSuccess(down, 'teardown of preview A');
    await kube.waitFor(
      { apiVersion: 'v1', kind: 'Namespace', name: `bookinfo-pr-ga-${id}` },
      (items) => ({ done: items.length === 0, progress: 'namespace terminating' }),
      { timeoutMs: 120_000 }
    );
    await expect(get(`http://${hostA}/productpage`)).rejects.toThrow();
    expect((await get(b?.outputs['productpage-url'] ?? '')).status).toBe(200);
    await runAction({
      inputs: { kubeconfig, mode: 'teardown', 'preview-id': `gb-${id}` },
      cwd: workspace,
      post: false
    });
  });

  it('switches an existing classic-ingress preview to gateway-api without stale objects', async () => {
    const sw = newNamespace('gwapi-switch');
    const host = `${sw}.bookinfo.test`;
    const classic = await deploy({
      namespace: sw,
      ingress: 'istio-gateway',
      routing: 'reviews-test-v2',
      'gateway-hosts': host
    });
    expectActionSuccess(classic, 'the classic deploy');
    expect((await get(classic.outputs['productpage-url'] ?? '', host)).status).toBe(200);
    const r = await deploy({ namespace: sw, routing: 'reviews-test-v2', 'gateway-hosts': host });
    expectActionSuccess(r, 'the switch to gateway-api');
    for (const kind of ['VirtualService', 'DestinationRule', 'Gateway'])
      expect([kind, await kube.list('networking.istio.io/v1', kind, { namespace: sw })]).toEqual([kind, []]);
    expect(
      (await kube.list(GW_API, 'HTTPRoute', { namespace: sw })).map((o) => o.metadata.name).sort()
    ).toEqual(['bookinfo', 'reviews']);
    // The shared ingress no longer routes this preview's host; the preview's own Gateway does (its HTTPRoute
    // carries the host name), and jason still gets v2 through the HTTPRoute header match.
    expect((await get(classic.outputs['productpage-url'] ?? '', host)).status).toBe(404);
    expect(r.outputs['ingress-host']).not.toBe(classic.outputs['ingress-host']);
    expect(r.outputs['gateway-host-header']).toBe(host);
    expect((await get(r.outputs['productpage-url'] ?? '', host)).status).toBe(200);
    expect((await get(r.outputs['productpage-url'] ?? '', 'other.example')).status).toBe(404);
    const jason = verification(r).identities?.find((i) => i.identity === 'jason');
    expect(jason?.observed).toEqual({ v2: 40 });
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: sw });
  });

  it('mtls: STRICT behind the Gateway: the policy, an in-mesh check, and removal when off', async () => {
    const m = newNamespace('gwapi-mtls');
    const policy = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      namespace: m,
      name: 'default'
    };
    const on = await deploy({ namespace: m, routing: 'reviews-v3', mtls: 'true' });
    expectActionSuccess(on, 'gateway-api with mtls: true');
    expect((await kube.get(policy))?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    // No ISTIO_MUTUAL rules: the HTTPRoutes choose versions by Service, and automatic mTLS does the rest.
    expect(await kube.list('networking.istio.io/v1', 'DestinationRule', { namespace: m })).toEqual([]);
    expect(on.stdout).toMatch(/productpage answers a pod in the mesh/);
    expect(verification(on).pass).toBe(true);
    // The Gateway's own proxy is in the mesh, so the page still comes through it under STRICT.
    const page = await get(on.outputs['productpage-url'] ?? '');
    expect([page.status, page.body.includes('Simple Bookstore App')]).toEqual([200, true]);
    const off = await deploy({ namespace: m, routing: 'reviews-v3', mtls: 'false' });
    expectActionSuccess(off, 'gateway-api with mtls back to false');
    expect(off.stdout).toMatch(/PeerAuthentication .*default deleted/);
    expect(await kube.get(policy)).toBeUndefined();
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: m });
  });

  it('dry run: plans the Gateway and routes, changes nothing', async () => {
    const dry = newNamespace('gwapi-dry');
    const r = await deploy({ namespace: dry, routing: 'reviews-90-10', 'dry-run': 'true' });
    expectActionSuccess(r, 'the dry run');
    expect(r.stdout).toContain('Dry run — nothing was changed.');
    expect(r.stdout).toContain(`Gateway ${dry}/bookinfo-gateway would be created`);
    expect(r.stdout).toContain(`HTTPRoute ${dry}/reviews`);
    expect(r.stdout).toContain(`CustomResourceDefinition httproutes.${GROUP} v1.5.1: already installed`);
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: dry })).toBeUndefined();
  });
});
