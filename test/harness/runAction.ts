// Runs the packaged action (dist/index.js, then dist/post.js) with Node 24 the way a GitHub runner does:
// inputs as INPUT_* env (defaults from action.yml filled in), RUNNER_TEMP / RUNNER_TOOL_CACHE, and the file
// commands GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY. The state the main
// step saves reaches the post step as STATE_<name>, exactly like on a runner.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { STATE_ENV } from './state.js';
import { KUBE_STATS_DEBUG_PREFIX, type KubeStats } from '../../src/kube/stats.js';

export interface RunActionOptions {
  inputs: Record<string, string>;
  /** Extra environment for both steps (wins over the runner defaults; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and working directory; a fresh temp dir by default. */
  cwd?: string;
  /** Per step; the step's process is killed (SIGTERM, then SIGKILL) when it runs longer. Default 10 minutes. */
  timeoutMs?: number;
  /** Reuse a tool cache between runs (to test caching); a fresh one by default. */
  toolCache?: string;
  /** Run the post step (default true, as `post-if: always()` does once the main step ran). */
  post?: boolean;
  /**
   * Echo the steps' output as it arrives: `true` writes it raw to this process' stderr; a function gets
   * each chunk with its stream (e.g. a RunnerLog that renders it as a runner would).
   */
  echo?: boolean | Echo;
  /** Called with the main step's process once it is spawned (to signal it mid-run, as a cancelled job does). */
  onMainStart?: (child: ChildProcess) => void;
}

export type Echo = (chunk: string, stream: 'stdout' | 'stderr') => void;

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface StepResult {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunActionResult {
  /** Exit code of the main step. */
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** Step summaries of main and post, in order. */
  summary: string;
  runnerTemp: string;
  toolCache: string;
  /** What the main step saved for the post step. */
  state: Record<string, string>;
  /** `::error`, `::warning`, `::notice`, `::add-mask` … lines of both steps. */
  commands: WorkflowCommand[];
  /** The action's own count of Kubernetes API requests and writes; absent when it stopped before a cluster step. */
  kubeStats?: KubeStats;
  main: StepResult;
  post?: StepResult;
}

function repoRoot(): string {
  try {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    if (existsSync(join(root, 'action.yml'))) return root;
  } catch {
    // not a file URL
  }
  return process.cwd();
}

/**
 * Every run directory this test file made (runner temp, tool cache, step files: about 250 MB with a
 * release's istioctl and samples). Tests read them after the run, so they go when the file is done
 * (test/harness/cleanup.ts), not when the run is; a kept one (ASK_ISTIO_KEEP_RUNS=1) is named on stderr.
 */
const runDirs = new Set<string>();

export function removeRunDirs(): void {
  if (process.env.ASK_ISTIO_KEEP_RUNS === '1') {
    for (const d of runDirs) process.stderr.write(`kept ${d}\n`);
  } else {
    for (const d of runDirs) rmSync(d, { recursive: true, force: true });
  }
  runDirs.clear();
}

/** Node 24, as `runs.using: node24` promises: this process when it is Node 24, else the project's `node` package. */
export function node24(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const local = join(repoRoot(), 'node_modules', '.bin', 'node');
  if (!existsSync(local))
    throw new Error('Node 24 not found: run under Node 24 or `npm ci` (devDependency "node")');
  return realpathSync(local);
}

interface ActionYml {
  inputs?: Record<string, { default?: unknown }>;
  runs?: { using?: string; main?: string; post?: string };
}

/** The runner's name for an input's variable: upper-cased, spaces to underscores (hyphens stay). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Evaluates the few expressions our action.yml defaults use, like the runner would. */
function evaluateDefault(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.token') return env.GITHUB_TOKEN ?? '';
    throw new Error(`runAction cannot evaluate the action.yml expression \${{ ${expr} }}`);
  });
}

/**
 * Parses a file-command file: `name<<DELIM` … `DELIM` blocks and plain `name=value` lines.
 * Later values win, as on a runner.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc && (eq === -1 || eq > line.indexOf('<<'))) {
      const [, name = '', delim = ''] = heredoc;
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delim) {
          closed = true;
          break;
        }
        value.push(lines[i] ?? '');
      }
      if (!closed) throw new Error(`file command "${name}": delimiter ${delim} never closes`);
      result[name] = value.join('\n');
    } else if (eq > 0) {
      result[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`invalid file command line: ${JSON.stringify(line)}`);
    }
  }
  return result;
}

function unescapeCommand(s: string, property: boolean): string {
  let out = s.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) out = out.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return out.replace(/%25/g, '%');
}

/** Workflow commands (`::name key=value,...::message`) in a step's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',')) {
      const eq = kv.indexOf('=');
      if (eq > 0) properties[kv.slice(0, eq).trim()] = unescapeCommand(kv.slice(eq + 1), true);
    }
    commands.push({ command: m[1] ?? '', properties, message: unescapeCommand(m[3] ?? '', false) });
  }
  return commands;
}

function runStep(
  script: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  echo: boolean | Echo,
  onStart?: (child: ChildProcess) => void
): Promise<StepResult> {
  const show: Echo | undefined =
    typeof echo === 'function' ? echo : echo ? (c) => void process.stderr.write(c) : undefined;
  const started = Date.now();
  return new Promise((res) => {
    const child = spawn(node24(), [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    onStart?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      show?.(c, 'stdout');
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      show?.(c, 'stderr');
    });
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(kill);
      res({ code, signal, timedOut, stdout, stderr, durationMs: Date.now() - started });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      res({
        code: null,
        signal: null,
        timedOut,
        stdout,
        stderr: stderr + String(err),
        durationMs: Date.now() - started
      });
    });
  });
}

/** A runner-like environment: the parent's basics, nothing of jest's or of an enclosing runner's step. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|JEST_)/.test(k) || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}

export async function runAction(options: RunActionOptions): Promise<RunActionResult> {
  const root = repoRoot();
  const action = load(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYml;
  const mainScript = join(root, action.runs?.main ?? 'dist/index.js');
  if (!existsSync(mainScript)) throw new Error(`${mainScript} does not exist: run \`npm run package\` first`);

  const runDir = mkdtempSync(join(tmpdir(), 'ask-istio-run-'));
  runDirs.add(runDir);
  const runnerTemp = join(runDir, 'temp');
  const toolCache = options.toolCache ?? join(runDir, 'tool-cache');
  const workspace = options.cwd ?? join(runDir, 'workspace');
  for (const d of [runnerTemp, toolCache, workspace]) mkdirSync(d, { recursive: true });

  const files = (step: string): Record<string, string> => {
    const f: Record<string, string> = {};
    for (const [name, file] of [
      ['GITHUB_OUTPUT', 'output'],
      ['GITHUB_STATE', 'state'],
      ['GITHUB_ENV', 'env'],
      ['GITHUB_PATH', 'path'],
      ['GITHUB_STEP_SUMMARY', 'summary']
    ] as const) {
      f[name] = join(runDir, `${step}.${file}`);
      writeFileSync(f[name], '');
    }
    return f;
  };

  // The API base points at the stand-in release server when a harness runs, so version look-ups stay local.
  let apiUrl = 'http://127.0.0.1:9/api';
  const statePath = process.env[STATE_ENV];
  if (statePath && existsSync(statePath)) {
    const base = (JSON.parse(readFileSync(statePath, 'utf8')) as { releaseBaseUrl?: string }).releaseBaseUrl;
    if (base) apiUrl = `${base}/api`;
  }
  const env: Record<string, string> = {
    ...baseEnv(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION_PATH: root,
    GITHUB_ACTION: '__ask-istio-action',
    GITHUB_REPOSITORY: 'octo-org/demo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'e2e',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'http://127.0.0.1:9',
    GITHUB_API_URL: apiUrl,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_NAME: 'ask-istio-test-runner',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache
  };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Inputs: action.yml defaults first (evaluated), then what the workflow's `with:` gives.
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    if (spec?.default !== undefined) env[inputEnvName(name)] = evaluateDefault(String(spec.default), env);
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    if (!(name in (action.inputs ?? {})))
      throw new Error(`runAction: "${name}" is not an input of action.yml`);
    env[inputEnvName(name)] = value;
  }

  const timeoutMs = options.timeoutMs ?? 600_000;
  const echo = options.echo ?? process.env.ASK_ISTIO_ECHO_ACTION === '1';
  const mainFiles = files('main');
  const main = await runStep(
    mainScript,
    { ...env, ...mainFiles },
    workspace,
    timeoutMs,
    echo,
    options.onMainStart
  );
  const outputs = parseFileCommands(readFileSync(mainFiles.GITHUB_OUTPUT ?? '', 'utf8'));
  const state = parseFileCommands(readFileSync(mainFiles.GITHUB_STATE ?? '', 'utf8'));
  let summary = readFileSync(mainFiles.GITHUB_STEP_SUMMARY ?? '', 'utf8');
  const commands = parseWorkflowCommands(main.stdout);

  let post: StepResult | undefined;
  const postPath = action.runs?.post;
  if (postPath && options.post !== false) {
    // Later steps see GITHUB_ENV / GITHUB_PATH additions and the saved state as STATE_<name>.
    const postEnv: Record<string, string> = {
      ...env,
      ...parseFileCommands(readFileSync(mainFiles.GITHUB_ENV ?? '', 'utf8'))
    };
    const added = readFileSync(mainFiles.GITHUB_PATH ?? '', 'utf8')
      .split(/\r?\n/)
      .filter(Boolean)
      .reverse();
    if (added.length > 0) postEnv.PATH = [...added, postEnv.PATH ?? ''].join(delimiter);
    for (const [name, value] of Object.entries(state)) postEnv[`STATE_${name}`] = value;
    const postFiles = files('post');
    post = await runStep(join(root, postPath), { ...postEnv, ...postFiles }, workspace, timeoutMs, echo);
    summary += readFileSync(postFiles.GITHUB_STEP_SUMMARY ?? '', 'utf8');
    commands.push(...parseWorkflowCommands(post.stdout));
  }

  return {
    code: main.code,
    stdout: main.stdout + (post?.stdout ?? ''),
    stderr: main.stderr + (post?.stderr ?? ''),
    outputs,
    summary,
    runnerTemp,
    toolCache,
    state,
    commands,
    ...kubeStatsOf(commands),
    main,
    post
  };
}

/** The KubeStats the action reported (its `kube-stats` debug command), as data. */
function kubeStatsOf(commands: WorkflowCommand[]): { kubeStats?: KubeStats } {
  const line = commands.find((c) => c.command === 'debug' && c.message.startsWith(KUBE_STATS_DEBUG_PREFIX));
  return line
    ? { kubeStats: JSON.parse(line.message.slice(KUBE_STATS_DEBUG_PREFIX.length)) as KubeStats }
    : {};
}

/** The action's own explanation of a failure: every `::error::` message of the run. */
export function actionErrors(r: RunActionResult): string {
  return r.commands
    .filter((c) => c.command === 'error')
    .map((c) => c.message)
    .join('\n');
}

/** Fails the test with the action's errors and the tail of its log when the run did not succeed. */
export function expectActionSuccess(r: RunActionResult, what = 'the action'): void {
  if (r.code === 0) return;
  const tail = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .slice(-40)
    .join('\n');
  throw new Error(`${what} failed (exit ${r.code}):\n${actionErrors(r)}\n--- stdout tail ---\n${tail}`);
}
