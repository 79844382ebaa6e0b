// The verify step: smoke test through the gateway, then the routing split per identity against the
// expectation the routing step recorded. Results go into the report (outputs + summary).

import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import type { Config } from '../inputs/config.js';
import { StepFailure, type Contribution, type Contributing } from '../report/model.js';
import type { GatewayEndpoint } from '../gateway/address.js';
import type { Expectation } from '../routing/types.js';
import { sleep } from '../retry.js';
import { describeDistribution } from '../routing/types.js';
import { smokeTest, verifyRouting, type VerificationResult } from './http.js';
import { foreignResponses, type PodNamespaces } from './origin.js';

const SMOKE_BUDGET_MS = 180_000;

/**
 * Verification requests in flight at once. Each identity keeps its own session and every answer is
 * counted once, so the statistics do not depend on it; 8 keeps a 100-request check to a few round trips
 * without loading a preview's single productpage pod.
 */
const VERIFY_CONCURRENCY = 8;

/** How long routes may take to reach the gateways' Envoys after they are applied. */
const PROPAGATION_GRACE_MS = 5_000;

interface VerifyArgs {
  config: Config;
  /** Where the gateway step found the ingress. */
  gateway: GatewayEndpoint & { hostHeader?: string };
  /** What the routing step expects each identity to see; none: the split is not verified. */
  routing?: { variant: string; expectation?: Expectation };
  signal?: AbortSignal;
  /** Finds the namespaces of reviews pods, to say who answered when the split does not match. */
  locatePods?: () => Promise<PodNamespaces | undefined>;
}

export async function verify(args: VerifyArgs): Promise<Contributing> {
  const { config, gateway, signal } = args;
  const found: Contribution = config.verify.smokeTest ? await checkSmoke(args) : {};
  if (!config.verify.verifyRouting) return { report: found };
  const expectation = args.routing?.expectation;
  if (!expectation) {
    core.info('Routing split not verified: the applied routes are too rich to predict what a visitor sees.');
    return { report: found };
  }
  const options = {
    requests: config.verify.requests,
    hostHeader: gateway.hostHeader,
    concurrency: VERIFY_CONCURRENCY,
    signal
  };
  let result = await verifyRouting(gateway.url, expectation, options);
  if (!result.pass) {
    // Envoy picks up new routes a second or two after they are applied (istiod pushes them): a split seen
    // right after a switch can still be the previous one. One more sample after a pause settles that;
    // a real mismatch fails again.
    core.info(
      `The observed split does not match yet; sampling again in ${PROPAGATION_GRACE_MS / 1000} s (route propagation).`
    );
    await sleep(PROPAGATION_GRACE_MS, signal);
    result = await verifyRouting(gateway.url, expectation, options);
  }
  found.verification = result;
  for (const id of result.identities) {
    core.info(
      `${id.identity}: expected ${describeDistribution(id.expected)}; observed ${JSON.stringify(id.observed)}; p = ${id.pValue.toPrecision(3)}; ${id.pass ? 'pass' : `FAIL — ${id.reason ?? ''}`}`
    );
  }
  // The measured split reaches the `verification` output also when it fails the run.
  if (!result.pass) throw new StepFailure(await splitMismatch(args, result), found);
  return { report: found };
}

/** The smoke test's status for the summary; a failed one throws with that status handed over. */
async function checkSmoke({ config, gateway, signal }: VerifyArgs): Promise<Contribution> {
  const { url, hostHeader } = gateway;
  const smoke = await smokeTest(url, {
    hostHeader,
    budgetMs: Math.min(config.waitTimeoutMs, SMOKE_BUDGET_MS),
    signal
  });
  if (!smoke.ok) {
    const failure = new ActionError(
      `GET ${url}/productpage did not return the Bookinfo page within ${Math.round(smoke.elapsedMs / 1000)} s.`,
      {
        details: [
          `last answer: ${smoke.lastProblem ?? 'none'}`,
          ...(hostHeader ? [`Host: ${hostHeader}`] : [])
        ],
        hint: 'Check the istio-ingressgateway pods and the bookinfo Gateway/VirtualService (istioctl analyze), and that the runner can reach the load balancer.'
      }
    );
    throw new StepFailure(failure, {
      smoke: 'failed',
      smokeStatus: `failed after ${smoke.attempts} attempts: ${smoke.lastProblem ?? 'no answer'}`
    });
  }
  const smokeStatus = `ok (p50 ${Math.round(smoke.latency?.p50 ?? 0)} ms, p95 ${Math.round(smoke.latency?.p95 ?? 0)} ms, ${smoke.attempts} attempt(s))`;
  core.info(`Smoke test: ${smokeStatus}`);
  return { smoke: 'passed', smokeStatus };
}

/** Why the split does not match: who answered instead (another namespace's pods), or each identity's miss. */
async function splitMismatch(args: VerifyArgs, result: VerificationResult): Promise<ActionError> {
  const { config } = args;
  const failed = result.identities.filter((i) => !i.pass);
  const located = args.locatePods ? await args.locatePods().catch(() => undefined) : undefined;
  const elsewhere = foreignResponses(result.identities, config.namespace, located);
  return new ActionError(
    `The traffic split does not match routing "${args.routing?.variant ?? config.routing.variant}".`,
    {
      details: [
        ...(elsewhere ? [`${elsewhere}.`] : []),
        ...failed.map(
          (i) =>
            `${i.identity}: expected ${describeDistribution(i.expected)}, observed ${JSON.stringify(i.observed)} — ${i.reason ?? ''}${i.errors.length ? ` (e.g. ${i.errors[0]})` : ''}`
        )
      ],
      hint: elsewhere
        ? 'Give this deployment its own gateway-hosts (e.g. pr-{id}.preview.example.com), or remove the other namespace’s Gateway for this host.'
        : 'Sidecars may still be picking up the new routes (re-run), or the VirtualService/DestinationRule differ from what the variant expects (istioctl analyze).'
    }
  );
}
