import { describe, expect, it } from '@jest/globals';
import { renderComment } from '../../../src/report/comment.js';
import { renderSummary, routingDiagram } from '../../../src/report/summary.js';
import { config, fullReport } from './fixtures.js';

describe('job summary and PR comment with ingress: gateway-api', () => {
  it('draws the namespace Gateway and the HTTPRoutes in the Mermaid diagram', () => {
    const lines = routingDiagram(
      { anonymous: { v1: 90, v2: 10 }, users: { jason: { v2: 100 } } },
      { gateway: 'pr-1/bookinfo-gateway', routes: ['bookinfo'] }
    ).split('\n');
    expect(lines).toContain('  client((client)) --> gw[Gateway pr-1/bookinfo-gateway]');
    expect(lines).toContain('  gw -->|"HTTPRoute bookinfo"| productpage[productpage v1]');
    expect(lines).toContain('  productpage -->|"HTTPRoute reviews: anonymous 90%"| reviews_v1');
    expect(lines).toContain('  productpage -->|"HTTPRoute reviews: jason 100%"| reviews_v2');
    expect(lines.join('\n')).not.toContain('istio-ingressgateway');
  });

  it('names the CRDs, the Gateway and its routes in the summary and the comment', () => {
    const report = fullReport();
    report.gatewayApi = {
      bundleVersion: 'v1.5.1',
      created: ['httproutes.gateway.networking.k8s.io'],
      kept: [],
      gateway: 'pr-1/bookinfo-gateway',
      routes: ['bookinfo']
    };
    const summary = renderSummary(report);
    expect(summary).toContain(
      '| Gateway API | CRDs v1.5.1 (created 1); Gateway pr-1/bookinfo-gateway, HTTPRoutes bookinfo |'
    );
    expect(summary).toContain('gw[Gateway pr-1/bookinfo-gateway]');
    expect(renderComment(report, config(), undefined)).toContain(
      '| Gateway | Gateway API `pr-1/bookinfo-gateway` (its own load balancer) |'
    );
  });
});
