// The data source plugin as Grafana loads it: settings page with save & test, query editor with
// inventory and metrics queries rendered by real panels, chained variables and field errors.
// Everything goes through the host's Grafana API to the real backend binary and the simulator.
import { selectors } from '../../datasource-plugin/src/selectors';
import { e2eEnv, need } from './env';
import { expect, test } from './fixtures';
import { NEW_DS_UID } from './global-setup';

const DS_UID = 'privatecloud-vsphere';
const q = selectors.query;

test('config editor: fill in, save & test shows the health result; secrets stay on the server', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  const simUrl = need('simUrl');
  await open(`/connections/datasources/edit/${NEW_DS_UID}`);
  const c = selectors.config;
  await page.getByTestId(c.vcenterUrl.testId).fill(simUrl);
  await page.getByTestId(c.vcenterUser.testId).fill('administrator@vsphere.local');
  await page.getByTestId(c.vcenterPassword.testId).fill('wrong-password');
  await page.getByTestId(c.vropsUrl.testId).fill(simUrl);
  await page.getByTestId(c.vropsUser.testId).fill('administrator@vsphere.local');
  await page.getByTestId(c.vropsPassword.testId).fill('VMware1!');

  // A wrong vCenter password: the health check fails and says which side and why.
  await page.getByTestId('data-testid Data source settings page Save and Test button').click();
  const failed = page.getByTestId('data-testid Alert error').first();
  await expect(failed).toBeVisible();
  await expect(failed).toContainText(/vCenter/i);
  await expect(failed).not.toContainText('wrong-password');

  // The stored settings carry no secret values, only which ones are set.
  const stored = await (await page.request.get(`${hostUrl}/api/datasources/uid/${NEW_DS_UID}`)).json();
  expect(stored.jsonData.vcenterUrl).toBe(simUrl);
  expect(stored.secureJsonFields).toMatchObject({ vcenterPassword: true, vropsPassword: true });
  expect(JSON.stringify(stored)).not.toContain('wrong-password');
  expect(JSON.stringify(stored)).not.toContain('VMware1!');

  // Fix the password (reset the stored secret, type the right one) and test again.
  await page
    .getByTestId(c.vcenterPassword.testId)
    .locator('..')
    .getByRole('button', { name: 'Reset' })
    .click()
    .catch(async () => {
      await page.getByRole('button', { name: 'Reset' }).first().click();
    });
  await page.getByTestId(c.vcenterPassword.testId).fill('VMware1!');
  await page.getByTestId('data-testid Data source settings page Save and Test button').click();
  const ok = page.getByTestId('data-testid Alert success').first();
  await expect(ok).toBeVisible();
  await expect(page.locator('body')).not.toContainText('VMware1!');
  await shoot('datasource-config');
});

test('query editor: an inventory query renders a table of hosts', async ({ page, open, shoot }) => {
  need('simUrl');
  await open(`/explore/${DS_UID}`);
  const editor = page.getByTestId(q.editor.testId);
  await expect(editor).toBeVisible();
  await editor.getByRole('radio', { name: 'Inventory' }).click({ force: true });
  const entity = page.getByTestId(q.entity.testId);
  await entity.click();
  await page.getByRole('option', { name: 'Hosts', exact: true }).click();
  const answer = page.waitForResponse(
    (r) => r.url().includes('/api/ds/query') && (r.request().postData() ?? '').includes('"entity":"hosts"')
  );
  await page.getByTestId('host-run-query').click();
  const res = await answer;
  expect(res.status()).toBe(200);
  const body = await res.json();
  const frame = body.results.A.frames[0];
  expect(frame.schema.fields.map((f: any) => f.name)).toEqual(expect.arrayContaining(['name']));
  const names: string[] = frame.data.values[frame.schema.fields.findIndex((f: any) => f.name === 'name')];
  expect(names.length).toBeGreaterThan(0);

  const table = page.getByTestId('host-panel-table');
  await expect(table).toBeVisible();
  await expect(table).toHaveAttribute('data-rows', String(names.length));
  await expect(table.getByText(names[0], { exact: true }).first()).toBeVisible();
  await shoot('datasource-query-inventory', async () => {
    await page.getByTestId(q.editor.testId).getByRole('radio', { name: 'Inventory' }).click({ force: true });
    await page.getByTestId(q.entity.testId).click();
    await page.getByRole('option', { name: 'Hosts', exact: true }).click();
    await page.getByTestId('host-run-query').click();
    await expect(page.getByTestId('host-panel-table')).toBeVisible();
  });
});

/** Runs the default metrics query (CPU usage of every VM under the first cluster). */
async function runDefaultMetrics(page: import('@playwright/test').Page) {
  const parent = page.getByTestId(q.selectionParent.testId);
  await expect(parent).toBeVisible();
  // The editor fills in the first cluster by itself; wait for it before running.
  await expect(page.getByTestId(q.problem('selection').testId)).toHaveCount(0);
  const answer = page.waitForResponse((r) => r.url().includes('/api/ds/query'));
  await page.getByTestId('host-run-query').click();
  return answer;
}

test('query editor: a metrics query renders a time series per VM with units', async ({ page, open, shoot }) => {
  need('simUrl');
  await open(`/explore/${DS_UID}`);
  await expect(page.getByTestId(q.editor.testId).getByRole('radio', { name: 'Metrics' })).toBeChecked();
  const res = await runDefaultMetrics(page);
  expect(res.status()).toBe(200);
  const body = await res.json();
  const frames = body.results.A.frames;
  expect(frames.length).toBeGreaterThan(0);
  const value = frames[0].schema.fields.find((f: any) => f.type === 'number');
  expect(frames[0].schema.fields.find((f: any) => f.type === 'time')).toBeTruthy();
  expect(frames[0].schema.meta.type).toBe('timeseries-multi');
  expect(value.labels).toMatchObject({ stat: 'cpu|usage_average' });
  expect(value.labels.vm).toBeTruthy();
  expect(value.config.unit).toBe('percent');
  expect(frames[0].data.values[0].length).toBeGreaterThan(10);

  const panel = page.getByTestId('host-panel-timeseries');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-series', String(frames.length));
  // uPlot draws on a canvas; the legend lists the series by their display names.
  await expect(panel.locator('canvas').first()).toBeVisible();
  const legendName = value.config.displayNameFromDS ?? value.labels.vm;
  await expect(panel.getByText(legendName).first()).toBeVisible();
  await shoot('datasource-query-metrics', async () => {
    await runDefaultMetrics(page);
    await expect(page.getByTestId('host-panel-timeseries')).toBeVisible();
  });
});

test('query editor: a malformed stat key shows the error next to the field; a key outside the catalogue runs', async ({
  page,
  open,
}) => {
  need('simUrl');
  await open(`/explore/${DS_UID}`);
  const stat = page.getByTestId(q.statKeys.testId);
  await expect(stat).toBeVisible();
  // A typed key that is not a stat key at all is refused next to the field.
  await stat.click();
  await page.keyboard.type('cpu usage');
  await page
    .getByRole('option', { name: /cpu usage/ })
    .first()
    .click();
  await page.keyboard.press('Escape');
  const problem = page.getByTestId(q.problem('statKeys').testId);
  await expect(problem).toBeVisible();
  await expect(problem).toContainText('cpu usage');

  // A well-formed key vROps has no data for is not an error: empty series and a notice naming it,
  // so an alert rule on it sees NoData; the other query of the request is unaffected.
  const env = e2eEnv();
  const res = await page.request.post(`${env.hostUrl}/api/ds/query`, {
    data: {
      from: String(Date.now() - 3600_000),
      to: String(Date.now()),
      queries: [
        {
          refId: 'nodata',
          datasource: { uid: DS_UID, type: 'privatecloud-vsphere-datasource' },
          queryType: 'metrics',
          resourceKind: 'VirtualMachine',
          selection: { mode: 'regex', regex: '.*' },
          statKeys: ['cpu|no_such_metric'],
        },
        { refId: 'good', datasource: { uid: DS_UID }, queryType: 'inventory', entity: 'clusters' },
      ],
    },
  });
  const body = await res.json();
  const nodata = body.results.nodata;
  expect(nodata.error).toBeUndefined();
  expect(nodata.frames.every((f: any) => (f.data.values[0] ?? []).length === 0)).toBe(true);
  expect(JSON.stringify(nodata.frames[0].schema.meta.notices)).toContain('cpu|no_such_metric');
  expect(body.results.good.error).toBeUndefined();
  expect(body.results.good.frames[0].data.values[0].length).toBeGreaterThan(0);
});

test('variables: hosts chained to the chosen cluster', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  await open(`/variables/${DS_UID}`);
  const clusters = page.getByTestId('host-variable-cluster-options').locator('li');
  await expect(clusters.first()).toBeVisible();
  const clusterIds = await clusters.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')!));
  expect(clusterIds.length).toBeGreaterThan(1);
  await expect(page.getByTestId(selectors.variable.editor.testId).first()).toBeVisible();

  for (const cluster of clusterIds.slice(0, 2)) {
    const refreshed = page.waitForResponse(
      (r) => r.url().includes('/api/ds/query') && (r.request().postData() ?? '').includes('"hosts"')
    );
    await page.getByTestId('host-variable-cluster-select').selectOption(cluster);
    const sent = JSON.parse((await refreshed).request().postData()!);
    // The template variable was expanded to the chosen cluster's id before the backend saw it.
    expect(JSON.stringify(sent.queries[0].filter)).toContain(cluster);
    const expected = await (
      await page.request.get(
        `${hostUrl}/api/datasources/uid/${DS_UID}/resources/inventory/hosts?cluster=${encodeURIComponent(cluster)}&pageSize=500`
      )
    ).json();
    expect(expected.total).toBeGreaterThan(0);
    const hosts = page.getByTestId('host-variable-host-options').locator('li');
    await expect(hosts).toHaveCount(expected.total);
    const shown = await hosts.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')).sort());
    expect(shown).toEqual(expected.items.map((h: any) => h.id).sort());
  }
  await shoot('datasource-variables');
});
