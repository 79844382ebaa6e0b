import { describe, expect, it } from '@jest/globals';
import { ECI_AUTO_MATCH_ANNOTATION, parseConfig, type RawInputs } from '../../../src/inputs/parse.js';
import { KUBECONFIG, problemsOf } from './fixtures.js';

const BASE: RawInputs = { kubeconfig: KUBECONFIG };

describe('input eci-image-cache', () => {
  it("defaults to auto (ECI's own matching) and adds no annotation", () => {
    const c = parseConfig(BASE);
    expect(c.eciImageCache).toBe('auto');
    expect(c.podAnnotations).toEqual({});
  });

  it('off turns ECI matching off on the pods; prepare keeps the pods as they are', () => {
    expect(parseConfig({ ...BASE, 'eci-image-cache': 'off' }).podAnnotations).toEqual({
      [ECI_AUTO_MATCH_ANNOTATION]: 'false'
    });
    const prepared = parseConfig({ ...BASE, 'eci-image-cache': 'prepare' });
    expect(prepared.eciImageCache).toBe('prepare');
    expect(prepared.podAnnotations).toEqual({});
  });

  it('a pod-annotations value of the same annotation that disagrees is one problem naming both inputs', () => {
    const err = problemsOf({
      ...BASE,
      'eci-image-cache': 'prepare',
      'pod-annotations': `${ECI_AUTO_MATCH_ANNOTATION}: "false"`
    });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.input).toBe('eci-image-cache');
    expect(err.problems[0]?.problem).toMatch(/pod-annotations sets k8s\.aliyun\.com\/eci-auto-imc: "false"/);
    // Agreeing values are fine, and a user's own value stands when the input is not given.
    expect(
      parseConfig({
        ...BASE,
        'eci-image-cache': 'off',
        'pod-annotations': `${ECI_AUTO_MATCH_ANNOTATION}: "false"`
      }).podAnnotations
    ).toEqual({ [ECI_AUTO_MATCH_ANNOTATION]: 'false' });
    expect(
      parseConfig({ ...BASE, 'pod-annotations': `${ECI_AUTO_MATCH_ANNOTATION}: "false"` }).eciImageCache
    ).toBe('auto');
  });

  it('prepare needs Bookinfo, and unknown values are refused with the valid ones', () => {
    const noBookinfo = problemsOf({ ...BASE, 'eci-image-cache': 'prepare', bookinfo: 'false' });
    expect(noBookinfo.problems.map((p) => p.input)).toEqual(['eci-image-cache']);
    const unknown = problemsOf({ ...BASE, 'eci-image-cache': 'warm' });
    expect(unknown.problems.map((p) => p.input)).toEqual(['eci-image-cache']);
    expect(unknown.describe()).toMatch(/auto.*off.*prepare/s);
  });
});
