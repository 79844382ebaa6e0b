// One error type for failures the user can act on: what failed, why (in the API's own words),
// and what to do. Expected failures are reported without a stack trace.

export class ActionError extends Error {
  readonly hint?: string;
  readonly details: string[];

  constructor(message: string, options: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ActionError';
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  /** The full text shown to the user: the message, the supporting details, then the remedy. */
  describe(): string {
    const lines = [this.message, ...this.details.map((d) => `  ${d}`)];
    if (this.hint) lines.push(`How to fix: ${this.hint}`);
    return lines.join('\n');
  }
}

/** One bad input value. `input` is the action input's name as written in a workflow. */
export interface InputProblem {
  input: string;
  problem: string;
  example?: string;
}

export class InputError extends ActionError {
  readonly problems: InputProblem[];

  constructor(problems: InputProblem[]) {
    const noun = problems.length === 1 ? 'input is' : `inputs are`;
    super(`${problems.length} ${noun} invalid:`, {
      details: problems.map(
        (p) => `- ${p.input}: ${p.problem}${p.example ? ` (example: ${p.input}: ${p.example})` : ''}`
      )
    });
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** The message of any thrown value, without its stack. */
export function messageOf(err: unknown): string {
  if (err instanceof ActionError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
