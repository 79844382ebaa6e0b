// `istioctl x precheck` exits 1 both when it found issues and when it could not check at all. The shapes
// below are what istioctl prints, built from its source:
//   1.30 istioctl/pkg/precheck/precheck.go — findings go to stdout through formatting.Print(msgs, format,
//     colorize=true), one `<Level> [<code>] (<origin>) <message>` line each, coloured with ANSI codes even
//     without a terminal; then RunE returns "Issues found when checking the cluster. …", which cobra prints
//     as `Error: …` on stderr, and main exits 1 (cmd.GetExitCode: ExitUnknownError). A failed check
//     (kube client, version, discovery) returns its own error: `Error: <err>` on stderr, nothing on stdout,
//     exit 1 as well. No issues: `✔ No issues found …` on stderr, exit 0.
//   1.13 istioctl/cmd/precheck.go — the same messages, uncoloured off a terminal, Info findings included;
//     no `-o` flag on precheck until 1.20 (it belongs to analyze), so the log format is the only portable one.
import { describe, expect, it } from '@jest/globals';
import { precheckFailure, readPrecheck } from '../../../src/istio/precheck.js';

const ESC = '\u001b';
const ISSUES_1_30 =
  'Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.\n' +
  'See https://istio.io/v1.30/docs/reference/config/analysis for more information about causes and resolutions.\n';

export const RECORDED = {
  clean130: {
    code: 0,
    stdout: '',
    stderr:
      '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n' +
      '  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n'
  },
  findings130: {
    code: 1,
    stdout:
      `${ESC}[1;31mError${ESC}[0m [IST0141] (Cluster) Missing required permission to create resource clusterroles (permission denied)\n` +
      `${ESC}[1;31mError${ESC}[0m [IST0141] (Cluster) Missing required permission to create resource mutatingwebhookconfigurations (permission denied)\n` +
      `${ESC}[33mWarning${ESC}[0m [IST0169] (MeshConfig istio-system/istio) The configuration "ENABLE_DEFERRED_CLUSTER_CREATION" changed in release 1.30: a change. Or, install with \`--set compatibilityVersion=1.29\` to retain the old default.\n\n`,
    stderr: ISSUES_1_30
  },
  findings113: {
    code: 1,
    stdout:
      'Error [IST0141] (Cluster) Missing required permission to create resource customresourcedefinitions (permission denied)\n' +
      "Info [IST0118] (Service bookinfo/details) Port name  (port: 9080, targetPort: 9080) doesn't follow the naming convention of Istio port.\n\n",
    stderr:
      'Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.\n' +
      'See https://istio.io/v1.13/docs/reference/config/analysis for more information about causes and resolutions.\n'
  },
  infoOnly113: {
    code: 0,
    stdout:
      "Info [IST0118] (Service bookinfo/details) Port name  (port: 9080, targetPort: 9080) doesn't follow the naming convention of Istio port.\n\n",
    stderr: ''
  },
  apiUnavailable: {
    code: 1,
    stdout: '',
    stderr:
      "E1201 20:41:07.118237   81234 memcache.go:265] couldn't get current server API group list: the server is currently unable to handle the request\n" +
      'Error: failed to get the Kubernetes version: the server is currently unable to handle the request\n'
  },
  connectionRefused: {
    code: 1,
    stdout: '',
    stderr:
      'Error: failed to get the Kubernetes version: Get "https://47.1.2.3:6443/version?timeout=32s": dial tcp 47.1.2.3:6443: connect: connection refused\n'
  },
  badContext: {
    code: 1,
    stdout: '',
    stderr: 'Error: context "ask-bookinfo" does not exist\n'
  },
  unauthorized: {
    code: 1,
    stdout: '',
    stderr: 'Error: failed to get the Kubernetes version: Unauthorized\n'
  },
  // The permission probe itself (a SelfSubjectAccessReview) failed: reported as a finding, but it is an
  // API-server hiccup, not a missing permission.
  reviewUnavailable: {
    code: 1,
    stdout: `${ESC}[1;31mError${ESC}[0m [IST0141] (Cluster) Missing required permission to create resource namespaces (the server is currently unable to handle the request (post selfsubjectaccessreviews.authorization.k8s.io))\n\n`,
    stderr: ISSUES_1_30
  }
};

describe('[R3-7] readPrecheck tells findings from errors', () => {
  it('[R3-7] no issues', () => {
    expect(readPrecheck(RECORDED.clean130)).toEqual({ kind: 'clean', findings: [] });
  });

  it('[R3-7] Info-only findings of 1.13 are not a failure', () => {
    expect(readPrecheck(RECORDED.infoOnly113)).toEqual({
      kind: 'clean',
      findings: [
        {
          level: 'Info',
          code: 'IST0118',
          text: "Info [IST0118] (Service bookinfo/details) Port name  (port: 9080, targetPort: 9080) doesn't follow the naming convention of Istio port."
        }
      ]
    });
  });

  it('[R3-7] findings (1.30, coloured) are findings, with the colour codes removed', () => {
    const v = readPrecheck(RECORDED.findings130);
    expect(v.kind).toBe('findings');
    if (v.kind !== 'findings') return;
    expect(v.findings.map((f) => [f.level, f.code])).toEqual([
      ['Error', 'IST0141'],
      ['Error', 'IST0141'],
      ['Warning', 'IST0169']
    ]);
    expect(v.findings[0]?.text).toBe(
      'Error [IST0141] (Cluster) Missing required permission to create resource clusterroles (permission denied)'
    );
    expect(v.findings.some((f) => f.text.includes(ESC))).toBe(false);
  });

  it('[R3-7] findings (1.13, plain) are findings', () => {
    const v = readPrecheck(RECORDED.findings113);
    expect(v.kind === 'findings' && v.findings.map((f) => f.level)).toEqual(['Error', 'Info']);
  });

  it.each([
    [
      'apiUnavailable',
      'failed to get the Kubernetes version: the server is currently unable to handle the request'
    ],
    [
      'connectionRefused',
      'failed to get the Kubernetes version: Get "https://47.1.2.3:6443/version?timeout=32s": dial tcp 47.1.2.3:6443: connect: connection refused'
    ],
    [
      'reviewUnavailable',
      'Error [IST0141] (Cluster) Missing required permission to create resource namespaces (the server is currently unable to handle the request (post selfsubjectaccessreviews.authorization.k8s.io))'
    ]
  ] as const)('[R3-7] %s is a transient error, not a finding', (name, message) => {
    expect(readPrecheck(RECORDED[name])).toEqual({ kind: 'error', transient: true, message });
  });

  it.each([
    ['badContext', 'context "ask-bookinfo" does not exist'],
    ['unauthorized', 'failed to get the Kubernetes version: Unauthorized']
  ] as const)('[R3-7] %s is an error that a retry will not fix', (name, message) => {
    expect(readPrecheck(RECORDED[name])).toEqual({ kind: 'error', transient: false, message });
  });
});

describe('[R3-7] precheckFailure', () => {
  it('[R3-7] findings are reported as findings, one detail line each', () => {
    const err = precheckFailure(readPrecheck(RECORDED.findings130));
    expect(err?.message).toBe(
      'istioctl x precheck found 3 issues in the cluster (2 errors, 1 warning); not installing.'
    );
    expect(err?.details).toEqual([
      'Error [IST0141] (Cluster) Missing required permission to create resource clusterroles (permission denied)',
      'Error [IST0141] (Cluster) Missing required permission to create resource mutatingwebhookconfigurations (permission denied)',
      'Warning [IST0169] (MeshConfig istio-system/istio) The configuration "ENABLE_DEFERRED_CLUSTER_CREATION" changed in release 1.30: a change. Or, install with `--set compatibilityVersion=1.29` to retain the old default.'
    ]);
    expect(err?.hint).toMatch(/^fix the issues above/);
  });

  it('[R3-7] an error says precheck could not check, not that it found issues', () => {
    const err = precheckFailure(readPrecheck(RECORDED.badContext));
    expect(err?.message).toBe(
      'istioctl x precheck could not check the cluster: context "ask-bookinfo" does not exist'
    );
    expect(err?.message).not.toMatch(/found/);
    expect(err?.hint).toMatch(/kubeconfig|context/);
  });

  it('[R3-7] a clean result is no failure', () => {
    expect(precheckFailure(readPrecheck(RECORDED.clean130))).toBeUndefined();
    expect(precheckFailure(readPrecheck(RECORDED.infoOnly113))).toBeUndefined();
  });
});
