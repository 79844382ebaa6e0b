import { describe, expect, test } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/objects.js';
import {
  containerReadySummary,
  deploymentProgress,
  deploymentReady,
  podFailure,
  podReadySummary
} from '../../../src/kube/readiness.js';

function deployment(generation: number, spec: object, status: object): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-v2', namespace: 'bookinfo', generation },
    spec,
    status
  };
}

describe('deploymentReady', () => {
  test.each([
    [
      'rolled out',
      deployment(
        2,
        { replicas: 2 },
        { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 }
      ),
      true
    ],
    [
      'replicas defaults to 1',
      deployment(1, {}, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }),
      true
    ],
    [
      'controller has not seen the new spec',
      deployment(
        3,
        { replicas: 1 },
        { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }
      ),
      false
    ],
    [
      'rollout in progress (old replica still there)',
      deployment(
        2,
        { replicas: 1 },
        { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 1 }
      ),
      false
    ],
    [
      'not yet available',
      deployment(
        1,
        { replicas: 1 },
        { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 }
      ),
      false
    ],
    ['no status at all', deployment(1, { replicas: 1 }, {}), false],
    ['scaled to zero', deployment(1, { replicas: 0 }, { observedGeneration: 1 }), true]
  ])('%s', (_name, d, ready) => {
    expect(deploymentReady(d)).toBe(ready);
  });

  test('progress text', () => {
    expect(
      deploymentProgress(
        deployment(
          1,
          { replicas: 2 },
          { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }
        )
      )
    ).toBe('reviews-v2: 1/2 available, 2/2 updated');
    expect(deploymentProgress(deployment(2, { replicas: 1 }, { observedGeneration: 1 }))).toBe(
      'reviews-v2: waiting for the controller to see the new spec'
    );
    const failing = deployment(
      1,
      { replicas: 1 },
      {
        observedGeneration: 1,
        replicas: 0,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: 'pods "reviews-v2-x" is forbidden: PodSecurityPolicy: unable to admit pod'
          }
        ]
      }
    );
    expect(deploymentProgress(failing)).toBe(
      'reviews-v2: 0/1 available, 0/1 updated (FailedCreate: pods "reviews-v2-x" is forbidden: PodSecurityPolicy: unable to admit pod)'
    );
  });
});

function pod(name: string, status: object, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'bookinfo', ...extra },
    spec: { containers: [{ name: 'reviews' }, { name: 'istio-proxy' }] },
    status
  };
}

const ready = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [
    { name: 'reviews', ready: true },
    { name: 'istio-proxy', ready: true }
  ]
};
const notReady = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [
    { name: 'reviews', ready: true },
    { name: 'istio-proxy', ready: false }
  ]
};

describe('pod summaries', () => {
  test('ready pods over live pods; terminating pods do not count', () => {
    expect(
      podReadySummary([
        pod('a', ready),
        pod('b', notReady),
        pod('c', ready, { deletionTimestamp: '2024-01-01T00:00:00Z' })
      ])
    ).toBe('1/2');
    expect(podReadySummary([])).toBe('0/0');
  });

  test('containers ready, like kubectl', () => {
    expect(containerReadySummary(pod('a', ready))).toBe('2/2');
    expect(containerReadySummary(pod('b', notReady))).toBe('1/2');
    expect(containerReadySummary(pod('c', { phase: 'Pending' }))).toBe('0/2');
  });

  test('a native sidecar (init container with restartPolicy Always, Istio 1.30 on Kubernetes 1.35) counts', () => {
    const native: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      spec: {
        initContainers: [{ name: 'istio-init' }, { name: 'istio-proxy', restartPolicy: 'Always' }],
        containers: [{ name: 'ratings' }]
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          { name: 'istio-init', ready: true },
          { name: 'istio-proxy', ready: true }
        ],
        containerStatuses: [{ name: 'ratings', ready: false }]
      }
    };
    expect(containerReadySummary(native)).toBe('1/2');
  });
});

describe('podFailure', () => {
  test.each([
    ['healthy', ready, undefined],
    [
      'just starting',
      {
        phase: 'Pending',
        containerStatuses: [{ name: 'reviews', state: { waiting: { reason: 'ContainerCreating' } } }]
      },
      undefined
    ],
    [
      'crash loop',
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'reviews',
            ready: false,
            restartCount: 4,
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' }
            },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } }
          }
        ]
      },
      'pod p: container reviews is crash-looping (CrashLoopBackOff, 4 restarts, last exit code 1 (Error))'
    ],
    [
      'image pull',
      {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'reviews',
            image: 'docker.io/istio/reviews:nope',
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: 'Back-off pulling image "docker.io/istio/reviews:nope"'
              }
            }
          }
        ]
      },
      'pod p: container reviews cannot pull image docker.io/istio/reviews:nope (ImagePullBackOff): Back-off pulling image "docker.io/istio/reviews:nope"'
    ],
    [
      'err image pull',
      {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'reviews',
            image: 'x:1',
            state: { waiting: { reason: 'ErrImagePull', message: 'not found' } }
          }
        ]
      },
      'pod p: container reviews cannot pull image x:1 (ErrImagePull): not found'
    ],
    [
      'unschedulable',
      {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/1 nodes are available: 1 Insufficient cpu.'
          }
        ]
      },
      'pod p cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.'
    ],
    [
      'init container crash-looping',
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'istio-init',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, message: 'iptables: Permission denied' } }
          }
        ]
      },
      'pod p: init container istio-init is crash-looping (CrashLoopBackOff, 2 restarts, last exit code 1: iptables: Permission denied)'
    ],
    [
      'init container failing repeatedly (between back-offs)',
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'istio-init',
            ready: false,
            restartCount: 3,
            state: { terminated: { exitCode: 2, reason: 'Error' } }
          }
        ]
      },
      'pod p: init container istio-init keeps failing (3 restarts, last exit code 2 (Error))'
    ],
    [
      'config error',
      {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'reviews',
            state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "x" not found' } }
          }
        ]
      },
      'pod p: container reviews cannot start (CreateContainerConfigError): secret "x" not found'
    ],
    [
      'failed pod',
      { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
      'pod p failed (Evicted): The node was low on resource: memory.'
    ]
  ])('%s', (_name, status, expected) => {
    expect(podFailure(pod('p', status))).toBe(expected);
  });
});
