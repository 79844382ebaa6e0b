// Istio's sidecar injector, as a real HTTPS mutating admission webhook on 127.0.0.1. Its URL and CA
// go into ConfigMap ask-istio-sim/sim-injector; the stand-in `istioctl install` creates the
// MutatingWebhookConfiguration from it, so injection exists only once Istio is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { apiErrorText, isConflict, isNotFound, type Apis } from './informers.js';
import { SIM_NAMESPACE } from './behaviour.js';

export const INJECTOR_CONFIGMAP = 'sim-injector';

interface Pki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A throw-away CA and a serving certificate for IP:127.0.0.1, made with the openssl CLI. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sim-injector-'));
  const run = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(
        `openssl ${args[0]} failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`,
        { cause: err }
      );
    }
  };
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '7',
      '-subj',
      '/CN=sim-injector-ca'
    ]);
    run([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'tls.key',
      '-out',
      'tls.csr',
      '-subj',
      '/CN=istiod.istio-system.svc'
    ]);
    writeFileSync(
      join(dir, 'ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:istiod.istio-system.svc\nextendedKeyUsage=serverAuth\n'
    );
    run([
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tls.crt',
      '-days',
      '7',
      '-extfile',
      'ext'
    ]);
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    return { caPem: read('ca.crt'), certPem: read('tls.crt'), keyPem: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface InjectorContext {
  /** `<hub>/proxyv2:<tag>` derived from the istiod Deployment, or undefined when Istio is absent. */
  proxyImage(): string | undefined;
}

/** istiod never injects here, whatever the webhook's selectors say (pkg/kube/inject IgnoredNamespaces). */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/**
 * Whether istiod would inject this pod, as its `injectRequired` decides with the demo profile's
 * `policy: enabled`. Which namespaces reach the injector is the webhook configuration's business (its
 * namespace and object selectors), not the injector's: istiod reads no namespace label, so neither does
 * this. A pod that already carries the status annotation is left alone (istiod would re-render it to the
 * same containers).
 */
export function injectionRequired(pod: V1Pod, namespace: string): boolean {
  if (pod.spec?.hostNetwork) return false;
  if (IGNORED_NAMESPACES.has(namespace)) return false;
  if (pod.metadata?.annotations?.['sidecar.istio.io/status'] !== undefined) return false;
  // The label is the newer API and wins over the annotation; any other value than true/false is "unset".
  const choice =
    pod.metadata?.labels?.['sidecar.istio.io/inject'] ??
    pod.metadata?.annotations?.['sidecar.istio.io/inject'];
  return choice !== 'false';
}

type Patch = { op: 'add'; path: string; value: unknown };

const esc = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSONPatch for one pod, or undefined when it is not to be injected. Pure, for unit use too. */
export function injectionPatch(pod: V1Pod, namespace: string, ctx: InjectorContext): Patch[] | undefined {
  const labels = pod.metadata?.labels ?? {};
  if (!injectionRequired(pod, namespace)) return undefined;
  const image = ctx.proxyImage();
  if (!image) return undefined;

  const init: V1Container = {
    name: 'istio-init',
    image,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020'
    ],
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0
    }
  };
  const app = labels.app ?? pod.metadata?.generateName?.replace(/-[^-]*-?$/, '') ?? 'unknown';
  const revision = labels.version ?? 'latest';
  const proxy: V1Container = {
    name: 'istio-proxy',
    image,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      `${namespace}.svc.cluster.local`,
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info'
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021 as never },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      failureThreshold: 30,
      timeoutSeconds: 3
    },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337
    },
    env: [{ name: 'ISTIO_META_WORKLOAD_NAME', value: app }]
  };
  const status = JSON.stringify({
    initContainers: ['istio-init'],
    containers: ['istio-proxy'],
    volumes: [],
    imagePullSecrets: null,
    revision: 'default'
  });
  const newLabels: Record<string, string> = {
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': app,
    'service.istio.io/canonical-revision': revision
  };

  const ops: Patch[] = [];
  ops.push(
    pod.spec?.initContainers?.length
      ? { op: 'add', path: '/spec/initContainers/-', value: init }
      : { op: 'add', path: '/spec/initContainers', value: [init] }
  );
  ops.push({ op: 'add', path: '/spec/containers/-', value: proxy });
  if (pod.metadata?.annotations)
    ops.push({ op: 'add', path: `/metadata/annotations/${esc('sidecar.istio.io/status')}`, value: status });
  else ops.push({ op: 'add', path: '/metadata/annotations', value: { 'sidecar.istio.io/status': status } });
  if (pod.metadata?.labels)
    for (const [k, v] of Object.entries(newLabels))
      ops.push({ op: 'add', path: `/metadata/labels/${esc(k)}`, value: v });
  else ops.push({ op: 'add', path: '/metadata/labels', value: newLabels });
  return ops;
}

export interface Injector {
  url: string;
  caBundle: string;
  server: Server;
}

interface AdmissionReview {
  apiVersion?: string;
  kind?: string;
  request?: { uid?: string; namespace?: string; object?: V1Pod; kind?: { kind?: string } };
}

export async function startInjector(
  apis: Apis,
  ctx: InjectorContext,
  log: (l: string) => void
): Promise<Injector> {
  const pki = makePki();
  const server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let review: AdmissionReview;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReview;
      } catch {
        res.writeHead(400).end('request body is not an AdmissionReview');
        return;
      }
      const request = review.request;
      const response: Record<string, unknown> = { uid: request?.uid ?? '', allowed: true };
      if (req.url?.startsWith('/inject') && request?.object && (request.kind?.kind ?? 'Pod') === 'Pod') {
        const ops = injectionPatch(
          request.object,
          request.namespace ?? request.object.metadata?.namespace ?? 'default',
          ctx
        );
        if (ops) {
          response.patchType = 'JSONPatch';
          response.patch = Buffer.from(JSON.stringify(ops)).toString('base64');
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          apiVersion: review.apiVersion ?? 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response
        })
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `https://127.0.0.1:${port}/inject`;
  const caBundle = Buffer.from(pki.caPem).toString('base64');
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: INJECTOR_CONFIGMAP, namespace: SIM_NAMESPACE },
    data: { url, caBundle }
  };
  try {
    await apis.core.replaceNamespacedConfigMap({ name: INJECTOR_CONFIGMAP, namespace: SIM_NAMESPACE, body });
  } catch (err) {
    if (!isNotFound(err))
      throw new Error(`writing ConfigMap ${SIM_NAMESPACE}/${INJECTOR_CONFIGMAP}: ${apiErrorText(err)}`, {
        cause: err
      });
    try {
      await apis.core.createNamespacedConfigMap({ namespace: SIM_NAMESPACE, body });
    } catch (e) {
      if (!isConflict(e))
        throw new Error(`creating ConfigMap ${SIM_NAMESPACE}/${INJECTOR_CONFIGMAP}: ${apiErrorText(e)}`, {
          cause: e
        });
    }
  }
  log(`sidecar injector at ${url}`);
  return { url, caBundle, server };
}
