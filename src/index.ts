// Entry point of the main step. On a runner there are no arguments; the local CLI (bin/) passes the
// action's inputs as flags, which become the same INPUT_* variables a runner sets.
import * as core from '@actions/core';
import { run } from './main.js';
import { inputsFromArgv } from './inputs/read.js';
import { messageOf } from './errors.js';

let ok = true;
const cliArgs = process.argv.slice(2);
if (cliArgs.length > 0) {
  try {
    const { help } = inputsFromArgv(cliArgs);
    if (help) {
      console.log(help);
      process.exit(0);
    }
  } catch (err) {
    core.setFailed(messageOf(err));
    ok = false;
  }
}
if (ok) await run();
