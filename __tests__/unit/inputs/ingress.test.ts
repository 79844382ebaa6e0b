import { describe, expect, it } from '@jest/globals';
import { parseConfig, type RawInputs } from '../../../src/inputs/parse.js';
import { KUBECONFIG, problemsOf } from './fixtures.js';

const BASE: RawInputs = { kubeconfig: KUBECONFIG };

describe('input ingress', () => {
  it('defaults to the classic Istio ingress gateway', () => {
    expect(parseConfig(BASE).ingress).toBe('istio-gateway');
    expect(parseConfig({ ...BASE, ingress: 'gateway-api' }).ingress).toBe('gateway-api');
  });

  it('rejects unknown values', () => {
    const err = problemsOf({ ...BASE, ingress: 'nginx' });
    expect(err.problems.map((p) => p.input)).toEqual(['ingress']);
  });

  it('refuses gateway-api with an Istio line older than 1.22 (the seed stack’s 1.13)', () => {
    const err = problemsOf({ ...BASE, ingress: 'gateway-api', 'istio-version': '1.13' });
    expect(err.problems).toEqual([
      expect.objectContaining({
        input: 'ingress',
        problem: expect.stringContaining('gateway-api needs Istio 1.22 or later')
      })
    ]);
    expect(parseConfig({ ...BASE, ingress: 'gateway-api', 'istio-version': '1.22' }).ingress).toBe(
      'gateway-api'
    );
  });

  it('lists every gateway-api problem in one error: fault variant and old Istio together (mtls is fine)', () => {
    const err = problemsOf({
      ...BASE,
      ingress: 'gateway-api',
      'istio-version': '1.20.8',
      routing: 'ratings-test-abort',
      mtls: 'true'
    });
    expect(err.problems.map((p) => p.input).sort()).toEqual(['ingress', 'routing']);
    const routing = err.problems.find((p) => p.input === 'routing');
    expect(routing?.problem).toContain('fault injection');
    expect(routing?.problem).toContain('use ingress: istio-gateway');
  });

  it('refuses a VirtualService routing-file in gateway-api mode, but keeps it for istio-gateway', () => {
    const err = problemsOf({ ...BASE, ingress: 'gateway-api', 'routing-file': 'routes.yaml' });
    expect(err.problems.map((p) => p.input)).toEqual(['routing-file']);
    expect(parseConfig({ ...BASE, 'routing-file': 'routes.yaml' }).routing.variant).toBe('file');
  });

  it('accepts the fault variants with the classic ingress', () => {
    expect(parseConfig({ ...BASE, routing: 'ratings-test-delay' }).routing.variant).toBe(
      'ratings-test-delay'
    );
  });
});
