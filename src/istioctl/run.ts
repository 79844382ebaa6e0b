// The one way the action runs istioctl: fixed kubeconfig/context flags, captured output streamed to
// the log line by line with secrets masked, stdin closed (so a confirmation prompt reads EOF instead
// of hanging), and a hard stop on timeout or cancellation.
//
// child_process is used directly rather than @actions/exec: exec exposes no handle on the child, so
// it cannot stop a hung istioctl, and a hung `istioctl install` would burn the job's whole timeout.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ActionError } from '../errors.js';
import { retry } from '../retry.js';
import { coreLogger, type Logger } from './log.js';
import { parseIstioctlVersion } from './versions.js';

export interface IstioctlOptions {
  kubeconfig?: string;
  context?: string;
  /** Extra environment for every run, on top of this process's. */
  env?: Record<string, string>;
  /** Strings replaced by *** in logs and error messages. */
  secrets?: string[];
  log?: Logger;
  /** Cancels every run (the job is being cancelled). */
  signal?: AbortSignal;
}

export interface RunOptions {
  /** Default 10 minutes. */
  timeoutMs?: number;
  input?: string;
  /** Exit codes that are results rather than failures (0 is always allowed), e.g. 79 for analyze; 'any' for all. */
  allowExitCodes?: number[] | 'any';
  signal?: AbortSignal;
  /** Log output lines at debug level only (for output the caller parses, like `version -o json`). */
  quiet?: boolean;
  /** Add --kubeconfig/--context (default true; client-only commands can skip them). */
  cluster?: boolean;
  /**
   * For commands whose allowed exit codes mix results and failures (`x precheck` exits 1 for findings and
   * for errors alike): a reason when a result is really a transient failure, which is then retried like
   * one (read-only commands only).
   */
  transient?: (result: RunResult) => string | undefined;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Time between SIGTERM and SIGKILL when stopping istioctl. */
const KILL_GRACE_MS = 5_000;
const STDERR_TAIL_LINES = 20;
/** Attempts of a read-only command that failed because the API server was briefly unavailable. */
const TRANSIENT_RETRY = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000 };
// Read-only subcommands (first words): safe to run again. install/apply/uninstall are not retried here —
// a half-applied install is the caller's decision.
const READ_ONLY = new Set(['analyze', 'version', 'x precheck', 'verify-install', 'proxy-status']);
// What a Kubernetes client prints when the API server was overloaded, restarting or the connection
// dropped (client-go and client-node wordings), as opposed to a real finding or a usage error.
export const TRANSIENT_OUTPUT =
  /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|connection reset by peer|connection refused|TLS handshake timeout|i\/o timeout|Too ?many ?requests|TooManyRequests|Internal error occurred|InternalError|ServiceUnavailable|the server is currently unable to handle the request|\(HTTP (429|5\d\d)\)|status code (429|5\d\d)|unexpected EOF/i;

/** Process groups still running, stopped if this process exits first (a cancelled job). */
const running = new Set<number>();
let exitHookInstalled = false;

export class Istioctl {
  readonly binary: string;
  private readonly opts: IstioctlOptions;
  private readonly log: Logger;

  constructor(binary: string, opts: IstioctlOptions = {}) {
    this.binary = binary;
    this.opts = opts;
    this.log = opts.log ?? coreLogger;
  }

  /** The arguments actually passed: the caller's, with the cluster flags added before any `--`. */
  argv(args: readonly string[], cluster = true): string[] {
    const flags: string[] = [];
    if (cluster && this.opts.kubeconfig) flags.push(`--kubeconfig=${this.opts.kubeconfig}`);
    if (cluster && this.opts.context) flags.push(`--context=${this.opts.context}`);
    const dashdash = args.indexOf('--');
    return dashdash < 0
      ? [...args, ...flags]
      : [...args.slice(0, dashdash), ...flags, ...args.slice(dashdash)];
  }

  /** A printable, masked command line. */
  commandLine(args: readonly string[], cluster = true): string {
    return this.mask(['istioctl', ...this.argv(args, cluster)].map(quote).join(' '));
  }

  mask(text: string): string {
    const secrets = (this.opts.secrets ?? []).filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    return secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  /**
   * Runs istioctl once; read-only subcommands that fail with an API-server hiccup in their output (429,
   * 5xx, connection reset) are run again with backoff — istioctl's own client gives up on the first one.
   */
  async run(args: readonly string[], ro: RunOptions = {}): Promise<RunResult> {
    const readOnly = READ_ONLY.has(describeCommand(args).replace(/^istioctl /, ''));
    const signal = AbortSignal.any(
      [this.opts.signal, ro.signal].filter((x): x is AbortSignal => x !== undefined)
    );
    let last: unknown;
    const attempt = (): Promise<RunResult> =>
      this.runOnce(args, ro).catch((err: unknown) => {
        last = err;
        throw err;
      });
    try {
      return await retry(attempt, {
        policy: TRANSIENT_RETRY,
        retryable: (err) => err instanceof TransientIstioctlError && readOnly,
        signal,
        onRetry: (_err, next) =>
          this.log.info(
            `${describeCommand(args)} failed because the API server was unavailable; retrying in ${next.delayMs} ms (attempt ${next.attempt}/${next.attempts})`
          )
      });
    } catch (err) {
      if (signal.aborted) {
        // Cancelled while istioctl ran: its own report (what it printed before it was stopped); while
        // waiting to run it again: say that.
        if (last instanceof ActionError) throw last;
        throw new ActionError('cancelled while waiting to retry istioctl', { cause: err });
      }
      throw err instanceof TransientIstioctlError ? err.error : err;
    }
  }

  private async runOnce(args: readonly string[], ro: RunOptions): Promise<RunResult> {
    const cluster = ro.cluster !== false;
    const cmd = this.commandLine(args, cluster);
    const timeoutMs = ro.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log.info(`$ ${cmd}`);
    const started = performance.now();
    const out = await this.spawn(this.argv(args, cluster), ro, timeoutMs);
    const durationMs = Math.round(performance.now() - started);
    const result: RunResult = { code: out.code, stdout: out.stdout, stderr: out.stderr, durationMs };
    const what = describeCommand(args);

    if (out.stoppedBy === 'timeout') {
      throw this.failure(
        `${what} did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped.`,
        cmd,
        out,
        {
          hint: 'The cluster may be slow to start pods (ECI cold starts); raise wait-timeout, or look at the events of the pods named above.'
        }
      );
    }
    if (out.stoppedBy === 'abort') throw this.failure(`${what} was cancelled.`, cmd, out, {});
    if (out.spawnError) {
      throw new ActionError(`${what} could not be started: ${out.spawnError.message}`, {
        details: [`Binary: ${this.binary}`],
        cause: out.spawnError
      });
    }
    const allowed = ro.allowExitCodes === 'any' ? !out.signal : (ro.allowExitCodes ?? []).includes(out.code);
    if (out.code !== 0 && !allowed) {
      const how = out.signal ? `was killed by ${out.signal}` : `failed with exit code ${out.code}`;
      const error = this.failure(`${what} ${how}.`, cmd, out, {});
      if (!out.signal && TRANSIENT_OUTPUT.test(out.stderr + out.stdout))
        throw new TransientIstioctlError(error);
      throw error;
    }
    const hiccup = out.signal ? undefined : ro.transient?.(result);
    if (hiccup)
      throw new TransientIstioctlError(this.failure(`${what} could not finish: ${hiccup}.`, cmd, out, {}));
    this.log.debug(`${what} exited ${out.code} after ${durationMs}ms`);
    return result;
  }

  /** The client version, from `version --remote=false -o json`, or the plain form if JSON is refused. */
  async version(): Promise<string> {
    const json = await this.run(['version', '--remote=false', '-o', 'json'], {
      quiet: true,
      cluster: false,
      timeoutMs: 60_000,
      allowExitCodes: 'any'
    });
    if (json.code === 0) {
      try {
        return parseIstioctlVersion(json.stdout);
      } catch {
        // fall through to the plain form, whose parse error is the one reported
      }
    }
    const plain = await this.run(['version', '--remote=false'], {
      quiet: true,
      cluster: false,
      timeoutMs: 60_000
    });
    return parseIstioctlVersion(plain.stdout);
  }

  private failure(message: string, cmd: string, out: SpawnOutcome, extra: { hint?: string }): ActionError {
    const source = out.stderr.trim() ? out.stderr : out.stdout;
    const tail = this.mask(source).trimEnd().split(/\r?\n/).slice(-STDERR_TAIL_LINES);
    const details = [`Command: ${cmd}`];
    if (tail.length && tail[0] !== '')
      details.push(
        `Last lines of its ${source === out.stderr ? 'error ' : ''}output:`,
        ...tail.map((l) => `  ${l}`)
      );
    else details.push('It printed nothing.');
    return new ActionError(message, { details, hint: extra.hint });
  }

  private spawn(argv: string[], ro: RunOptions, timeoutMs: number): Promise<SpawnOutcome> {
    return new Promise((resolve) => {
      const posix = process.platform !== 'win32';
      // Own process group on POSIX, so stopping istioctl also stops anything it started.
      const child = spawn(this.binary, argv, {
        env: { ...process.env, ...this.opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: posix,
        windowsHide: true
      });
      const outcome: SpawnOutcome = { code: -1, stdout: '', stderr: '' };
      const lines = (level: 'info' | 'debug') => {
        let partial = '';
        return {
          push: (chunk: string) => {
            partial += chunk;
            const parts = partial.split('\n');
            partial = parts.pop() ?? '';
            for (const l of parts) this.log[level](this.mask(l.replace(/\r$/, '')));
          },
          flush: () => {
            if (partial) this.log[level](this.mask(partial.replace(/\r$/, '')));
            partial = '';
          }
        };
      };
      const level = ro.quiet ? 'debug' : 'info';
      const outLines = lines(level);
      const errLines = lines(level);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        outcome.stdout += d;
        outLines.push(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        outcome.stderr += d;
        errLines.push(d);
      });
      // EPIPE when istioctl exits without reading its input is not our failure; its exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(ro.input ?? '');

      const pid = child.pid;
      const kill = (signal: NodeJS.Signals): void => {
        try {
          if (posix && pid !== undefined) process.kill(-pid, signal);
          else child.kill(signal);
        } catch {
          // already gone
        }
      };
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const stop = (why: 'timeout' | 'abort'): void => {
        if (outcome.stoppedBy) return;
        outcome.stoppedBy = why;
        kill('SIGTERM');
        killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const signals = [this.opts.signal, ro.signal].filter((s): s is AbortSignal => s !== undefined);
      const onAbort = (): void => stop('abort');
      for (const s of signals) {
        if (s.aborted) onAbort();
        else s.addEventListener('abort', onAbort, { once: true });
      }
      if (posix && pid !== undefined) trackGroup(pid);

      const finish = (): void => {
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        for (const s of signals) s.removeEventListener('abort', onAbort);
        if (pid !== undefined) running.delete(pid);
        outLines.flush();
        errLines.flush();
        resolve(outcome);
      };
      child.on('error', (err) => {
        outcome.spawnError = err;
        finish();
      });
      child.on('close', (code, signal) => {
        if (outcome.spawnError) return;
        outcome.signal = signal ?? undefined;
        outcome.code = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
        finish();
      });
    });
  }
}

/** A failure worth another attempt; carries the error to report when attempts run out. */
class TransientIstioctlError extends Error {
  readonly error: ActionError;
  constructor(error: ActionError) {
    super(error.message);
    this.error = error;
  }
}

interface SpawnOutcome {
  code: number;
  stdout: string;
  stderr: string;
  signal?: string;
  stoppedBy?: 'timeout' | 'abort';
  spawnError?: Error;
}

function trackGroup(pid: number): void {
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** `istioctl x precheck` for ['x', 'precheck', '--flag', ...]: the subcommand words before the first flag. */
function describeCommand(args: readonly string[]): string {
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') || words.length === 3) break;
    words.push(a);
  }
  return ['istioctl', ...words].join(' ');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
