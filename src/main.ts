// The action, step by step: inputs → auth → istioctl → Istio → Bookinfo → routing → gateway → verify → report.
// Each step lives in its own module as a pure plan plus a thin apply; pipeline.ts sequences them.
import * as core from '@actions/core';
import { readInputs } from './inputs/read.js';
import { messageOf } from './errors.js';
import { newReport, type RunReport } from './report/model.js';

export async function run(): Promise<void> {
  let report: RunReport | undefined;
  let summary = true;
  try {
    // Validation first and alone: nothing touches the network or the cluster before every input is good.
    const config = readInputs();
    summary = config.lifecycle.jobSummary;
    report = newReport(config.lifecycle.mode, config.lifecycle.dryRun);
    // Imported lazily so that a run failing validation starts, and fails, fast.
    const pipeline = await import('./pipeline.js');
    await pipeline[config.lifecycle.mode](config, report);
  } catch (err) {
    core.setFailed(messageOf(err));
    if (err instanceof Error && err.name === 'Error' && err.stack) core.debug(err.stack);
  } finally {
    if (report && summary) {
      const { writeSummary } = await import('./report/summary.js');
      await writeSummary(report).catch((e: unknown) =>
        core.warning(`could not write the job summary: ${messageOf(e)}`)
      );
    }
  }
}
