// Two projects: `unit` (pure, in-memory fakes) and `integration` (real servers started by the testkit).
const path = require('node:path');

const root = path.join(__dirname, '..');
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const common = {
  rootDir: root,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Workspace packages resolve to their TypeScript sources, so tests never run stale dist/ code.
  moduleNameMapper: {
    '^@switchboard/proto$': '<rootDir>/proto/src/index.ts',
    '^@switchboard/proto/wire$': '<rootDir>/proto/src/wire.ts',
    '^@switchboard/(shared|testkit|client)$': '<rootDir>/services/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  // Per-project testTimeout is ignored by jest; integration tests start real processes, so allow a minute.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/services/*/src/**/*.test.ts',
        '<rootDir>/proto/src/**/*.test.ts',
        '<rootDir>/loadtest/src/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/services/*/test/**/*.test.ts'],
      globalSetup: '<rootDir>/services/testkit/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/services/testkit/src/jest-global-teardown.ts',
    },
  ],
};
