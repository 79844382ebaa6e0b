import { describe, expect, it } from '@jest/globals';
import { checkCompatibility, parseMinor } from '../../../src/istio/compat.js';

const PDB_KEY = 'values.global.defaultPodDisruptionBudget.enabled';

describe('parseMinor', () => {
  it.each([
    ['1.13.3', 1, 13],
    ['v1.20.2', 1, 20],
    ['v1.20.4-aliyun.1', 1, 20],
    ['  1.30 ', 1, 30]
  ])('reads %p', (v, major, minor) => {
    expect(parseMinor(v)).toEqual({ major, minor });
  });

  it.each(['latest', '', 'v1', 'one.two'])('refuses %p with the value in the message', (v) => {
    expect(() => parseMinor(v)).toThrow(`cannot read a version from "${v}"`);
  });
});

describe('checkCompatibility', () => {
  it('accepts Istio 1.13 on Kubernetes 1.20 (the ASK cluster)', () => {
    const c = checkCompatibility('1.13.3', 'v1.20.2');
    expect(c.supported).toBe(true);
    expect(c.range).toEqual({ min: 20, max: 23 });
    expect(c.fixes).toEqual([]);
    expect(c.message).toBe('Istio 1.13 supports Kubernetes 1.20 (supported range 1.20–1.23)');
  });

  it('refuses Istio 1.30 on Kubernetes 1.20 and lists the Istio minors that fit', () => {
    const c = checkCompatibility('1.30.3', 'v1.20.2');
    expect(c.supported).toBe(false);
    expect(c.range).toEqual({ min: 32, max: 36 });
    expect(c.fittingIstioMinors).toEqual([10, 11, 12, 13]);
    expect(c.message).toBe(
      'Istio 1.30 does not support Kubernetes 1.20: it supports Kubernetes 1.32–1.36; ' +
        'Istio 1.10, 1.11, 1.12, 1.13 support Kubernetes 1.20'
    );
  });

  it.each([
    // [istio, kube, supported]
    ['1.13.0', '1.19.0', false], // below min
    ['1.13.0', '1.23.9', true], // max inclusive
    ['1.13.0', '1.24.0', false], // above max
    ['1.22.1', '1.27.0', true], // min inclusive
    ['1.30.0', '1.36.1', true]
  ])('Istio %s on Kubernetes %s → supported=%p', (istio, kube, supported) => {
    expect(checkCompatibility(istio, kube).supported).toBe(supported);
  });

  it('omits the hint when no Istio minor in the table fits the cluster', () => {
    const c = checkCompatibility('1.13.0', '1.12.0');
    expect(c.supported).toBe(false);
    expect(c.fittingIstioMinors).toEqual([]);
    expect(c.message).toBe('Istio 1.13 does not support Kubernetes 1.12: it supports Kubernetes 1.20–1.23');
  });

  it('treats an Istio minor newer than the table as unknown, not as a failure', () => {
    const c = checkCompatibility('1.99.0', '1.33.0');
    expect(c.supported).toBe(true);
    expect(c.range).toBeUndefined();
    expect(c.message).toContain('newer than this action');
    expect(c.fittingIstioMinors).toEqual([26, 27, 28, 29, 30]);
  });

  it.each([
    ['1.13.3', '1.25.0', true],
    ['1.13.9', '1.26.3', true],
    ['1.13.3', '1.24.9', false], // PDB policy/v1beta1 still served
    ['1.15.0', '1.25.0', false] // Istio 1.15 uses policy/v1
  ])('PDB fix for Istio %s on Kubernetes %s: %p', (istio, kube, wanted) => {
    const c = checkCompatibility(istio, kube);
    if (wanted) {
      expect(c.fixes).toEqual([
        { key: PDB_KEY, value: 'false', why: expect.stringContaining('policy/v1beta1') }
      ]);
    } else {
      expect(c.fixes).toEqual([]);
    }
  });

  // Istio 1.14.0's charts (istio-discovery, istio-ingress, istio-egress poddisruptionbudget.yaml) pick
  // policy/v1 when `semverCompare ">=1.21-0" .Capabilities.KubeVersion.GitVersion`; 1.13.x hard-codes v1beta1.
  it.each(['1.14.0', '1.14.6'])('[R3-8] needs no PDB fix for Istio %s on Kubernetes 1.25+', (istio) => {
    for (const kube of ['1.25.0', '1.26.3']) expect(checkCompatibility(istio, kube).fixes).toEqual([]);
  });
});
