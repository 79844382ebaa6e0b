import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { checkCompatibility, parseMinor } from '../../../src/istio/compat.js';
import { compatibilityVerdict } from '../../../src/istio/preflight.js';
import {
  DATA_FILE,
  TABLE_FILE,
  renderSupportTable,
  supportFromData
} from '../../../scripts/support-table.js';

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
    expect(c.fittingIstioMinors).toEqual([13]);
    expect(c.message).toBe(
      'Istio 1.30 does not support Kubernetes 1.20: it supports Kubernetes 1.32–1.36; ' +
        'Istio 1.13 supports Kubernetes 1.20'
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
    expect(c.status).toBe('unknown');
    expect(c.message).toContain("newer than Istio's published support data");
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

describe('[R3-3] the support table is Istio’s published data', () => {
  const data = readFileSync(DATA_FILE, 'utf8');

  it('[R3-3] the generated table is exactly what the data file gives (npm run support-table)', () => {
    expect(readFileSync(TABLE_FILE, 'utf8')).toBe(renderSupportTable(data));
  });

  it('[R3-3] the data file names its source and the date it was copied', () => {
    expect(data).toMatch(/istio\/istio\.io/);
    expect(data).toMatch(/data\/compatibility\/supportStatus\.yml/);
    expect(data).toMatch(/Copied on \d{4}-\d{2}-\d{2}/);
  });

  it('[R3-3] every published Istio minor supports exactly its k8sVersions', () => {
    const rows = supportFromData(data);
    expect(rows.length).toBeGreaterThanOrEqual(18);
    for (const { istioMinor, kubeMinors } of rows) {
      const istio = `1.${istioMinor}.0`;
      for (const k of kubeMinors) expect(checkCompatibility(istio, `v1.${k}.1`).status).toBe('supported');
      const below = Math.min(...kubeMinors) - 1;
      const above = Math.max(...kubeMinors) + 1;
      expect(checkCompatibility(istio, `v1.${below}.0`).status).toBe('unsupported');
      expect(checkCompatibility(istio, `v1.${above}.0`).status).toBe('unsupported');
    }
  });

  // The rows the issue named, read from the data (not from the issue): 1.20 and 1.23 were one minor off
  // in the old hand-written table, 1.27 too; 1.28 already matched (the data says 1.30–1.34, not 1.29).
  it.each([
    ['1.20.8', 'v1.25.3', 'supported'],
    ['1.20.8', 'v1.29.0', 'supported'],
    ['1.20.8', 'v1.30.0', 'unsupported'],
    ['1.23.6', 'v1.27.2', 'supported'],
    ['1.23.6', 'v1.31.0', 'unsupported'],
    ['1.27.3', 'v1.29.5', 'supported'],
    ['1.28.10', 'v1.29.9', 'unsupported'],
    ['1.28.10', 'v1.34.1', 'supported'],
    ['1.13.9', 'v1.20.2', 'supported']
  ])('[R3-3] Istio %s on Kubernetes %s is %s', (istio, kube, status) => {
    expect(checkCompatibility(istio, kube).status).toBe(status);
  });

  it.each([
    ['1.31.0', 'newer'],
    ['1.99.2', 'newer'],
    ['1.11.8', 'older'],
    ['1.10.0', 'older']
  ])('[R3-3] Istio %s, %s than the data, is unknown: allowed, with a warning', (istio, side) => {
    const c = checkCompatibility(istio, 'v1.20.2');
    expect(c.status).toBe('unknown');
    expect(c.supported).toBe(true);
    expect(c.range).toBeUndefined();
    expect(c.message).toContain(`${side} than Istio's published support data`);
  });

  it('[R3-3] an unknown pair warns and never refuses, even with compatibility-check: fail', () => {
    const c = checkCompatibility('1.31.0', 'v1.20.2');
    for (const mode of ['fail', 'warn'] as const) {
      const v = compatibilityVerdict(c, mode);
      expect(v.refuse).toBeUndefined();
      expect(v.warning).toMatch(/^Istio 1\.31 is newer than Istio's published support data/);
    }
    const bad = compatibilityVerdict(checkCompatibility('1.30.3', 'v1.20.2'), 'fail');
    expect(bad.refuse?.message).toMatch(/^Istio 1\.30 does not support Kubernetes 1\.20/);
    expect(bad.refuse?.hint).toBe('set istio-version to 1.13, or compatibility-check: warn to try anyway');
  });
});
