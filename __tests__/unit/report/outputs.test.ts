import { describe, expect, it } from '@jest/globals';
import { newReport } from '../../../src/report/model.js';
import { outputValues } from '../../../src/report/outputs.js';
import { config, fullReport } from './fixtures.js';

describe('outputValues', () => {
  it('sets every output of a complete deploy', () => {
    const report = fullReport();
    expect(outputValues(config(), report)).toEqual({
      namespace: 'bookinfo-pr-42',
      routing: 'reviews-80-20',
      'istio-version': '1.13.3',
      'istioctl-path': report.istio?.istioctlPath,
      'gateway-url': 'http://192.0.2.7',
      'ingress-host': '192.0.2.7',
      'ingress-port': '80',
      'secure-ingress-port': '443',
      'productpage-url': 'http://192.0.2.7/productpage',
      'gateway-host-header': 'pr-42.example.com',
      verification: JSON.stringify(report.verification),
      'smoke-status': 'passed'
    });
  });

  it('sets preflight from the report whenever the preflight recorded one (a refused run too)', () => {
    const report = newReport('deploy', false);
    report.preflight = {
      kubeVersion: 'v1.35.4',
      istioVersion: '1.30.3',
      clusterKind: 'serverless',
      nodeCount: 1,
      compatibility: { supported: true, status: 'supported', message: 'ok' },
      capabilities: { checks: [] },
      dataplaneMode: 'sidecar',
      cni: false,
      cniReason: 'not decided'
    };
    report.failure = 'refused';
    expect(JSON.parse(outputValues(config(), report)['preflight'] ?? 'null')).toEqual(report.preflight);
    expect(outputValues(config(), newReport('deploy', false))).not.toHaveProperty('preflight');
  });

  it('round-trips the verification as JSON', () => {
    const out = outputValues(config(), fullReport());
    const parsed = JSON.parse(out['verification'] ?? 'null') as {
      identities: Array<{ identity: string; pass: boolean }>;
    };
    expect(parsed.identities.map((i) => [i.identity, i.pass])).toEqual([
      ['anonymous', true],
      ['jason', false]
    ]);
  });

  it('keeps a non-default port and IPv6 brackets in the URLs', () => {
    const report = fullReport();
    report.gateway = { host: 'fd00::5', port: 30080, via: 'nodeport', url: 'http://[fd00::5]:30080' };
    const out = outputValues(config(), report);
    expect(out['ingress-host']).toBe('fd00::5');
    expect(out['ingress-port']).toBe('30080');
    expect(out['productpage-url']).toBe('http://[fd00::5]:30080/productpage');
    expect(out).not.toHaveProperty('secure-ingress-port');
    expect(out).not.toHaveProperty('gateway-host-header');
  });

  it('sets only namespace and routing when nothing was deployed (teardown)', () => {
    expect(outputValues(config(), newReport('teardown', false))).toEqual({
      namespace: 'bookinfo-pr-42',
      routing: 'reviews-80-20'
    });
  });

  it('outputs strings only', () => {
    for (const v of Object.values(outputValues(config(), fullReport()))) expect(typeof v).toBe('string');
  });
});
