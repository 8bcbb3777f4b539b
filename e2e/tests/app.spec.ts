// The app plugin as Grafana shows it under /a/privatecloud-vsphere-app/: every page, and every
// VM action through the data source's resource API to the real backend and the simulator. The
// page structure is found by roles and visible text; effects are checked through the API.
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

/** Picks the first option of a @grafana/ui Combobox inside the element with this test id. */
async function pickFirst(page: Page, testId: string) {
  await page.getByTestId(testId).getByRole('combobox').click();
  await page.getByRole('option').first().click();
}

// The simulator starts fresh for every run, so a fixed name is unique; later tests find the VM
// by name (a failed test restarts the worker, so nothing is kept in memory between tests).
const createdName = 'e2e-web-01';

async function createdVm(page: Page, hostUrl: string) {
  const found = await getJSON(page, api(hostUrl, `inventory/vms?search=${createdName}`));
  expect(found.total, `the VM ${createdName} made by the create test`).toBe(1);
  return found.items[0];
}

test('overview shows clusters, hosts, datastores and VM counts from the backend', async ({
  page,
  open,
  hostUrl,
  shoot,
}) => {
  need('simUrl');
  await open(`${APP}/`);
  const clusters = await getJSON(page, api(hostUrl, 'inventory/clusters?pageSize=50'));
  expect(clusters.total).toBeGreaterThan(0);
  for (const c of clusters.items.slice(0, 3)) {
    await expect(page.getByText(c.name, { exact: true }).first()).toBeVisible();
  }
  const datastores = await getJSON(page, api(hostUrl, 'inventory/datastores?pageSize=5'));
  await expect(page.getByText(datastores.items[0].name, { exact: true }).first()).toBeVisible();
  // Host counts come from vROps relationships: a cluster's shared datastore is on all its hosts, a local one on one.
  const dsTable = page.getByRole('table', { name: 'Datastores' });
  const shared = (await getJSON(page, api(hostUrl, 'inventory/datastores?search=-vsan&pageSize=1'))).items[0];
  const local = (await getJSON(page, api(hostUrl, 'inventory/datastores?search=-local&pageSize=1'))).items[0];
  expect(shared.hostCount).toBeGreaterThan(1);
  expect(local.hostCount).toBe(1);
  await expect(dsTable.getByRole('row').filter({ hasText: shared.name })).toContainText(`${shared.hostCount} · shared`);
  await expect(dsTable.getByRole('row').filter({ hasText: local.name })).toContainText('1 · local');
  await shoot('app-overview');
});

test('hosts page lists the hosts and opens one', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  await open(`${APP}/hosts`);
  await expect(page.getByTestId(sel.hosts.container)).toBeVisible();
  const hosts = await getJSON(page, api(hostUrl, 'inventory/hosts?pageSize=10&sort=name&order=asc'));
  const first = hosts.items[0];
  await expect(page.getByTestId(sel.hosts.row(first.id))).toContainText(first.name);
  // CPU and memory come from vROps through the backend: a meter per figure, its value as the backend gave it.
  expect(first.cpuUsagePct).toBeGreaterThan(0);
  expect(first.memoryCapacityBytes).toBeGreaterThan(0);
  const cpuMeter = page.getByRole('meter', { name: `CPU usage of ${first.name}` });
  await expect(cpuMeter).toHaveAttribute('aria-valuenow', String(Math.min(100, first.cpuUsagePct)));
  await expect(page.getByRole('meter', { name: `Memory usage of ${first.name}` })).toBeVisible();
  await expect(page.getByTestId(sel.hostUsage.cell(first.id, 'memory'))).toContainText(/\d (GiB|TiB)/);
  await shoot('app-hosts');
  await page.getByTestId(sel.hosts.row(first.id)).getByRole('link').first().click();
  await expect(page.getByTestId(sel.hostDetail.container)).toBeVisible();
  await shoot('app-host-detail');
});

test('VM detail shows the static information and CPU/memory charts', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=1&sort=name&order=asc'));
  const vm = await getJSON(page, api(hostUrl, `vms/${vms.items[0].id}`));
  const charts = page.waitForResponse(
    (r) => r.url().includes('/api/ds/query') && (r.request().postData() ?? '').includes('"metrics"')
  );
  await open(`${APP}/vms/${vm.id}`);
  const info = page.getByTestId(sel.vmDetail.info);
  await expect(info).toContainText(vm.hostName);
  await expect(page.getByTestId(sel.vmDetail.container)).toContainText(vm.name);
  if (vm.disks.length) {
    await expect(page.getByText(vm.disks[0].vmdkFile).first()).toBeVisible();
  }
  if (vm.nics.length) {
    await expect(page.getByText(vm.nics[0].networkName).first()).toBeVisible();
  }
  const res = await charts;
  const body = await res.json();
  expect(res.status(), JSON.stringify(body).slice(0, 600)).toBe(200);
  const frames = Object.values<any>(body.results).flatMap((r) => r.frames);
  expect(frames.length).toBeGreaterThan(0);
  // The charts draw the returned series (uPlot canvas or SVG, depending on the chart component).
  await expect(page.getByTestId(sel.vmDetail.charts).locator('canvas, svg').first()).toBeVisible();
  await shoot(`app-vm-detail`);
});

test('create a VM: the form sends it to vCenter and the new VM appears', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  await open(`${APP}/vms`);
  await page.getByTestId(sel.vmList.create).click();
  await expect(page.getByTestId(sel.createVm.form)).toBeVisible();
  await page.getByTestId(sel.createVm.name).fill(createdName);
  for (const id of [
    sel.createVm.guestOs,
    sel.createVm.network,
    sel.createVm.folder,
    sel.createVm.compute,
    sel.createVm.datastore,
  ]) {
    await pickFirst(page, id);
  }
  const created = page.waitForResponse((r) => /\/resources\/vms$/.test(r.url()) && r.request().method() === 'POST');
  await page.getByTestId(sel.createVm.submit).click();
  const res = await created;
  expect(res.status()).toBe(201);
  const createdId = (await res.json()).id;
  // It lands on the new VM's page, and the inventory has it.
  await expect(page).toHaveURL(new RegExp(`${APP}/vms/${createdId}`));
  await expect(page.getByTestId(sel.vmDetail.container)).toContainText(createdName);
  const found = await getJSON(page, api(hostUrl, `inventory/vms?search=${createdName}`));
  expect(found.items.map((v: any) => v.id)).toEqual([createdId]);
  await shoot('app-vm-created');
});

test('edit CPU and memory shows the hot-add rules before submitting', async ({ page, open, hostUrl, shoot }) => {
  need('simUrl');
  // A powered-on VM: what may change depends on its hot-add settings.
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=20&sort=name&order=asc'));
  let target: any;
  for (const v of vms.items) {
    const limits = await getJSON(page, api(hostUrl, `vms/${v.id}/hardware/limits`));
    if (limits.reasons?.cpu || limits.reasons?.memory) {
      target = { vm: v, limits };
      break;
    }
  }
  expect(target, 'a powered-on VM with a hot-add restriction in the simulator').toBeTruthy();
  await open(`${APP}/vms/${target.vm.id}`);
  await page.getByTestId(sel.vmDetail.edit).click();
  const modal = page.getByTestId(sel.editHardware.modal);
  const reason = target.limits.reasons.cpu ?? target.limits.reasons.memory;
  await expect(modal).toContainText(reason);
  await shoot('app-vm-edit', async () => {
    await page.getByTestId(sel.vmDetail.edit).click();
    await expect(page.getByTestId(sel.editHardware.modal)).toBeVisible();
  });
});

test('power off: confirmed, sent, and the state changes', async ({ page, open, hostUrl }) => {
  need('simUrl');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=1&sort=name&order=desc'));
  const vm = vms.items[0];
  await open(`${APP}/vms/${vm.id}`);
  await page.getByTestId(sel.power.action('stop')).click();
  const sent = page.waitForResponse((r) => r.url().includes(`/resources/vms/${vm.id}/power`));
  await page.getByRole('dialog').getByRole('button').last().click();
  expect((await sent).status()).toBe(200);
  await expect(page.getByTestId(sel.power.badge).first()).toContainText(/off/i);
  await expect(page.getByTestId('data-testid Alert success').first()).toBeVisible();
  expect((await getJSON(page, api(hostUrl, `vms/${vm.id}`))).powerState).toBe('POWERED_OFF');
});

test('delete asks for the exact VM name and removes it', async ({ page, open, hostUrl }) => {
  need('simUrl');
  const vm = await createdVm(page, hostUrl);
  const createdId = vm.id;
  if (vm.powerState !== 'POWERED_OFF') {
    await page.request.post(api(hostUrl, `vms/${createdId}/power`), { data: { action: 'stop' } });
  }
  await open(`${APP}/vms/${createdId}`);
  await page.getByTestId(sel.vmDetail.delete).click();
  const confirm = page.getByTestId(sel.deleteVm.submit);
  // A name that does not match: the form says so and sends nothing.
  let deletes = 0;
  page.on('request', (r) => {
    if (r.method() === 'DELETE') {
      deletes++;
    }
  });
  await page.getByTestId(sel.deleteVm.confirm).fill(createdName + 'x');
  if (await confirm.isEnabled()) {
    await confirm.click();
    await expect(page.getByTestId(sel.deleteVm.modal)).toContainText(/match|type|name/i);
  }
  expect(deletes).toBe(0);
  expect((await createdVm(page, hostUrl)).id).toBe(createdId);
  await page.getByTestId(sel.deleteVm.confirm).fill(createdName);
  const sent = page.waitForResponse(
    (r) => r.url().endsWith(`/resources/vms/${createdId}`) && r.request().method() === 'DELETE'
  );
  await confirm.click();
  expect((await sent).status()).toBe(204);
  const gone = await page.request.get(api(hostUrl, `vms/${createdId}`));
  expect(gone.status()).toBe(404);
});

test('as a Viewer the actions are disabled and a crafted request is refused with nothing changed', async ({
  page,
  open,
  hostUrl,
  signIn,
  shoot,
}) => {
  need('simUrl');
  await signIn('viewer');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=1&sort=name&order=asc'));
  const vm = vms.items[0];
  await open(`${APP}/vms/${vm.id}`);
  await expect(page.getByTestId(sel.vmDetail.container)).toContainText(vm.name);
  for (const id of [sel.power.action('stop'), sel.vmDetail.delete, sel.vmDetail.edit]) {
    await expect(page.getByTestId(id)).toBeDisabled();
  }
  await shoot('app-vm-detail-viewer');
  // The backend decides, not the page: a hand-made request is refused and the VM stays on.
  const crafted = await page.request.post(api(hostUrl, `vms/${vm.id}/power`), { data: { action: 'stop' } });
  expect(crafted.status()).toBe(403);
  expect(await crafted.json()).toMatchObject({ error: 'forbidden' });
  const del = await page.request.delete(api(hostUrl, `vms/${vm.id}`), { data: { confirmName: vm.name } });
  expect(del.status()).toBe(403);
  const after = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
  expect(after.powerState).toBe('POWERED_ON');
});

test('the audit page shows every operation with its user and outcome', async ({ page, open, hostUrl, shoot }) => {
  need('relayUrl');
  const audit = await getJSON(page, api(hostUrl, 'audit?pageSize=100'));
  const actions = audit.items.map((e: any) => `${e.user.login}:${e.action}:${e.outcome}`);
  expect(actions).toEqual(
    expect.arrayContaining([
      'admin:create:success',
      'admin:power:success',
      'admin:delete:success',
      'viewer:power:refused',
    ])
  );
  await open(`${APP}/audit`);
  const table = page.getByTestId(sel.audit.table);
  await expect(table).toContainText(createdName);
  await expect(table).toContainText('viewer');
  await expect(table).toContainText(/refused/i);
  await shoot('app-audit');
});
