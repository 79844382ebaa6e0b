import { describe, expect, test } from '@jest/globals';
import {
  apiError,
  isRetryable,
  networkCode,
  networkError,
  roleRuleFor,
  type RequestInfo
} from '../../../src/kube/errors.js';

const req: RequestInfo = {
  verb: 'patch',
  resource: 'deployments',
  group: 'apps',
  namespace: 'bookinfo',
  name: 'productpage-v1',
  server: 'https://127.0.0.1:6443',
  user: 'kubeconfig-user'
};

function status(code: number, reason: string, message: string, extra: object = {}): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message,
    ...extra
  });
}

describe('apiError', () => {
  test('403 names verb, resource, namespace, the user from the server, and the exact Role rule', () => {
    const e = apiError(
      req,
      403,
      status(
        403,
        'Forbidden',
        'deployments.apps "productpage-v1" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "bookinfo"'
      )
    );
    expect(e.status).toBe(403);
    expect(e.message).toBe(
      'forbidden: cannot patch deployments in namespace bookinfo (user system:serviceaccount:ci:deployer)'
    );
    expect(e.hint).toBe(
      'Grant the identity this permission: Role in namespace bookinfo rule: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }, bound to user "system:serviceaccount:ci:deployer".'
    );
  });

  test('403 at cluster scope in the core group asks for a ClusterRole', () => {
    const e = apiError(
      { ...req, verb: 'list', resource: 'namespaces', group: '', namespace: undefined, name: undefined },
      403,
      status(
        403,
        'Forbidden',
        'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope'
      )
    );
    expect(e.message).toBe('forbidden: cannot list namespaces at cluster scope (user alice)');
    expect(e.hint).toContain(
      'ClusterRole rule: { apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }'
    );
  });

  test('403 without a parsable message falls back to what was requested and the kubeconfig user', () => {
    const e = apiError(req, 403, 'forbidden');
    expect(e.message).toBe(
      'forbidden: cannot patch deployments in namespace bookinfo (user kubeconfig-user)'
    );
  });

  test('401 says the credentials are expired or invalid, without echoing anything secret', () => {
    const e = apiError(req, 401, status(401, 'Unauthorized', 'Unauthorized'));
    expect(e.message).toBe(
      'the API server at https://127.0.0.1:6443 rejected the credentials (401 Unauthorized)'
    );
    expect(e.hint).toMatch(/expired or invalid/);
  });

  test('422 lists the field causes', () => {
    const e = apiError(
      { ...req, resource: 'virtualservices', group: 'networking.istio.io', name: 'reviews' },
      422,
      status(422, 'Invalid', 'VirtualService.networking.istio.io "reviews" is invalid', {
        details: {
          causes: [
            {
              reason: 'FieldValueInvalid',
              field: 'spec.http[0].route[0].weight',
              message: 'Invalid value: "x": must be an integer'
            }
          ]
        }
      })
    );
    expect(e.message).toBe(
      'the API server rejected virtualservices "reviews" in namespace bookinfo as invalid'
    );
    expect(e.details).toEqual(['spec.http[0].route[0].weight: Invalid value: "x": must be an integer']);
  });

  test('409 apply conflict explains field ownership', () => {
    const e = apiError(
      req,
      409,
      status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas')
    );
    expect(e.message).toBe(
      'cannot apply deployments "productpage-v1" in namespace bookinfo: fields are owned by another manager'
    );
    expect(e.details[0]).toContain('conflict with "kubectl"');
  });

  test("1.20's SSA key-field 500 is reported as a manifest problem, not an overload", () => {
    const e = apiError(
      { ...req, resource: 'services', group: '', name: 'details' },
      500,
      status(
        500,
        'InternalError',
        'failed to create typed patch object: .spec.ports: element 0: associative list with keys has an element that omits key field "protocol" (and doesn\'t have default value)'
      )
    );
    expect(e.message).toBe(
      'the API server cannot server-side apply services "details" in namespace bookinfo'
    );
    expect(e.hint).toMatch(/protocol: TCP/);
  });

  test("503 is reported as overloaded with the server's words", () => {
    const e = apiError(req, 503, 'etcdserver: request timed out');
    expect(e.message).toMatch(/overloaded or failing \(HTTP 503\)/);
    expect(e.details).toEqual(['API server: etcdserver: request timed out']);
  });
});

describe('network failures', () => {
  const refused = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' })
  });
  const badCert = Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }
  });

  test("codes are found inside undici's wrapper", () => {
    expect(networkCode(refused)).toBe('ECONNREFUSED');
    expect(networkCode(badCert)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(networkCode(new Error('boom'))).toBeUndefined();
  });

  test('unreachable server message names the URL and attempts', () => {
    const e = networkError(req, refused, 5);
    expect(e.status).toBe(0);
    expect(e.message).toBe(
      'the API server at https://127.0.0.1:6443 is unreachable or overloaded (ECONNREFUSED after 5 attempts) while trying to patch deployments "productpage-v1" in namespace bookinfo'
    );
    expect(e.hint).toMatch(/private \(VPC\) endpoint/);
  });

  test('certificate errors get their own message', () => {
    expect(networkError(req, badCert, 1).message).toMatch(/certificate that is not trusted/);
  });

  test.each([
    [0, refused, true],
    [0, badCert, false],
    [0, new Error('weird'), false],
    [429, undefined, true],
    [500, undefined, true],
    [503, undefined, true],
    [504, undefined, true],
    [501, undefined, false],
    [404, undefined, false],
    [409, undefined, false]
  ])('isRetryable(%s) → %s', (code, err, expected) => {
    expect(isRetryable(code, err)).toBe(expected);
  });
});

test('roleRuleFor', () => {
  expect(roleRuleFor('get', 'services/proxy', '', 'bookinfo')).toBe(
    'Role in namespace bookinfo rule: { apiGroups: [""], resources: ["services/proxy"], verbs: ["get"] }'
  );
});
