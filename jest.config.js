// Two projects: `unit` (pure modules, parallel) and `e2e` (the real control plane started once by
// globalSetup; run in band because Istio is cluster-wide state shared by all e2e files).
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }]
  },
  extensionsToTreatAsEsm: ['.ts']
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/globalSetup.ts',
      globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/harness/cleanup.ts']
    }
  ],
  // A global option (ignored inside `projects`): e2e tests wait for real rollouts on the test cluster.
  testTimeout: 600000,
  maxWorkers: 1,
  testSequencer: '<rootDir>/test/harness/sequencer.mjs'
};
