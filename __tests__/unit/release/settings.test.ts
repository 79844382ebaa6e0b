// istioctl's configuration layering: profile → -f files → --set, including the set paths the action uses.
import { describe, expect, it } from '@jest/globals';
import { resolveSettings, SettingsError, splitPath } from '../../../test/release/istioctl/settings.js';
import { formatDuration, parseArgs, parseDuration, UsageError } from '../../../test/release/istioctl/args.js';
import { releaseModel } from '../../../test/release/model/version.js';

const m = releaseModel('1.13.3');

describe('resolveSettings', () => {
  it('enables both gateways for demo and only ingress for default', () => {
    expect(resolveSettings(m, [], ['profile=demo'])).toMatchObject({
      profile: 'demo',
      ingressEnabled: true,
      egressEnabled: true,
      pdbEnabled: true,
      cniEnabled: false
    });
    expect(resolveSettings(m, [], [])).toMatchObject({
      profile: 'default',
      ingressEnabled: true,
      egressEnabled: false
    });
    expect(resolveSettings(m, [], ['profile=minimal'])).toMatchObject({
      ingressEnabled: false,
      egressEnabled: false
    });
  });

  it('honours the --set paths the action passes (index and name forms)', () => {
    const s = resolveSettings(
      m,
      [],
      [
        'profile=demo',
        'components.egressGateways[0].enabled=false',
        'components.cni.enabled=true',
        'values.global.defaultPodDisruptionBudget.enabled=false',
        'values.gateways.istio-ingressgateway.serviceAnnotations.service\\.beta\\.kubernetes\\.io/alibaba-cloud-loadbalancer-spec=slb.s1.small',
        'revision=canary'
      ]
    );
    expect(s).toMatchObject({
      egressEnabled: false,
      cniEnabled: true,
      pdbEnabled: false,
      revision: 'canary'
    });
    expect(s.ingressServiceAnnotations).toEqual({
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small'
    });
    expect(
      resolveSettings(
        m,
        [],
        ['profile=demo', 'components.egressGateways[name:istio-egressgateway].enabled=false']
      ).egressEnabled
    ).toBe(false);
  });

  it('layers -f files under --set and merges gateway lists by name', () => {
    const file = {
      profile: 'demo',
      components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] },
      meshConfig: { accessLogFile: '/dev/null' }
    };
    const s = resolveSettings(m, [file], ['meshConfig.accessLogEncoding=JSON']);
    expect(s).toMatchObject({ profile: 'demo', ingressEnabled: false, egressEnabled: true });
    expect(s.meshConfig).toMatchObject({ accessLogFile: '/dev/null', accessLogEncoding: 'JSON' });
  });

  it('refuses unknown fields and profiles like istioctl', () => {
    expect(() => resolveSettings(m, [], ['foo.bar=1'])).toThrow(
      new SettingsError('unknown field "foo" in v1alpha1.IstioOperatorSpec')
    );
    expect(() => resolveSettings(m, [], ['profile=nope'])).toThrow(/could not read profile nope/);
  });

  it('splits escaped and indexed paths', () => {
    expect(splitPath('a.b\\.c[0].d[name:x]')).toEqual(['a', 'b.c', '[0]', 'd', '[name:x]']);
  });
});

describe('args', () => {
  it('parses cobra-style flags', () => {
    const p = parseArgs(
      ['--set', 'a=1', '-s=b=2', '-y', '--readiness-timeout=5s', 'pos', '--remote=false'],
      [
        { name: 'set', short: 's', type: 'list' },
        { name: 'skip-confirmation', short: 'y', type: 'bool' },
        { name: 'readiness-timeout', type: 'string' },
        { name: 'remote', type: 'bool', default: true }
      ]
    );
    expect(p.flags.get('set')).toEqual(['a=1', 'b=2']);
    expect(p.flags.get('skip-confirmation')).toBe(true);
    expect(p.flags.get('remote')).toBe(false);
    expect(p.positionals).toEqual(['pos']);
    expect(() => parseArgs(['--nope'], [])).toThrow(new UsageError('unknown flag: --nope'));
  });

  it('parses and prints Go durations', () => {
    expect(parseDuration('300s')).toBe(300_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(() => parseDuration('5 minutes')).toThrow(/invalid duration/);
    expect(formatDuration(300_000)).toBe('5m0s');
    expect(formatDuration(3000)).toBe('3s');
  });
});
