import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderActionYml, renderInputsMarkdown, renderOutputsMarkdown } from '../../../src/inputs/docs.js';
import { INPUTS, OUTPUTS } from '../../../src/inputs/spec.js';

interface ActionYml {
  name: string;
  description: string;
  author: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}

const actionYml = load(
  readFileSync(path.resolve(import.meta.dirname, '../../../action.yml'), 'utf8')
) as ActionYml;

describe('action.yml matches src/inputs/spec.ts', () => {
  it('declares every spec input, with its description and default', () => {
    for (const spec of INPUTS) {
      const declared = actionYml.inputs[spec.name];
      expect({ name: spec.name, declared }).toEqual({
        name: spec.name,
        declared: {
          description: spec.description,
          required: false,
          default: spec.actionDefault ?? spec.default
        }
      });
    }
  });

  it('declares no input the spec does not know', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual(INPUTS.map((i) => i.name).sort());
  });

  it('has string defaults only (the runner passes strings; YAML true/30 would be coerced)', () => {
    for (const [name, input] of Object.entries(actionYml.inputs))
      expect([name, typeof input.default]).toEqual([name, 'string']);
  });

  it('declares the spec outputs, both directions', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
    for (const o of OUTPUTS) expect(actionYml.outputs[o.name]?.description).toBe(o.description);
    // The kubeconfig path is deliberately not an output: it would invite later steps to reuse a credential.
    expect(Object.keys(actionYml.outputs)).not.toContain('kubeconfig-path');
  });

  it('runs on node24 with a post step, and carries marketplace metadata', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/post.js' });
    expect(actionYml.name).toBeTruthy();
    expect(actionYml.description.length).toBeGreaterThan(40);
    expect(actionYml.author).toBeTruthy();
    expect(actionYml.branding.icon).toBeTruthy();
  });

  it('is exactly what renderActionYml() produces (regenerate after editing spec.ts)', () => {
    expect(readFileSync(path.resolve(import.meta.dirname, '../../../action.yml'), 'utf8')).toBe(
      renderActionYml()
    );
  });
});

describe('spec table', () => {
  it('has unique names, descriptions, and enum values for enum inputs', () => {
    expect(new Set(INPUTS.map((i) => i.name)).size).toBe(INPUTS.length);
    for (const i of INPUTS) {
      expect([i.name, i.description.length > 10]).toEqual([i.name, true]);
      if (i.kind === 'enum') expect(i.values).toContain(i.default);
    }
  });

  it('renders a README table row for every input and output', () => {
    const md = renderInputsMarkdown();
    for (const i of INPUTS) expect(md).toContain(`| \`${i.name}\` |`);
    expect(md).toContain('| `istio-version` | `1.30.3` |');
    expect(md).toContain('| `github-token` | `${{ github.token }}` |');
    const out = renderOutputsMarkdown();
    for (const o of OUTPUTS) expect(out).toContain(`| \`${o.name}\` |`);
  });
});
