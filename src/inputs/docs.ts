// Documentation rendered from spec.ts, so the README tables, action.yml and --help cannot drift
// from what the parser accepts. action.yml is committed; a unit test checks it against spec.ts.

import { dump } from 'js-yaml';
import { GROUP_TITLES, INPUTS, OUTPUTS, type InputGroup, type InputSpec } from './spec.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function shownDefault(i: InputSpec): string {
  const d = i.actionDefault ?? i.default;
  return d === '' ? '' : `\`${cell(d)}\``;
}

/** README "Inputs" section: one table per group, in spec order. */
export function renderInputsMarkdown(): string {
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as InputGroup[]) {
    const rows = INPUTS.filter((i) => i.group === group);
    if (rows.length === 0) continue;
    out.push(`### ${GROUP_TITLES[group]}`, '', '| Input | Default | Description |', '|---|---|---|');
    for (const i of rows) out.push(`| \`${i.name}\` | ${shownDefault(i)} | ${cell(i.description)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** README "Outputs" section. */
export function renderOutputsMarkdown(): string {
  return [
    '| Output | Description |',
    '|---|---|',
    ...OUTPUTS.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`),
    ''
  ].join('\n');
}

/** action.yml as rendered from the spec (the committed file is checked against the spec by a test). */
export function renderActionYml(): string {
  const inputs: Record<string, { description: string; required: boolean; default: string }> = {};
  for (const i of INPUTS)
    inputs[i.name] = { description: i.description, required: false, default: i.actionDefault ?? i.default };
  const outputs: Record<string, { description: string }> = {};
  for (const o of OUTPUTS) outputs[o.name] = { description: o.description };
  const doc = {
    name: 'ASK Istio Bookinfo',
    description:
      'Install istioctl and Istio on Alibaba Cloud ASK (serverless Kubernetes), deploy Bookinfo, apply a routing variant and verify the traffic split.',
    author: 'ask-istio-action contributors',
    branding: { icon: 'git-branch', color: 'blue' },
    inputs,
    outputs,
    runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post.js' }
  };
  return (
    '# Generated from src/inputs/spec.ts (renderActionYml); edit the spec, not this file.\n' +
    dump(doc, { lineWidth: 120, noRefs: true })
  );
}

/** `--help` text for the local CLI. */
export function renderCliHelp(): string {
  const lines = [
    'Usage: ask-istio-action [--<input> <value>]... [--kubeconfig-file <path>]',
    '',
    'Runs the action locally. Every action input is a flag; flags without a value mean "true".',
    '--kubeconfig-file <path> reads the kubeconfig input from a file.',
    'The log reads as a runner shows it (masked values as ***, outputs as a table at the end);',
    '--debug adds the debug lines, --raw prints the runner protocol itself.',
    ''
  ];
  for (const group of Object.keys(GROUP_TITLES) as InputGroup[]) {
    lines.push(`${GROUP_TITLES[group]}:`);
    for (const i of INPUTS.filter((x) => x.group === group)) {
      const d = i.default === '' ? '' : ` (default: ${i.default})`;
      lines.push(`  --${i.name}${d}`, `      ${i.description}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
