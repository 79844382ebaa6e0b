// The simulator's injector in istiod's place, for showing once that the `current` tests are Istio's doing:
// with ASK_ISTIO_ISTIOD=simulator the harness runs no pilot-discovery, and this module does the two things
// that make the real chart's webhooks reach the simulator's injector instead. A test that still passes in
// this mode does not depend on the real istiod; test/README.md lists which of them fail.
//
// - Webhook CA: istiod patches its own CA into the caBundle of the webhook configurations that name its
//   Service (the chart leaves it empty). Here the simulator's injector's CA is patched in instead.
// - Webhook port: the apiserver dials istiod's Service port 443 (targetPort 15017) through the egress
//   tunnel; for an istiod pod that port is answered by the simulator's injector.
import {
  AdmissionregistrationV1Api,
  type KubeConfig,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
  type V1ValidatingWebhookConfiguration
} from '@kubernetes/client-node';
import { startInformer } from './informers.js';

export const ISTIOD_WEBHOOK_PORT = 15017;
const ISTIO_NAMESPACE = 'istio-system';

type WebhookConfiguration = V1MutatingWebhookConfiguration | V1ValidatingWebhookConfiguration;

/** Whether this webhook configuration calls istiod (a Service istiod or istiod-<rev> in istio-system). */
export function callsIstiod(config: WebhookConfiguration): boolean {
  return (config.webhooks ?? []).some(
    (w) =>
      w.clientConfig.service?.namespace === ISTIO_NAMESPACE &&
      /^istiod(-|$)/.test(w.clientConfig.service.name)
  );
}

/** The configuration with every istiod webhook trusting `caBundle`, or undefined when it already does. */
export function withCaBundle<T extends WebhookConfiguration>(config: T, caBundle: string): T | undefined {
  if (!callsIstiod(config)) return undefined;
  const stale = (config.webhooks ?? []).some(
    (w) => w.clientConfig.service && w.clientConfig.caBundle !== caBundle
  );
  if (!stale) return undefined;
  return {
    ...config,
    webhooks: (config.webhooks ?? []).map((w) =>
      w.clientConfig.service ? { ...w, clientConfig: { ...w.clientConfig, caBundle } } : w
    )
  } as T;
}

export const isIstiodPod = (pod: V1Pod): boolean =>
  pod.metadata?.namespace === ISTIO_NAMESPACE && pod.metadata?.labels?.app === 'istiod';

/** Keeps every istiod webhook configuration trusting the simulator's injector. */
export async function startWebhookCaPatcher(
  kc: KubeConfig,
  caBundle: string,
  log: (l: string) => void
): Promise<{ stop(): Promise<void> }> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const patch = (config: WebhookConfiguration, kind: 'Mutating' | 'Validating'): void => {
    const next = withCaBundle(config, caBundle);
    const name = config.metadata?.name ?? '';
    if (!next) return;
    const write =
      kind === 'Mutating'
        ? api.replaceMutatingWebhookConfiguration({ name, body: next as V1MutatingWebhookConfiguration })
        : api.replaceValidatingWebhookConfiguration({ name, body: next as V1ValidatingWebhookConfiguration });
    // A conflict means someone wrote it meanwhile; the informer's update event brings it back here.
    write.then(
      () => log(`istiod stand-in: ${kind}WebhookConfiguration ${name} now trusts the simulator's injector`),
      (err: unknown) => log(`istiod stand-in: patching ${name}: ${(err as Error).message}`)
    );
  };
  const caches: Array<{ stop(): Promise<void> }> = [
    await startInformer<V1MutatingWebhookConfiguration>(
      kc,
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      () => api.listMutatingWebhookConfiguration(),
      log,
      (o, verb) => verb !== 'delete' && patch(o, 'Mutating')
    ),
    await startInformer<V1ValidatingWebhookConfiguration>(
      kc,
      '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      () => api.listValidatingWebhookConfiguration(),
      log,
      (o, verb) => verb !== 'delete' && patch(o, 'Validating')
    )
  ];
  return { stop: async () => void (await Promise.all(caches.map((c) => c.stop()))) };
}
