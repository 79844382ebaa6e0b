// The one place that reads and orders versions (Istio, Kubernetes gitVersions, Gateway API bundles).
import { describe, expect, it } from '@jest/globals';
import { compareVersions, majorMinor, minorOf } from '../../src/versions.js';

describe('majorMinor and minorOf', () => {
  it.each([
    ['1.30', { major: 1, minor: 30 }, 30],
    ['v1.35.4', { major: 1, minor: 35 }, 35],
    ['1.30.3-beta.0', { major: 1, minor: 30 }, 30],
    [' v1.35.4+k3s1 ', { major: 1, minor: 35 }, 35],
    ['2.0.1', { major: 2, minor: 0 }, undefined],
    ['latest', undefined, undefined],
    ['', undefined, undefined]
  ])('%j → %j, minor %j', (v, mm, minor) => {
    expect(majorMinor(v)).toEqual(mm);
    expect(minorOf(v)).toBe(minor);
  });
});

describe('compareVersions', () => {
  it.each([
    ['v1.5.1', 'v1.5.0', 1],
    ['v1.5', 'v1.5.0', 0],
    ['v1.5.0-dev', 'v1.5.0', -1],
    ['v1.5.0-rc.2', 'v1.5.0-rc.10', -1],
    ['1.10.0', '1.9.9', 1]
  ])('%s vs %s → %d', (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });

  it('is undefined when either side is not a version', () => {
    expect(compareVersions('latest', 'v1.5.1')).toBeUndefined();
    expect(compareVersions('', '1.0.0')).toBeUndefined();
  });
});
