// Regenerates the files and sections that are derived from code, so the docs can't drift from the contract:
// action.yml (from src/inputs/spec.ts), README.md's inputs, outputs and routing-variant tables, and
// README.zh-CN.md's inputs and outputs tables (same spec, Chinese headings and descriptions from
// src/inputs/docs-zh.ts). `npm run docs`; __tests__/unit/readme.test.ts and
// __tests__/unit/inputs/action-yml.test.ts fail when a committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionYml, renderInputsMarkdown, renderOutputsMarkdown } from '../src/inputs/docs.js';
import { renderInputsMarkdownZh, renderOutputsMarkdownZh } from '../src/inputs/docs-zh.js';
import { renderVariantTable } from '../src/routing/docs.js';

export function generatedSections(): Record<string, string> {
  return { inputs: renderInputsMarkdown().trim(), outputs: renderOutputsMarkdown().trim() };
}

export function generatedSectionsZh(): Record<string, string> {
  return { inputs: renderInputsMarkdownZh().trim(), outputs: renderOutputsMarkdownZh().trim() };
}

/** Replaces the body between each `<!-- name:begin -->` and `<!-- name:end -->` pair. */
function refreshMarked(text: string, sections: Record<string, string>, file: string): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- ${name}:begin -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`${file} has no <!-- ${name}:begin/end --> markers`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}\n${body}\n${b}`);
  }
  return out;
}

export function refreshReadme(text: string): string {
  const out = refreshMarked(text, generatedSections(), 'README.md');
  const table = renderVariantTable().trim();
  const begin = table.split('\n')[0] ?? '';
  const end = table.split('\n').at(-1) ?? '';
  const start = out.indexOf(begin.slice(0, 30));
  const stop = out.indexOf(end);
  if (start < 0 || stop < 0) throw new Error('README.md has no routing-variants markers');
  return out.slice(0, start) + table + out.slice(stop + end.length);
}

export function refreshReadmeZh(text: string): string {
  return refreshMarked(text, generatedSectionsZh(), 'README.zh-CN.md');
}

if (process.argv[1]?.endsWith('docs.ts')) {
  writeFileSync('action.yml', renderActionYml());
  writeFileSync('README.md', refreshReadme(readFileSync('README.md', 'utf8')));
  writeFileSync('README.zh-CN.md', refreshReadmeZh(readFileSync('README.zh-CN.md', 'utf8')));
  console.log(
    'Regenerated action.yml; README.md: inputs, outputs, routing variants; README.zh-CN.md: inputs, outputs'
  );
}
