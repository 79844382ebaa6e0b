// THE routing variant table. Each variant is data: which manifests it applies (Bookinfo sample files
// from the installed release, or a generator), whether it needs the subsets of the destination rules,
// and what a visitor should see. Planning, input validation ("did you mean"), verification and the
// README table all read this one table.

import { mirrorVirtualService, weightedVirtualService } from './generate.js';
import { mirrorHttpRoute, userHttpRoute, weightedHttpRoute } from './httproute.js';
import type { Expectation, KubeObject } from './types.js';
import { editDistance } from '../inputs/suggest.js';

export interface GenerateContext {
  /** networking.istio.io apiVersion the installed Istio serves (v1alpha3 before 1.22, else v1). */
  apiVersion: string;
}

export interface Variant {
  name: string;
  description: string;
  /** Sample files, relative to `samples/bookinfo/networking`, applied in order. */
  files: string[];
  /** Objects no sample ships; applied after `files`. */
  generate?: (ctx: GenerateContext) => KubeObject[];
  /** The variant routes to subsets, so destination-rule-all(-mtls).yaml must be applied first. */
  needsDestinationRules: boolean;
  /** The same routing with `ingress: gateway-api`: HTTPRoutes on the Services (Istio's mesh form). */
  gatewayApi: GatewayApiForm;
  expect: Expectation;
}

/**
 * A variant's Gateway API form: sample files relative to `samples/bookinfo/gateway-api` (they route to the
 * per-version Services of `platform/kube/bookinfo-versions.yaml`), generated HTTPRoutes, or why there is
 * none (refused as an input error before anything changes).
 */
export type GatewayApiForm =
  { files: string[]; generate?: () => KubeObject[] } | { unsupported: string; alternative: string };

const FAULT_UNSUPPORTED = {
  unsupported:
    'fault injection (delay/abort) has no form in the Gateway API standard channel (HTTPRoute has no fault filter)',
  alternative: 'ingress: istio-gateway (VirtualService faults), or a routing variant without faults'
};

/** The user the Bookinfo samples single out (header `end-user` exact `jason`). */
export const SAMPLE_USER = 'jason';

/** Round robin over the three reviews Deployments when nothing routes reviews. */
const ROUND_ROBIN = { v1: 100 / 3, v2: 100 / 3, v3: 100 / 3 };

export const VARIANTS: readonly Variant[] = [
  {
    name: 'none',
    description: 'No VirtualService: reviews is load-balanced over v1, v2 and v3',
    files: [],
    needsDestinationRules: false,
    gatewayApi: { files: [] },
    expect: { anonymous: ROUND_ROBIN }
  },
  {
    name: 'all-v1',
    description: 'Every service to its v1 (reviews without stars)',
    files: ['virtual-service-all-v1.yaml'],
    needsDestinationRules: true,
    gatewayApi: { files: ['route-all-v1.yaml'] },
    expect: { anonymous: { v1: 100 } }
  },
  {
    name: 'reviews-v2',
    description: 'All reviews traffic to v2 (black stars)',
    files: [],
    generate: ({ apiVersion }) => [
      weightedVirtualService(apiVersion, 'reviews', [{ subset: 'v2', weight: 100 }])
    ],
    needsDestinationRules: true,
    gatewayApi: {
      files: [],
      generate: () => [weightedHttpRoute('reviews', [{ subset: 'v2', weight: 100 }])]
    },
    expect: { anonymous: { v2: 100 } }
  },
  {
    name: 'reviews-v3',
    description: 'All reviews traffic to v3 (red stars)',
    files: ['virtual-service-reviews-v3.yaml'],
    needsDestinationRules: true,
    gatewayApi: { files: ['route-reviews-v3.yaml'] },
    expect: { anonymous: { v3: 100 } }
  },
  {
    name: 'reviews-test-v2',
    description: `User ${SAMPLE_USER} to reviews v2, everyone else to v1`,
    files: ['virtual-service-reviews-test-v2.yaml'],
    needsDestinationRules: true,
    gatewayApi: {
      files: [],
      generate: () => [userHttpRoute('reviews', SAMPLE_USER, 'v2', [{ subset: 'v1', weight: 100 }])]
    },
    expect: { anonymous: { v1: 100 }, users: { [SAMPLE_USER]: { v2: 100 } } }
  },
  {
    name: 'reviews-jason-v2-v3',
    description: `User ${SAMPLE_USER} to reviews v2, everyone else to v3`,
    files: ['virtual-service-reviews-jason-v2-v3.yaml'],
    needsDestinationRules: true,
    gatewayApi: {
      files: [],
      generate: () => [userHttpRoute('reviews', SAMPLE_USER, 'v2', [{ subset: 'v3', weight: 100 }])]
    },
    expect: { anonymous: { v3: 100 }, users: { [SAMPLE_USER]: { v2: 100 } } }
  },
  {
    name: 'reviews-50-v3',
    description: 'Reviews split 50 % v1 / 50 % v3',
    files: ['virtual-service-reviews-50-v3.yaml'],
    needsDestinationRules: true,
    gatewayApi: { files: ['route-reviews-50-v3.yaml'] },
    expect: { anonymous: { v1: 50, v3: 50 } }
  },
  {
    name: 'reviews-80-20',
    description: 'Reviews split 80 % v1 / 20 % v2',
    files: ['virtual-service-reviews-80-20.yaml'],
    needsDestinationRules: true,
    gatewayApi: {
      files: [],
      generate: () => [
        weightedHttpRoute('reviews', [
          { subset: 'v1', weight: 80 },
          { subset: 'v2', weight: 20 }
        ])
      ]
    },
    expect: { anonymous: { v1: 80, v2: 20 } }
  },
  {
    name: 'reviews-90-10',
    description: 'Reviews split 90 % v1 / 10 % v2',
    files: ['virtual-service-reviews-90-10.yaml'],
    needsDestinationRules: true,
    gatewayApi: { files: ['route-reviews-90-10.yaml'] },
    expect: { anonymous: { v1: 90, v2: 10 } }
  },
  {
    name: 'reviews-v2-v3',
    description: 'Reviews split 50 % v2 / 50 % v3',
    files: ['virtual-service-reviews-v2-v3.yaml'],
    needsDestinationRules: true,
    gatewayApi: {
      files: [],
      generate: () => [
        weightedHttpRoute('reviews', [
          { subset: 'v2', weight: 50 },
          { subset: 'v3', weight: 50 }
        ])
      ]
    },
    expect: { anonymous: { v2: 50, v3: 50 } }
  },
  {
    // Istio's fault-injection task: jason reaches reviews v2 (10 s ratings timeout) but productpage
    // gives up on reviews after 3 s and one retry, so jason sees the reviews error after about 6 s.
    name: 'ratings-test-delay',
    description: `User ${SAMPLE_USER} to reviews v2 and a 7 s delay on ratings; everyone else to v1`,
    files: ['virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-delay.yaml'],
    needsDestinationRules: true,
    gatewayApi: FAULT_UNSUPPORTED,
    expect: {
      anonymous: { v1: 100 },
      users: { [SAMPLE_USER]: { 'reviews-unavailable': 100 } },
      ratingsFault: { fault: 'delay7s', users: [SAMPLE_USER] }
    }
  },
  {
    name: 'ratings-test-abort',
    description: `User ${SAMPLE_USER} to reviews v2 and HTTP 500 from ratings; everyone else to v1`,
    files: ['virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-abort.yaml'],
    needsDestinationRules: true,
    gatewayApi: FAULT_UNSUPPORTED,
    expect: {
      anonymous: { v1: 100 },
      users: { [SAMPLE_USER]: { 'ratings-unavailable': 100 } },
      ratingsFault: { fault: 'abort', users: [SAMPLE_USER] }
    }
  },
  {
    // No Bookinfo release ships a mirroring sample, so it is generated. Mirrored requests' answers
    // are dropped by the proxy: visitors only ever see v1.
    name: 'mirror',
    description: 'All reviews traffic to v1, with a copy of every request mirrored to v2',
    files: [],
    generate: ({ apiVersion }) => [mirrorVirtualService(apiVersion, 'reviews', 'v1', 'v2')],
    needsDestinationRules: true,
    gatewayApi: { files: [], generate: () => [mirrorHttpRoute('reviews', 'v1', 'v2')] },
    expect: { anonymous: { v1: 100 } }
  }
];

/** Variants built from other inputs rather than the table (values of RoutingConfig.variant). */
export const CUSTOM_VARIANTS = {
  weights: 'custom-weights',
  user: 'custom-user',
  file: 'file'
} as const;

export function variantNames(): string[] {
  return VARIANTS.map((v) => v.name);
}

export function findVariant(name: string): Variant | undefined {
  return VARIANTS.find((v) => v.name === name);
}

/**
 * The variant the user most likely meant, or undefined when nothing is close. Case and spaces are
 * forgiven; a unique variant containing the input ("80-20" → "reviews-80-20") wins; otherwise the
 * nearest name within an edit distance of about a third of its length.
 */
export function suggestVariant(name: string): string | undefined {
  const wanted = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (!wanted) return undefined;
  const names = variantNames();
  if (names.includes(wanted)) return wanted;
  const containing = names.filter((n) => n.includes(wanted));
  if (containing.length === 1) return containing[0];
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(wanted, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(2, Math.floor(best.name.length / 3));
  return best.distance <= allowed ? best.name : undefined;
}
