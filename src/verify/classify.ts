// Reads a Bookinfo productpage response and tells which reviews version rendered it. Works on both
// productpage templates: the old Bootstrap one (images ≤ 1.19.1, Istio ≤ 1.22) and the Tailwind one
// (images 1.20.x). Star markup is the signal: v1 shows no ratings, v2 black stars, v3 red stars.

import type { Outcome } from '../routing/types.js';

export type ReviewsVersion = 'v1' | 'v2' | 'v3' | 'unavailable' | 'unknown';

export interface Classification {
  titleOk: boolean;
  /** 'unavailable': productpage could not get reviews; 'unknown': reviews rendered but no star colour
   *  or "served by" line tells the version (ratings failed). */
  reviewsVersion: ReviewsVersion;
  ratingsUnavailable: boolean;
  detailsUnavailable: boolean;
  /** Pod name from the "Reviews served by" line (images 1.16.4+), when present. */
  servedBy?: string;
}

const TITLE = /<title>\s*Simple Bookstore App\s*<\/title>/i;
// Matches the old `class="glyphicon glyphicon-star"` and the new `id="glyphicon glyphicon-star"`;
// also inside "glyphicon-star-empty", which is only drawn next to full stars anyway.
const STAR = 'glyphicon glyphicon-star';
const RED = /color="red"|gap-x-1 text-red-500/;
const BLACK = /color="black"|gap-x-1 text-black-500/;
const REVIEWS_ERROR = /Error fetching product reviews/;
const DETAILS_ERROR = /Error fetching product details/;
const RATINGS_ERROR = /Ratings service is currently unavailable/;
const SERVED_BY = /Reviews served by:[\s\S]{0,80}?(reviews-(v[123])-[a-z0-9-]*)/;

export function classifyProductPage(html: string): Classification {
  const titleOk = TITLE.test(html);
  const ratingsUnavailable = RATINGS_ERROR.test(html);
  const detailsUnavailable = DETAILS_ERROR.test(html);
  const served = SERVED_BY.exec(html);
  const base = {
    titleOk,
    ratingsUnavailable,
    detailsUnavailable,
    ...(served?.[1] ? { servedBy: served[1] } : {})
  };

  if (REVIEWS_ERROR.test(html)) return { ...base, reviewsVersion: 'unavailable' };
  const servedVersion = served?.[2] as 'v1' | 'v2' | 'v3' | undefined;
  if (html.includes(STAR)) {
    // Red is checked first: a v3 page never contains black star markup, and neither colour regex
    // matches error text (a bare text-red-500 would: the Tailwind error messages use it).
    if (RED.test(html)) return { ...base, reviewsVersion: 'v3' };
    if (BLACK.test(html)) return { ...base, reviewsVersion: 'v2' };
    return { ...base, reviewsVersion: servedVersion ?? 'unknown' };
  }
  if (servedVersion) return { ...base, reviewsVersion: servedVersion };
  // Without stars: v1 never asks ratings; a ratings error means v2 or v3 with the colour unknown.
  return { ...base, reviewsVersion: ratingsUnavailable ? 'unknown' : 'v1' };
}

/** The verification outcome of one page, in the terms the variant table's expectations use. */
export function outcomeOf(c: Classification): Outcome | 'error' {
  if (!c.titleOk) return 'error';
  if (c.reviewsVersion === 'unavailable') return 'reviews-unavailable';
  if (c.ratingsUnavailable) return 'ratings-unavailable';
  if (c.reviewsVersion === 'unknown') return 'error';
  return c.reviewsVersion;
}
