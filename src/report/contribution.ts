// What a step hands to the report instead of writing to it: a typed Contribution in its result, or a
// StepFailure carrying what it had found before it failed. StepLog.run records either (record below).
import type { ComponentRow, RunReport } from './model.js';
import type { PreflightResult } from '../istio/preflight.js';
import type { VerificationResult } from '../verify/http.js';

/**
 * What one step adds to the report. Lists are appended to what earlier steps added; `istio` and
 * `gatewayApi` are merged into what is there (two steps fill each); every other field is set.
 */
export interface Contribution {
  warnings?: string[];
  plan?: string[];
  components?: ComponentRow[];
  analyze?: string[];
  compatibility?: string;
  preflight?: PreflightResult;
  namespace?: string;
  istio?: Partial<NonNullable<RunReport['istio']>>;
  gatewayApi?: Partial<NonNullable<RunReport['gatewayApi']>>;
  imageCache?: RunReport['imageCache'];
  routing?: RunReport['routing'];
  verification?: VerificationResult;
  smoke?: RunReport['smoke'];
  smokeStatus?: string;
}

/** A step's result that adds to the report: StepLog.run records `report` when the step returns. */
export interface Contributing {
  report: Contribution;
}

/**
 * A step failed after it had found something the outputs and the summary must still show (the preflight
 * facts of a refused run, the failed smoke test's status). StepLog.run records `report` and rethrows
 * `cause`, so nothing above the step log ever sees this wrapper.
 */
export class StepFailure extends Error {
  override readonly cause: unknown;
  readonly report: Contribution;

  constructor(cause: unknown, report: Contribution) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StepFailure';
    this.cause = cause;
    this.report = report;
  }
}

export function record(report: RunReport, c: Contribution): void {
  const { warnings, plan, components, analyze, istio, gatewayApi, ...set } = c;
  if (warnings) report.warnings.push(...warnings);
  if (plan) report.plan.push(...plan);
  if (components) report.components.push(...components);
  if (analyze) report.analyze.push(...analyze);
  if (istio && report.istio) Object.assign(report.istio, istio);
  if (gatewayApi) {
    const { bundleVersion = '', created = [], kept = [] } = report.gatewayApi ?? {};
    report.gatewayApi = { bundleVersion, created, kept, ...report.gatewayApi, ...gatewayApi };
  }
  Object.assign(report, set);
}
