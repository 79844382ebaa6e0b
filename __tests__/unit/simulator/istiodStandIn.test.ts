// The stand-in's webhook CA patch: only configurations that call istiod, only when the CA differs.
import { describe, expect, it } from '@jest/globals';
import type { V1MutatingWebhookConfiguration } from '@kubernetes/client-node';
import { callsIstiod, withCaBundle } from '../../../test/simulator/istiodStandIn.js';

const config = (service: { name: string; namespace: string } | undefined, caBundle?: string) =>
  ({
    metadata: { name: 'istio-sidecar-injector' },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        clientConfig: service ? { service: { ...service, path: '/inject' }, caBundle } : { url: 'https://x' }
      }
    ]
  }) as V1MutatingWebhookConfiguration;

describe('istiod stand-in', () => {
  it("recognises istiod's and a revision's webhooks, nothing else", () => {
    expect(callsIstiod(config({ name: 'istiod', namespace: 'istio-system' }))).toBe(true);
    expect(callsIstiod(config({ name: 'istiod-canary', namespace: 'istio-system' }))).toBe(true);
    expect(callsIstiod(config({ name: 'istiodx', namespace: 'istio-system' }))).toBe(false);
    expect(callsIstiod(config({ name: 'istiod', namespace: 'other' }))).toBe(false);
    expect(callsIstiod(config(undefined))).toBe(false);
  });

  it('patches the CA bundle in, once', () => {
    const next = withCaBundle(config({ name: 'istiod', namespace: 'istio-system' }), 'Q0E=');
    expect(next?.webhooks?.[0]?.clientConfig.caBundle).toBe('Q0E=');
    expect(next?.webhooks?.[0]?.clientConfig.service?.path).toBe('/inject');
    expect(withCaBundle(next!, 'Q0E=')).toBeUndefined();
    expect(withCaBundle(config(undefined), 'Q0E=')).toBeUndefined();
  });
});
