// One model of what the run did. Steps never write to it: each returns what it found as a typed
// Contribution (or throws a StepFailure carrying what it reached before failing), and the step log records
// that here (StepLog.run, contribution.ts). The job summary, the outputs and the PR comment are rendered from the model
// (never by asking the cluster again).
import type { GatewayEndpoint } from '../gateway/address.js';
import type { Expectation } from '../routing/types.js';
import type { PreflightResult } from '../istio/preflight.js';
import type { VerificationResult } from '../verify/http.js';
import type { ImageCacheResult } from '../eci/imageCache.js';
import { StepLog } from './steps.js';
import { record } from './contribution.js';

export { record, StepFailure, type Contributing, type Contribution } from './contribution.js';

export interface ComponentRow {
  namespace: string;
  name: string;
  ready: number;
  desired: number;
  image: string;
}

export interface RunReport {
  steps: StepLog;
  mode: string;
  dryRun: boolean;
  cluster?: { server: string; kubeVersion: string; serverless: boolean; source: string };
  istio?: { version: string; istioctlPath: string; cacheHit: boolean; action: string; reason: string };
  compatibility?: string;
  /** Cluster kind, version support, capabilities for istio-init and the CNI decision (output `preflight`). */
  preflight?: PreflightResult;
  namespace?: string;
  components: ComponentRow[];
  gateway?: GatewayEndpoint & { hostHeader?: string };
  /** `ingress: gateway-api`: the CRDs (created or found) and the namespace's own Gateway and HTTPRoutes. */
  gatewayApi?: {
    bundleVersion: string;
    created: string[];
    kept: string[];
    /** namespace/name of the Bookinfo Gateway, once applied. */
    gateway?: string;
    /** HTTPRoute names, the ingress route first. */
    routes?: string[];
  };
  /** `eci-image-cache: prepare`: the ECI ImageCache made or found for Bookinfo's images. */
  imageCache?: ImageCacheResult;
  routing?: {
    variant: string;
    description: string;
    expectation?: Expectation;
    applied: string[];
    deleted: string[];
  };
  analyze: string[];
  verification?: VerificationResult;
  /** Smoke test outcome (the `smoke-status` output) and its human-readable detail (summary, log). */
  smoke?: 'passed' | 'failed';
  smokeStatus?: string;
  /** Human-readable lines of what a dry run would do. */
  plan: string[];
  /** Why the run failed (already masked), for the PR comment. */
  failure?: string;
  warnings: string[];
}

export function newReport(mode: string, dryRun: boolean): RunReport {
  const report: RunReport = {
    steps: new StepLog((c) => record(report, c)),
    mode,
    dryRun,
    components: [],
    analyze: [],
    plan: [],
    warnings: []
  };
  return report;
}
