import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/objects.js';
import { selectExpired } from '../../../src/lifecycle/previews.js';
import { CREATED_AT_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL } from '../../../src/ownership.js';

const NOW = Date.parse('2024-05-04T12:00:00Z');
const HOUR = 3600_000;
const DAY3 = 72 * HOUR;

function ns(
  name: string,
  opts: { managed?: boolean; createdAt?: string; creationTimestamp?: string } = {}
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels:
        opts.managed === false ? { 'kubernetes.io/metadata.name': name } : { [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: opts.createdAt ? { [CREATED_AT_ANNOTATION]: opts.createdAt } : undefined,
      creationTimestamp: opts.creationTimestamp
    }
  };
}

const iso = (msBeforeNow: number) => new Date(NOW - msBeforeNow).toISOString();

describe('selectExpired', () => {
  it.each([
    ['old preview', ns('bookinfo-pr-1', { createdAt: iso(DAY3 + HOUR) }), true],
    ['young preview', ns('bookinfo-pr-2', { createdAt: iso(DAY3 - HOUR) }), false],
    ['exactly at the limit', ns('bookinfo-pr-3', { createdAt: iso(DAY3) }), false],
    ['unlabelled old namespace', ns('team-a', { managed: false, createdAt: iso(DAY3 * 10) }), false],
    ['old namespace without any timestamp', ns('bookinfo-pr-4'), false],
    ['unreadable created-at', ns('bookinfo-pr-5', { createdAt: 'yesterday' }), false],
    [
      'old creationTimestamp when the annotation is missing',
      ns('bookinfo-pr-6', { creationTimestamp: iso(DAY3 * 2) }),
      true
    ],
    // The annotation survives a re-create by a later run; it wins over the API's timestamp.
    [
      'young annotation on an old object',
      ns('bookinfo-pr-7', { createdAt: iso(HOUR), creationTimestamp: iso(DAY3 * 2) }),
      false
    ]
  ])('%s → %p', (_why, namespace, expired) => {
    expect(selectExpired([namespace], DAY3, NOW)).toEqual(expired ? [namespace] : []);
  });

  it.each(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system'])(
    'never selects %s, even when labelled as ours and old',
    (name) => {
      expect(selectExpired([ns(name, { createdAt: iso(DAY3 * 100) })], DAY3, NOW)).toEqual([]);
    }
  );

  it('keeps the input order and only the expired ones', () => {
    const list = [
      ns('a', { createdAt: iso(5 * HOUR) }),
      ns('b', { createdAt: iso(1 * HOUR) }),
      ns('c', { createdAt: iso(3 * HOUR) })
    ];
    expect(selectExpired(list, 2 * HOUR, NOW).map((n) => n.metadata.name)).toEqual(['a', 'c']);
    expect(selectExpired(list, 0, NOW)).toHaveLength(3);
  });
});
