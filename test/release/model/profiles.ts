// Installation profiles (manifests/profiles/*.yaml) as IstioOperator specs. 1.13 writes the demo
// settings inline; from 1.2x demo.yaml only enables the egress gateway and sets values.profile,
// the rest coming from the default profile — both resolve to the same effective settings.
import type { ReleaseModel } from './version.js';

export type Spec = Record<string, unknown>;

export const PROFILE_NAMES = ['default', 'demo', 'minimal', 'empty'] as const;

const DEMO_REQUESTS = { requests: { cpu: '10m', memory: '40Mi' } };
const DEMO_INGRESS_PORTS = [
  { port: 15021, targetPort: 15021, name: 'status-port' },
  { port: 80, targetPort: 8080, name: 'http2' },
  { port: 443, targetPort: 8443, name: 'https' },
  { port: 31400, targetPort: 31400, name: 'tcp' },
  { port: 15443, targetPort: 15443, name: 'tls' }
];

function defaultSpec(m: ReleaseModel): Spec {
  return {
    hub: m.hub,
    tag: m.version,
    components: {
      base: { enabled: true },
      pilot: { enabled: true },
      cni: { enabled: false },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }],
      egressGateways: [{ name: 'istio-egressgateway', enabled: false }]
    },
    values: { global: { defaultPodDisruptionBudget: { enabled: true }, istioNamespace: 'istio-system' } }
  };
}

function demoSpec(m: ReleaseModel): Spec {
  if (m.minor >= 20) {
    return {
      components: { egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
      values: { profile: 'demo' }
    };
  }
  return {
    meshConfig: {
      accessLogFile: '/dev/stdout',
      extensionProviders: [
        {
          name: 'otel',
          envoyOtelAls: { service: 'otel-collector.istio-system.svc.cluster.local', port: 4317 }
        }
      ]
    },
    components: {
      egressGateways: [{ name: 'istio-egressgateway', enabled: true, k8s: { resources: DEMO_REQUESTS } }],
      ingressGateways: [
        {
          name: 'istio-ingressgateway',
          enabled: true,
          k8s: { resources: DEMO_REQUESTS, service: { ports: DEMO_INGRESS_PORTS } }
        }
      ],
      pilot: {
        k8s: {
          env: [{ name: 'PILOT_TRACE_SAMPLING', value: '100' }],
          resources: { requests: { cpu: '10m', memory: '100Mi' } }
        }
      }
    },
    values: {
      global: { proxy: { resources: DEMO_REQUESTS } },
      pilot: { autoscaleEnabled: false },
      gateways: {
        'istio-egressgateway': { autoscaleEnabled: false },
        'istio-ingressgateway': { autoscaleEnabled: false }
      }
    }
  };
}

/** The spec a profile file holds (what `-f`/`--set profile=` layers on top of the default profile). */
export function profileSpec(m: ReleaseModel, name: string): Spec | undefined {
  switch (name) {
    case 'default':
      return defaultSpec(m);
    case 'demo':
      return demoSpec(m);
    case 'minimal':
      return { components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] } };
    case 'empty':
      return {
        components: {
          base: { enabled: false },
          pilot: { enabled: false },
          ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }]
        }
      };
    default:
      return undefined;
  }
}

/** manifests/profiles/<name>.yaml as shipped in the release archive. */
export function profileDocument(m: ReleaseModel, name: string): Spec {
  return { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: profileSpec(m, name) ?? {} };
}
