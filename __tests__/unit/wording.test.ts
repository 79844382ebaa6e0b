// Names users read must be right. RRSA is ACK's feature that gives *pods* RAM roles (RAM Roles for
// Service Accounts); the action's third way is different: the workflow's GitHub OIDC token is exchanged
// for a RAM role's temporary credentials with STS AssumeRoleWithOIDC.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { parseConfig } from '../../src/inputs/parse.js';
import { inputSpec, INPUTS } from '../../src/inputs/spec.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  );
}

describe('[R3-10] wording', () => {
  it('[R3-10] nothing a user reads calls the OIDC way "RRSA"', () => {
    const texts = {
      'README.md': readFileSync('README.md', 'utf8'),
      'action.yml': readFileSync('action.yml', 'utf8'),
      ...Object.fromEntries(sources('src').map((f) => [f, readFileSync(f, 'utf8')]))
    };
    const offenders = Object.entries(texts)
      .filter(([, t]) => /\bRRSA\b/i.test(t.replace(/not ACK's RRSA[^.]*/g, '')))
      .map(([f]) => f);
    expect(offenders).toEqual([]);
    for (const i of INPUTS) expect([i.name, /\bRRSA\b/i.test(i.description)]).toEqual([i.name, false]);
  });

  it('[R3-10] the OIDC way is named for what it is: GitHub OIDC → RAM role via STS AssumeRoleWithOIDC', () => {
    expect(inputSpec('role-arn').description).toContain('STS AssumeRoleWithOIDC');
    let err: unknown;
    try {
      parseConfig({});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toContain(
      '(3) role-arn + oidc-provider-arn + region-id + cluster-id (GitHub OIDC → RAM role via STS AssumeRoleWithOIDC'
    );
    expect(readFileSync('README.md', 'utf8')).toMatch(/GitHub OIDC\*\* → a RAM role/);
  });

  it('[R3-10] github-token says it is also used for the releases API', () => {
    const d = inputSpec('github-token').description;
    expect(d).toMatch(/pull request comment/);
    expect(d).toMatch(/releases API/);
    expect(d).toMatch(/`latest`/);
  });
});
