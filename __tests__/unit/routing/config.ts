// A RoutingConfig for planner tests, shaped from the variant name the way the parser shapes it.
import type { RoutingConfig } from '../../../src/inputs/config.js';

type Fields = {
  service?: string;
  mtls?: boolean;
  weights?: Array<{ subset: string; weight: number }>;
  user?: string;
  userVersion?: string;
  file?: string;
};

export function routingConfig(variant: string, over: Fields = {}): RoutingConfig {
  const base = { service: over.service ?? 'reviews', mtls: over.mtls ?? false };
  switch (variant) {
    case 'custom-weights':
      return { ...base, kind: 'weights', variant, weights: over.weights ?? [] };
    case 'custom-user':
      return {
        ...base,
        kind: 'user',
        variant,
        user: over.user ?? 'jason',
        userVersion: over.userVersion ?? 'v2',
        ...(over.weights ? { weights: over.weights } : {})
      };
    case 'file':
      return { ...base, kind: 'file', variant, file: over.file ?? '/workspace/routes.yaml' };
    default:
      return { ...base, kind: 'variant', variant };
  }
}
