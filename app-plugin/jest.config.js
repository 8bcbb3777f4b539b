// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swc = Object.values(base.transform)[0];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // Grafana UI renders slowly in jsdom on a shared 2-core machine; a ceiling against hangs, not a
  // performance assertion.
  testTimeout: 30000,
  transform: {
    ...base.transform,
    // d3-color 3.1.1 (pulled in by @grafana/data) ships only an .mjs file, which the scaffold's
    // transform pattern (.js/.ts) does not cover; compile it with the same SWC settings.
    '^.+\\.mjs$': swc,
  },
};
