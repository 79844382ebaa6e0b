import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import type { KubeObject } from '../../../src/kube/objects.js';
import { dataplaneSets } from '../../../src/istio/install.js';
import {
  decideDataplane,
  psaAdmitsIstioInit,
  pspAdmitsIstioInit,
  workloadSubjects
} from '../../../src/istio/preflight.js';

function psp(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name }, spec };
}

function refusal(fn: () => unknown): ActionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ActionError) return err;
    throw err;
  }
  throw new Error('expected an ActionError');
}

const base = { istioVersion: '1.13.3', namespace: 'bookinfo', mode: 'sidecar' as const };

describe('pspAdmitsIstioInit', () => {
  it('accepts ack.privileged-like policies (wildcard capabilities, any user)', () => {
    const v = pspAdmitsIstioInit(
      psp('ack.privileged', { allowedCapabilities: ['*'], runAsUser: { rule: 'RunAsAny' } })
    );
    expect(v.ok).toBe(true);
  });
  it('accepts explicit NET_ADMIN and NET_RAW, also as default-added capabilities', () => {
    expect(pspAdmitsIstioInit(psp('p', { allowedCapabilities: ['NET_ADMIN', 'NET_RAW'] })).ok).toBe(true);
    expect(
      pspAdmitsIstioInit(
        psp('p', { allowedCapabilities: ['NET_ADMIN'], defaultAddCapabilities: ['NET_RAW'] })
      ).ok
    ).toBe(true);
  });
  it('names the missing capability', () => {
    const v = pspAdmitsIstioInit(
      psp('restricted', { allowedCapabilities: ['NET_RAW'], runAsUser: { rule: 'RunAsAny' } })
    );
    expect(v).toEqual({ ok: false, why: 'PSP restricted: NET_ADMIN not allowed' });
    expect(pspAdmitsIstioInit(psp('none', {})).why).toBe('PSP none: NET_ADMIN, NET_RAW not allowed');
  });
  it('refuses policies that forbid root, which istio-init runs as', () => {
    const caps = { allowedCapabilities: ['*'] };
    expect(pspAdmitsIstioInit(psp('p', { ...caps, runAsUser: { rule: 'MustRunAsNonRoot' } })).why).toMatch(
      /refuses root/
    );
    expect(
      pspAdmitsIstioInit(
        psp('p', { ...caps, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } })
      ).ok
    ).toBe(false);
    expect(
      pspAdmitsIstioInit(
        psp('p', { ...caps, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 0, max: 2000 }] } })
      ).ok
    ).toBe(true);
  });
});

describe('psaAdmitsIstioInit', () => {
  it('only the privileged level allows NET_ADMIN', () => {
    expect(psaAdmitsIstioInit({ 'pod-security.kubernetes.io/enforce': 'privileged' }).allowed).toBe(true);
    expect(psaAdmitsIstioInit({ 'pod-security.kubernetes.io/enforce': 'baseline' })).toEqual({
      allowed: false,
      why: 'Pod Security level "baseline" is enforced: NET_ADMIN not allowed'
    });
    expect(psaAdmitsIstioInit({ 'pod-security.kubernetes.io/enforce': 'restricted' }).allowed).toBe(false);
  });
  it('has no answer without an enforce label (the cluster default applies)', () => {
    expect(psaAdmitsIstioInit(undefined).allowed).toBeUndefined();
    expect(psaAdmitsIstioInit({ 'pod-security.kubernetes.io/warn': 'restricted' }).allowed).toBeUndefined();
  });
});

describe('workloadSubjects', () => {
  it("asks for the ReplicaSet controller and the namespace's service accounts", () => {
    const s = workloadSubjects('bookinfo');
    expect(s.map((x) => x.user)).toEqual([
      'system:serviceaccount:kube-system:replicaset-controller',
      'system:serviceaccount:bookinfo:default'
    ]);
    expect(s[1]?.groups).toContain('system:serviceaccounts:bookinfo');
  });
});

describe('decideDataplane', () => {
  it('serverless + refused capabilities fails with the ack.privileged remedy, whatever istio-cni says', () => {
    for (const cni of ['auto', 'false'] as const) {
      const e = refusal(() =>
        decideDataplane({ ...base, serverless: true, cni, capabilitiesAllowed: false })
      );
      expect(e.message).toMatch(/^NET_ADMIN not allowed: pods in namespace bookinfo/);
      expect(e.hint).toContain('ack.privileged');
      expect(e.hint).toContain('--group=system:serviceaccounts:bookinfo');
    }
  });
  it('under Pod Security Admission (Kubernetes 1.25+) the remedy is the namespace label, with the evidence', () => {
    const e = refusal(() =>
      decideDataplane({
        ...base,
        serverless: true,
        cni: 'auto',
        capabilitiesAllowed: false,
        podSecurity: 'psa',
        evidence: ['Pod Security level "baseline" is enforced: NET_ADMIN not allowed']
      })
    );
    expect(e.hint).toContain(
      'kubectl label namespace bookinfo pod-security.kubernetes.io/enforce=privileged'
    );
    expect(e.hint).not.toContain('PodSecurityPolicy');
    expect(e.describe()).toContain('Pod Security level "baseline" is enforced');
  });
  it('istio-cni: true is an input error on serverless clusters', () => {
    const e = refusal(() =>
      decideDataplane({ ...base, serverless: true, cni: 'true', capabilitiesAllowed: true })
    );
    expect(e.message).toMatch(/istio-cni: true is not possible on a serverless/);
  });
  it('serverless with allowed capabilities keeps istio-init', () => {
    expect(decideDataplane({ ...base, serverless: true, cni: 'auto', capabilitiesAllowed: true })).toEqual({
      cni: false,
      reason: 'serverless cluster: no DaemonSets, sidecars use istio-init'
    });
  });
  it('real nodes: auto switches to CNI when capabilities are refused, and says why', () => {
    const d = decideDataplane({ ...base, serverless: false, cni: 'auto', capabilitiesAllowed: false });
    expect(d).toEqual({
      cni: true,
      reason: 'pods may not add NET_ADMIN/NET_RAW, so Istio CNI replaces istio-init'
    });
  });
  it('real nodes: auto stays off when allowed or unknown; true/false are obeyed', () => {
    expect(decideDataplane({ ...base, serverless: false, cni: 'auto', capabilitiesAllowed: true }).cni).toBe(
      false
    );
    expect(decideDataplane({ ...base, serverless: false, cni: 'auto' }).cni).toBe(false);
    expect(decideDataplane({ ...base, serverless: false, cni: 'true', capabilitiesAllowed: true }).cni).toBe(
      true
    );
    const e = refusal(() =>
      decideDataplane({ ...base, serverless: false, cni: 'false', capabilitiesAllowed: false })
    );
    expect(e.hint).toMatch(/istio-cni: auto/);
  });
  it('ambient is refused on serverless clusters and before Istio 1.24, allowed otherwise', () => {
    const amb = { ...base, mode: 'ambient' as const, cni: 'auto' as const };
    expect(
      refusal(() => decideDataplane({ ...amb, serverless: true, istioVersion: '1.30.3' })).message
    ).toMatch(/ambient cannot run on a serverless/);
    expect(
      refusal(() => decideDataplane({ ...amb, serverless: false, istioVersion: '1.23.6' })).message
    ).toMatch(/needs Istio 1.24 or newer; this run uses Istio 1.23.6/);
    expect(decideDataplane({ ...amb, serverless: false, istioVersion: '1.24.0' }).cni).toBe(true);
  });
});

describe('dataplaneSets', () => {
  it('maps the decision to istioctl values', () => {
    expect(dataplaneSets({ cni: false, ambient: false })).toEqual([]);
    expect(dataplaneSets({ cni: true, ambient: false })).toEqual([
      { key: 'components.cni.enabled', value: 'true' }
    ]);
    expect(dataplaneSets({ cni: true, ambient: true }).map((s) => `${s.key}=${s.value}`)).toEqual([
      'components.cni.enabled=true',
      'components.ztunnel.enabled=true',
      'values.profile=ambient'
    ]);
  });
});
