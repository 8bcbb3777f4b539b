// The app as an operator's daily tool (issue 11): the backend's own error sentences with what to do,
// power results shown at once, role-aware menus, compatible placement, hour-by-hour usage, state in
// the URL, words instead of enums, readable audit entries. Against the real backend and simulator.
import type { Page } from '@playwright/test';
import { selectors as sel } from '../../app-plugin/src/selectors';
import { DS_UID } from '../host/defaults';
import { need } from './env';
import { expect, test } from './fixtures';

const APP = '/a/privatecloud-vsphere-app';
const api = (hostUrl: string, p: string) => `${hostUrl}/api/datasources/uid/${DS_UID}/resources/${p}`;

async function getJSON(page: Page, url: string) {
  const r = await page.request.get(url);
  expect(r.ok(), `${url} -> ${r.status()}`).toBe(true);
  return r.json();
}

/** A powered-on VM away from the ones other specs pick (first/last by name). */
async function poweredOnVm(page: Page, hostUrl: string, nth: number) {
  const vms = await getJSON(page, api(hostUrl, `inventory/vms?powerState=POWERED_ON&pageSize=1&page=${nth}&sort=name`));
  expect(vms.items.length, 'a powered-on VM in the simulator').toBe(1);
  return vms.items[0];
}

const RAW = /POWERED_ON|POWERED_OFF|UBUNTU_64|VMX_\d+|cores per socket|domain-c\d+/;

test('errors show the backend message and what to do, e.g. during a vROps outage', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  const simUrl = need('simUrl');
  const vm = await poweredOnVm(page, hostUrl, 3);
  const faults = await page.request.put(`${simUrl}/__sim/faults`, { data: { outage: { api: 'vrops', seconds: 120 } } });
  expect(faults.ok()).toBe(true);
  try {
    await open(`${APP}/vms/${vm.id}`);
    const charts = page.getByTestId(sel.vmDetail.charts);
    const message = charts.getByTestId(sel.states.errorMessage);
    await expect(message).toBeVisible({ timeout: 30_000 });
    // The sentence the backend gave (it names vROps), never the bare reason phrase.
    await expect(message).toContainText(/vROps/i);
    await expect(message).not.toHaveText(/^Bad Request$/);
    await expect(charts.getByTestId(sel.states.errorAdvice)).toContainText(/retry in a minute/i);
    await shoot('app-error-vrops-outage');
  } finally {
    await page.request.delete(`${simUrl}/__sim/faults`);
  }
});

test('power off shows the new state from the answer at once, with progress, and no extra reload', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  const vm = await poweredOnVm(page, hostUrl, 5);
  await open(`${APP}/vms/${vm.id}`);
  await expect(page.getByTestId(sel.power.badge).first()).toContainText('Powered on');
  let reads = 0;
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname.endsWith(`/resources/vms/${vm.id}`)) {
      reads++;
    }
  });
  // vCenter is slow: the page shows progress until the operation answers.
  const simUrl = need('simUrl');
  await page.request.put(`${simUrl}/__sim/faults`, { data: { latencyMs: 1500 } });
  try {
    await page.getByTestId(sel.power.action('stop')).click();
    const answered = page.waitForResponse((r) => r.url().includes(`/resources/vms/${vm.id}/power`));
    await page.getByRole('dialog').getByRole('button', { name: 'Power off' }).click();
    await expect(page.getByTestId(sel.power.progress)).toContainText(`Powering off ${vm.name}`);
    expect((await answered).status()).toBe(200);
  } finally {
    await page.request.delete(`${simUrl}/__sim/faults`);
  }
  await expect(page.getByTestId(sel.power.badge).first()).toContainText('Powered off');
  await expect(page.getByTestId(sel.power.progress)).toHaveCount(0);
  // Only "Power on" is offered now, and the page did not read the VM again.
  await expect(page.getByTestId(sel.power.action('start'))).toBeVisible();
  await expect(page.getByTestId(sel.power.action('stop'))).toHaveCount(0);
  expect(reads).toBe(0);
  expect((await getJSON(page, api(hostUrl, `vms/${vm.id}`))).powerState).toBe('POWERED_OFF');
  // "Powered off" is a normal state: neutral, not the error colour.
  const color = await page
    .getByTestId(sel.power.badge)
    .first()
    .locator('div')
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  const [r, g, b] = color.match(/\d+/g)!.map(Number);
  expect(r - Math.max(g, b), `badge colour ${color} is not red`).toBeLessThan(60);
});

test('Create VM is offered to the roles that may create (GET me), not to Editors by default', async ({
  page,
  open,
  signIn,
  hostUrl,
}) => {
  need('simUrl');
  await signIn('editor');
  const me = await getJSON(page, api(hostUrl, 'me'));
  expect(me.permissions.create).toBe(false);
  await open(`${APP}/vms`);
  await expect(page.getByTestId(sel.vmList.table)).toBeVisible();
  await expect(page.getByTestId(sel.vmList.create)).toHaveCount(0);
  await signIn('admin');
  await open(`${APP}/vms`);
  await expect(page.getByTestId(sel.vmList.create)).toBeVisible();
});

test('Create VM validates before sending and offers only placements the inventory allows', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  const placement = await getJSON(page, api(hostUrl, 'options/placement'));
  await open(`${APP}/vms/new`);
  const form = page.getByTestId(sel.createVm.form);
  await expect(form).toBeVisible();
  let posts = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/resources/vms')) {
      posts++;
    }
  });
  await page.getByTestId(sel.createVm.name).fill('bad/name');
  await page.getByTestId(sel.createVm.submit).click();
  await expect(form).toContainText('The name must not contain "/"');
  await expect(form).toContainText('Choose a datastore.');
  expect(posts).toBe(0);
  // Memory in GiB by default; switching to MiB keeps the size.
  await expect(page.getByTestId(sel.createVm.memory)).toHaveValue('4');
  await form.getByRole('radio', { name: 'MiB' }).click();
  await expect(page.getByTestId(sel.createVm.memory)).toHaveValue('4096');
  // The datastores offered for the first cluster are the ones the inventory says it mounts.
  const cluster = placement.clusters[0].id;
  const hosts = placement.hosts.filter((h: any) => h.cluster === cluster).map((h: any) => h.id);
  const reachable = placement.datastores.filter((d: any) => !d.hosts || d.hosts.some((h: string) => hosts.includes(h)));
  await page.getByTestId(sel.createVm.datastore).getByRole('combobox').click();
  await expect(page.getByRole('option')).toHaveCount(reachable.length);
  for (const d of placement.datastores.filter((x: any) => !reachable.includes(x)).slice(0, 3)) {
    await expect(page.getByRole('option', { name: new RegExp(`^${d.name} `) })).toHaveCount(0);
  }
});

test('usage reads hour by hour: tooltip, hourly table with average/min/max, thresholds, Explore link', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  need('simUrl');
  const vm = await poweredOnVm(page, hostUrl, 7);
  await open(`${APP}/vms/${vm.id}`);
  const charts = page.getByTestId(sel.vmDetail.charts);
  await expect(charts).toContainText('warning at 80 %, critical at 95 %');
  const canvas = charts.locator('canvas').first();
  await expect(canvas).toBeVisible();
  // uPlot's interaction layer; Playwright's hover scrolls it into view and retries until it is stable.
  await charts
    .locator('.u-over')
    .first()
    .hover({ position: { x: 20, y: 40 } });
  await charts
    .locator('.u-over')
    .first()
    .hover({ position: { x: 300, y: 40 } });
  await expect(page.getByTestId(sel.charts.tooltip).first()).toContainText(
    /CPU usage: \d+\.\d %|Memory usage: \d+\.\d %/
  );
  await shoot('app-vm-chart-tooltip', async () => {
    await page
      .getByTestId(sel.vmDetail.charts)
      .locator('.u-over')
      .first()
      .hover({ position: { x: 20, y: 40 } });
    await page
      .getByTestId(sel.vmDetail.charts)
      .locator('.u-over')
      .first()
      .hover({ position: { x: 300, y: 40 } });
    await expect(page.getByTestId(sel.charts.tooltip).first()).toBeVisible();
  });
  await charts.getByRole('radio', { name: 'Hourly table' }).click();
  const table = page.getByTestId(sel.charts.table);
  await expect(table.getByRole('row').nth(5)).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Hour', 'CPU %', 'Memory %']);
  const summary = page.getByTestId(sel.charts.summary);
  await expect(summary.getByRole('rowheader')).toHaveText(['Range average', 'Minimum', 'Maximum']);
  await expect(summary.getByRole('row').nth(1)).toContainText(/\d+\.\d %/);
  await shoot('app-vm-hourly-table', async () => {
    await page.getByTestId(sel.vmDetail.charts).getByRole('radio', { name: 'Hourly table' }).click();
  });
  // The same query in Explore: the host opens Grafana's /explore?panes=… URL and runs it.
  const href = await page.getByTestId(sel.charts.explore).getAttribute('href');
  const panes = JSON.parse(new URL(href!, hostUrl).searchParams.get('panes')!);
  expect(panes.a.queries[0]).toMatchObject({ queryType: 'metrics', selection: { mode: 'ids', ids: [vm.id] } });
  await page.getByTestId(sel.charts.explore).click();
  await expect(page).toHaveURL(/\/explore\?/);
  await expect(page.getByTestId('host-panel-timeseries')).toBeVisible({ timeout: 30_000 });
});

test('search, filter, sort and page live in the URL; usage columns sort on the server', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  await open(`${APP}/vms`);
  await page.getByTestId(sel.vmList.search).fill('vm');
  await page.getByTestId(sel.vmList.powerFilter).getByRole('radio', { name: 'On' }).click();
  const sorted = page.waitForRequest((r) => r.url().includes('/inventory/vms') && r.url().includes('sort=cpu'));
  await page.getByTestId(sel.vmList.sort('cpu')).click();
  const req = new URL((await sorted).url());
  expect(req.searchParams.get('order')).toBe('desc');
  await expect(page).toHaveURL(/q=vm/);
  await expect(page).toHaveURL(/power=POWERED_ON/);
  await expect(page).toHaveURL(/sort=cpu/);
  await page.reload();
  await page.waitForFunction(() => (window as any).__hostReady === true);
  await expect(page.getByTestId(sel.vmList.search)).toHaveValue('vm');
  await expect(page.getByTestId(sel.vmList.powerFilter).getByRole('radio', { name: 'On' })).toBeChecked();
  await expect(page.getByTestId(sel.vmList.table)).toBeVisible();
  const r = await page.request.get(
    api(hostUrl, 'inventory/vms?search=vm&powerState=POWERED_ON&sort=cpu&order=desc&pageSize=50')
  );
  if (r.status() === 400) {
    // A backend that cannot sort by usage yet: the page lists by name and says so.
    await expect(page.getByText('This data source cannot sort VMs by usage yet', { exact: false })).toBeVisible();
    return;
  }
  // The backend sorts by usage: the rows are busiest first, as it sent them.
  const answer = await r.json();
  const cpu = answer.items.map((v: any) => v.cpuUsagePercent).filter((x: unknown) => typeof x === 'number');
  expect([...cpu].sort((a: number, b: number) => b - a)).toEqual(cpu);
  await expect(page.getByTestId(sel.vmList.row(answer.items[0].id))).toBeVisible();
});

test('what people read is in words: no enums or internal ids as main text', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  await open(`${APP}/vms`);
  const table = page.getByTestId(sel.vmList.table);
  await expect(table).toBeVisible();
  await expect(table).not.toContainText(RAW);
  const first = (await getJSON(page, api(hostUrl, 'inventory/vms?pageSize=1&sort=name'))).items[0];
  await expect(page.getByTestId(sel.vmList.row(first.id))).toContainText('Powered');
  await shoot('app-vm-list');
  await open(`${APP}/vms/${first.id}`);
  const info = page.getByTestId(sel.vmDetail.info);
  await expect(info).toBeVisible();
  await expect(info).not.toContainText(RAW);
  await expect(info).toContainText(/\d+ vCPUs? \(\d+ sockets? × \d+ cores?\)/);
  const detail = await getJSON(page, api(hostUrl, `vms/${first.id}`));
  if (detail.guestOS) {
    // The guest OS in words (e.g. "Ubuntu Linux (64-bit)"), not its identifier.
    await expect(info.getByRole('row').filter({ hasText: 'Guest OS' })).toContainText(/\w+ \w+/);
  }
  // The id is there as secondary text only.
  await expect(page.getByTestId(sel.vmDetail.container).getByText(first.id, { exact: true })).toBeVisible();
  await open(`${APP}/hosts`);
  await expect(page.getByTestId(sel.hosts.container)).not.toContainText(/\bCONNECTED\b|POWERED_ON/);
});

test('the edit dialog keeps its hot-add list within its padding; memory in GiB or MiB', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  const vm = await poweredOnVm(page, hostUrl, 9);
  await open(`${APP}/vms/${vm.id}`);
  await page.getByTestId(sel.vmDetail.edit).click();
  const modal = page.getByTestId(sel.editHardware.modal);
  const list = modal.getByRole('list', { name: 'What can change while powered on' });
  await expect(list).toBeVisible();
  const [l, m] = [(await list.boundingBox())!, (await modal.boundingBox())!];
  expect(l.x).toBeGreaterThanOrEqual(m.x);
  expect(l.x + l.width).toBeLessThanOrEqual(m.x + m.width + 0.5);
  await expect(page.getByTestId(sel.editHardware.memory)).toHaveValue(String(vm.memoryMiB / 1024));
  await modal.getByRole('radio', { name: 'MiB' }).click();
  await expect(page.getByTestId(sel.editHardware.memory)).toHaveValue(String(vm.memoryMiB));
});

test('alert e-mail filters are picked from the inventory; the test-mail button waits for a confirmed address', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  need('relayUrl');
  const cluster = (await getJSON(page, api(hostUrl, 'inventory/clusters?pageSize=1&sort=name'))).items[0];
  await open(`${APP}/alerts`);
  const picker = page.getByTestId(sel.alerts.picker('cluster')).getByRole('combobox');
  await picker.click();
  await picker.fill(cluster.name.slice(0, 4));
  await expect(page.getByRole('option', { name: cluster.name })).toBeVisible();
  await page.getByRole('option', { name: cluster.name }).click();
  await expect(page.getByTestId(sel.alerts.picker('cluster'))).toContainText(cluster.name);
  await expect(page.getByTestId(sel.alerts.testMail)).toContainText('Send me a test mail');
  await shoot('app-alert-emails');
});

test('the audit log summarises each change and expands the details', async ({ page, open, hostUrl, shoot }) => {
  need('relayUrl');
  const vm = await poweredOnVm(page, hostUrl, 11);
  const r = await page.request.post(api(hostUrl, `vms/${vm.id}/power`), { data: { action: 'reboot' } });
  expect(r.ok()).toBe(true);
  const audit = await getJSON(page, api(hostUrl, `audit?vm=${vm.id}&pageSize=5`));
  const ev = audit.items.find((e: any) => e.action === 'power' && e.params?.action === 'reboot');
  expect(ev, 'the reboot in the audit log').toBeTruthy();
  await open(`${APP}/audit`);
  await page.getByTestId(sel.audit.vm).fill(vm.id);
  await expect(page.getByTestId(sel.audit.summary(ev.id))).toHaveText('restart the guest');
  const table = page.getByTestId(sel.audit.table);
  await expect(table).not.toContainText('{"action"');
  await table
    .getByRole('row')
    .filter({ hasText: 'restart the guest' })
    .getByRole('button', { name: /details/i })
    .first()
    .click();
  await expect(page.getByTestId(sel.audit.details(ev.id))).toContainText('reboot');
  await shoot('app-audit-details', async () => {
    await page.getByTestId(sel.audit.vm).fill(vm.id);
    await page
      .getByRole('button', { name: /details/i })
      .first()
      .click();
  });
});

test('the Overview lists the top consumers by CPU and memory with the alert levels', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  need('simUrl');
  await open(`${APP}/`);
  const section = page.getByRole('region', { name: 'Top consumers' });
  await expect(section).toContainText('warning from 80 %, critical from 95 %');
  const r = await page.request.get(api(hostUrl, 'inventory/vms?sort=cpu&order=desc&pageSize=10'));
  const top = r.ok() ? (await r.json()).items : [];
  const cpu = page.getByTestId(sel.overview.top('cpu'));
  if (top.some((v: any) => typeof v.cpuUsagePercent === 'number')) {
    // The backend sorts: the panel shows its first ten in its order.
    const rows = cpu.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(top.length + 1);
    await expect(rows.nth(1)).toContainText(top[0].name);
  } else {
    // A backend without usage figures: the panel says so instead of showing a wrong list.
    await expect(cpu).toContainText('does not report VM usage yet');
  }
  await shoot('app-overview-top');
});

test('the app configuration page lists the data sources (GET /api/datasources)', async ({ page, open }) => {
  need('simUrl');
  const list = await page.request.get(`${need('hostUrl')}/api/datasources`);
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.map((d: any) => d.uid)).toContain(DS_UID);
  expect(JSON.stringify(body)).not.toMatch(/VMware1!/);
  await open('/plugins/privatecloud-vsphere-app');
  await expect(page.getByTestId(sel.config.container)).toBeVisible();
  await expect(page.getByTestId(sel.config.datasourceCheckbox(DS_UID))).toBeVisible();
  await expect(page.getByText('Not found')).toHaveCount(0);
});
