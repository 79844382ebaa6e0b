import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import { newReport, StepFailure } from '../../../src/report/model.js';

describe('StepLog records what steps contribute', () => {
  it('records a returned contribution: lists appended, istio and gatewayApi merged, the rest set', async () => {
    const report = newReport('deploy', false);
    report.istio = { version: '1.30.3', istioctlPath: '/x', cacheHit: false, action: 'pending', reason: '' };
    report.warnings.push('earlier');
    const value = await report.steps.run('Install Istio', async () => ({
      answer: 42,
      report: { warnings: ['later'], istio: { action: 'install', reason: 'absent' }, namespace: 'ns' }
    }));
    expect(value.answer).toBe(42);
    expect(report.warnings).toEqual(['earlier', 'later']);
    expect(report.istio).toMatchObject({ version: '1.30.3', action: 'install', reason: 'absent' });
    expect(report.namespace).toBe('ns');
    await report.steps.run('CRDs', async () => ({
      report: { gatewayApi: { bundleVersion: 'v1.4.1', created: ['a'], kept: [] } }
    }));
    await report.steps.run('Gateway', async () => ({ report: { gatewayApi: { gateway: 'ns/gw' } } }));
    expect(report.gatewayApi).toEqual({
      bundleVersion: 'v1.4.1',
      created: ['a'],
      kept: [],
      gateway: 'ns/gw'
    });
  });

  it('a StepFailure records what the step reached and rethrows its cause, marking the step failed', async () => {
    const report = newReport('deploy', false);
    const cause = new ActionError('GET /productpage did not return the Bookinfo page within 180 s.');
    const err = await report.steps
      .run('Verify', async () => {
        throw new StepFailure(cause, { smoke: 'failed', smokeStatus: 'failed after 3 attempts: 503' });
      })
      .catch((e: unknown) => e);
    expect(err).toBe(cause);
    expect(report.smoke).toBe('failed');
    expect(report.smokeStatus).toBe('failed after 3 attempts: 503');
    expect(report.steps.steps.map((s) => [s.name, s.status])).toEqual([['Verify', 'failed']]);
  });

  it('a result without a contribution, and any other error, leave the report as it was', async () => {
    const report = newReport('deploy', false);
    expect(await report.steps.run('Plain', async () => ['a'])).toEqual(['a']);
    await expect(report.steps.run('Boom', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom'
    );
    expect(report).toMatchObject({ warnings: [], plan: [], components: [], analyze: [] });
    expect(report.smoke).toBeUndefined();
  });
});
