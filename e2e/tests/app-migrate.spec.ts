// Moving a running VM to a quieter host from its page, against the real backend and the simulator:
// the Migrate dialog lists the hosts with CPU and memory now and after the move (from vROps through
// the backend), only compatible ones can be chosen, the expected effect is shown, the task's
// progress runs, and the page then shows the new host. In the light and the dark theme.
import type { Page } from '@playwright/test';
import path from 'node:path';
import { selectors as sel } from '../../app-plugin/src/selectors';
import { DS_UID } from '../host/defaults';
import { artifactsDir, need } from './env';
import { expect, test } from './fixtures';

const APP = '/a/privatecloud-vsphere-app';
const api = (hostUrl: string, p: string) => `${hostUrl}/api/datasources/uid/${DS_UID}/resources/${p}`;

async function getJSON(page: Page, url: string) {
  const r = await page.request.get(url);
  expect(r.ok(), `${url} -> ${r.status()}`).toBe(true);
  return r.json();
}

const pct = (v: number) => `${v.toFixed(1)} %`;

for (const [i, theme] of (['light', 'dark'] as const).entries()) {
  test(`${theme}: migrate a running VM to the quietest compatible host and see it there`, async ({
    page,
    open,
    hostUrl,
  }) => {
    need('simUrl');
    test.setTimeout(90_000);
    // Tall enough for the whole dialog in the screenshot.
    await page.setViewportSize({ width: 1280, height: 1000 });
    const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=5&sort=name'));
    const vm = vms.items[i];
    const o = await getJSON(page, api(hostUrl, `vms/${vm.id}/migrate/options`));
    const compatible = o.hosts.filter((h: any) => h.compatible);
    expect(compatible.length, 'the simulator has another connected host').toBeGreaterThan(0);
    // The quietest host after the move, as the dialog sorts them.
    const target = [...compatible].sort(
      (a: any, b: any) => (a.cpuAfterPct ?? Infinity) - (b.cpuAfterPct ?? Infinity) || a.name.localeCompare(b.name)
    )[0];
    const current = o.hosts.find((h: any) => h.id === vm.host);

    await open(`${APP}/vms/${vm.id}`, { theme });
    await page.getByTestId(sel.migrate.open).click();
    const hosts = page.getByTestId(sel.migrate.hosts);
    await expect(hosts).toBeVisible();
    const row = hosts.getByTestId(sel.migrate.host(target.id));
    await expect(row.getByRole('rowheader')).toHaveText(target.name);
    // Figures as the backend computed them from vROps, now → after.
    expect(target.cpuAfterPct).toBeGreaterThanOrEqual(target.cpuUsagePct);
    await expect(row).toContainText(`${pct(target.cpuUsagePct)}→${pct(target.cpuAfterPct)}`);
    await expect(row).toContainText(`${pct(target.memoryUsagePct)}→${pct(target.memoryAfterPct)}`);
    // The VM's own host is not compatible for a vMotion; choosing it moves the disks only.
    expect(current.compatible).toBe(false);
    const own = hosts.getByTestId(sel.migrate.host(current.id));
    await expect(own).toContainText('Runs here: choose it to move the disks only');
    await expect(own.getByRole('radio', { name: `Stay on ${current.name} (move the disks only)` })).toBeEnabled();
    // Hosts that cannot take the VM (none in the seeded inventory unless disconnected) are not selectable.
    for (const h of o.hosts.filter((x: any) => !x.compatible && x.id !== vm.host)) {
      await expect(hosts.getByTestId(sel.migrate.host(h.id)).getByRole('radio')).toBeDisabled();
    }

    await row.getByRole('radio', { name: `Move to ${target.name}` }).check();
    const keep = page.getByRole('radio', { name: 'Keep current' });
    if (await keep.isEnabled()) {
      await expect(keep).toBeChecked();
    } else {
      // The target does not mount the VM's datastores: the disks go to one it mounts with room.
      await page.getByTestId(sel.migrate.datastore).getByRole('combobox').click();
      await page.getByRole('option').first().click();
    }
    const summary = page.getByTestId(sel.migrate.summary);
    await expect(summary).toContainText(`${vm.name} moves from ${vm.hostName} to ${target.name}`);
    await expect(summary).toContainText(`CPU ${pct(target.cpuUsagePct)} → ${pct(target.cpuAfterPct)}`);
    // What people read in the dialog: names, not MoRef ids or enums.
    expect(await page.getByTestId(sel.migrate.modal).innerText()).not.toMatch(
      /\b(vm|host|domain-c|datastore|group-v)-\d+\b|CONNECTED|NOT_RESPONDING/
    );
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifactsDir, `app-migrate-${theme}.png`) });

    const started = page.waitForResponse((r) => r.url().includes(`/vms/${vm.id}/migrate?async=true`));
    await page.getByTestId(sel.migrate.submit).click();
    expect((await started).status()).toBe(202);
    const bar = page.getByRole('progressbar', { name: `Progress of moving ${vm.name}` });
    await expect(bar).toBeVisible();
    // For the screenshot only: wait (best effort) until the task reports progress.
    await page
      .locator('[role=progressbar][data-state=running]:not([aria-valuenow="0"])')
      .waitFor({ timeout: 5000 })
      .catch(() => undefined);
    await page.screenshot({ path: path.join(artifactsDir, `app-migrate-progress-${theme}.png`) });
    // Done: the dialog closes and the page shows the new host and the vMotion.
    await expect(page.getByTestId(sel.migrate.modal)).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId(sel.vmDetail.info).getByRole('link', { name: target.name })).toBeVisible();
    await expect(page.getByTestId(sel.vmDetail.history)).toContainText('vMotion');
    const after = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
    expect(after.host).toBe(target.id);
  });
}

test('on its own host only the disks move (Storage vMotion), and the VM stays where it runs', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=5&sort=name'));
  const vm = await getJSON(page, api(hostUrl, `vms/${vms.items[2].id}`));
  const o = await getJSON(page, api(hostUrl, `vms/${vm.id}/migrate/options`));
  const own = o.hosts.find((h: any) => h.id === vm.host);
  // A datastore the host mounts, with room, that the VM is not on yet.
  const target = o.datastores.find(
    (d: any) => d.fits && !o.vm.datastores.includes(d.id) && (d.hosts ?? []).includes(vm.host)
  );
  expect(target, 'the VM has another datastore with room on its host').toBeTruthy();
  await open(`${APP}/vms/${vm.id}`);
  await page.getByTestId(sel.migrate.open).click();
  await page.getByRole('radio', { name: `Stay on ${own.name} (move the disks only)` }).check();
  await expect(page.getByRole('radio', { name: 'Keep current' })).toBeDisabled();
  const ds = page.getByTestId(sel.migrate.datastore).getByRole('combobox');
  await ds.click();
  await ds.fill(target.name);
  await page
    .getByRole('option', { name: new RegExp(target.name) })
    .first()
    .click();
  await expect(page.getByTestId(sel.migrate.summary)).toContainText(
    `${vm.name} stays on ${own.name}; its disks move to ${target.name}`
  );
  const started = page.waitForResponse((r) => r.url().includes(`/vms/${vm.id}/migrate?async=true`));
  await page.getByRole('button', { name: 'Move the disks' }).click();
  const res = await started;
  expect(res.status(), await res.text()).toBe(202);
  expect(res.request().postDataJSON()).toEqual({ host: vm.host, datastore: target.id });
  await expect(page.getByTestId(sel.migrate.modal)).toHaveCount(0, { timeout: 60_000 });
  const after = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
  expect(after.host).toBe(vm.host);
  expect(after.disks.every((d: any) => d.vmdkFile.startsWith(`[${target.name}]`))).toBe(true);
});

test('a Viewer sees Migrate disabled with the reason, and a crafted request is refused', async ({
  page,
  open,
  hostUrl,
  signIn,
}) => {
  need('simUrl');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?pageSize=1&sort=name'));
  const vm = vms.items[0];
  await signIn('viewer');
  await open(`${APP}/vms/${vm.id}`);
  const gate = page.getByLabel(new RegExp(`Migrate ${vm.name} \\(disabled: .*may not move VMs`));
  await expect(gate).toBeVisible();
  await expect(gate.getByRole('button')).toBeDisabled();
  const r = await page.request.get(api(hostUrl, `vms/${vm.id}/migrate/options`));
  expect(r.status()).toBe(403);
});
