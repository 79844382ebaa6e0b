// The action, step by step: inputs → auth → istioctl → Istio → Bookinfo → routing → gateway → verify → report.
// Each step lives in its own module as a pure plan plus a thin apply; pipeline.ts sequences them.
import * as core from '@actions/core';
import { readInputs } from './inputs/read.js';
import { messageOf } from './errors.js';
import { newReport, type RunReport } from './report/model.js';
import type { Config } from './inputs/config.js';

export async function run(): Promise<void> {
  let config: Config | undefined;
  let report: RunReport | undefined;
  try {
    // Validation first and alone: nothing touches the network or the cluster before every input is good.
    config = readInputs();
    report = newReport(config.lifecycle.mode, config.lifecycle.dryRun);
    core.info(
      `ask-istio-action: ${config.lifecycle.mode}${config.lifecycle.dryRun ? ' (dry run)' : ''} — namespace ${config.namespace}, ` +
        `Istio ${config.istio.versionSpec}, routing ${config.routing.variant}, auth ${config.auth.kind}`
    );
    // Imported lazily so that a run failing validation starts, and fails, fast.
    const pipeline = await import('./pipeline.js');
    await pipeline[config.lifecycle.mode](config, report);
  } catch (err) {
    core.setFailed(messageOf(err));
    if (err instanceof Error && err.name === 'Error' && err.stack) core.debug(err.stack);
  } finally {
    // Outputs and summary also after a failure: what was reached (gateway URL, verification table)
    // is exactly what someone debugging the failed run needs.
    if (config && report) {
      const { setOutputs } = await import('./report/outputs.js');
      setOutputs(config, report);
      if (config.lifecycle.jobSummary) {
        const { writeSummary } = await import('./report/summary.js');
        await writeSummary(report).catch((e: unknown) =>
          core.warning(`could not write the job summary: ${messageOf(e)}`)
        );
      }
    }
  }
}
