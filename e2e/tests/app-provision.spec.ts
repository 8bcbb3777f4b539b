// New VM the way administrators make them, through the app against the real backend and the
// simulator: three customised web servers from a content library template in the second cluster,
// a clone and an instant clone of a running VM, and an OVF package with its EULA and network. Each
// flow runs in the light and the dark theme; effects are checked through the resource API.
import type { Page } from '@playwright/test';
import path from 'node:path';
import { selectors as sel } from '../../app-plugin/src/selectors';
import { DS_UID } from '../host/defaults';
import { artifactsDir, need } from './env';
import { expect, test } from './fixtures';

const APP = '/a/privatecloud-vsphere-app';
const api = (hostUrl: string, p: string) => `${hostUrl}/api/datasources/uid/${DS_UID}/resources/${p}`;
const THEMES = ['light', 'dark'] as const;

async function getJSON(page: Page, url: string) {
  const r = await page.request.get(url);
  expect(r.ok(), `${url} -> ${r.status()}`).toBe(true);
  return r.json();
}

/** Picks the option whose name matches `name` in the @grafana/ui Combobox inside `testId`, typing `search` first. */
async function choose(page: Page, testId: string, search: string, name: string | RegExp) {
  const box = page.getByTestId(testId).getByRole('combobox');
  await box.click();
  await box.fill(search);
  await page.getByRole('option', { name }).first().click();
}

/** Saves the page as it is now, in the theme the test runs in (e2e/artifacts/<name>-<theme>.png). */
async function snap(page: Page, name: string, theme: string) {
  // No hover tooltip over the fields.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(artifactsDir, `${name}-${theme}.png`), fullPage: true });
}

/** The second cluster of the inventory ("cluster B"), a datastore it mounts and a VM folder of its datacenter. */
async function clusterB(page: Page, hostUrl: string) {
  const p = await getJSON(page, api(hostUrl, 'options/placement'));
  const cluster = p.clusters[1];
  expect(cluster, 'the simulator has a second cluster').toBeTruthy();
  const hosts = p.hosts.filter((h: any) => h.cluster === cluster.id).map((h: any) => h.id);
  const ds = p.datastores.find((d: any) => d.name.endsWith('-vsan') && d.hosts?.some((h: string) => hosts.includes(h)));
  const folder =
    p.folders.find((f: any) => f.datacenter === cluster.datacenter && f.name === 'Production') ?? p.folders[0];
  return { cluster, ds, folder, networks: p.networks };
}

for (const theme of THEMES) {
  test(`${theme}: three customised Ubuntu web servers from a template in cluster B, with a summary first and one progress bar each`, async ({
    page,
    open,
    hostUrl,
  }) => {
    need('simUrl');
    test.setTimeout(120_000);
    const { cluster, ds, folder } = await clusterB(page, hostUrl);
    const prefix = `e2e-${theme}-web-`;
    const net = theme === 'light' ? 20 : 40;
    await open(`${APP}/vms/new`, { theme });
    // Three ways; Blank is the form that was there before.
    const mode = page.getByTestId(sel.newVm.mode);
    for (const way of ['Blank', 'Clone from VM', 'From template']) {
      await expect(mode.getByText(way, { exact: true })).toBeVisible();
    }
    await expect(page.getByTestId(sel.createVm.form)).toBeVisible();
    await snap(page, 'app-new-vm-blank', theme);
    await mode.getByRole('radio', { name: 'From template' }).check({ force: true });
    const templates = page.getByTestId(sel.newVm.templates);
    const ubuntu = templates.getByRole('row').filter({ hasText: 'ubuntu-22.04-template' });
    // Guest OS in words, CPUs, memory and disk of the template.
    await expect(ubuntu).toContainText('Ubuntu Linux (64-bit)');
    await expect(ubuntu).toContainText('4.0 GiB');
    await expect(ubuntu).toContainText('40.0 GiB');
    await expect(templates.getByRole('row').filter({ hasText: 'photon-5-appliance' })).toContainText('OVF package');
    await snap(page, 'app-new-vm-templates', theme);
    await ubuntu.getByRole('button', { name: 'Use ubuntu-22.04-template' }).click();

    await page.getByTestId(sel.newVm.count).fill('3');
    await page.getByTestId(sel.newVm.name).fill(`${prefix}##`);
    await choose(page, sel.newVm.folder, folder.name, folder.name);
    await choose(page, sel.newVm.compute, cluster.name, `Cluster ${cluster.name}`);
    await choose(page, sel.newVm.datastore, ds.name, new RegExp(ds.name));
    // Only Linux specs for an Ubuntu template.
    const spec = page.getByTestId(sel.newVm.spec).getByRole('combobox');
    await spec.click();
    await expect(page.getByRole('option', { name: /linux-static-web/ })).toBeVisible();
    await expect(page.getByRole('option', { name: /windows-domain/ })).toHaveCount(0);
    await page.getByRole('option', { name: /linux-static-web/ }).click();
    await page.getByTestId(sel.newVm.ipMode).getByRole('radio', { name: 'Static' }).check({ force: true });
    await page.getByTestId(sel.newVm.ipAddress).fill(`10.50.${net}.11`);
    await page.getByTestId(sel.newVm.ipPrefix).fill('16');
    await page.getByTestId(sel.newVm.ipGateway).fill('10.50.0.1');
    await snap(page, 'app-new-vm-template-form', theme);
    await page.getByTestId(sel.newVm.review).click();

    const summary = page.getByTestId(sel.newVm.summary);
    await expect(summary).toContainText(
      `3 VMs, from the template ubuntu-22.04-template, in folder ${folder.name}, on cluster ${cluster.name}, on datastore ${ds.name}.`
    );
    await expect(summary).toContainText('Guest customization with the spec linux-static-web.');
    for (const i of [1, 2, 3]) {
      await expect(summary.getByRole('row').filter({ hasText: `${prefix}0${i}` })).toContainText(
        `10.50.${net}.1${i}/16 via 10.50.0.1`
      );
    }
    // What people read: names, not MoRef ids or enums.
    expect(await summary.innerText()).not.toMatch(
      /\b(vm|host|domain-c|datastore|group-v|network)-\d+\b|POWERED_|UBUNTU_64/
    );
    await snap(page, 'app-new-vm-summary', theme);

    const deploys: number[] = [];
    page.on('response', (r) => {
      if (/\/templates\/[^/]+\/deploy\?async=true$/.test(r.url())) {
        deploys.push(r.status());
      }
    });
    await page.getByTestId(sel.newVm.submit).click();
    const progress = page.getByTestId(sel.provision.progress);
    // The bars move with the vCenter task (the simulator's tasks take seconds).
    await expect(progress.getByRole('progressbar')).toHaveCount(3);
    await expect(progress).toContainText(/Creating 3 VMs… \(\d of 3 finished\)/);
    // For the screenshot only: wait (best effort) until a bar shows the task under way.
    await progress
      .locator('[role=progressbar][data-state=running]:not([aria-valuenow="0"])')
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => undefined);
    await snap(page, 'app-new-vm-progress', theme);
    await expect(progress).toContainText('All 3 VMs created', { timeout: 90_000 });
    expect(deploys).toEqual([202, 202, 202]);
    await snap(page, 'app-new-vm-done', theme);

    // Three customised, powered-on VMs in cluster B, each linked from its row.
    const found = await getJSON(page, api(hostUrl, `inventory/vms?search=${prefix}&sort=name`));
    expect(found.items.map((v: any) => v.name)).toEqual([1, 2, 3].map((i) => `${prefix}0${i}`));
    for (const [i, v] of found.items.entries()) {
      expect(v.cluster).toBe(cluster.id);
      expect(v.powerState).toBe('POWERED_ON');
      await expect(progress.getByRole('link', { name: v.name })).toHaveAttribute('href', new RegExp(`/vms/${v.id}$`));
      const d = await getJSON(page, api(hostUrl, `vms/${v.id}`));
      expect(d.hostName_guest).toContain(`${prefix}0${i + 1}`);
      expect([d.ip, ...(d.nics ?? []).flatMap((n: any) => n.ipAddresses)]).toContain(`10.50.${net}.1${i + 1}`);
    }
    // The audit log names the template and the customization.
    await open(`${APP}/audit`, { theme });
    await expect(
      page.getByText(`deploy from ubuntu-22.04-template, customized: linux-static-web`).first()
    ).toBeVisible();
  });

  test(`${theme}: clone and instant clone of a running VM open the new VM when ready`, async ({
    page,
    open,
    hostUrl,
  }) => {
    need('simUrl');
    test.setTimeout(90_000);
    const running = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=1&sort=name'));
    const src = running.items[0];
    // From the VM's page: Clone opens New VM with the VM as the source.
    await open(`${APP}/vms/${src.id}`, { theme });
    await page.getByTestId(sel.vmDetail.clone).click();
    await expect(page.getByTestId(sel.newVm.form)).toBeVisible();
    await expect(page.getByTestId(sel.newVm.source).getByRole('combobox')).toHaveValue(src.name);
    const name = `e2e-${theme}-clone`;
    await page.getByTestId(sel.newVm.name).fill(name);
    await snap(page, 'app-new-vm-clone', theme);
    await page.getByTestId(sel.newVm.review).click();
    await expect(page.getByTestId(sel.newVm.summary)).toContainText(`1 VM, clones of ${src.name}`);
    await page.getByTestId(sel.newVm.submit).click();
    await expect(page).toHaveURL(/\/vms\/vm-\d+/, { timeout: 60_000 });
    await expect(page.getByTestId(sel.vmDetail.container)).toContainText(name);

    // Instant clone: the source is running; it lands on the source's host at once.
    await open(`${APP}/vms/new?how=clone`, { theme });
    await choose(page, sel.newVm.source, src.name, new RegExp(`^${src.name}`));
    await page.getByRole('checkbox', { name: /Instant clone/ }).check({ force: true });
    await expect(page.getByText(`${src.hostName} (the source's host)`)).toBeVisible();
    await expect(page.getByTestId(sel.newVm.spec)).toHaveCount(0);
    const instantName = `e2e-${theme}-instant`;
    await page.getByTestId(sel.newVm.name).fill(instantName);
    await page.getByTestId(sel.newVm.review).click();
    const call = page.waitForResponse((r) => r.url().endsWith(`/vms/${src.id}/instant-clone`));
    await page.getByTestId(sel.newVm.submit).click();
    const res = await call;
    expect(res.status(), await res.text()).toBe(201);
    const made = await res.json();
    await expect(page).toHaveURL(new RegExp(`/vms/${made.id}$`));
    expect(made.host).toBe(src.host);
    expect(made.powerState).toBe('POWERED_ON');
  });

  test(`${theme}: an OVF package asks for its EULA and a network before it deploys`, async ({
    page,
    open,
    hostUrl,
  }) => {
    need('simUrl');
    test.setTimeout(90_000);
    const { networks } = await clusterB(page, hostUrl);
    await open(`${APP}/vms/new?how=template`, { theme });
    await page.getByRole('button', { name: 'Use photon-5-appliance' }).click();
    const name = `e2e-${theme}-photon`;
    await page.getByTestId(sel.newVm.name).fill(name);
    // OVF packages take no customization.
    await expect(page.getByTestId(sel.newVm.spec)).toHaveCount(0);
    const info = await getJSON(page, api(hostUrl, `templates?refresh=false`));
    const photon = info.find((t: any) => t.name === 'photon-5-appliance');
    const ovf = await getJSON(page, api(hostUrl, `templates/${photon.id}/ovf`));
    // The simulator's package has a EULA and one network, as appliances usually do.
    expect(ovf.eulas.length).toBeGreaterThan(0);
    expect(ovf.networks.length).toBeGreaterThan(0);
    await expect(page.getByText(ovf.eulas[0].slice(0, 40)).first()).toBeVisible();
    // Nothing is sent before the EULA is accepted and every network mapped.
    await page.getByTestId(sel.newVm.review).click();
    await expect(page.getByText('Accept the license agreement of the OVF package to deploy it.').first()).toBeVisible();
    await expect(page.getByTestId(sel.newVm.summary)).toHaveCount(0);
    await page.getByRole('checkbox', { name: /I accept the license agreement/ }).check({ force: true });
    await page.getByTestId(sel.newVm.review).click();
    await expect(page.getByText(`Choose a network for the OVF network ${ovf.networks[0]}.`).first()).toBeVisible();
    for (const n of ovf.networks) {
      await choose(page, sel.newVm.ovfNetwork(n), networks[0].name, networks[0].name);
    }
    await snap(page, 'app-new-vm-ovf', theme);
    await page.getByTestId(sel.newVm.review).click();
    await expect(page.getByTestId(sel.newVm.summary)).toContainText('from the OVF package photon-5-appliance');
    const call = page.waitForResponse((r) => /\/templates\/[^/]+\/deploy$/.test(r.url()));
    await page.getByTestId(sel.newVm.submit).click();
    const res = await call;
    expect(res.status(), await res.text()).toBe(201);
    await expect(page).toHaveURL(new RegExp(`/vms/${(await res.json()).id}$`), { timeout: 60_000 });
    await expect(page.getByTestId(sel.vmDetail.container)).toContainText(name);
  });
}

test('a clone whose name is taken is refused in the backend’s words, and nothing is created', async ({
  page,
  open,
  hostUrl,
}) => {
  need('simUrl');
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?pageSize=2&sort=name'));
  const [src, other] = vms.items;
  const before = (await getJSON(page, api(hostUrl, 'inventory/vms?pageSize=1'))).total;
  await open(`${APP}/vms/new?how=clone&source=${src.id}`);
  await page.getByTestId(sel.newVm.name).fill(other.name);
  await page.getByTestId(sel.newVm.review).click();
  const call = page.waitForResponse((r) => r.url().includes(`/vms/${src.id}/clone?async=true`));
  await page.getByTestId(sel.newVm.submit).click();
  const res = await call;
  expect(res.status()).toBe(409);
  const { message } = await res.json();
  const row = page.getByTestId(sel.provision.task(other.name));
  await expect(row.getByRole('alert')).toHaveText(`Not created: ${message}`);
  await expect(row.getByRole('progressbar')).toHaveAttribute('data-state', 'failed');
  await expect(page).toHaveURL(/\/vms\/new/);
  expect((await getJSON(page, api(hostUrl, 'inventory/vms?pageSize=1'))).total).toBe(before);
});
