// The app in a real Grafana: its pages open and show the simulator's inventory.
import { expect, test } from '@grafana/plugin-e2e';

const pluginId = 'privatecloud-vsphere-app';

test('the app root page renders', async ({ gotoAppPage, page }) => {
  await gotoAppPage({ pluginId });
  await expect(page.getByRole('link', { name: /hosts/i }).first()).toBeVisible();
});

test('the VM list pages through the inventory', async ({ gotoAppPage, page }) => {
  await gotoAppPage({ pluginId, path: '/vms' });
  await expect(page.getByRole('row').nth(1)).toBeVisible();
});

test('the app config page opens', async ({ gotoAppConfigPage }) => {
  const configPage = await gotoAppConfigPage({ pluginId });
  await expect(configPage.ctx.page.getByRole('heading').first()).toBeVisible();
});
