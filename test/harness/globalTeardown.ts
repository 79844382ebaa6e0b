// jest globalTeardown for the `e2e` project: stops what globalSetup started (and only that).
import type { Harness } from './harness.js';

const HANDLE_KEY = '__askIstioHarness'; // see globalSetup.ts

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const harness = g[HANDLE_KEY] as Harness | undefined;
  if (!harness) return; // reused an external harness, or setup failed before starting one
  delete g[HANDLE_KEY];
  await harness.stop();
}
