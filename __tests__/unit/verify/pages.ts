// Productpage HTML as the two Bookinfo templates render it (istio.md §4.3), trimmed to the parts the
// classifier looks at plus enough surrounding markup to catch over-eager matching.

type Version = 'v1' | 'v2' | 'v3';

const head =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Simple Bookstore App</title>\n<meta charset="utf-8">\n</head>\n<body>\n';

function oldStars(color: string): string {
  return `<font color="${color}">\n${'<span class="glyphicon glyphicon-star"></span>\n'.repeat(4)}<span class="glyphicon glyphicon-star-empty"></span>\n</font>`;
}

/** Old Bootstrap template (images ≤ 1.19.1). `servedBy` is absent in 1.16.2 (Istio 1.13). */
export function oldPage(
  v: Version | 'ratings-error' | 'reviews-error',
  opts: { servedBy?: string } = {}
): string {
  let reviews: string;
  if (v === 'reviews-error') {
    reviews =
      '<h4 class="text-center text-primary">Error fetching product reviews!</h4>\n<p>Sorry, product reviews are currently unavailable for this book.</p>';
  } else {
    const rating =
      v === 'v1'
        ? ''
        : v === 'ratings-error'
          ? '<p><i>Ratings service is currently unavailable</i></p>'
          : oldStars(v === 'v2' ? 'black' : 'red');
    reviews = ['An extremely entertaining play by Shakespeare.', 'Absolutely fun and entertaining.']
      .map(
        (text, i) => `<blockquote>\n<p>${text}</p>\n<small>Reviewer${i + 1}</small>\n${rating}\n</blockquote>`
      )
      .join('\n');
  }
  const served = opts.servedBy ? `<dl>\n<dt>Reviews served by:</dt>\n<u>${opts.servedBy}</u>\n</dl>\n` : '';
  return `${head}<nav class="navbar navbar-inverse"><button type="button" class="btn btn-default">Sign in</button></nav>
<h3 class="text-center text-primary">The Comedy of Errors</h3>
<div class="col-md-6"><h4 class="text-center text-primary">Book Details</h4><dl><dt>Type:</dt>paperback</dl></div>
<div class="col-md-6"><h4 class="text-center text-primary">Book Reviews</h4>
${reviews}
${served}</div>
</body>
</html>`;
}

function newStars(color: string): string {
  const full =
    '<svg id="glyphicon glyphicon-star" class="h-5 w-5 flex-none" viewBox="0 0 20 20" fill="currentColor"><path d="M10 1"/></svg>';
  const empty =
    '<svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" class="h-5 w-5 flex-none"><path d="M11.48 3"/></svg>';
  return `<div class="flex gap-x-1 text-${color}-500">\n${full.repeat(4)}\n${empty}\n</div>`;
}

/** New Tailwind template (images 1.20.x, Istio 1.23+). */
export function newPage(
  v: Version | 'ratings-error' | 'reviews-error',
  opts: { servedBy?: string } = {}
): string {
  let reviews: string;
  if (v === 'reviews-error') {
    reviews =
      '<p class="text-2xl text-red-500">Error fetching product reviews</p>\n<p>Sorry, product reviews are currently unavailable for this book.</p>';
  } else {
    const rating =
      v === 'v1'
        ? ''
        : v === 'ratings-error'
          ? '<p class="text-red-500">Ratings service is currently unavailable</p>'
          : newStars(v === 'v2' ? 'black' : 'red');
    reviews = ['An extremely entertaining play by Shakespeare.', 'Absolutely fun and entertaining.']
      .map(
        (text, i) =>
          `<div class="py-4"><p class="text-lg">${text}</p><p class="text-sm text-gray-500">Reviewer${i + 1}</p>${rating}</div>`
      )
      .join('\n');
  }
  const served = opts.servedBy ? `<p class="text-sm">Reviews served by:\n ${opts.servedBy}</p>\n` : '';
  return `${head}<header class="bg-gray-900"><button class="rounded-md bg-indigo-600">Sign in</button></header>
<h1 class="text-3xl font-bold">The Comedy of Errors</h1>
<div><h2 class="text-2xl">Book Details</h2><p>Type: paperback</p></div>
<div><h2 class="text-2xl">Book Reviews</h2>
${reviews}
${served}</div>
</body>
</html>`;
}
