import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { renderVariantTable, VARIANT_TABLE_BEGIN, VARIANT_TABLE_END } from '../../../src/routing/docs.js';
import { describeDistribution } from '../../../src/routing/types.js';
import { VARIANTS } from '../../../src/routing/variants.js';

describe('variant docs', () => {
  const table = renderVariantTable();

  it('has one row per variant with its files and expectations', () => {
    const rows = table.split('\n').filter((l) => l.startsWith('| `') && !l.startsWith('| `routing`'));
    expect(rows).toHaveLength(VARIANTS.length);
    expect(rows.find((r) => r.startsWith('| `reviews-80-20`'))).toContain(
      '`virtual-service-reviews-80-20.yaml` | yes | generated HTTPRoute | v1 80 %, v2 20 % | — |'
    );
    expect(rows.find((r) => r.startsWith('| `reviews-90-10`'))).toContain('| `route-reviews-90-10.yaml` |');
    expect(rows.find((r) => r.startsWith('| `ratings-test-abort`'))).toContain(
      'not available (fault injection (delay/abort) has no form in the Gateway API standard channel): input error'
    );
    expect(rows.find((r) => r.startsWith('| `reviews-test-v2`'))).toContain('jason: v2 100 %');
    expect(rows.find((r) => r.startsWith('| `ratings-test-delay`'))).toContain(
      'jason: reviews unavailable 100 % (ratings delayed 7 s)'
    );
    expect(rows.find((r) => r.startsWith('| `none`'))).toContain(
      '| — | no | — | v1 33.3 %, v2 33.3 %, v3 33.3 % |'
    );
  });

  it('formats distributions', () => {
    expect(describeDistribution({ v1: 100 })).toBe('v1 100 %');
    expect(describeDistribution({ v1: 70, v2: 20, v3: 10 })).toBe('v1 70 %, v2 20 %, v3 10 %');
    expect(describeDistribution({ v2: 0, 'ratings-unavailable': 100 })).toBe('ratings unavailable 100 %');
  });

  // The README carries the generated table verbatim; regenerate it when the table changes.
  const readme = new URL('../../../README.md', import.meta.url);
  (existsSync(readme) ? it : it.skip)('README.md contains the current table', () => {
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf(VARIANT_TABLE_BEGIN);
    const end = text.indexOf(VARIANT_TABLE_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(text.slice(start, end + VARIANT_TABLE_END.length)).toBe(table);
  });
});
