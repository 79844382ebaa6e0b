// Bookinfo's four services as in-process handlers: what each pod would answer on port 9080.
// productpage renders the HTML markers of its image (old Bootstrap ≤1.19 vs new Tailwind ≥1.20,
// see shared notes on Istio §4.3) so the action's classifier is tested against both.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AppRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}
export interface AppResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}
/** How an app reaches another service: through its sidecar (mesh routing) or kube-proxy. */
export type Upstream = (service: string, req: AppRequest, timeoutMs: number) => Promise<AppResponse>;

export interface PodView {
  name: string;
  namespace: string;
  app: string;
  version: string;
  image: string;
}

// ---- Flask's signed session cookie (itsdangerous: HMAC-SHA1, salt "cookie-session") ----------
const SECRET = Buffer.from('_5#y2L"F4Q8z\n\xec]/', 'latin1');
const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const derivedKey = (): Buffer => createHmac('sha1', SECRET).update('cookie-session').digest();

export function signSession(data: Record<string, string>, now = Date.now()): string {
  const payload = b64(JSON.stringify(data));
  const ts = Buffer.alloc(4);
  ts.writeUInt32BE(Math.floor(now / 1000));
  const value = `${payload}.${b64(ts)}`;
  return `${value}.${b64(createHmac('sha1', derivedKey()).update(value).digest())}`;
}

export function readSession(cookieHeader: string | undefined): Record<string, string> {
  const cookie = /(?:^|;\s*)session=([^;]+)/.exec(cookieHeader ?? '')?.[1];
  if (!cookie) return {};
  const cut = cookie.lastIndexOf('.');
  const value = cookie.slice(0, cut);
  const sig = Buffer.from(cookie.slice(cut + 1), 'base64url');
  const expected = createHmac('sha1', derivedKey()).update(value).digest();
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return {};
  try {
    return JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
  } catch {
    return {};
  }
}

// ---- data ------------------------------------------------------------------------------------
const DETAILS = {
  id: 0,
  author: 'William Shakespeare',
  year: 1595,
  type: 'paperback',
  pages: 200,
  publisher: 'PublisherA',
  language: 'English',
  'ISBN-10': '1234567890',
  'ISBN-13': '123-1234567890'
};
const REVIEWS = [
  {
    reviewer: 'Reviewer1',
    text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!'
  },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.'
  }
];
const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml:
    '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays.'
};

const json = (status: number, body: unknown): AppResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body)
});
const text = (status: number, body: string, type = 'text/html; charset=utf-8'): AppResponse => ({
  status,
  headers: { 'content-type': type },
  body
});

/** Headers productpage forwards (end-user comes from the session, never from the client). */
function forwardHeaders(req: AppRequest, user: string | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const h of ['x-request-id', 'user-agent', 'cookie', 'authorization', 'b3', 'traceparent'])
    if (req.headers[h]) out[h] = req.headers[h];
  if (user) out['end-user'] = user;
  return out;
}

interface ReviewsData {
  podname?: string;
  reviews: { reviewer: string; text: string; rating?: { stars?: number; color?: string; error?: string } }[];
}

export async function handleApp(pod: PodView, req: AppRequest, upstream: Upstream): Promise<AppResponse> {
  const path = req.path.split('?')[0] ?? '/';
  switch (pod.app) {
    case 'details':
      return /^\/details\/\d+$/.test(path)
        ? json(200, { ...DETAILS, id: Number(path.split('/')[2]) })
        : path === '/health'
          ? json(200, { status: 'Details is healthy' })
          : json(404, { error: 'please provide numeric product id' });
    case 'ratings':
      return /^\/ratings\/\d+$/.test(path)
        ? json(200, { id: Number(path.split('/')[2]), ratings: { Reviewer1: 5, Reviewer2: 4 } })
        : path === '/health'
          ? json(200, { status: 'Ratings is healthy' })
          : json(404, { error: 'unsupported URL' });
    case 'reviews':
      return /^\/reviews\/\d+$/.test(path)
        ? reviews(pod, req, upstream)
        : path === '/health'
          ? json(200, { status: 'Reviews is healthy' })
          : json(404, {});
    case 'productpage':
      return productpage(pod, req, path, upstream);
    default:
      return text(404, 'not found', 'text/plain');
  }
}

async function reviews(pod: PodView, req: AppRequest, upstream: Upstream): Promise<AppResponse> {
  const withRatings = pod.version !== 'v1';
  const color = pod.version === 'v3' ? 'red' : 'black';
  let ratings: Record<string, number> | undefined;
  let ratingsError = false;
  if (withRatings) {
    try {
      // v2 waits 10 s for ratings, v3 2.5 s (per the reviews images' client timeouts).
      const r = await upstream(
        'ratings',
        { method: 'GET', path: '/ratings/0', headers: { 'end-user': req.headers['end-user'] }, body: '' },
        pod.version === 'v3' ? 2500 : 10_000
      );
      if (r.status === 200) ratings = (JSON.parse(r.body) as { ratings: Record<string, number> }).ratings;
      else ratingsError = true;
    } catch {
      ratingsError = true;
    }
  }
  const data: ReviewsData = {
    podname: pod.name,
    reviews: REVIEWS.map((r) => ({
      ...r,
      ...(withRatings
        ? {
            rating:
              ratingsError || !ratings
                ? { error: 'Ratings service is currently unavailable' }
                : { stars: ratings[r.reviewer] ?? 0, color }
          }
        : {})
    }))
  };
  return json(200, { id: '0', clustername: 'null', ...data });
}

/** Image tag → template generation. Tailwind from examples-bookinfo 1.20.0 on. */
export function templateOf(image: string): { modern: boolean; servedBy: boolean } {
  const tag = /:(\d+)\.(\d+)\.(\d+)/.exec(image);
  const minor = tag ? Number(tag[2]) : 20;
  const patch = tag ? Number(tag[3]) : 0;
  const major = tag ? Number(tag[1]) : 1;
  const modern = major > 1 || minor >= 20;
  return { modern, servedBy: modern || minor > 16 || (minor === 16 && patch >= 4) };
}

async function productpage(
  pod: PodView,
  req: AppRequest,
  path: string,
  upstream: Upstream
): Promise<AppResponse> {
  const session = readSession(req.headers.cookie);
  const redirect = (cookie: string): AppResponse => ({
    status: 302,
    headers: {
      location: req.headers.referer ?? 'None',
      'set-cookie': cookie,
      'content-type': 'text/html; charset=utf-8'
    },
    body: '<p>Redirecting...</p>'
  });
  if (path === '/login' && req.method === 'POST') {
    const user = new URLSearchParams(req.body).get('username') ?? '';
    return redirect(`session=${signSession({ ...session, user })}; HttpOnly; Path=/`);
  }
  if (path === '/logout') {
    const { user: _dropped, ...rest } = session;
    return redirect(
      `session=${Object.keys(rest).length ? signSession(rest) : ''}; ${Object.keys(rest).length ? '' : 'Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; '}HttpOnly; Path=/`
    );
  }
  if (path === '/' || path === '/index.html')
    return text(
      200,
      page(pod, '<p>Click <a href="/productpage?u=normal">here</a> to see the product page.</p>')
    );
  if (path === '/health') return text(200, 'Product page is healthy', 'text/plain');
  if (path === '/api/v1/products') return json(200, [PRODUCT]);
  if (/^\/api\/v1\/products\/\d+$/.test(path)) return json(200, PRODUCT);
  if (path.startsWith('/static/'))
    return text(200, `/* ${path} */\n`, path.endsWith('.js') ? 'application/javascript' : 'text/css');
  if (path !== '/productpage') return text(404, '<h1>Not Found</h1>');

  const user = session.user;
  const headers = forwardHeaders(req, user);
  const call = async (service: string, p: string): Promise<AppResponse | undefined> => {
    // productpage: 3 s timeout per call, and it retries once (so a stuck upstream costs ~6 s).
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await upstream(service, { method: 'GET', path: p, headers, body: '' }, 3000);
        if (r.status === 200) return r;
      } catch {
        // timeout or connection failure: retry once, then give up
      }
    }
    return undefined;
  };
  const [detailsRes, reviewsRes] = await Promise.all([
    call('details', '/details/0'),
    call('reviews', '/reviews/0')
  ]);
  const t = templateOf(pod.image);
  const details = detailsRes ? (JSON.parse(detailsRes.body) as typeof DETAILS) : undefined;
  const reviewsData = reviewsRes ? (JSON.parse(reviewsRes.body) as ReviewsData) : undefined;
  return text(200, page(pod, renderBody(t, user, details, reviewsData)));
}

function page(pod: PodView, body: string): string {
  const t = templateOf(pod.image);
  const head = t.modern
    ? '<script src="static/tailwind/tailwind.css"></script>'
    : '<link rel="stylesheet" href="static/bootstrap/css/bootstrap.min.css">';
  return `<!DOCTYPE html>\n<html>\n<head>\n<title>Simple Bookstore App</title>\n<meta charset="utf-8">\n${head}\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

function stars(t: { modern: boolean }, rating: { stars?: number; color?: string; error?: string }): string {
  if (rating.error)
    return t.modern ? `<p class="text-red-500">${rating.error}</p>` : `<p><i>${rating.error}</i></p>`;
  const n = rating.stars ?? 0;
  if (t.modern) {
    const full =
      '<svg id="glyphicon glyphicon-star" class="h-5 w-5 flex-none" viewBox="0 0 20 20" fill="currentColor"><path d="M10 1l3 6 6 1-4.5 4 1 6-5.5-3-5.5 3 1-6L1 8l6-1z"/></svg>';
    const empty =
      '<svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" class="h-5 w-5 flex-none"><path d="M12 2l3 7 7 1-5 5 1 7-6-4-6 4 1-7-5-5 7-1z"/></svg>';
    return `<div class="flex gap-x-1 text-${rating.color}-500">\n${full.repeat(n)}\n${empty.repeat(5 - n)}\n</div>`;
  }
  return `<font color="${rating.color}">\n${'<span class="glyphicon glyphicon-star"></span>\n'.repeat(n)}${'<span class="glyphicon glyphicon-star-empty"></span>\n'.repeat(5 - n)}</font>`;
}

function renderBody(
  t: { modern: boolean; servedBy: boolean },
  user: string | undefined,
  details: typeof DETAILS | undefined,
  reviews: ReviewsData | undefined
): string {
  const nav = user
    ? `<nav><span>${t.modern ? 'Signed in as' : ''} ${escapeHtml(user)}</span> <a href="logout">Sign out</a></nav>`
    : '<nav><form method="post" action="login"><input name="username"><input name="passwd" type="password"><button type="submit">Sign in</button></form></nav>';
  const title = `<h3>${PRODUCT.title}</h3>\n<p>Summary: ${PRODUCT.descriptionHtml}</p>`;
  let detailsHtml: string;
  if (!details) {
    detailsHtml = t.modern
      ? '<p class="text-2xl text-red-500">Error fetching product details</p>\n<p>Sorry, product details are currently unavailable for this book.</p>'
      : '<h4 class="text-center text-primary">Error fetching product details!</h4>\n<p>Sorry, product details are currently unavailable for this book.</p>';
  } else {
    detailsHtml = `<h4>Book Details</h4>\n<dl>\n<dt>Type:</dt>${details.type}\n<dt>Pages:</dt>${details.pages}\n<dt>Publisher:</dt>${details.publisher}\n<dt>Language:</dt>${details.language}\n<dt>ISBN-10:</dt>${details['ISBN-10']}\n<dt>ISBN-13:</dt>${details['ISBN-13']}\n</dl>`;
  }
  let reviewsHtml: string;
  if (!reviews) {
    reviewsHtml = t.modern
      ? '<p class="text-2xl text-red-500">Error fetching product reviews</p>\n<p>Sorry, product reviews are currently unavailable for this book.</p>'
      : '<h4 class="text-center text-primary">Error fetching product reviews!</h4>\n<p>Sorry, product reviews are currently unavailable for this book.</p>';
  } else {
    const items = reviews.reviews
      .map(
        (r) =>
          `<blockquote>\n<p>${r.text}</p>\n<small>${r.reviewer}</small>\n${r.rating ? stars(t, r.rating) : ''}\n</blockquote>`
      )
      .join('\n');
    const servedBy =
      t.servedBy && reviews.podname
        ? t.modern
          ? `\n<p>Reviews served by: \n ${reviews.podname}</p>`
          : `\n<dl><dt>Reviews served by:</dt> <u>${reviews.podname}</u></dl>`
        : '';
    reviewsHtml = `<h4>Book Reviews</h4>\n${items}${servedBy}`;
  }
  return `${nav}\n${title}\n<div class="details">\n${detailsHtml}\n</div>\n<div class="reviews">\n${reviewsHtml}\n</div>`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
  );
}
