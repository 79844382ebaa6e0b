import { describe, expect, test } from '@jest/globals';
import { droppedFieldsNulled } from '../../../src/kube/client.js';
import { apiError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/kube/objects.js';

const req = {
  server: 'https://127.0.0.1:6443',
  verb: 'patch',
  resource: 'destinationrules',
  group: 'networking.istio.io',
  namespace: 'b',
  name: 'productpage'
};
// What a 1.20 apiserver answers when an apply leaves out a DestinationRule's trafficPolicy it had before.
const refusal = (fields: string[]) =>
  apiError(
    req,
    422,
    JSON.stringify({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: {
        causes: fields.map((f) => ({
          reason: 'FieldValueTypeInvalid',
          field: f,
          message: `Invalid value: "null": ${f} in body must be of type object: "null"`
        }))
      }
    })
  );
const applied: KubeObject = {
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'DestinationRule',
  metadata: { name: 'productpage' },
  spec: { host: 'productpage', subsets: [{ name: 'v1' }] }
};

describe('droppedFieldsNulled (kubernetes/kubernetes#103011 on 1.20)', () => {
  test('names the shallowest field the applied object leaves out', () => {
    expect(droppedFieldsNulled(refusal(['spec.trafficPolicy.tls']), applied)).toEqual([
      ['spec', 'trafficPolicy']
    ]);
    expect(droppedFieldsNulled(refusal(['spec.trafficPolicy.tls', 'spec.trafficPolicy']), applied)).toEqual([
      ['spec', 'trafficPolicy']
    ]);
  });

  test('ignores refusals of fields the applied object does set, and other errors', () => {
    expect(droppedFieldsNulled(refusal(['spec.host']), applied)).toEqual([]);
    expect(droppedFieldsNulled(new Error('boom'), applied)).toEqual([]);
    expect(
      droppedFieldsNulled(apiError(req, 409, '{"reason":"Conflict","message":"conflict"}'), applied)
    ).toEqual([]);
  });
});
