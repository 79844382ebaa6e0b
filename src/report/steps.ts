// Runs the pipeline's steps as log groups and records what each did, so the job summary is built from
// the same results (one report model) rather than by asking the cluster again.
import * as core from '@actions/core';

export interface StepRecord {
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  durationMs: number;
  detail?: string;
}

export class StepLog {
  readonly steps: StepRecord[] = [];

  async run<T>(name: string, fn: (note: (detail: string) => void) => Promise<T>): Promise<T> {
    const started = performance.now();
    let detail: string | undefined;
    core.startGroup(name);
    try {
      const result = await fn((d) => {
        detail = d;
      });
      this.steps.push({ name, status: 'ok', durationMs: performance.now() - started, detail });
      return result;
    } catch (err) {
      this.steps.push({ name, status: 'failed', durationMs: performance.now() - started, detail });
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
