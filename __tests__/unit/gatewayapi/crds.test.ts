import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import {
  compareBundleVersions,
  compatibilityProblems,
  liveCrd,
  planCrds,
  type LiveCrd,
  type VendoredCrd
} from '../../../src/gatewayapi/crds.js';
import {
  GATEWAY_API_MODULE,
  GATEWAY_API_VERSION,
  STANDARD_CRD_FILES
} from '../../../src/gatewayapi/crds.generated.js';
import { ActionError } from '../../../src/errors.js';

const G = 'gateway.networking.k8s.io';
const vendored: VendoredCrd[] = STANDARD_CRD_FILES.map((f) => {
  const object = load(f.text) as VendoredCrd['object'];
  return {
    name: object.metadata.name,
    bundleVersion: (object.metadata as unknown as { annotations: Record<string, string> }).annotations[
      `${G}/bundle-version`
    ] as string,
    object
  };
});
const live = (
  name: string,
  bundleVersion: string,
  served = ['v1', 'v1beta1'],
  channel = 'standard'
): LiveCrd => ({
  name: `${name}.${G}`,
  bundleVersion,
  channel,
  servedVersions: served
});
const plan = (liveCrds: LiveCrd[], kube = 'v1.35.4', istio = '1.30.3') =>
  planCrds({
    vendored,
    live: liveCrds,
    bundleVersion: GATEWAY_API_VERSION,
    istioVersion: istio,
    kubernetesVersion: kube
  });

function errorOf(fn: () => unknown): ActionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ActionError) return err;
    throw err;
  }
  throw new Error('expected an ActionError');
}

describe('vendored Gateway API CRDs', () => {
  it('are the standard channel of sigs.k8s.io/gateway-api v1.5.1, unchanged (sha256 of each file)', () => {
    expect(GATEWAY_API_MODULE).toBe('sigs.k8s.io/gateway-api');
    expect(GATEWAY_API_VERSION).toBe('v1.5.1');
    for (const f of STANDARD_CRD_FILES)
      expect([f.file, createHash('sha256').update(f.text).digest('hex')]).toEqual([f.file, f.sha256]);
    expect(vendored.map((c) => c.name.split('.')[0]).sort()).toEqual([
      'backendtlspolicies',
      'gatewayclasses',
      'gateways',
      'grpcroutes',
      'httproutes',
      'listenersets',
      'referencegrants',
      'tlsroutes'
    ]);
    for (const c of vendored) {
      expect([c.name, c.bundleVersion]).toEqual([c.name, 'v1.5.1']);
      expect(c.object.kind).toBe('CustomResourceDefinition');
      const annotations = (c.object.metadata as unknown as { annotations: Record<string, string> })
        .annotations;
      expect(annotations[`${G}/channel`]).toBe('standard');
    }
  });

  it('serve v1 for GatewayClass, Gateway and HTTPRoute', () => {
    for (const name of ['gatewayclasses', 'gateways', 'httproutes']) {
      const crd = vendored.find((c) => c.name === `${name}.${G}`);
      expect(liveCrd(crd?.object as never).servedVersions).toContain('v1');
    }
  });
});

describe('compareBundleVersions', () => {
  it.each([
    ['v1.5.1', 'v1.5.1', 0],
    ['v1.5.1', 'v1.5.0', 1],
    ['v1.4.9', 'v1.5.0', -1],
    ['v1.10.0', 'v1.9.3', 1],
    ['v1.5.0-dev', 'v1.5.0', -1],
    ['v1.5.0-rc.1', 'v1.5.0-rc.2', -1],
    ['v2.0.0', 'v1.99.99', 1],
    ['1.5.1', 'v1.5.1', 0]
  ])('%s vs %s → %d', (a, b, want) => {
    expect(compareBundleVersions(a, b)).toBe(want);
  });

  it('says nothing about what is not a version', () => {
    expect(compareBundleVersions('', 'v1.5.1')).toBeUndefined();
    expect(compareBundleVersions('latest', 'v1.5.1')).toBeUndefined();
  });
});

describe('planCrds', () => {
  it('creates every CRD when none is present', () => {
    const p = plan([]);
    expect(p.create.map((c) => c.name)).toEqual(vendored.map((c) => c.name));
    expect(p.decisions.every((d) => d.action === 'create')).toBe(true);
    expect(p.describe).toContain(`CustomResourceDefinition httproutes.${G} v1.5.1 would be created`);
  });

  it('keeps present CRDs: the same version, a newer one (never downgraded), an older usable one, experimental', () => {
    const p = plan([
      live('httproutes', 'v1.5.1'),
      live('gateways', 'v1.6.0'),
      live('gatewayclasses', 'v1.2.1'),
      live('grpcroutes', 'v1.5.1', ['v1'], 'experimental')
    ]);
    const byName = Object.fromEntries(p.decisions.map((d) => [d.name.split('.')[0], d]));
    expect(byName.httproutes).toEqual({
      name: `httproutes.${G}`,
      action: 'keep',
      version: 'v1.5.1',
      reason: 'same'
    });
    expect(byName.gateways).toMatchObject({ action: 'keep', version: 'v1.6.0', reason: 'newer' });
    expect(byName.gatewayclasses).toMatchObject({ action: 'keep', reason: 'older' });
    expect(byName.grpcroutes).toMatchObject({ action: 'keep', reason: 'experimental' });
    expect(p.create.map((c) => c.name.split('.')[0]).sort()).toEqual([
      'backendtlspolicies',
      'listenersets',
      'referencegrants',
      'tlsroutes'
    ]);
    expect(p.describe).toContain(
      `CustomResourceDefinition gateways.${G} v1.6.0: newer than the bundled version, kept (never downgraded)`
    );
  });

  it('refuses CRDs that do not serve v1, listing each one, before any change', () => {
    const err = errorOf(() =>
      plan([live('httproutes', 'v0.6.2', ['v1beta1', 'v1alpha2']), live('gateways', '', ['v1beta1'])])
    );
    expect(err.message).toBe('ingress: gateway-api cannot run on this cluster; nothing was changed.');
    expect(err.details).toEqual([
      `CRD gateways.${G} (bundle without a bundle-version annotation) serves v1beta1, not v1, which the release's samples/bookinfo/gateway-api manifests use`,
      `CRD httproutes.${G} (bundle v0.6.2) serves v1beta1, v1alpha2, not v1, which the release's samples/bookinfo/gateway-api manifests use`
    ]);
    expect(err.hint).toContain('ingress: istio-gateway');
  });

  it('refuses old Kubernetes and old Istio, all problems at once', () => {
    const err = errorOf(() => plan([], 'v1.20.2', '1.13.3'));
    expect(err.details).toEqual([
      'Istio 1.13.3 has no stable Gateway API support for ingress and mesh routes (Istio 1.22 or later)',
      'Kubernetes v1.20.2 is older than 1.26, the oldest the Gateway API CRDs support',
      expect.stringContaining('creating the Gateway API v1.5.1 CRDs (')
    ]);
  });

  it('needs Kubernetes 1.31 only when it has to create the v1.5 bundle', () => {
    const err = errorOf(() => plan([], 'v1.29.3'));
    expect(err.details).toEqual([
      expect.stringMatching(
        /^creating the Gateway API v1\.5\.1 CRDs \(.*tlsroutes.*\) needs Kubernetes 1\.31 or later; this cluster runs v1\.29\.3$/
      )
    ]);
    const all = vendored.map((c) => live(c.name.split('.')[0] as string, 'v1.2.0'));
    expect(plan(all, 'v1.29.3').create).toEqual([]);
  });

  it('compatibilityProblems accepts the supported pairs', () => {
    expect(compatibilityProblems('1.22.0', 'v1.26.0')).toEqual([]);
    expect(compatibilityProblems('1.30.3', 'v1.35.4')).toEqual([]);
    expect(compatibilityProblems('1.21.6', 'v1.35.4')).toHaveLength(1);
  });
});
