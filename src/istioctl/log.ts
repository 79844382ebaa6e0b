// The few log calls the istioctl module makes. Defaults to the runner's log; tests pass a recorder.
import * as core from '@actions/core';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export const coreLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m)
};
