// Two projects: fast unit/golden tests, and integration tests that use real Helm,
// a real API server and real image builds (run in band: they share those).
// Tests live under test/ only (.tools/ holds the control plane's data).
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: { types: ['node', 'jest'], isolatedModules: true } }] };
// @kubernetes/client-node is an ES module package, which jest's CommonJS runtime
// cannot load: tests get the CommonJS bundle the build makes of it (npm run build).
const moduleNameMapper = { '^@kubernetes/client-node$': '<rootDir>/dist/k8s.js' };
module.exports = {
  globalSetup: '<rootDir>/test/global-setup.js',
  projects: [
    { displayName: 'unit', roots: ['<rootDir>/test'], testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform: tsJest, moduleNameMapper, testEnvironment: 'node' },
    { displayName: 'integration', roots: ['<rootDir>/test'], testMatch: ['<rootDir>/test/integration/**/*.test.ts'], transform: tsJest, moduleNameMapper, testEnvironment: 'node' },
  ],
};
