// Inputs that end up in manifests or on istioctl's command line: a value carrying a newline, a quote, a
// YAML key or an extra flag must be refused as an input error, so no input can add manifest fields or
// arguments. (Manifests are built as objects and argv is passed without a shell; this is the first line.)
import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import { parseConfig } from '../../../src/inputs/parse.js';
import { KUBECONFIG } from '../inputs/fixtures.js';

const attempts: Array<[string, string]> = [
  ['namespace', 'bookinfo\nkind: ClusterRole'],
  ['namespace', 'a"b'],
  ['namespace', 'istio-system'],
  ['gateway-hosts', 'a.example.com\n  - "*"'],
  ['gateway-hosts', 'a.example.com", "*'],
  ['routing-user', 'jason\nfoo: bar'],
  ['routing-user', 'jason"; x'],
  ['pod-annotations', 'a=b\nc: d'],
  ['ingress-annotations', 'x=y\nspec: {}'],
  ['istio-set', '--manifests=/tmp'],
  ['istio-set', 'a=b\n--set x=y'],
  ['istio-revision', 'canary --force'],
  ['istio-profile', 'demo --set x=1'],
  ['preview-id', '1;rm -rf /'],
  ['preview-id', '../x'],
  ['routing-service', 'reviews\nx'],
  ['gateway', 'bookinfo/../x'],
  ['context', '--kubeconfig=/x']
];

describe('input injection', () => {
  it.each(attempts)('%s = %j is refused as an input error naming the input', (name, value) => {
    let error: unknown;
    try {
      parseConfig({ kubeconfig: KUBECONFIG, [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message + JSON.stringify(error)).toContain(name);
  });

  it('the same inputs with harmless values are accepted (the refusals above are about the payload)', () => {
    const c = parseConfig({
      kubeconfig: KUBECONFIG,
      namespace: 'bookinfo-ok',
      'gateway-hosts': 'a.example.com',
      'routing-user': 'jason',
      'routing-user-version': 'v2',
      'istio-set': 'values.global.logging.level=default:info'
    });
    expect(c.namespace).toBe('bookinfo-ok');
  });
});
