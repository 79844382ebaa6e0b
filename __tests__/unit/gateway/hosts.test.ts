// Two previews on one ingress: a Gateway in another namespace that selects the same ingress pods, on the
// same port, claiming the same host takes the traffic (Istio gives a conflict to the older Gateway).
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/objects.js';
import { claimOf, claimsSameHost, findSharedHosts, sharedHostsVerdict } from '../../../src/gateway/hosts.js';

function gateway(
  namespace: string,
  hosts: string[],
  opts: { name?: string; selector?: Record<string, string>; port?: number; created?: string } = {}
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: {
      name: opts.name ?? 'bookinfo-gateway',
      namespace,
      ...(opts.created ? { creationTimestamp: opts.created } : {})
    },
    spec: {
      selector: opts.selector ?? { istio: 'ingressgateway' },
      servers: [{ port: { number: opts.port ?? 8080, name: 'http', protocol: 'HTTP' }, hosts }]
    }
  };
}

describe('[R3-11] claimsSameHost', () => {
  it.each([
    ['*', '*', true],
    ['pr-1.preview.example.com', 'PR-1.preview.example.com', true],
    ['*.preview.example.com', '*.preview.example.com', true],
    ['./pr-1.example.com', 'bookinfo/pr-1.example.com', true], // namespace/host form of Gateway hosts
    // Envoy prefers the more specific domain, so these do not take each other's traffic:
    ['*', 'pr-1.preview.example.com', false],
    ['*.preview.example.com', 'pr-1.preview.example.com', false],
    ['pr-1.preview.example.com', 'pr-2.preview.example.com', false]
  ])('[R3-11] %s vs %s → %p', (a, b, expected) => {
    expect(claimsSameHost(a, b)).toBe(expected);
    expect(claimsSameHost(b, a)).toBe(expected);
  });
});

describe('[R3-11] findSharedHosts', () => {
  const own = claimOf(gateway('bookinfo-pr-2', ['*']));

  it('[R3-11] the default hosts * of two previews collide on the same ingress and port', () => {
    const other = gateway('bookinfo-pr-1', ['*'], { created: '2026-11-30T10:00:00Z' });
    expect(findSharedHosts(own, [claimOf(other)])).toEqual([
      {
        namespace: 'bookinfo-pr-1',
        name: 'bookinfo-gateway',
        port: 8080,
        hosts: [['*', '*']],
        createdAt: '2026-11-30T10:00:00Z'
      }
    ]);
  });

  it('[R3-11] distinct hosts, another ingress, another port, or this namespace do not collide', () => {
    const others = [
      gateway('bookinfo-pr-1', ['pr-1.preview.example.com']),
      gateway('east', ['*'], { selector: { istio: 'eastwestgateway' } }),
      gateway('tls', ['*'], { port: 8443 }),
      gateway('bookinfo-pr-2', ['*'], { name: 'second' })
    ].map(claimOf);
    expect(findSharedHosts(claimOf(gateway('bookinfo-pr-2', ['pr-2.preview.example.com'])), others)).toEqual(
      []
    );
    expect(findSharedHosts(own, others.slice(1))).toEqual([]);
  });

  it('[R3-11] a compatible selector (same pods) and Gateway port 80 (the Service port of 8080) collide', () => {
    const old = gateway('legacy', ['*'], { selector: { app: 'istio-ingressgateway' }, port: 80 });
    expect(findSharedHosts(own, [claimOf(old)])).toHaveLength(1);
  });
});

describe('[R3-11] sharedHostsVerdict', () => {
  const conflicts = findSharedHosts(claimOf(gateway('bookinfo-pr-2', ['*'])), [
    claimOf(gateway('bookinfo-pr-1', ['*'], { created: '2026-11-30T10:00:00Z' }))
  ]);

  it('[R3-11] without preview-id: a warning naming the other Gateway and what to do', () => {
    const v = sharedHostsVerdict(conflicts, { namespace: 'bookinfo-pr-2', allowShared: false });
    expect(v.refuse).toBeUndefined();
    expect(v.warning).toBe(
      'Gateway bookinfo-pr-1/bookinfo-gateway (created 2026-11-30T10:00:00Z) already claims host * on port 8080 of the same ingress gateway; ' +
        'Istio sends such shared hosts to the older Gateway, so requests through the ingress may reach namespace bookinfo-pr-1 instead of bookinfo-pr-2. ' +
        'Give each deployment its own gateway-hosts (e.g. pr-{id}.preview.example.com).'
    );
  });

  it('[R3-11] with preview-id: refused before anything is applied, unless allow-shared-hosts', () => {
    const v = sharedHostsVerdict(conflicts, {
      namespace: 'bookinfo-pr-2',
      previewId: '2',
      allowShared: false
    });
    expect(v.refuse?.message).toMatch(/^Gateway bookinfo-pr-1\/bookinfo-gateway .* already claims host \*/);
    expect(v.refuse?.hint).toBe(
      'give this preview its own host (gateway-hosts: pr-{id}.preview.example.com), or set allow-shared-hosts: true to share the ingress knowingly'
    );
    const allowed = sharedHostsVerdict(conflicts, {
      namespace: 'bookinfo-pr-2',
      previewId: '2',
      allowShared: true
    });
    expect(allowed.refuse).toBeUndefined();
    expect(allowed.warning).toMatch(/already claims host \*/);
  });

  it('[R3-11] nothing to say without conflicts', () => {
    expect(sharedHostsVerdict([], { namespace: 'n', previewId: '2', allowShared: false })).toEqual({});
  });
});
