// A run configuration holding credentials, and the report a successful deploy leaves, shared by the
// summary and outputs tests.
import type { Config } from '../../../src/inputs/config.js';
import { newReport, type RunReport } from '../../../src/report/model.js';

export const SECRET_KEY = 'LTAI5tSecretAccessKeySecret0123456789';
export const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLXBheWxvYWQ.c2lnbmF0dXJl';

/** A report as a successful deploy leaves it: every section filled in. */
export function fullReport(): RunReport {
  const r = newReport('deploy', false);
  r.cluster = {
    server: 'https://192.0.2.10:6443',
    kubeVersion: 'v1.20.2',
    serverless: true,
    source: 'access-key'
  };
  r.istio = {
    version: '1.13.3',
    istioctlPath: '/opt/hostedtoolcache/istioctl/1.13.3/x64/istioctl',
    cacheHit: true,
    action: 'install',
    reason: 'Istio is not installed'
  };
  r.compatibility = 'Istio 1.13 supports Kubernetes 1.20 (supported range 1.20–1.23)';
  r.namespace = 'bookinfo-pr-42';
  r.components = [
    {
      namespace: 'istio-system',
      name: 'istiod',
      ready: 1,
      desired: 1,
      image: 'docker.io/istio/pilot:1.13.3'
    },
    {
      namespace: 'bookinfo-pr-42',
      name: 'reviews-v2',
      ready: 0,
      desired: 1,
      image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.16.2'
    }
  ];
  r.gateway = {
    host: '192.0.2.7',
    port: 80,
    securePort: 443,
    via: 'loadbalancer',
    url: 'http://192.0.2.7',
    hostHeader: 'pr-42.example.com'
  };
  r.routing = {
    variant: 'reviews-80-20',
    description: '80 % of traffic to reviews v1, 20 % to v2',
    expectation: { anonymous: { v1: 80, v2: 20 } },
    applied: ['VirtualService/reviews'],
    deleted: []
  };
  r.analyze = ['Info [IST0118] (Service bookinfo-pr-42/details) Port name http-a|b'];
  const measured = {
    requests: 100,
    method: 'exact' as const,
    latency: { p50: 12, p95: 40 },
    errors: []
  };
  r.verification = {
    pass: false,
    alpha: 0.001,
    identities: [
      {
        identity: 'anonymous',
        expected: { v1: 80, v2: 20 },
        observed: { v1: 83, v2: 17 },
        pValue: 0.4587,
        pass: true,
        ...measured
      },
      {
        identity: 'jason',
        expected: { v2: 100 },
        observed: { v1: 10, v2: 90 },
        pValue: 0,
        pass: false,
        ...measured
      }
    ]
  };
  r.smoke = 'passed';
  r.smokeStatus = 'ok (p50 12 ms, p95 40 ms, 1 attempt(s))';
  r.warnings = ['istio-system runs Istio 1.14.0, newer than 1.13.3'];
  r.plan = ['install Istio 1.13.3'];
  r.steps.steps.push(
    { name: 'Install Istio', status: 'ok', durationMs: 61_234 },
    { name: 'Verify', status: 'failed', durationMs: 950 }
  );
  return r;
}

export function config(): Config {
  return {
    auth: {
      kind: 'access-key',
      accessKeyId: 'LTAI5tExampleId',
      accessKeySecret: SECRET_KEY,
      securityToken: TOKEN,
      regionId: 'cn-hangzhou',
      clusterId: 'c0123456789abcdef',
      privateEndpoint: false,
      kubeconfigTtlMinutes: 60
    },
    istio: {
      versionSpec: '1.13.3',
      downloadUrl: 'https://example.invalid/istio',
      profile: 'demo',
      set: [],
      install: 'auto',
      compatibilityCheck: 'fail',
      cni: 'auto',
      dataplaneMode: 'sidecar',
      ingressAnnotations: {},
      egressGateway: true
    },
    namespace: 'bookinfo-pr-42',
    bookinfo: true,
    gateway: true,
    ingress: 'istio-gateway',
    gatewayHosts: ['*'],
    allowSharedHosts: false,
    addons: [],
    waitTimeoutMs: 600_000,
    podAnnotations: {},
    eciImageCache: 'auto',
    routing: { kind: 'variant', variant: 'reviews-80-20', service: 'reviews', mtls: false },
    verify: { smokeTest: true, verifyRouting: true, requests: 200 },
    lifecycle: { mode: 'deploy', dryRun: false, commentOnPr: false, jobSummary: true },
    secrets: [SECRET_KEY, TOKEN],
    warnings: []
  };
}
