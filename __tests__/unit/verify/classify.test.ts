import { describe, expect, it } from '@jest/globals';
import { classifyProductPage, outcomeOf } from '../../../src/verify/classify.js';
import { newPage, oldPage } from './pages.js';

describe.each([
  ['old Bootstrap template', oldPage],
  ['new Tailwind template', newPage]
])('classifyProductPage: %s', (_name, page) => {
  it.each([
    ['v1', 'v1'],
    ['v2', 'v2'],
    ['v3', 'v3']
  ] as const)('%s page → %s', (v, expected) => {
    const c = classifyProductPage(page(v));
    expect(c).toEqual({
      titleOk: true,
      reviewsVersion: expected,
      ratingsUnavailable: false,
      detailsUnavailable: false
    });
    expect(outcomeOf(c)).toBe(expected);
  });

  it('reviews error → unavailable (the red error text is not taken for red stars)', () => {
    const c = classifyProductPage(page('reviews-error'));
    expect(c.reviewsVersion).toBe('unavailable');
    expect(outcomeOf(c)).toBe('reviews-unavailable');
  });

  it('ratings error without a "served by" line → version unknown, outcome ratings-unavailable', () => {
    const c = classifyProductPage(page('ratings-error'));
    expect(c).toMatchObject({ reviewsVersion: 'unknown', ratingsUnavailable: true });
    expect(outcomeOf(c)).toBe('ratings-unavailable');
  });

  it('ratings error with a "served by" line names the version', () => {
    const c = classifyProductPage(page('ratings-error', { servedBy: 'reviews-v2-5b64f47978-7xk9q' }));
    expect(c).toMatchObject({
      reviewsVersion: 'v2',
      ratingsUnavailable: true,
      servedBy: 'reviews-v2-5b64f47978-7xk9q'
    });
  });

  it('v1 with a "served by" line', () => {
    expect(classifyProductPage(page('v1', { servedBy: 'reviews-v1-7d6b4c9f5-abcde' })).reviewsVersion).toBe(
      'v1'
    );
  });
});

describe('classifyProductPage: not a Bookinfo page', () => {
  it('flags a missing title as an error outcome', () => {
    const c = classifyProductPage(
      '<html><head><title>404 Not Found</title></head><body>no healthy upstream</body></html>'
    );
    expect(c.titleOk).toBe(false);
    expect(outcomeOf(c)).toBe('error');
  });

  it('notices a details error', () => {
    const html = oldPage('v1').replace(
      '<h4 class="text-center text-primary">Book Details</h4>',
      '<h4 class="text-center text-primary">Error fetching product details!</h4>'
    );
    expect(classifyProductPage(html).detailsUnavailable).toBe(true);
  });
});
