// The action, step by step: inputs → auth → istioctl → Istio → Bookinfo → routing → gateway → verify → report.
// Each step lives in its own module as a pure plan plus a thin apply; pipeline.ts sequences them.
import * as core from '@actions/core';
import { readInputs } from './inputs/read.js';
import { ActionError, messageOf } from './errors.js';
import { newReport, type RunReport } from './report/model.js';
import type { Config } from './inputs/config.js';

/**
 * Cancellation (a cancelled workflow sends SIGINT, then SIGTERM): abort every wait, request and istioctl
 * process, then still write outputs and the summary, and let the post step remove the credentials.
 */
function cancellation(): AbortSignal {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: the runner follows SIGINT with SIGTERM, and a repeated signal must not kill the
    // process before outputs, summary and cleanup are written. The timer below bounds the wait.
    process.on(sig, () => {
      if (controller.signal.aborted) return;
      core.warning(`Received ${sig}: cancelling the run.`);
      controller.abort(
        new ActionError(
          `The run was cancelled (${sig}) before it finished; the steps that completed are listed in the summary.`
        )
      );
      // Whatever does not stop by itself within a few seconds is not worth waiting for.
      setTimeout(() => process.exit(1), 10_000).unref();
    });
  }
  return controller.signal;
}

export async function run(): Promise<void> {
  let config: Config | undefined;
  let report: RunReport | undefined;
  const signal = cancellation();
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
    await pipeline[config.lifecycle.mode](config, report, signal);
  } catch (err) {
    core.setFailed(messageOf(err));
    if (report) report.failure = messageOf(err);
    if (err instanceof Error && err.name === 'Error' && err.stack) core.debug(err.stack);
  } finally {
    // Outputs and summary also after a failure: what was reached (gateway URL, verification table)
    // is exactly what someone debugging the failed run needs.
    if (config && report) {
      const { setOutputs } = await import('./report/outputs.js');
      setOutputs(config, report);
      if (config.lifecycle.mode === 'deploy' && config.lifecycle.commentOnPr && !config.lifecycle.dryRun) {
        // Also after a failure: the PR shows why its preview is broken. Lazy (Octokit); never throws.
        await (await import('./report/comment.js')).commentOnPr({ config, report });
      }
      if (config.lifecycle.jobSummary) {
        const { writeSummary } = await import('./report/summary.js');
        await writeSummary(report).catch((e: unknown) =>
          core.warning(`could not write the job summary: ${messageOf(e)}`)
        );
      }
    }
  }
}
