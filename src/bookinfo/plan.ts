// Bookinfo and its gateway as objects to apply (pure): the release's own sample manifests, put into the
// target namespace and labelled as ours. Nothing here talks to the cluster.
import type { KubeObject } from '../kube/objects.js';
import { parseManifests } from '../kube/objects.js';
import { COMPONENT_LABEL, CREATED_AT_ANNOTATION, type Ownership } from '../ownership.js';

export const BOOKINFO_FILE = 'samples/bookinfo/platform/kube/bookinfo.yaml';
export const GATEWAY_FILE = 'samples/bookinfo/networking/bookinfo-gateway.yaml';
/** `ingress: gateway-api`: the release's Kubernetes Gateway + HTTPRoute for productpage. */
export const GATEWAY_API_FILE = 'samples/bookinfo/gateway-api/bookinfo-gateway.yaml';
export const GATEWAY_COMPONENT = 'gateway';

export interface NamespacePlanInput {
  name: string;
  revision?: string;
  /** Ambient mode: ztunnel captures the namespace's traffic instead of injected sidecars. */
  ambient?: boolean;
  ownership: Ownership;
  /** created-at of the live namespace, kept so a re-run changes nothing. */
  existingCreatedAt?: string;
}

export function planNamespace(input: NamespacePlanInput): KubeObject {
  const injection: Record<string, string> = input.ambient
    ? { 'istio.io/dataplane-mode': 'ambient' }
    : input.revision
      ? { 'istio.io/rev': input.revision }
      : { 'istio-injection': 'enabled' };
  const annotations = { ...input.ownership.annotations };
  if (input.existingCreatedAt) annotations[CREATED_AT_ANNOTATION] = input.existingCreatedAt;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: input.name, labels: { ...input.ownership.labels, ...injection }, annotations }
  };
}

function label(
  obj: KubeObject,
  namespace: string,
  labels: Record<string, string>,
  component: string
): KubeObject {
  const copy = structuredClone(obj);
  copy.metadata.namespace = namespace;
  copy.metadata.labels = { ...(copy.metadata.labels ?? {}), ...labels, [COMPONENT_LABEL]: component };
  return copy;
}

export function planBookinfo(
  manifest: string,
  opts: { namespace: string; ownership: Ownership; podAnnotations: Record<string, string> }
): KubeObject[] {
  const objects = parseManifests(manifest).map((o) =>
    label(o, opts.namespace, opts.ownership.labels, 'bookinfo')
  );
  if (Object.keys(opts.podAnnotations).length) {
    for (const o of objects) {
      if (o.kind !== 'Deployment') continue;
      const spec = o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } };
      if (!spec.template) continue;
      spec.template.metadata ??= {};
      spec.template.metadata.annotations = {
        ...(spec.template.metadata.annotations ?? {}),
        ...opts.podAnnotations
      };
    }
  }
  return objects;
}

/** Bookinfo's Gateway + VirtualService with the preview's hosts (so previews never collide on `*`). */
export function planGateway(
  manifest: string,
  opts: { namespace: string; ownership: Ownership; hosts: string[] }
): KubeObject[] {
  return parseManifests(manifest).map((o) => {
    const obj = label(o, opts.namespace, opts.ownership.labels, 'gateway');
    const spec = obj.spec as { servers?: Array<{ hosts?: string[] }>; hosts?: string[] } | undefined;
    if (obj.kind === 'Gateway') for (const s of spec?.servers ?? []) s.hosts = [...opts.hosts];
    if (obj.kind === 'VirtualService' && spec) spec.hosts = [...opts.hosts];
    return obj;
  });
}

/**
 * Bookinfo's Kubernetes Gateway + HTTPRoute (`ingress: gateway-api`). istiod's gateway controller makes a
 * Deployment and a LoadBalancer Service (`<gateway>-istio`) for the Gateway; `spec.infrastructure.annotations`
 * are copied onto them, which is how the SLB annotations (`ingress-annotations`) reach the cloud. Hosts other
 * than `*` become the HTTPRoute's `hostnames` (the Gateway is the namespace's own, so no host is shared).
 */
export function planGatewayApi(
  manifest: string,
  opts: {
    namespace: string;
    ownership: Ownership;
    hosts: string[];
    serviceAnnotations: Record<string, string>;
  }
): KubeObject[] {
  const hostnames = opts.hosts.includes('*') ? [] : opts.hosts;
  return parseManifests(manifest).map((o) => {
    const obj = label(o, opts.namespace, opts.ownership.labels, GATEWAY_COMPONENT);
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    if (obj.kind === 'Gateway' && Object.keys(opts.serviceAnnotations).length > 0) {
      const infra = (spec.infrastructure ?? {}) as { annotations?: Record<string, string> };
      spec.infrastructure = {
        ...infra,
        annotations: { ...(infra.annotations ?? {}), ...opts.serviceAnnotations }
      };
    }
    if (obj.kind === 'HTTPRoute' && hostnames.length > 0) spec.hostnames = [...hostnames];
    obj.spec = spec;
    return obj;
  });
}

/** Names of the Deployments in a Bookinfo plan (to wait for). */
export function deploymentNames(objects: KubeObject[]): string[] {
  return objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
}
