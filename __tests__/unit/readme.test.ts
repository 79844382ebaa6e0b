import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { refreshReadme, refreshReadmeZh } from '../../scripts/docs.js';
import { INPUTS_ZH, translationProblems } from '../../src/inputs/docs-zh.js';
import { INPUTS, OUTPUTS } from '../../src/inputs/spec.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const readmeZh = readFileSync(new URL('../../README.zh-CN.md', import.meta.url), 'utf8');

/** The table rows of a generated section as [name, default] (the columns both languages share). */
function rows(text: string, section: 'inputs' | 'outputs'): string[][] {
  const body =
    new RegExp(`<!-- ${section}:begin -->([\\s\\S]*?)<!-- ${section}:end -->`).exec(text)?.[1] ?? '';
  return body
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .map((l) => {
      const cells = l.split(' | ');
      return section === 'inputs' ? [cells[0] ?? '', cells[1] ?? ''] : [cells[0] ?? ''];
    });
}

describe('README', () => {
  it('carries the current generated inputs, outputs and routing tables (run `npm run docs`)', () => {
    expect(refreshReadme(readme)).toBe(readme);
  });
  it('names the two set-up commands', () => {
    expect(readme).toContain('npm run demo -- --once');
    expect(readme).toContain('npm test');
  });
  it('links to the Chinese README at the top, and has the versioning promise', () => {
    expect(readme.split('\n').slice(0, 4).join('\n')).toContain('[简体中文](README.zh-CN.md)');
    expect(readme).toMatch(/^## Versioning$/m);
  });
});

describe('README.zh-CN.md', () => {
  it('carries the current generated inputs and outputs tables (run `npm run docs`)', () => {
    expect(refreshReadmeZh(readmeZh)).toBe(readmeZh);
  });

  it('lists the same inputs with the same defaults, and the same outputs, as README.md', () => {
    const inputs = rows(readmeZh, 'inputs');
    expect(inputs).toHaveLength(INPUTS.length);
    expect(inputs).toEqual(rows(readme, 'inputs'));
    expect(rows(readmeZh, 'outputs')).toEqual(rows(readme, 'outputs'));
    expect(rows(readmeZh, 'outputs')).toHaveLength(OUTPUTS.length);
  });

  it('sees a hand-edited row as stale: regenerating restores the spec', () => {
    const tampered = readmeZh.replace(/\| `wait-timeout` \| `10m` \|/, '| `wait-timeout` | `5m` |');
    expect(tampered).not.toBe(readmeZh);
    expect(refreshReadmeZh(tampered)).toBe(readmeZh);
  });

  it('has a current Chinese description for every input and output', () => {
    expect(translationProblems()).toEqual([]);
  });

  it('notices a changed English description, a new input and a removed one', () => {
    const [first, ...rest] = INPUTS;
    if (!first) throw new Error('no inputs');
    const changed = [{ ...first, description: `${first.description} Now also something else.` }, ...rest];
    expect(translationProblems(changed)).toEqual([
      `input ${first.name}: its description changed in spec.ts; update the translation in src/inputs/docs-zh.ts (and its "en" copy).`
    ]);
    const added = [...INPUTS, { ...first, name: 'brand-new-input' }];
    expect(translationProblems(added)).toEqual([
      'input brand-new-input has no Chinese description in src/inputs/docs-zh.ts.'
    ]);
    expect(translationProblems(rest)).toEqual([`input ${first.name} is translated but not in spec.ts.`]);
    expect(INPUTS_ZH[first.name]?.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('covers the quick start, the three ways to authenticate, the ASK notes and previews', () => {
    expect(readmeZh.split('\n').slice(0, 4).join('\n')).toContain('[English](README.md)');
    for (const heading of [
      '## 快速开始',
      '### 方式 1：kubeconfig Secret',
      '### 方式 2：AccessKey（RAM 用户）',
      '### 方式 3：GitHub OIDC（无长期密钥，推荐）',
      '## ASK 注意事项',
      '## 每个 Pull Request 的预览环境'
    ])
      expect(readmeZh).toContain(`\n${heading}\n`);
    for (const fact of [
      'cs:DescribeClusterUserKubeconfig',
      'https://token.actions.githubusercontent.com',
      '"oidc:sub"',
      'id-token: write',
      'ICP 备案',
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec',
      'k8s.aliyun.com/eci-use-specs',
      'npm ci && npm run demo -- --once',
      'npm ci && npm test'
    ])
      expect(readmeZh).toContain(fact);
  });
});
