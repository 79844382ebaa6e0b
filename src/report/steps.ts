// Runs the pipeline's steps as log groups and records what each did, and what each found (its
// Contribution, also when it fails with a StepFailure), so the job summary is built from the same results
// (one report model) rather than by asking the cluster again.
import * as core from '@actions/core';
import { StepFailure, type Contribution } from './contribution.js';

export interface StepRecord {
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  durationMs: number;
  detail?: string;
}

function contributionOf(value: unknown): Contribution | undefined {
  if (typeof value !== 'object' || value === null || !('report' in value)) return undefined;
  return (value as { report: Contribution }).report;
}

export class StepLog {
  readonly steps: StepRecord[] = [];

  /** `record` receives each step's contribution (see report/model); the report's own log records it. */
  private readonly record: (c: Contribution) => void;

  constructor(record: (c: Contribution) => void = () => undefined) {
    this.record = record;
  }

  async run<T>(name: string, fn: (note: (detail: string) => void) => Promise<T>): Promise<T> {
    const started = performance.now();
    let detail: string | undefined;
    core.startGroup(name);
    try {
      const result = await fn((d) => {
        detail = d;
      });
      this.steps.push({ name, status: 'ok', durationMs: performance.now() - started, detail });
      const contribution = contributionOf(result);
      if (contribution) this.record(contribution);
      return result;
    } catch (err) {
      this.steps.push({ name, status: 'failed', durationMs: performance.now() - started, detail });
      if (err instanceof StepFailure) {
        this.record(err.report);
        throw err.cause;
      }
      throw err;
    } finally {
      core.endGroup();
      core.info(`${name}: ${((performance.now() - started) / 1000).toFixed(1)}s`);
    }
  }

  skip(name: string, detail: string): void {
    core.info(`${name}: skipped (${detail})`);
    this.steps.push({ name, status: 'skipped', durationMs: 0, detail });
  }
}
