/** Jest for the pure rule modules only (no jsdom, no React): what the mutation run executes. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testEnvironment: 'node',
  setupFilesAfterEnv: [],
  testMatch: [
    '<rootDir>/src/rules/**/*.test.ts',
    '<rootDir>/src/components/{labels,format,auditSummary,thresholds}.test.ts',
  ],
};
