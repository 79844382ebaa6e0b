// The action's log as a GitHub runner shows it, for the local CLI (bin/, through dist/runner-log.js) and
// `npm run demo`. The bundled action
// speaks the runner's workflow-command protocol on stdout (`::add-mask::`, `::group::`, `::debug::`, …);
// printed raw, a newcomer reads credentials in add-mask lines and protocol noise. A runner instead hides the
// commands, replaces every masked value with ***, folds groups under their title and shows debug lines only
// when step debugging is on. This renders the same, line by line, from chunks as they arrive.

/** Runner command escaping: data escapes %, CR and LF; properties also : and ,. */
function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s.replace(/%3A/gi, ':').replace(/%2C/gi, ','));
}

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/;
const ANNOTATIONS: Record<string, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' };
/** Commands that change the runner's state and print nothing. */
const SILENT = new Set([
  'add-mask',
  'save-state',
  'set-env',
  'set-output',
  'add-path',
  'stop-commands',
  'echo'
]);

export class RunnerLog {
  /** Masked values, longest first, so a secret containing a shorter one is masked whole. */
  private masks: string[] = [];
  private partial = '';
  /** Outputs set with the `set-output` command (what core.setOutput falls back to outside a runner). */
  readonly outputs: Record<string, string> = {};
  private readonly out: (line: string) => void;
  private readonly debug: boolean;

  constructor(opts: { out: (line: string) => void; debug?: boolean }) {
    this.out = opts.out;
    this.debug = opts.debug ?? false;
  }

  /** Feeds a chunk of the step's output; complete lines are rendered at once. */
  write(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line.replace(/\r$/, ''));
  }

  /** Renders what is left of an unterminated last line. */
  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  /** A value as the runner would print it: every masked secret replaced by ***. */
  mask(text: string): string {
    let out = text;
    for (const m of this.masks) out = out.split(m).join('***');
    return out;
  }

  private line(raw: string): void {
    const m = COMMAND.exec(raw);
    if (!m) return this.out(this.mask(raw));
    const [, name = '', props = '', rawData = ''] = m;
    const data = unescapeData(rawData);
    if (name === 'add-mask') {
      if (data.trim() && !this.masks.includes(data))
        this.masks = [...this.masks, data].sort((a, b) => b.length - a.length);
      return;
    }
    if (name === 'set-output') {
      const output = /(?:^|,)name=([^,]*)/.exec(props)?.[1];
      if (output) this.outputs[unescapeProperty(output)] = data;
      return;
    }
    if (SILENT.has(name)) return;
    if (name === 'debug') return void (this.debug && this.out(this.mask(`[debug] ${data}`)));
    if (name === 'group') return this.out(this.mask(`▸ ${data}`));
    if (name === 'endgroup') return;
    const label = ANNOTATIONS[name];
    if (label) {
      const title = /(?:^|,)title=([^,]*)/.exec(props)?.[1];
      const prefix = title ? `${label}: ${unescapeProperty(title)}: ` : `${label}: `;
      for (const l of data.split('\n')) this.out(this.mask(prefix + l));
      return;
    }
    // An unknown command is printed as the runner would print any line.
    this.out(this.mask(raw));
  }
}

/** Outputs as a two-column table, values masked and cut to `width` characters. */
export function outputsTable(
  outputs: Record<string, string>,
  mask: (s: string) => string,
  width = 100
): string[] {
  const names = Object.keys(outputs);
  if (names.length === 0) return [];
  const pad = Math.max(...names.map((n) => n.length));
  return names.map((n) => {
    const one = mask(outputs[n] ?? '').replace(/\s*\n\s*/g, ' ');
    return `  ${n.padEnd(pad)}  ${one.length > width ? `${one.slice(0, width - 1)}…` : one}`;
  });
}
