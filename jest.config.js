/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Browser tests have their own runner (npm run test:browser) because they need Chromium.
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/'],
  collectCoverageFrom: [
    'src/**/*.ts',
    'tools/**/*.ts',
    '!src/**/*.d.ts',
    '!tools/**/cli.ts',
    '!tools/start.ts',
    '!tools/**/*.tmp.ts',
    // Browser-only page code: exercised by the Chromium tests (npm run test:browser).
    '!src/app/install-page.ts',
    '!src/app/status-page.ts',
    '!src/app/dom.ts',
  ],
  coverageThreshold: {
    global: { statements: 80, branches: 80, functions: 80, lines: 80 },
    './src/core/': { statements: 98, branches: 95, functions: 100, lines: 98 },
  },
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 60000,
};
