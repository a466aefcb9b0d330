// Two projects: fast unit/golden tests, and integration tests that use real Helm,
// a real API server and real image builds (run in band: they share those).
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: { types: ['node', 'jest'], isolatedModules: true } }] };
module.exports = {
  globalSetup: '<rootDir>/test/global-setup.js',
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform: tsJest, testEnvironment: 'node' },
    { displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], transform: tsJest, testEnvironment: 'node' },
  ],
};
