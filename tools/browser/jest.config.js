/**
 * Browser tests (test/browser): Debian Chromium driven by playwright-core against the UI harness.
 * Run: bash tools/browser/ensure-chromium.sh && npx jest -c tools/browser/jest.config.js
 * One worker: each file starts its own Chromium, and the machine's cores are shared.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 60000,
};
