import { describe, expect, it } from '@jest/globals';
import { newReport } from '../../../src/report/model.js';
import { outputValues } from '../../../src/report/outputs.js';
import { renderSummary, routingDiagram } from '../../../src/report/summary.js';
import type { Expectation } from '../../../src/routing/types.js';
import { config, fullReport, SECRET_KEY, TOKEN } from './fixtures.js';

/** The lines of the mermaid block, without the fences. */
function diagramLines(e: Expectation | undefined): string[] {
  const lines = routingDiagram(e).split('\n');
  expect(lines[0]).toBe('```mermaid');
  expect(lines.at(-1)).toBe('```');
  return lines.slice(1, -1).map((l) => l.trim());
}

describe('routingDiagram', () => {
  it('draws one edge per identity and version share', () => {
    const lines = diagramLines({ anonymous: { v1: 80, v2: 20, v3: 0 }, users: { jason: { v2: 100 } } });
    expect(lines[0]).toBe('flowchart LR');
    expect(lines.filter((l) => l.startsWith('productpage -->|'))).toEqual([
      'productpage -->|"anonymous 80%"| reviews_v1',
      'productpage -->|"anonymous 20%"| reviews_v2',
      'productpage -->|"jason 100%"| reviews_v2'
    ]);
    // Nodes for versions that receive traffic only; v1 does not call ratings.
    expect(lines).toContain('reviews_v1[reviews v1]');
    expect(lines).toContain('reviews_v2[reviews v2]');
    expect(lines.join('\n')).not.toContain('reviews_v3');
    expect(lines).toContain('reviews_v2 --> ratings[ratings v1]');
    expect(lines).not.toContain('reviews_v1 --> ratings[ratings v1]');
  });

  it('shows a ratings fault and the error outcome it causes as its own node', () => {
    const lines = diagramLines({
      anonymous: { v1: 100 },
      users: { jason: { 'ratings-unavailable': 100 } },
      ratingsFault: { fault: 'abort', users: ['jason'] }
    });
    expect(lines).toContain('ratings_unavailable[ratings unavailable]');
    expect(lines).toContain('productpage -->|"jason 100%"| ratings_unavailable');
    expect(lines).toContain('ratings -.-|"abort for jason"| fault{{fault}}');
  });

  it('draws only the fixed path without an expectation', () => {
    const lines = diagramLines(undefined);
    expect(lines).toEqual([
      'flowchart LR',
      'client((client)) --> gw[istio-ingressgateway]',
      'gw --> productpage[productpage v1]',
      'productpage --> details[details v1]'
    ]);
  });
});

describe('renderSummary', () => {
  const text = renderSummary(fullReport());

  it('has every section in order', () => {
    const headings = text.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '## Istio + Bookinfo on ASK',
      '### Plan',
      '### Components',
      '### Traffic routing',
      '### Verification',
      '### istioctl analyze',
      '### Timings'
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('states the facts of the run', () => {
    expect(text).toContain(
      '| Cluster | https://192.0.2.10:6443 (Kubernetes v1.20.2, serverless, auth: access-key) |'
    );
    expect(text).toContain('| Istio | 1.13.3 — install: Istio is not installed (istioctl from tool cache) |');
    expect(text).toContain('| Gateway URL | http://192.0.2.7 (Host: pr-42.example.com) via loadbalancer |');
    expect(text).toContain(
      '| bookinfo-pr-42 | reviews-v2 | 0/1 | docker.io/istio/examples-bookinfo-reviews-v2:1.16.2 |'
    );
    expect(text).toContain('> [!WARNING]\n> istio-system runs Istio 1.14.0, newer than 1.13.3');
    expect(text).toContain('| Install Istio | ok | 61.2 |');
    expect(text).toContain('productpage -->|"anonymous 20%"| reviews_v2');
  });

  it('renders the verification as a table with p-values and results', () => {
    expect(text).toContain('| Identity | Expected | Observed | p-value | Result |');
    expect(text).toContain('| anonymous | {"v1":80,"v2":20} | {"v1":83,"v2":17} | 0.459 | ✅ pass |');
    expect(text).toContain('| jason | {"v2":100} | {"v1":10,"v2":90} | 0.00 | ❌ fail |');
  });

  it('escapes pipes in cells so a table row keeps its columns', () => {
    const r = fullReport();
    r.namespace = 'a|b';
    expect(renderSummary(r)).toContain('| Namespace | a\\|b |');
  });

  it('titles teardown and dry runs, and leaves out empty sections', () => {
    const r = newReport('teardown', true);
    r.plan.push('namespace bookinfo-pr-42 would be deleted');
    const t = renderSummary(r);
    expect(t.startsWith('## Preview teardown (dry run — nothing changed)\n')).toBe(true);
    expect(t).toContain('- namespace bookinfo-pr-42 would be deleted');
    for (const s of [
      '### Components',
      '### Traffic routing',
      '### Verification',
      '### istioctl analyze',
      '[!WARNING]'
    ]) {
      expect(t).not.toContain(s);
    }
    expect(renderSummary(newReport('prune', false))).toMatch(/^## Preview prune\n/);
  });

  it('contains no credential of the run configuration', () => {
    // The configuration of the run held these; the report model never receives them.
    const rendered = renderSummary(fullReport()) + JSON.stringify(outputValues(config(), fullReport()));
    for (const secret of [SECRET_KEY, TOKEN]) expect(rendered).not.toContain(secret);
    expect(rendered).not.toMatch(/accessKey|securityToken|password|BEGIN [A-Z ]*PRIVATE KEY/i);
  });
});
