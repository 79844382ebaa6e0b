// The action's outputs, set from the report model (values asserted by the e2e tests).
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { RunReport } from './model.js';

export function outputValues(config: Config, report: RunReport): Record<string, string> {
  const out: Record<string, string> = {
    namespace: config.namespace,
    routing: config.routing.variant
  };
  if (report.istio) {
    out['istio-version'] = report.istio.version;
    out['istioctl-path'] = report.istio.istioctlPath;
  }
  const gw = report.gateway;
  if (gw) {
    out['gateway-url'] = gw.url;
    out['ingress-host'] = gw.host;
    out['ingress-port'] = String(gw.port);
    if (gw.securePort !== undefined) out['secure-ingress-port'] = String(gw.securePort);
    out['productpage-url'] = `${gw.url}/productpage`;
    if (gw.hostHeader) out['gateway-host-header'] = gw.hostHeader;
  }
  if (report.verification !== undefined) out['verification'] = JSON.stringify(report.verification);
  // Recorded by the preflight before it can refuse the run, so a refused run has it too.
  if (report.preflight) out['preflight'] = JSON.stringify(report.preflight);
  if (report.mode === 'deploy') out['smoke-status'] = report.smoke ?? 'skipped';
  return out;
}

export function setOutputs(config: Config, report: RunReport): void {
  for (const [k, v] of Object.entries(outputValues(config, report))) core.setOutput(k, v);
}
