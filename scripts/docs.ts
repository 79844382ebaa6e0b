// Regenerates the README sections that are derived from code (inputs, outputs, routing variants) and
// action.yml, so the docs can't drift from the contract. `npm run docs`; __tests__/unit/readme.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionYml, renderInputsMarkdown, renderOutputsMarkdown } from '../src/inputs/docs.js';
import { renderVariantTable } from '../src/routing/docs.js';

export function generatedSections(): Record<string, string> {
  return { inputs: renderInputsMarkdown().trim(), outputs: renderOutputsMarkdown().trim() };
}

export function refreshReadme(text: string): string {
  let out = text;
  for (const [name, body] of Object.entries(generatedSections())) {
    const re = new RegExp(`(<!-- ${name}:begin -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- ${name}:begin/end --> markers`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}\n${body}\n${b}`);
  }
  const table = renderVariantTable().trim();
  const begin = table.split('\n')[0] ?? '';
  const end = table.split('\n').at(-1) ?? '';
  const start = out.indexOf(begin.slice(0, 30));
  const stop = out.indexOf(end);
  if (start < 0 || stop < 0) throw new Error('README.md has no routing-variants markers');
  return out.slice(0, start) + table + out.slice(stop + end.length);
}

if (process.argv[1]?.endsWith('docs.ts')) {
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', refreshReadme(readme));
  writeFileSync('action.yml', renderActionYml());
  console.log('README.md regenerated sections: inputs, outputs, routing variants; action.yml regenerated');
}
