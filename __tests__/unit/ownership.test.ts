import { describe, expect, it } from '@jest/globals';
import {
  CREATED_AT_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PR_ANNOTATION,
  PREVIEW_LABEL,
  REPOSITORY_ANNOTATION,
  SHA_ANNOTATION,
  ownership,
  runContextFromEnv
} from '../../src/ownership.js';

const NOW = new Date('2024-05-01T10:00:00Z');

describe('runContextFromEnv', () => {
  it('reads a pull request run', () => {
    const env = {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '9876543210',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/pull/42/merge',
      GITHUB_SERVER_URL: 'https://github.example.com'
    };
    expect(runContextFromEnv(env, NOW)).toEqual({
      repository: 'acme/shop',
      sha: 'a'.repeat(40),
      prNumber: '42',
      now: NOW
    });
  });

  it.each([
    ['refs/heads/main', undefined],
    ['refs/tags/v1.0.0', undefined],
    ['refs/heads/refs/pull/7/merge', undefined], // a branch named like a PR ref is not a PR
    ['refs/pull/7/head', '7']
  ])('PR number of %s → %p', (ref, pr) => {
    expect(runContextFromEnv({ GITHUB_REF: ref }, NOW).prNumber).toBe(pr);
  });

  it('knows nothing outside GitHub, and never the run id (it changes on every run)', () => {
    expect(runContextFromEnv({ GITHUB_RUN_ID: '1' }, NOW)).toEqual({ now: NOW });
    expect(runContextFromEnv({}, NOW)).toEqual({ now: NOW });
  });
});

describe('ownership', () => {
  it('labels and annotates with everything the run knows', () => {
    const own = ownership('pr-42', {
      repository: 'acme/shop',
      sha: 'b'.repeat(40),
      prNumber: '42',
      now: NOW
    });
    expect(own).toEqual({
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [PREVIEW_LABEL]: 'pr-42' },
      annotations: {
        [CREATED_AT_ANNOTATION]: '2024-05-01T10:00:00.000Z',
        [REPOSITORY_ANNOTATION]: 'acme/shop',
        [PR_ANNOTATION]: '42',
        [SHA_ANNOTATION]: 'b'.repeat(40)
      }
    });
  });

  it('carries only the managed-by label and created-at outside GitHub', () => {
    expect(ownership(undefined, { now: NOW })).toEqual({
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { [CREATED_AT_ANNOTATION]: '2024-05-01T10:00:00.000Z' }
    });
  });

  it('uses label values Kubernetes accepts', () => {
    // Label values: ≤63 chars, alphanumerics with - _ . inside.
    const valid = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
    for (const v of Object.values(ownership('pr-42', { now: NOW }).labels)) {
      expect(v).toMatch(valid);
      expect(v.length).toBeLessThanOrEqual(63);
    }
  });
});
