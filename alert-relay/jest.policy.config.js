/** Jest for the pure rule modules only (no PostgreSQL, no SMTP): what the mutation run executes. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/policy.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
