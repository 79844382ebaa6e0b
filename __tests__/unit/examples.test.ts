// The example workflows in .github/workflows/examples/ are documentation users copy, so they are checked
// like code: every step using this action passes only inputs action.yml declares, the values are accepted
// by the action's own input parser (GitHub expressions replaced by plausible values), and every
// `steps.<id>.outputs.<name>` they read is a declared output.
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig, type ParseEnv } from '../../src/inputs/parse.js';
import { inputSpec } from '../../src/inputs/spec.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, '.github/workflows/examples');
const action = load(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on?: unknown;
  permissions?: Record<string, string>;
  jobs?: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>;
}

const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (f: string) => load(readFileSync(path.join(dir, f), 'utf8')) as Workflow;
const ours = (s: Step) => /(^|\/)ask-istio-action@/.test(s.uses ?? '');
const steps = (w: Workflow) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps ?? []);

// A kubeconfig the parser accepts (it decodes and checks the structure, it does not connect).
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://192.0.2.1:6443'}}]
users: [{name: u, user: {token: example-token}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`;

/** The inputs as the runner would pass them, with `${{ … }}` replaced by a valid value for that input. */
function rawInputs(step: Step): Record<string, string> {
  // The runner evaluates action.yml's default `${{ github.token }}`.
  const raw: Record<string, string> = { 'github-token': 'ghs_exampleToken' };
  for (const [name, v] of Object.entries(step.with ?? {})) {
    const value = String(v);
    if (!/\$\{\{/.test(value)) raw[name] = value;
    else if (name === 'kubeconfig') raw[name] = KUBECONFIG;
    else if (/^\$\{\{[^}]*\}\}$/.test(value.trim())) {
      // The spec's example, unless that is itself an expression (secrets): then a token-like stand-in.
      const example = inputSpec(name).example;
      raw[name] = example.includes('${{') ? `example-${name}-0123456789` : example;
    } else raw[name] = value.replace(/\$\{\{[^}]*\}\}/g, 'x');
  }
  return raw;
}

function runEnvFor(w: Workflow, jobPermissions: Record<string, string> | undefined): ParseEnv {
  const events = typeof w.on === 'string' ? [w.on] : Object.keys((w.on ?? {}) as object);
  const perms = { ...w.permissions, ...jobPermissions };
  return {
    eventName: events[0] ?? 'push',
    ...(events.some((e) => e.startsWith('pull_request')) ? { prNumber: 7 } : {}),
    oidcAvailable: perms['id-token'] === 'write',
    workspace: root
  };
}

describe('example workflows', () => {
  it('are all there', () => {
    expect(files).toEqual(['access-key.yml', 'oidc.yml', 'preview.yml', 'prune.yml', 'smoke.yml']);
  });

  describe.each(files)('%s', (file) => {
    const w = read(file);

    it('uses this action through a released major tag', () => {
      const used = steps(w).filter(ours);
      expect(used.length).toBeGreaterThan(0);
      for (const s of used) expect(s.uses).toBe('org/ask-istio-action@v1');
    });

    it('passes only inputs declared in action.yml', () => {
      for (const s of steps(w).filter(ours)) {
        const unknown = Object.keys(s.with ?? {}).filter((k) => !(k in action.inputs));
        expect({ step: s.id ?? s.uses, unknown }).toEqual({ step: s.id ?? s.uses, unknown: [] });
      }
    });

    it('gives values the action accepts', () => {
      for (const job of Object.values(w.jobs ?? {})) {
        for (const s of (job.steps ?? []).filter(ours)) {
          let problems: unknown = [];
          try {
            parseConfig(rawInputs(s), runEnvFor(w, job.permissions));
          } catch (err) {
            problems = (err as { problems?: unknown }).problems ?? String(err);
          }
          expect({ step: s.id ?? s.uses, problems }).toEqual({ step: s.id ?? s.uses, problems: [] });
        }
      }
    });

    it('[R3-6] draws no ICP-filing warning (preview hosts work in the example region as written)', () => {
      for (const job of Object.values(w.jobs ?? {})) {
        for (const s of (job.steps ?? []).filter(ours)) {
          const warnings = parseConfig(rawInputs(s), runEnvFor(w, job.permissions)).warnings;
          expect({ step: s.id ?? s.uses, icp: warnings.filter((x) => /ICP filing/.test(x)) }).toEqual({
            step: s.id ?? s.uses,
            icp: []
          });
        }
      }
    });

    it('reads only outputs the action declares', () => {
      const ids = new Set(
        steps(w)
          .filter(ours)
          .map((s) => s.id)
          .filter(Boolean)
      );
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        expect({ step: m[1], known: ids.has(m[1]) }).toEqual({ step: m[1], known: true });
        expect({ output: m[2], declared: (m[2] ?? '') in action.outputs }).toEqual({
          output: m[2],
          declared: true
        });
      }
    });
  });

  it('cover the lifecycle: preview deploy + comment, teardown on close, scheduled prune, OIDC with id-token', () => {
    const preview = read('preview.yml');
    const modes = steps(preview)
      .filter(ours)
      .map((s) => s.with?.mode ?? 'deploy');
    expect(modes).toEqual(['deploy', 'teardown']);
    const deployStep = steps(preview).find((s) => ours(s) && !s.with?.mode);
    expect(deployStep?.with).toMatchObject({ 'comment-on-pr': 'true', 'preview-id': 'auto' });
    expect(preview.permissions?.['pull-requests']).toBe('write');
    expect(steps(read('prune.yml')).find(ours)?.with?.mode).toBe('prune');
    expect(read('oidc.yml').permissions?.['id-token']).toBe('write');
    const smoke = readFileSync(path.join(dir, 'smoke.yml'), 'utf8');
    expect(smoke).toMatch(/if: always\(\)\s+uses: org\/ask-istio-action@v1[\s\S]*mode: teardown/);
  });
});

describe('[R3-6] the README example', () => {
  it('[R3-6] is accepted and draws no ICP-filing warning', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const w = load(block) as Workflow;
    const step = steps(w).find(ours);
    expect(step).toBeDefined();
    const config = parseConfig(rawInputs(step as Step), {
      eventName: 'pull_request',
      prNumber: 7,
      oidcAvailable: true
    });
    expect(config.warnings.filter((x) => /ICP filing/.test(x))).toEqual([]);
    expect(config.gatewayHosts).toEqual([`pr-${config.lifecycle.previewId}.preview.example.com`]);
  });
});
