// The provisioned vSphere data source in a real Grafana: health check, an inventory query in the
// panel editor, a metrics query returning series.
import { expect, test } from '@grafana/plugin-e2e';
import { selectors } from '../../datasource-plugin/src/selectors';

test('the provisioned data source passes save & test', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources/privatecloud-vsphere.yaml' });
  const configPage = await gotoDataSourceConfigPage(ds.uid);
  await expect(configPage.saveAndTest()).toBeOK();
});

test('an inventory query lists the hosts in a table panel', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources/privatecloud-vsphere.yaml' });
  await panelEditPage.datasource.set(ds.name);
  await panelEditPage.setVisualization('Table');
  const editor = page.getByTestId(selectors.query.editor.testId);
  await editor.getByRole('radio', { name: 'Inventory' }).click({ force: true });
  await page.getByTestId(selectors.query.entity.testId).click();
  await page.getByRole('option', { name: 'Hosts', exact: true }).click();
  await expect(panelEditPage.refreshPanel()).toBeOK();
  await expect(panelEditPage.panel.fieldNames).toContainText(['name']);
});

test('a metrics query returns a series per VM', async ({ panelEditPage, readProvisionedDataSource }) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources/privatecloud-vsphere.yaml' });
  await panelEditPage.datasource.set(ds.name);
  await panelEditPage.setVisualization('Time series');
  const response = panelEditPage.refreshPanel();
  await expect(response).toBeOK();
  const body = await (await response).json();
  expect(Object.values<any>(body.results)[0].frames.length).toBeGreaterThan(0);
});
