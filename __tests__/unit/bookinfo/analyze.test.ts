// The real istioctl 1.30.3 reports Istio's own destination-rule-all.yaml as Error IST0173 (ratings subsets
// v2-mysql / v2-mysql-vm select no pods): the action suppresses exactly that finding on that object.
import { describe, expect, test } from '@jest/globals';
import { analyzeArgs } from '../../../src/bookinfo/deploy.js';

describe('analyzeArgs', () => {
  test('suppresses IST0173 on the sample ratings DestinationRule only, in both name forms', () => {
    expect(analyzeArgs('pr-7')).toEqual([
      'analyze',
      '-n',
      'pr-7',
      '--suppress',
      'IST0173=DestinationRule ratings.pr-7',
      '--suppress',
      'IST0173=DestinationRule pr-7/ratings'
    ]);
  });
});
