// The workflows in .github/workflows/ are checked like code.
//
// Example workflows (.github/workflows/examples/) are documentation users copy: every step using this action
// passes only inputs action.yml declares, the values are accepted by the action's own input parser (GitHub
// expressions replaced by plausible values), and every `steps.<id>.outputs.<name>` they read is a declared
// output.
//
// Every workflow, the repository's own included (ci, e2e-kind, release, live-ask, dependabot-dist): each
// third-party `uses:` is pinned to a full commit SHA with its version in a trailing comment (allowed
// otherwise: local `./` references, and this action's own `org/ask-istio-action@v1` in the examples, which
// is what users consume); the same inputs/outputs checks for every step that runs this action (`uses: ./`);
// least-privilege permissions; and the structure the release, live-ASK and arm64 set-up rely on.
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on'?: string;
  if?: string;
  uses?: string;
  needs?: string | string[];
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
}
interface Workflow {
  on?: unknown;
  permissions?: Record<string, string>;
  jobs?: Record<string, Job>;
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
  // A job's permissions replace the workflow's, they do not add to them.
  const perms = jobPermissions ?? w.permissions ?? {};
  return {
    eventName: events[0] ?? 'push',
    ...(events.some((e) => e.startsWith('pull_request')) ? { prNumber: 7 } : {}),
    oidcAvailable: perms['id-token'] === 'write',
    workspace: root
  };
}

describe('example workflows', () => {
  it('are all there', () => {
    expect(files).toEqual([
      'access-key.yml',
      'eci-image-cache.yml',
      'oidc.yml',
      'preview.yml',
      'prune.yml',
      'smoke.yml'
    ]);
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

// ---------------------------------------------------------------------------------------------------------
// Every workflow file, the repository's own and the examples.

const workflowsDir = path.join(root, '.github/workflows');
function listWorkflows(sub = ''): string[] {
  return readdirSync(path.join(workflowsDir, sub), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listWorkflows(path.join(sub, e.name))
        : /\.ya?ml$/.test(e.name)
          ? [path.join(sub, e.name)]
          : []
    )
    .sort();
}
const allFiles = listWorkflows();
const text = (f: string) => readFileSync(path.join(workflowsDir, f), 'utf8');
const workflow = (f: string) => load(text(f)) as Workflow;
const isExample = (f: string) => f.startsWith('examples/');
/** A step that runs this action: `./` in the repository's own workflows, `org/ask-istio-action@…` in examples. */
const runsThisAction = (s: Step) => s.uses === './' || ours(s);

const SHA_PIN = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^v\d+(\.\d+){0,2}$/;

/** Every `uses:` of a workflow (steps and reusable-workflow jobs), with the trailing comment of its line. */
function usesOf(file: string): Array<{ uses: string; comment?: string; job: string }> {
  const comments = new Map<string, string | undefined>();
  for (const line of text(file).split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(.*?))?\s*$/.exec(line);
    if (m?.[1]) comments.set(m[1], m[2]);
  }
  const out: Array<{ uses: string; comment?: string; job: string }> = [];
  for (const [job, j] of Object.entries(workflow(file).jobs ?? {})) {
    const all = [j.uses, ...(j.steps ?? []).map((s) => s.uses)].filter((u): u is string => Boolean(u));
    for (const uses of all) out.push({ uses, job, comment: comments.get(uses) });
  }
  return out;
}

describe('all workflows', () => {
  it('are the expected files', () => {
    expect(allFiles).toEqual([
      'ci.yml',
      'dependabot-dist.yml',
      'e2e-kind.yml',
      ...files.map((f) => `examples/${f}`),
      'live-ask.yml',
      'release.yml'
    ]);
  });

  describe.each(allFiles)('%s', (file) => {
    const w = workflow(file);

    it('pins every third-party action to a full commit SHA, with its version in a comment', () => {
      const bad = usesOf(file).filter(({ uses, comment }) => {
        if (uses.startsWith('./')) return !existsSync(path.join(root, uses));
        if (uses === 'org/ask-istio-action@v1') return !isExample(file); // what users consume
        if (uses.startsWith('docker://')) return !/@sha256:[0-9a-f]{64}$/.test(uses);
        return !SHA_PIN.test(uses) || !VERSION_COMMENT.test(comment ?? '');
      });
      expect(bad).toEqual([]);
    });

    it('gives the steps that run this action only declared inputs, with values the action accepts', () => {
      for (const job of Object.values(w.jobs ?? {})) {
        for (const s of (job.steps ?? []).filter(runsThisAction)) {
          const step = s.id ?? s.name ?? s.uses;
          const unknown = Object.keys(s.with ?? {}).filter((k) => !(k in action.inputs));
          let problems: unknown = [];
          try {
            parseConfig(rawInputs(s), runEnvFor(w, job.permissions));
          } catch (err) {
            problems = (err as { problems?: unknown }).problems ?? String(err);
          }
          expect({ step, unknown, problems }).toEqual({ step, unknown: [], problems: [] });
        }
      }
    });

    it('reads outputs only of steps and jobs that exist, and only outputs this action declares', () => {
      for (const [name, job] of Object.entries(w.jobs ?? {})) {
        const byId = new Map((job.steps ?? []).filter((s) => s.id).map((s) => [s.id, s]));
        const body = JSON.stringify(job);
        for (const m of body.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const step = byId.get(m[1]);
          expect({ job: name, step: m[1], exists: step !== undefined }).toEqual({
            job: name,
            step: m[1],
            exists: true
          });
          if (step && runsThisAction(step)) {
            expect({ output: m[2], declared: (m[2] ?? '') in action.outputs }).toEqual({
              output: m[2],
              declared: true
            });
          }
        }
        const needs = [job.needs ?? []].flat();
        for (const m of body.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const declared = w.jobs?.[m[1] ?? '']?.outputs ?? {};
          expect({
            job: name,
            needs: m[1],
            listed: needs.includes(m[1] ?? ''),
            output: m[2],
            declared: (m[2] ?? '') in declared
          }).toEqual({
            job: name,
            needs: m[1],
            listed: true,
            output: m[2],
            declared: true
          });
        }
      }
    });

    if (!isExample(file)) {
      it('grants the token read access at the top and writes only in the jobs that need them', () => {
        expect(w.permissions).toBeDefined();
        for (const level of Object.values(w.permissions ?? {})) expect(['read', 'none']).toContain(level);
        expect(text(file)).not.toMatch(/write-all/);
      });
    }
  });

  it('the same action and version is pinned to the same SHA everywhere', () => {
    const seen = new Map<string, Set<string>>();
    for (const file of allFiles)
      for (const { uses, comment } of usesOf(file)) {
        if (!SHA_PIN.test(uses)) continue;
        const [name, sha] = uses.split('@');
        const key = `${name} ${comment}`;
        seen.set(key, new Set([...(seen.get(key) ?? []), sha ?? '']));
      }
    const conflicting = [...seen].filter(([, shas]) => shas.size > 1).map(([k]) => k);
    expect(seen.size).toBeGreaterThan(0);
    expect(conflicting).toEqual([]);
  });
});

describe('the repository’s own workflows', () => {
  const jobs = (f: string) => workflow(f).jobs ?? {};

  it('ci and e2e-kind run on x64 and arm64 Linux runners', () => {
    for (const file of ['ci.yml', 'e2e-kind.yml']) {
      const matrixJobs = Object.values(jobs(file)).filter((j) => j['runs-on'] === '${{ matrix.runner }}');
      expect(matrixJobs.length).toBeGreaterThan(0);
      for (const j of matrixJobs)
        expect(j.strategy?.matrix?.runner).toEqual(['ubuntu-latest', 'ubuntu-24.04-arm']);
    }
  });

  it('ci keeps check-dist, the tests, npm audit and dependency review, and can be called by the release', () => {
    const w = workflow('ci.yml');
    const runs = (jobs('ci.yml').test?.steps ?? []).map((s) => s.run ?? '');
    for (const cmd of ['npm run check-dist', 'npm test', 'npm run lint', 'npm run typecheck'])
      expect(runs).toContain(cmd);
    expect(runs.some((r) => r.startsWith('npm audit'))).toBe(true);
    expect(JSON.stringify(jobs('ci.yml')['dependency-review'])).toContain(
      'actions/dependency-review-action@'
    );
    expect(Object.keys(w.on as object)).toEqual(
      expect.arrayContaining(['pull_request', 'workflow_call', 'workflow_dispatch'])
    );
  });

  it('e2e-kind gives the gateway a cloud-provider-kind load balancer and checks the action used it', () => {
    const all = (jobs('e2e-kind.yml').kind?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(all).toMatch(/nohup cloud-provider-kind/);
    expect(all).toMatch(/exclude-from-external-load-balancers-/);
    expect(all).toMatch(/test "\$HOST" = "\$lb"/);
    expect(all).toMatch(/test "\$URL" = "http:\/\/\$lb"/);
  });

  it('release: tag push or dispatch, checks by ci.yml on that commit, then release notes and the major tag', () => {
    const w = workflow('release.yml');
    const on = w.on as {
      push?: { tags?: string[] };
      workflow_dispatch?: { inputs?: Record<string, unknown> };
    };
    expect(on.push?.tags).toEqual(['v*.*.*']);
    expect(on.workflow_dispatch?.inputs).toHaveProperty('version');
    const j = jobs('release.yml');
    expect(j.checks?.uses).toBe('./.github/workflows/ci.yml');
    expect(j.publish?.needs).toEqual(['prepare', 'checks']);
    expect(j.publish?.permissions).toEqual({ contents: 'write' });
    expect(j.prepare?.permissions).toBeUndefined(); // the read-only top level
    const publish = (j.publish?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(publish).toContain('node scripts/release-lib.mjs notes');
    expect(publish).toContain('gh release create "$TAG" --verify-tag');
    expect(publish).toContain('git push --force origin "refs/tags/$MAJOR_TAG"');
    const move = (j.publish?.steps ?? []).find((s) => s.name === 'Move the major tag');
    expect(move?.if).toBe("needs.prepare.outputs.move-major == 'true'");
  });

  it('live-ask: skipped with a notice without ASK variables, gated by an environment, OIDC, always torn down', () => {
    const j = jobs('live-ask.yml');
    const gate = j.configured;
    expect(gate?.environment).toBeUndefined();
    expect(JSON.stringify(gate)).toContain('::notice');
    for (const v of ['ASK_ROLE_ARN', 'ASK_OIDC_PROVIDER_ARN', 'ASK_REGION_ID', 'ASK_CLUSTER_ID'])
      expect(gate?.steps?.[0]?.env?.[v]).toBe(`\${{ vars.${v} }}`);
    const ask = j.ask;
    expect(ask?.needs).toBe('configured');
    expect(ask?.if).toBe("needs.configured.outputs.ready == 'true'");
    expect(ask?.environment).toBe('live-ask');
    expect(ask?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = (ask?.steps ?? []).filter(runsThisAction);
    expect(steps.map((s) => s.with?.mode ?? 'deploy')).toEqual(['deploy', 'teardown']);
    expect(steps[0]?.with).toMatchObject({
      'role-arn': '${{ vars.ASK_ROLE_ARN }}',
      'verify-routing': 'true'
    });
    expect(steps[1]?.if).toBe('always()');
    expect(steps[1]?.with?.namespace).toBe(steps[0]?.with?.namespace);
  });

  it('dependabot-dist builds with a read-only token and pushes from a job that runs no dependency code', () => {
    const j = jobs('dependabot-dist.yml');
    expect(j.build?.permissions).toEqual({ contents: 'read' });
    expect(j.build?.if).toContain("github.event.pull_request.user.login == 'dependabot[bot]'");
    expect((j.build?.steps ?? []).map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci --ignore-scripts --no-audit --no-fund',
      'node scripts/package.mjs'
    ]);
    expect(j.commit?.needs).toBe('build');
    expect(j.commit?.permissions).toEqual({ contents: 'write', actions: 'write' });
    const commit = (j.commit?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(commit).not.toMatch(/\bnpm\b|\bnode\b/);
    expect(commit).toContain('gh workflow run ci.yml --ref "$BRANCH"');
  });
});

describe('.github/dependabot.yml', () => {
  const config = load(readFileSync(path.join(root, '.github/dependabot.yml'), 'utf8')) as {
    updates: Array<{
      'package-ecosystem': string;
      directory?: string;
      directories?: string[];
      groups?: object;
    }>;
  };
  const dirs = (eco: string) =>
    config.updates
      .filter((u) => u['package-ecosystem'] === eco)
      .flatMap((u) => u.directories ?? [u.directory]);

  it('covers npm, the example workflows too, and the Go modules of the test cluster builds', () => {
    expect(dirs('npm')).toEqual(['/']);
    expect(dirs('github-actions')).toEqual(['/', '/.github/workflows/examples']);
    expect(dirs('gomod')).toEqual([
      '/test/cluster/gobuild/k8s',
      '/test/cluster/gobuild/etcd',
      '/test/cluster/gobuild/istio'
    ]);
  });
  it('groups every ecosystem', () => {
    for (const u of config.updates) expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0);
  });
});
