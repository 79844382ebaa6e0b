// Post step: runs after the job's steps, also when the main step failed or was cancelled. It removes the
// kubeconfig the main step wrote into RUNNER_TEMP. Kept tiny and dependency-light: it starts on every job.
import * as core from '@actions/core';
import { cleanupCredentials } from './auth/cleanup.js';

try {
  await cleanupCredentials();
} catch (err) {
  core.warning(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
}
