// The pipeline's steps never import each other: what two steps share lives below them (kube/, errors,
// ownership, report/model) or in one of the few shared vocabularies named here. A step that needs another
// step's helper is the sign that the helper belongs below both.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');
/** The folders whose modules are pipeline steps (src/pipeline.ts calls them in order). */
const STEPS = [
  'auth',
  'bookinfo',
  'eci',
  'gateway',
  'gatewayapi',
  'istio',
  'istioctl',
  'lifecycle',
  'routing',
  'verify'
];
/** Modules inside step folders that are shared vocabulary, not step logic. */
const SHARED = new Map([
  ['istio/apis.ts', "facts about Istio's APIs: served versions, PeerAuthentication precedence"],
  ['routing/types.ts', 'the routing vocabulary: outcomes, distributions, expectations'],
  ['istioctl/run.ts', 'the one way to run istioctl (like kube/ for the API server)']
]);

const IMPORT = /^(?:import|export)\s+(type\s+)?[^;]*?\bfrom\s+'(\.\.?\/[^']+)'/gms;

function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    if (m[1]) continue; // `import type` is erased: no runtime coupling
    const target = resolve(join(file, '..'), m[2]!.replace(/\.js$/, '.ts'));
    out.push(relative(SRC, target));
  }
  return out;
}

const stepOf = (rel: string): string | undefined => {
  const [dir, rest] = rel.split('/', 2);
  return rest !== undefined && STEPS.includes(dir!) ? dir : undefined;
};

describe('architecture', () => {
  it('no step module imports another step module (shared vocabularies aside)', () => {
    const crossings: string[] = [];
    for (const dir of STEPS)
      for (const name of readdirSync(join(SRC, dir)).filter((f) => f.endsWith('.ts'))) {
        const from = `${dir}/${name}`;
        for (const to of valueImports(join(SRC, from))) {
          const target = stepOf(to);
          if (target && target !== dir && !SHARED.has(to)) crossings.push(`${from} → ${to}`);
        }
      }
    expect(crossings).toEqual([]);
  });

  it('sees imports the way the rule needs: multi-line, re-exports, and type-only ones skipped', () => {
    const all = STEPS.flatMap((d) =>
      readdirSync(join(SRC, d))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) => valueImports(join(SRC, d, f)))
    );
    // The scan finds the shared kube layer from the steps, so an empty crossing list above means something.
    expect(all).toEqual(expect.arrayContaining(['kube/client.ts', 'kube/readiness.ts', 'istio/apis.ts']));
    for (const shared of SHARED.keys()) expect(all).toContain(shared);
  });

  it('no step takes the run report: steps return what they found and the step log records it', () => {
    const writers: string[] = [];
    for (const dir of STEPS)
      for (const name of readdirSync(join(SRC, dir)).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(join(SRC, dir, name), 'utf8');
        if (/\bRunReport\b/.test(text)) writers.push(`${dir}/${name}`);
      }
    expect(writers).toEqual([]);
    // The rule can fail: the pipeline, which assembles the report, does name it.
    expect(readFileSync(join(SRC, 'pipeline.ts'), 'utf8')).toMatch(/\bRunReport\b/);
  });
});
