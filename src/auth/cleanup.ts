// Post step: remove the kubeconfig the main step wrote, so credentials do not outlive the job on
// self-hosted runners (RUNNER_TEMP is emptied by hosted runners only). Safe to run any number of times,
// and after a main step that failed before writing anything.

import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { KUBECONFIG_FILE_PREFIX, STATE_KUBECONFIG_PATH } from './state.js';

export interface CleanupResult {
  removed: boolean;
  path?: string;
}

export async function cleanupCredentials(log: (message: string) => void = core.info): Promise<CleanupResult> {
  const path = core.getState(STATE_KUBECONFIG_PATH);
  if (!path) return { removed: false };
  // The state file is writable by other steps; only ever delete a file this action created.
  if (!basename(path).startsWith(KUBECONFIG_FILE_PREFIX)) {
    core.warning(`Not removing ${path}: it is not a kubeconfig written by this action.`);
    return { removed: false, path };
  }
  try {
    await rm(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { removed: false, path };
    throw err;
  }
  log(`Removed the kubeconfig ${path}.`);
  return { removed: true, path };
}
