// @grafana/plugin-e2e specs for a REAL Grafana with both plugins and the repository's provisioning
// (e.g. `docker compose up`). Not part of `npm test`. Run: GRAFANA_URL=http://localhost:3000
// npm run test:grafana -w e2e. Without GRAFANA_URL the run stops at once and says why.
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { chromiumLaunch } from '../playwright.config';

const grafanaUrl = process.env.GRAFANA_URL;
if (!grafanaUrl) {
  throw new Error(
    'GRAFANA_URL is not set: these specs run against a live Grafana with both plugins (see e2e/grafana/README.md).'
  );
}

export default defineConfig<PluginOptions>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: '../test-results/grafana',
  use: {
    baseURL: grafanaUrl,
    launchOptions: chromiumLaunch,
    provisioningRootDir: path.join(__dirname, '..', '..', 'provisioning'),
    grafanaAPICredentials: {
      user: process.env.GRAFANA_ADMIN_USER ?? 'admin',
      password: process.env.GRAFANA_ADMIN_PASSWORD ?? 'admin',
    },
  },
  projects: [
    {
      name: 'auth',
      testDir: require.resolve('@grafana/plugin-e2e/package.json').replace('package.json', 'dist/auth'),
      testMatch: [/.*\.js/],
    },
    { name: 'grafana', dependencies: ['auth'], use: { storageState: 'playwright/.auth/admin.json' } },
  ],
});
