// The only place that reads action inputs. Secrets are registered with the runner's masker the
// moment they are read — before parsing, which may log or throw — including the credentials inside
// a kubeconfig. The local CLI maps its flags onto the same INPUT_* variables so both paths share
// this reader.

import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { decodeKubeconfig } from '../auth/kubeconfig.js';
import { InputError, type InputProblem } from '../errors.js';
import type { Config } from './config.js';
import { renderCliHelp } from './docs.js';
import { parseConfig, type ParseEnv, type RawInputs } from './parse.js';
import { INPUTS, INPUT_NAMES, inputSpec } from './spec.js';
import { closest } from './suggest.js';

// Identifiers that are not secret by themselves but are credentials' halves; masking them costs nothing.
const ALSO_MASKED = ['access-key-id'];

/** Every spec input via core.getInput (multi-line values keep their lines). */
export function readRawInputs(): RawInputs {
  const raw: RawInputs = {};
  for (const i of INPUTS) raw[i.name] = core.getInput(i.name);
  return raw;
}

/**
 * Registers every secret in `raw` with the masker: secret inputs as given, and the credentials
 * inside the kubeconfig when it can be decoded (a broken one is reported by the parser). Returns
 * what was registered.
 */
export function maskRawSecrets(raw: RawInputs, mask: (s: string) => void = core.setSecret): Set<string> {
  const done = new Set<string>();
  const add = (s: string): void => {
    const v = s.trim();
    if (v === '' || done.has(v)) return;
    done.add(v);
    mask(v);
  };
  for (const i of INPUTS) {
    if (i.kind === 'secret' || ALSO_MASKED.includes(i.name)) add(raw[i.name] ?? '');
  }
  const kubeconfig = raw.kubeconfig ?? '';
  if (kubeconfig.trim() !== '') {
    try {
      decodeKubeconfig(kubeconfig).secrets.forEach(add);
    } catch {
      // Not decodable: parseConfig reports why; the raw value itself is already masked above.
    }
  }
  return done;
}

/** What the parser needs from the workflow run, read from the runner's environment. */
export function runEnv(env: NodeJS.ProcessEnv = process.env): ParseEnv {
  const out: ParseEnv = {};
  if (env.GITHUB_EVENT_NAME) out.eventName = env.GITHUB_EVENT_NAME;
  if (env.GITHUB_WORKSPACE) out.workspace = env.GITHUB_WORKSPACE;
  // Only meaningful on a runner; a local CLI run leaves it unknown rather than "missing".
  if (env.GITHUB_ACTIONS === 'true') out.oidcAvailable = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  if (env.GITHUB_EVENT_PATH && out.eventName?.startsWith('pull_request')) {
    try {
      const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        pull_request?: { number?: unknown };
        number?: unknown;
      };
      const n = payload.pull_request?.number ?? payload.number;
      if (typeof n === 'number') out.prNumber = n;
    } catch {
      // No readable event payload: preview-id: auto will say it needs a pull request.
    }
  }
  return out;
}

/** Read, mask, parse. Throws InputError with every problem; logs warnings for questionable values. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = readRawInputs();
  const masked = maskRawSecrets(raw);
  const config = parseConfig(raw, runEnv(env));
  for (const s of config.secrets) if (!masked.has(s)) core.setSecret(s);
  for (const w of config.warnings) core.warning(w);
  return config;
}

function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Local CLI: `--namespace x --routing all-v1 --kubeconfig-file path`. Sets INPUT_* in `env` so that
 * readInputs() sees the same values a runner would pass. Returns the help text for --help/-h.
 * A flag without a value means "true" for boolean inputs; repeating a multi-line input adds lines.
 */
export function inputsFromArgv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env
): { help?: string; set: string[] } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: renderCliHelp(), set: [] };
  const problems: InputProblem[] = [];
  const values = new Map<string, string>();
  const flags = [...INPUT_NAMES, 'kubeconfig-file'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      problems.push({ input: arg, problem: 'unexpected argument; inputs are given as --<input> <value>' });
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!flags.includes(name)) {
      const near = closest(name, flags);
      problems.push({
        input: `--${name}`,
        problem: `unknown flag${near ? `; did you mean --${near}?` : ''}; see --help`
      });
      if (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('--')) i++;
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('--')) value = argv[++i] ?? '';
    else if (name !== 'kubeconfig-file' && inputSpec(name).kind === 'bool') value = 'true';
    else {
      problems.push({ input: `--${name}`, problem: 'needs a value' });
      continue;
    }
    if (name === 'kubeconfig-file') {
      try {
        values.set('kubeconfig', readFileSync(value, 'utf8'));
      } catch (err) {
        problems.push({
          input: '--kubeconfig-file',
          problem: `cannot read ${value}: ${(err as Error).message}`
        });
      }
      continue;
    }
    const previous = values.get(name);
    const multi = inputSpec(name).kind === 'multiline';
    values.set(name, previous !== undefined && multi ? `${previous}\n${value}` : value);
  }
  if (problems.length > 0) throw new InputError(problems);
  for (const [name, value] of values) env[inputEnvName(name)] = value;
  return { set: [...values.keys()] };
}
