// The profile table in src/istio/profiles.ts against Istio's own profile files (copies of
// manifests/profiles/*.yaml at several tags, in fixtures/profiles/<tag>/).
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { ISTIO_PROFILES } from '../../../src/inputs/spec.js';
import { controlPlaneShape, istioMinorOf, profileShape } from '../../../src/istio/profiles.js';

const DIR = join(import.meta.dirname, 'fixtures', 'profiles');

interface Gateway {
  name?: string;
  enabled?: boolean;
}
interface Spec {
  components?: {
    pilot?: { enabled?: boolean };
    istiodRemote?: { enabled?: boolean };
    ingressGateways?: Gateway[];
    egressGateways?: Gateway[];
  };
  values?: { profile?: string };
}

const specOf = (tag: string, profile: string): Spec | undefined => {
  const f = join(DIR, tag, `${profile}.yaml`);
  return existsSync(f) ? ((load(readFileSync(f, 'utf8')) as { spec?: Spec }).spec ?? {}) : undefined;
};
const gateway = (list: Gateway[] | undefined, name: string) => list?.find((g) => g.name === name)?.enabled;

/** What istioctl would make of a profile file layered on the release's default.yaml. */
function shapeFromFiles(tag: string, profile: string) {
  const base = specOf(tag, 'default');
  const spec = specOf(tag, profile);
  if (!base) throw new Error(`no default.yaml for ${tag}`);
  if (!spec) return { exists: false, istiod: false, ingressGateway: false, egressGateway: false };
  const c = spec.components ?? {};
  const b = base.components ?? {};
  // 1.24+: `values.profile: remote` selects helm-profiles/remote.yaml, which enables istiodRemote (see
  // fixtures/profiles/1.30.3/helm-remote.yaml); the istiod chart then renders no Deployment.
  const remoteValues = spec.values?.profile === 'remote';
  const istiod =
    (c.pilot?.enabled ?? b.pilot?.enabled ?? true) && !(c.istiodRemote?.enabled ?? false) && !remoteValues;
  return {
    exists: true,
    istiod,
    ingressGateway:
      gateway(c.ingressGateways, 'istio-ingressgateway') ??
      gateway(b.ingressGateways, 'istio-ingressgateway') ??
      false,
    egressGateway:
      gateway(c.egressGateways, 'istio-egressgateway') ??
      gateway(b.egressGateways, 'istio-egressgateway') ??
      false
  };
}

describe('[R3-1] profile shapes are what Istio’s profile files say', () => {
  const tags = readdirSync(DIR).sort();

  it('[R3-1] the helm profile behind values.profile: remote enables istiodRemote', () => {
    expect(load(readFileSync(join(DIR, '1.30.3', 'helm-remote.yaml'), 'utf8'))).toMatchObject({
      istiodRemote: { enabled: true }
    });
  });

  for (const tag of tags) {
    const minor = istioMinorOf(tag);
    const profiles = ISTIO_PROFILES.filter((p) => p === 'default' || existsSync(join(DIR, tag, `${p}.yaml`)));
    // Intermediate tags carry only the profiles that changed (remote, ambient); absence there is real
    // only for those two.
    const checked =
      tag === '1.13.9' || tag === '1.30.3' ? ISTIO_PROFILES : profiles.concat(['remote', 'ambient']);
    for (const profile of [...new Set(checked)]) {
      it(`[R3-1] ${tag} ${profile}`, () => {
        expect(profileShape(profile, minor)).toEqual(shapeFromFiles(tag, profile));
      });
    }
  }

  it('[R3-1] the newest release (latest) uses the newest files', () => {
    for (const p of ISTIO_PROFILES) expect(profileShape(p)).toEqual(shapeFromFiles('1.30.3', p));
  });

  it('[R3-1] without a gateway: minimal, empty, remote (1.16+) and ambient (1.18+)', () => {
    const gatewayless = ISTIO_PROFILES.filter((p) => !profileShape(p, 30).ingressGateway);
    expect(gatewayless).toEqual(['minimal', 'remote', 'empty', 'ambient']);
    expect(ISTIO_PROFILES.filter((p) => !profileShape(p, 30).istiod)).toEqual(['remote', 'empty']);
  });

  it('[R3-1] istio-set can switch components back, and egress-gateway: false removes the egress gateway', () => {
    const shape = (profile: string, set: Array<[string, string]>, egressGateway = true) =>
      controlPlaneShape({ profile, egressGateway, set: set.map(([key, value]) => ({ key, value })) }, 30);
    expect(shape('minimal', [['components.ingressGateways[0].enabled', 'true']]).ingressGateway).toBe(true);
    expect(
      shape('minimal', [['components.ingressGateways.[name:istio-ingressgateway].enabled', 'true']])
        .ingressGateway
    ).toBe(true);
    expect(
      shape('minimal', [['components.ingressGateways[name:other-gateway].enabled', 'true']]).ingressGateway
    ).toBe(false);
    expect(shape('demo', [['components.pilot.enabled', 'false']]).istiod).toBe(false);
    expect(shape('default', [['values.istiodRemote.enabled', 'true']]).istiod).toBe(false);
    expect(shape('demo', [], false).egressGateway).toBe(false);
    expect(shape('demo', [['components.egressGateways[0].enabled', 'true']], false).egressGateway).toBe(true);
  });
});
