// Bookinfo networking samples as the releases ship them (same structure as Istio 1.13.3 / 1.30.3;
// only the apiVersion differs), written out so the plan can be tested without a release archive.

const dr = (name: string, subsets: string[], tls: boolean): string => `kind: DestinationRule
metadata:
  name: ${name}
spec:
  host: ${name}
${tls ? '  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n' : ''}  subsets:
${subsets.map((s) => `  - name: ${s}\n    labels:\n      version: ${s}`).join('\n')}
`;

const rules = (tls: boolean): string[] => [
  dr('productpage', ['v1'], tls),
  dr('reviews', ['v1', 'v2', 'v3'], tls),
  dr('ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'], tls),
  dr('details', ['v1', 'v2'], tls)
];

const vs = (name: string, http: string): string => `kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts:
  - ${name}
  http:
${http}`;

const to = (host: string, subset: string, weight?: number, indent = '    '): string =>
  `${indent}- destination:\n${indent}    host: ${host}\n${indent}    subset: ${subset}\n${weight === undefined ? '' : `${indent}  weight: ${weight}\n`}`;

const jasonMatch = `  - match:
    - headers:
        end-user:
          exact: jason
`;

const files = (): Record<string, string[]> => ({
  'destination-rule-all.yaml': rules(false),
  'destination-rule-all-mtls.yaml': rules(true),
  'virtual-service-all-v1.yaml': ['productpage', 'reviews', 'ratings', 'details'].map((s) =>
    vs(s, `  - route:\n${to(s, 'v1')}`)
  ),
  'virtual-service-reviews-v3.yaml': [vs('reviews', `  - route:\n${to('reviews', 'v3')}`)],
  'virtual-service-reviews-test-v2.yaml': [
    vs('reviews', `${jasonMatch}    route:\n${to('reviews', 'v2')}  - route:\n${to('reviews', 'v1')}`)
  ],
  'virtual-service-reviews-jason-v2-v3.yaml': [
    vs('reviews', `${jasonMatch}    route:\n${to('reviews', 'v2')}  - route:\n${to('reviews', 'v3')}`)
  ],
  'virtual-service-reviews-50-v3.yaml': [
    vs('reviews', `  - route:\n${to('reviews', 'v1', 50)}${to('reviews', 'v3', 50)}`)
  ],
  'virtual-service-reviews-80-20.yaml': [
    vs('reviews', `  - route:\n${to('reviews', 'v1', 80)}${to('reviews', 'v2', 20)}`)
  ],
  'virtual-service-reviews-90-10.yaml': [
    vs('reviews', `  - route:\n${to('reviews', 'v1', 90)}${to('reviews', 'v2', 10)}`)
  ],
  'virtual-service-reviews-v2-v3.yaml': [
    vs('reviews', `  - route:\n${to('reviews', 'v2', 50)}${to('reviews', 'v3', 50)}`)
  ],
  'virtual-service-ratings-test-delay.yaml': [
    vs(
      'ratings',
      `${jasonMatch}    fault:\n      delay:\n        percentage:\n          value: 100.0\n        fixedDelay: 7s\n    route:\n${to('ratings', 'v1')}  - route:\n${to('ratings', 'v1')}`
    )
  ],
  'virtual-service-ratings-test-abort.yaml': [
    vs(
      'ratings',
      `${jasonMatch}    fault:\n      abort:\n        percentage:\n          value: 100.0\n        httpStatus: 500\n    route:\n${to('ratings', 'v1')}  - route:\n${to('ratings', 'v1')}`
    )
  ]
});

/** The networking sample directory of a release whose samples use `apiVersion`. */
export function sampleFiles(apiVersion: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files()).map(([file, docs]) => [
      file,
      docs.map((d) => `apiVersion: ${apiVersion}\n${d}`).join('---\n')
    ])
  );
}
