// One model per Istio release line: every fact that differs between the releases we stand in for
// (sample apiVersions, ports, images, CRD versions, istioctl output style) lives here, so the
// manifests, the archives and the stand-in istioctl are all generated from the same data.
// Facts are from the real release trees (see the project's Istio notes, sections 1-3).

export interface ReleaseModel {
  /** Release tag without a leading `v`, e.g. `1.13.3`. */
  version: string;
  minor: number;
  /** Registry + repository prefix of the control-plane images (`<hub>/pilot:<tag>`). */
  hub: string;
  /** apiVersion the bundled Bookinfo networking samples use. */
  networkingApiVersion: 'networking.istio.io/v1alpha3' | 'networking.istio.io/v1';
  /** CRD versions served by networking/security CRDs, storage version first. */
  crdVersions: { name: string; storage: boolean }[];
  /** Whether the CRDs carry CEL `x-kubernetes-validations` (1.25+ apiservers only). */
  crdCelRules: boolean;
  /** Port of the HTTP server in samples/bookinfo/networking/bookinfo-gateway.yaml. */
  bookinfoGatewayPort: number;
  bookinfoImage: (service: string, version: string) => string;
  /** 1.13 samples set `securityContext.runAsUser: 1000` on each Bookinfo container. */
  bookinfoRunAsUser: boolean;
  /** 1.30 adds prometheus scrape annotations to the productpage pod template. */
  bookinfoPrometheusAnnotations: boolean;
  /** apiVersion of the PodDisruptionBudgets rendered by the charts. */
  pdbApiVersion: 'policy/v1beta1' | 'policy/v1';
  /** istioctl's MinK8SVersion (minor of Kubernetes 1.x). */
  minK8sMinor: number;
  /** `istioctl version --remote=false` style: ≤1.22 prints the bare version. */
  versionOutput: 'bare' | 'client-version';
  /** Progress lines carry emojis from 1.16 on. */
  progressEmoji: boolean;
  /** Before 1.24 istioctl writes an `installed-state` IstioOperator CR and ships its CRD. */
  installedStateCR: boolean;
  /** `istioctl verify-install` was removed in 1.24. */
  hasVerifyInstall: boolean;
  /** Go version reported in BuildInfo. */
  golangVersion: string;
  /** Release commit reported as BuildInfo.revision (stand-in value). */
  revision: string;
  addonImages: { kiali: string; prometheus: string; configReloader: string; grafana: string; jaeger: string };
}

function oldLine(version: string, revision: string): ReleaseModel {
  return {
    version,
    minor: 13,
    hub: 'docker.io/istio',
    networkingApiVersion: 'networking.istio.io/v1alpha3',
    crdVersions: [
      { name: 'v1alpha3', storage: true },
      { name: 'v1beta1', storage: false }
    ],
    crdCelRules: false,
    bookinfoGatewayPort: 80,
    bookinfoImage: (svc, v) => `docker.io/istio/examples-bookinfo-${svc}-${v}:1.16.2`,
    bookinfoRunAsUser: true,
    bookinfoPrometheusAnnotations: false,
    pdbApiVersion: 'policy/v1beta1',
    minK8sMinor: 19,
    versionOutput: 'bare',
    progressEmoji: false,
    installedStateCR: true,
    hasVerifyInstall: true,
    golangVersion: 'go1.17.8',
    revision,
    addonImages: {
      kiali: 'quay.io/kiali/kiali:v1.45',
      prometheus: 'prom/prometheus:v2.31.1',
      configReloader: 'jimmidyson/configmap-reload:v0.5.0',
      grafana: 'grafana/grafana:8.3.1',
      jaeger: 'docker.io/jaegertracing/all-in-one:1.29'
    }
  };
}

function currentLine(version: string, revision: string, minK8sMinor = 32): ReleaseModel {
  return {
    version,
    minor: Number(version.split('.')[1]),
    hub: 'registry.istio.io/release',
    networkingApiVersion: 'networking.istio.io/v1',
    crdVersions: [
      { name: 'v1', storage: true },
      { name: 'v1alpha3', storage: false },
      { name: 'v1beta1', storage: false }
    ],
    crdCelRules: true,
    bookinfoGatewayPort: 8080,
    bookinfoImage: (svc, v) => `registry.istio.io/release/examples-bookinfo-${svc}-${v}:1.20.3`,
    bookinfoRunAsUser: false,
    bookinfoPrometheusAnnotations: true,
    pdbApiVersion: 'policy/v1',
    minK8sMinor,
    versionOutput: 'client-version',
    progressEmoji: true,
    installedStateCR: false,
    hasVerifyInstall: false,
    golangVersion: 'go1.25.4',
    revision,
    addonImages: {
      kiali: 'quay.io/kiali/kiali:v2.26',
      prometheus: 'docker.io/prom/prometheus:v3.10.0',
      configReloader: 'ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0',
      grafana: 'docker.io/grafana/grafana:12.0.1',
      jaeger: 'docker.io/jaegertracing/jaeger:2.14.0'
    }
  };
}

// Revisions are stand-in values (stable per version) — the real ones are release commit SHAs.
const MODELS: Record<string, () => ReleaseModel> = {
  '1.13.2': () => oldLine('1.13.2', '91e5ba6a0fbcb4a2f19e4d1b9fbd58b0e5e17a2b'),
  '1.13.3': () => oldLine('1.13.3', 'e2f34bdb4dd9b4b13bb15e1a0f2b9a6a2ea56bd5'),
  // 1.29 supports Kubernetes 1.31–1.35 (istio.io's supportStatus.yml); its istioctl's MinK8SVersion is 31.
  '1.29.6': () => currentLine('1.29.6', '7019d6d3608e5b1c2a3f4e5d6c7b8a9f0e1d2c3b', 31),
  '1.30.2': () => currentLine('1.30.2', '0d3e2d54c4c1d0b6a4ff42d6f0ba2d1a6e4c5b31'),
  '1.30.3': () => currentLine('1.30.3', '7a5f9b2e8c3d4a1f6b0e9d8c7a6b5f4e3d2c1b0a')
};

export const DEFAULT_VERSIONS = ['1.13.2', '1.13.3', '1.30.3'] as const;

export function knownVersions(): string[] {
  return Object.keys(MODELS);
}

export function releaseModel(version: string): ReleaseModel {
  const make = MODELS[version];
  if (!make) {
    throw new Error(`no stand-in model for Istio ${version}; known: ${knownVersions().join(', ')}`);
  }
  return make();
}

/** Platforms every stand-in release is built for (the ones 1.13 already had, minus armv7/win). */
export const PLATFORMS = ['linux-amd64', 'linux-arm64', 'osx', 'osx-arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];
