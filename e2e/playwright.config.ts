// Browser tests against the Grafana-compatible test host (tests/) plus the stack tests (stack/).
// Debian's Chromium, never a downloaded browser. The root runner sets PW_REPORTERS and
// PLAYWRIGHT_JSON_OUTPUT_NAME (docs/contracts.md §6).
import { defineConfig } from '@playwright/test';
import path from 'node:path';

export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

export default defineConfig({
  testDir: '.',
  // Absolute globs: a relative one matches anywhere in the path (a checkout under .../stack/ would
  // pick up grafana/*.spec.ts, which need a real Grafana).
  testMatch: ['tests', 'stack'].map((d) => path.join(__dirname, d, '**', '*.spec.ts')),
  globalSetup: './tests/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  reporter: process.env.PW_REPORTERS ? [['list'], ['json']] : [['list']],
  use: {
    launchOptions: chromiumLaunch,
    viewport: { width: 1280, height: 800 },
    trace: 'off',
    actionTimeout: 10_000,
    screenshot: 'only-on-failure',
  },
});
