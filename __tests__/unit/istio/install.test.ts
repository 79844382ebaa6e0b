import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import type { InstallMode, IstioConfig } from '../../../src/inputs/config.js';
import type { KubeObject } from '../../../src/kube/objects.js';
import {
  controlPlaneDeployments,
  injectorConfigured,
  injectorWebhookName,
  installArgs,
  istiodServes,
  planInstall,
  versionFromImage,
  type InstallAction,
  type ObservedIstio
} from '../../../src/istio/install.js';

function cfg(over: Partial<IstioConfig> = {}): IstioConfig {
  return {
    versionSpec: '1.13.3',
    downloadUrl: 'https://example.invalid/istio',
    profile: 'demo',
    set: [],
    install: 'auto',
    compatibilityCheck: 'fail',
    cni: 'auto',
    dataplaneMode: 'sidecar',
    ingressAnnotations: {},
    egressGateway: true,
    ...over
  };
}

const OPTS = { readinessTimeoutMs: 300_000 };
const healthy: ObservedIstio = {
  installedVersion: '1.13.3',
  istiodReady: true,
  ingressPresent: true,
  egressPresent: true
};
const missing: ObservedIstio = { istiodReady: false, ingressPresent: false, egressPresent: false };

/** `--set` values of an argument list, in order. */
function sets(args: string[]): string[] {
  return args.flatMap((a, i) => (a === '--set' ? [args[i + 1] ?? ''] : []));
}

describe('installArgs', () => {
  it('installs the profile non-interactively with the readiness budget', () => {
    const args = installArgs(cfg(), OPTS);
    expect(args).toEqual(['install', '--set', 'profile=demo', '--readiness-timeout', '300s', '-y']);
  });

  it.each([
    [90_400, '90s'],
    [90_600, '91s'],
    [200, '1s'] // never 0s, which istioctl would treat as "no wait"
  ])('readiness timeout %d ms → %s', (ms, flag) => {
    const args = installArgs(cfg(), { readinessTimeoutMs: ms });
    expect(args[args.indexOf('--readiness-timeout') + 1]).toBe(flag);
  });

  it('escapes dots inside annotation keys but not the path itself', () => {
    const args = installArgs(
      cfg({
        ingressAnnotations: {
          'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'internet',
          plain: 'x'
        }
      }),
      OPTS
    );
    expect(sets(args)).toEqual([
      'profile=demo',
      'values.gateways.istio-ingressgateway.serviceAnnotations.service\\.beta\\.kubernetes\\.io/alibaba-cloud-loadbalancer-address-type=internet',
      'values.gateways.istio-ingressgateway.serviceAnnotations.plain=x'
    ]);
  });

  it('disables the egress gateway, enables CNI, and keeps extra and user sets last (user wins)', () => {
    const args = installArgs(
      cfg({ egressGateway: false, set: [{ key: 'meshConfig.accessLogFile', value: '/dev/stdout' }] }),
      {
        ...OPTS,
        cni: true,
        extraSets: [{ key: 'values.global.defaultPodDisruptionBudget.enabled', value: 'false' }]
      }
    );
    expect(sets(args)).toEqual([
      'profile=demo',
      'components.egressGateways[0].enabled=false',
      'components.cni.enabled=true',
      'values.global.defaultPodDisruptionBudget.enabled=false',
      'meshConfig.accessLogFile=/dev/stdout'
    ]);
  });

  it('passes the revision as a flag', () => {
    const args = installArgs(cfg({ revision: '1-13-3' }), OPTS);
    expect(args.slice(args.indexOf('--revision'), args.indexOf('--revision') + 2)).toEqual([
      '--revision',
      '1-13-3'
    ]);
    expect(args.at(-1)).toBe('-y');
  });
});

describe('controlPlaneDeployments', () => {
  it.each([
    [cfg(), ['istiod', 'istio-ingressgateway', 'istio-egressgateway']],
    [cfg({ egressGateway: false }), ['istiod', 'istio-ingressgateway']],
    [cfg({ profile: 'default' }), ['istiod', 'istio-ingressgateway']], // default profile has no egress gateway
    [cfg({ revision: 'canary' }), ['istiod-canary', 'istio-ingressgateway', 'istio-egressgateway']]
  ])('%#', (c, names) => {
    expect(controlPlaneDeployments(c, '1.13.3')).toEqual(names);
  });
});

describe('planInstall', () => {
  type Row = [string, InstallMode, ObservedIstio, InstallAction, RegExp, number];
  const rows: Row[] = [
    ['auto, missing', 'auto', missing, 'install', /not installed/, 0],
    ['auto, same and healthy', 'auto', healthy, 'skip', /installed and healthy/, 0],
    [
      'auto, older',
      'auto',
      { ...healthy, installedVersion: '1.12.9' },
      'upgrade',
      /1\.12\.9 is older than 1\.13\.3/,
      0
    ],
    ['auto, newer', 'auto', { ...healthy, installedVersion: '1.14.0' }, 'skip', /1\.14\.0 is newer/, 1],
    [
      'auto, istiod not ready',
      'auto',
      { ...healthy, istiodReady: false },
      'reconcile',
      /istiod is not ready/,
      0
    ],
    [
      'auto, ingress missing',
      'auto',
      { ...healthy, ingressPresent: false },
      'reconcile',
      /gateways differ/,
      0
    ],
    ['auto, egress missing', 'auto', { ...healthy, egressPresent: false }, 'reconcile', /gateways differ/, 0],
    [
      'auto, non-release tag',
      'auto',
      { ...healthy, installedVersion: 'master-latest' },
      'reconcile',
      /not a release version/,
      0
    ],
    ['always, missing', 'always', missing, 'install', /always/, 0],
    ['always, same and healthy', 'always', healthy, 'reconcile', /always/, 0],
    ['always, newer', 'always', { ...healthy, installedVersion: '1.14.0' }, 'reconcile', /always/, 0],
    [
      'always, non-release tag',
      'always',
      { ...healthy, installedVersion: 'master-latest' },
      'reconcile',
      /always/,
      0
    ],
    ['never, same', 'never', healthy, 'skip', /never \(found Istio 1\.13\.3\)/, 0],
    [
      'never, older and unhealthy',
      'never',
      { ...healthy, installedVersion: '1.12.0', istiodReady: false },
      'skip',
      /never/,
      1
    ]
  ];

  it.each(rows)('%s → %s', (_name, install, observed, action, reason, warnings) => {
    const plan = planInstall(cfg({ install }), '1.13.3', observed, OPTS);
    expect(plan.action).toBe(action);
    expect(plan.reason).toMatch(reason);
    expect(plan.warnings).toHaveLength(warnings);
    expect(plan.deployments).toEqual(['istiod', 'istio-ingressgateway', 'istio-egressgateway']);
    if (action === 'skip') expect(plan.args).toEqual([]);
    else expect(plan.args).toEqual(installArgs(cfg({ install }), OPTS));
  });

  it('warns, but does not downgrade, a newer Istio someone else installed', () => {
    const plan = planInstall(cfg(), '1.13.3', { ...healthy, installedVersion: '1.14.0' }, OPTS);
    expect(plan.warnings[0]).toBe(
      'istio-system runs Istio 1.14.0, newer than 1.13.3; leaving it (use install-istio: always to force)'
    );
  });

  it('reconciles when an egress gateway runs although the inputs disable it', () => {
    const plan = planInstall(cfg({ egressGateway: false }), '1.13.3', healthy, OPTS);
    expect(plan.action).toBe('reconcile');
    expect(plan.args).toContain('components.egressGateways[0].enabled=false');
  });

  it('skips when the egress gateway is absent and the inputs disable it', () => {
    const plan = planInstall(
      cfg({ egressGateway: false }),
      '1.13.3',
      { ...healthy, egressPresent: false },
      OPTS
    );
    expect(plan.action).toBe('skip');
  });

  it('compares release versions numerically, not as strings', () => {
    expect(planInstall(cfg(), '1.13.10', { ...healthy, installedVersion: '1.13.9' }, OPTS).action).toBe(
      'upgrade'
    );
    expect(planInstall(cfg(), '1.9.0', { ...healthy, installedVersion: '1.13.0' }, OPTS).action).toBe('skip');
  });

  it('refuses install-istio: never on a cluster without Istio, with a hint', () => {
    let caught: unknown;
    try {
      planInstall(cfg({ install: 'never' }), '1.13.3', missing, OPTS);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ActionError);
    expect((caught as ActionError).message).toContain('"never" but Istio is not installed');
    expect((caught as ActionError).hint).toContain('install-istio: auto');
  });
});

describe('injectorFirst: Bookinfo may start before istioctl install ends', () => {
  it.each<[string, Partial<IstioConfig>, ObservedIstio, boolean]>([
    ['a fresh install', {}, missing, true],
    ['an upgrade (the new istiod is a new rollout)', {}, { ...healthy, installedVersion: '1.12.9' }, true],
    [
      'a reconcile (an istiod already ready may be about to change)',
      {},
      { ...healthy, istiodReady: false },
      false
    ],
    ['install-istio: always over a running istiod', { install: 'always' }, healthy, false],
    ['a healthy install (nothing to wait for)', {}, healthy, false],
    ['a profile without a local istiod', { profile: 'empty' }, missing, false]
  ])('%s → %s', (_name, over, observed, expected) => {
    expect(planInstall(cfg(over), '1.13.3', observed, OPTS).injectorFirst).toBe(expected);
  });
});

describe('the injector of a new istiod', () => {
  const istiod = (image: string, status: Record<string, number>, generation = 2): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', generation },
    spec: { replicas: 1, template: { spec: { containers: [{ image }] } } },
    status
  });
  const available = { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };

  it('serves once the Deployment of the target version is available', () => {
    expect(istiodServes(istiod('docker.io/istio/pilot:1.30.3', available), '1.30.3')).toBe(true);
    expect(istiodServes(istiod('docker.io/istio/pilot:1.30.3-distroless', available), '1.30.3')).toBe(true);
  });

  it('does not serve while the old version is what is available, or the new one is still rolling out', () => {
    expect(istiodServes(istiod('docker.io/istio/pilot:1.29.6', available), '1.30.3')).toBe(false);
    expect(
      istiodServes(istiod('docker.io/istio/pilot:1.30.3', { ...available, observedGeneration: 1 }), '1.30.3')
    ).toBe(false);
    expect(
      istiodServes(istiod('docker.io/istio/pilot:1.30.3', { ...available, availableReplicas: 0 }), '1.30.3')
    ).toBe(false);
    expect(istiodServes(undefined, '1.30.3')).toBe(false);
  });

  it('is configured once every webhook calling istiod trusts a CA', () => {
    const hook = (caBundle?: string) => ({
      name: 'rev.namespace.sidecar-injector.istio.io',
      clientConfig: {
        service: { name: 'istiod', namespace: 'istio-system' },
        ...(caBundle ? { caBundle } : {})
      }
    });
    const config = (webhooks: unknown[]): KubeObject => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'istio-sidecar-injector' },
      webhooks
    });
    expect(injectorConfigured(config([hook('Q0E='), hook('Q0E=')]))).toBe(true);
    expect(injectorConfigured(config([hook('Q0E='), hook()]))).toBe(false);
    expect(injectorConfigured(config([]))).toBe(false);
    expect(injectorConfigured(undefined)).toBe(false);
    // A URL webhook (no Service) carries its own configuration; only Service webhooks wait for istiod's CA.
    expect(
      injectorConfigured(config([{ name: 'u', clientConfig: { url: 'https://127.0.0.1:9443/inject' } }]))
    ).toBe(true);
  });

  it('is named after the revision, as the istiod chart names it in istio-system', () => {
    expect(injectorWebhookName()).toBe('istio-sidecar-injector');
    expect(injectorWebhookName('canary')).toBe('istio-sidecar-injector-canary');
  });
});

describe('versionFromImage', () => {
  it.each<[string | undefined, string | undefined]>([
    ['docker.io/istio/pilot:1.13.3', '1.13.3'],
    ['docker.io/istio/pilot:1.30.3-distroless', '1.30.3'],
    ['gcr.io/istio-release/pilot:1.20.0-beta.1', '1.20.0-beta.1'],
    ['docker.io/istio/pilot:1.13.3@sha256:0123456789abcdef', '1.13.3'],
    ['registry.local:5000/istio/pilot:1.13.3', '1.13.3'],
    // A registry port is not a tag: an untagged image has no readable version.
    ['registry.local:5000/istio/pilot', undefined],
    ['docker.io/istio/pilot@sha256:0123456789abcdef', undefined],
    ['docker.io/istio/pilot:master-latest', 'master-latest'],
    ['', undefined],
    [undefined, undefined]
  ])('%p → %p', (image, version) => {
    expect(versionFromImage(image)).toBe(version);
  });
});

describe('[R3-1] profiles without an ingress gateway', () => {
  it.each([
    ['minimal', ['istiod']],
    ['ambient', ['istiod']],
    ['remote', []],
    ['empty', []],
    ['default', ['istiod', 'istio-ingressgateway']],
    ['demo', ['istiod', 'istio-ingressgateway', 'istio-egressgateway']]
  ])('[R3-1] Istio 1.30 profile %s waits for %j', (profile, names) => {
    expect(controlPlaneDeployments(cfg({ profile }), '1.30.3')).toEqual(names);
  });

  it('[R3-1] istio-set values that switch a gateway or istiod change what is waited for', () => {
    const c = cfg({
      profile: 'minimal',
      set: [
        { key: 'components.ingressGateways[0].enabled', value: 'true' },
        { key: 'components.egressGateways.[name:istio-egressgateway].enabled', value: 'true' }
      ]
    });
    expect(controlPlaneDeployments(c, '1.30.3')).toEqual([
      'istiod',
      'istio-ingressgateway',
      'istio-egressgateway'
    ]);
    const noGateway = cfg({ set: [{ key: 'components.ingressGateways[0].enabled', value: 'false' }] });
    expect(controlPlaneDeployments(noGateway, '1.30.3')).toEqual(['istiod', 'istio-egressgateway']);
  });

  it('[R3-1] auto skips a healthy minimal install instead of reinstalling every run', () => {
    const observed = { ...healthy, installedVersion: '1.30.3', ingressPresent: false, egressPresent: false };
    const plan = planInstall(cfg({ profile: 'minimal' }), '1.30.3', observed, OPTS);
    expect(plan.action).toBe('skip');
    expect(plan.deployments).toEqual(['istiod']);
  });

  it('[R3-1] auto reconciles when an ingress gateway runs that the profile does not have', () => {
    const observed = { ...healthy, installedVersion: '1.30.3', ingressPresent: true, egressPresent: false };
    expect(planInstall(cfg({ profile: 'minimal' }), '1.30.3', observed, OPTS).action).toBe('reconcile');
  });
});
