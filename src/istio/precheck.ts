// Reading `istioctl x precheck` (pure). It exits 1 both for findings and for a check that could not run
// (bad kubeconfig, API server 5xx), so the exit code alone cannot tell them apart; its output can:
// findings are `<Level> [ISTnnnn] (<origin>) <message>` lines on stdout, followed by cobra's
// `Error: Issues found when checking the cluster. …` on stderr; a failed check prints only
// `Error: <why>` on stderr. 1.30 colours the finding lines with ANSI codes even off a terminal.
// `-o json` would be cleaner, but precheck has its own `-o` only from 1.20 (1.13 to 1.19 register it on
// analyze only), and the action supports 1.13.
import { ActionError } from '../errors.js';
import { TRANSIENT_OUTPUT } from '../istioctl/run.js';

export interface PrecheckFinding {
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  /** The whole line without colour codes, as istioctl printed it. */
  text: string;
}

export type PrecheckVerdict =
  | { kind: 'clean'; findings: PrecheckFinding[] }
  | { kind: 'findings'; findings: PrecheckFinding[] }
  | { kind: 'error'; transient: boolean; message: string };

const ISSUES_FOUND = /Issues found when checking the cluster/;
const FINDING = /^(Error|Warning|Info) \[(IST\d+)\]/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const lines = (text: string): string[] =>
  text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

function findingsOf(stdout: string): PrecheckFinding[] {
  const out: PrecheckFinding[] = [];
  for (const text of lines(stdout)) {
    const m = FINDING.exec(text);
    if (m) out.push({ level: m[1] as PrecheckFinding['level'], code: m[2] ?? '', text });
  }
  return out;
}

export function readPrecheck(r: { code: number; stdout: string; stderr: string }): PrecheckVerdict {
  const findings = findingsOf(r.stdout);
  if (r.code === 0) return { kind: 'clean', findings };
  if (ISSUES_FOUND.test(r.stderr)) {
    // A permission probe (SelfSubjectAccessReview) that failed on the API server is reported as an
    // IST0141 "missing permission" finding carrying the server's error: that is a hiccup, not a finding.
    const hiccup = findings.find((f) => TRANSIENT_OUTPUT.test(f.text));
    if (hiccup) return { kind: 'error', transient: true, message: hiccup.text };
    if (findings.length > 0) return { kind: 'findings', findings };
    // Issues announced but none in a form we know: show what was printed rather than guess.
    const raw = lines(r.stdout).map((text) => ({ level: 'Error' as const, code: '', text }));
    return { kind: 'findings', findings: raw };
  }
  const err = lines(r.stderr);
  const last =
    [...err].reverse().find((l) => l.startsWith('Error: ')) ?? err.at(-1) ?? lines(r.stdout).at(-1);
  const message = last ? last.replace(/^Error: /, '') : `exit code ${r.code} and no output`;
  return { kind: 'error', transient: TRANSIENT_OUTPUT.test(`${r.stderr}\n${r.stdout}`), message };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The error that stops the install, or undefined when precheck passed. */
export function precheckFailure(v: PrecheckVerdict): ActionError | undefined {
  if (v.kind === 'clean') return undefined;
  if (v.kind === 'error') {
    return new ActionError(`istioctl x precheck could not check the cluster: ${v.message}`, {
      hint: v.transient
        ? 'the API server kept failing; re-run the job, or check the cluster’s API server health'
        : 'check the kubeconfig/context and that its identity can read the cluster (istioctl printed the reason above)'
    });
  }
  const count = (level: PrecheckFinding['level']) => v.findings.filter((f) => f.level === level).length;
  const parts = [
    ...(count('Error') ? [plural(count('Error'), 'error')] : []),
    ...(count('Warning') ? [plural(count('Warning'), 'warning')] : [])
  ];
  return new ActionError(
    `istioctl x precheck found ${plural(v.findings.length, 'issue')} in the cluster${parts.length ? ` (${parts.join(', ')})` : ''}; not installing.`,
    {
      details: v.findings.map((f) => f.text),
      hint: 'fix the issues above (each code is explained at https://istio.io/latest/docs/reference/config/analysis/), or install Istio yourself and set install-istio: never'
    }
  );
}
