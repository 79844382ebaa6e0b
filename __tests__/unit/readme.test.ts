import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { refreshReadme } from '../../scripts/docs.js';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it('carries the current generated inputs, outputs and routing tables (run `npm run docs`)', () => {
    expect(refreshReadme(readme)).toBe(readme);
  });
  it('names the two set-up commands', () => {
    expect(readme).toContain('npm run demo -- --once');
    expect(readme).toContain('npm test');
  });
});
