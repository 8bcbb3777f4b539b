// "Customize guest" on the VM page, against the real backend and the simulator: a running Linux VM
// is powered off from its page, gets a stored spec with a host name and a static IPv4 address,
// and after power-on its guest reports them (read through the resource API). In the light and the
// dark theme; a Viewer cannot, in the page or with a crafted request.
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

/** Running Linux VMs with a network adapter and VMware Tools, from the end of the name order (guest OS family from `options/guest-os`). */
async function runningLinuxVms(page: Page, hostUrl: string) {
  const os = await getJSON(page, api(hostUrl, 'options/guest-os'));
  const linux = new Set(os.filter((o: any) => o.family === 'LINUX').map((o: any) => o.id));
  const vms = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_ON&pageSize=200&sort=name'));
  const found = [];
  // From the end of the list: the other specs take their VMs from the start.
  for (const v of [...vms.items].reverse()) {
    const d = await getJSON(page, api(hostUrl, `vms/${v.id}`));
    // The guest must report its identity (VMware Tools running) for the check after power-on.
    if (linux.has(d.guestOS) && d.nics.length > 0 && d.toolsRunning && d.hostName_guest) {
      found.push(d);
    }
    if (found.length === 3) {
      break;
    }
  }
  return found;
}

/** Runs a power action from the VM page, confirming it when the page asks. */
async function power(page: Page, action: 'start' | 'stop', state: RegExp) {
  await page.getByTestId(sel.power.action(action)).click();
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Power off' });
  if (action === 'stop') {
    await confirm.click();
  }
  await expect(page.getByTestId(sel.power.badge).first()).toContainText(state);
}

for (const [i, theme] of (['light', 'dark'] as const).entries()) {
  test(`${theme}: power off a VM, customize its guest with a host name and a static address, power on and see them`, async ({
    page,
    open,
    hostUrl,
  }) => {
    need('simUrl');
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1280, height: 1000 });
    const vm = (await runningLinuxVms(page, hostUrl))[i];
    expect(vm, 'the simulator has running Linux VMs with a network adapter and VMware Tools').toBeTruthy();
    const hostName = `e2e-${theme}-app`;
    const address = `10.50.${60 + i * 10}.21`;

    await open(`${APP}/vms/${vm.id}`, { theme });
    // Running: the action is there but disabled, with the reason.
    const gate = page.getByLabel(`Customize guest of ${vm.name} (disabled: Power off the VM first)`);
    await expect(gate.getByRole('button')).toBeDisabled();
    await power(page, 'stop', /off/i);

    await page.getByTestId(sel.customize.open).click();
    const dialog = page.getByTestId(sel.customize.modal);
    await expect(dialog).toContainText('Stored specs for Linux guests');
    const spec = page.getByTestId(sel.customize.spec).getByRole('combobox');
    await spec.click();
    // Only the VM's OS family, each with its description.
    await expect(page.getByRole('option', { name: /linux-static-web/ })).toContainText(
      'Linux web tier, fixed address in 10.50.0.0/16'
    );
    await expect(page.getByRole('option', { name: /windows-domain/ })).toHaveCount(0);
    await page.getByRole('option', { name: /linux-static-web/ }).click();
    await page.getByTestId(sel.customize.hostName).fill(hostName);
    await page.getByTestId(sel.customize.ipMode).getByRole('radio', { name: 'Static' }).check({ force: true });
    await page.getByTestId(sel.customize.ipAddress).fill(address);
    await page.getByTestId(sel.customize.ipPrefix).fill('16');
    // A gateway outside the subnet is caught before anything is sent.
    await page.getByTestId(sel.customize.ipGateway).fill('10.60.0.1');
    let puts = 0;
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().endsWith(`/vms/${vm.id}/customization`)) {
        puts++;
      }
    });
    await page.getByTestId(sel.customize.submit).click();
    await expect(dialog).toContainText('The gateway 10.60.0.1 is not in 10.50.0.0/16.');
    expect(puts).toBe(0);
    await page.getByTestId(sel.customize.ipGateway).fill('10.50.0.1');
    const summary = page.getByTestId(sel.customize.summary);
    await expect(summary).toContainText(
      `${vm.name} gets the spec linux-static-web at its next power-on: host name ${hostName}`
    );
    await expect(summary).toContainText(`IPv4 ${address}/16 via 10.50.0.1`);
    // What people read: names and words, not ids or enums.
    expect(await dialog.innerText()).not.toMatch(/\b(vm|host|network)-\d+\b|POWERED_|UBUNTU_|\bLINUX\b/);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifactsDir, `app-customize-guest-${theme}.png`), fullPage: true });

    const call = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/customization'));
    await page.getByTestId(sel.customize.submit).click();
    const res = await call;
    expect(res.status(), await res.text()).toBe(200);
    expect(res.request().postDataJSON()).toEqual({
      spec: 'linux-static-web',
      hostName,
      ip: { address, prefix: 16, gateway: '10.50.0.1' },
    });
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId(sel.customize.done)).toContainText(`host name ${hostName}`);
    await expect(page.getByTestId('data-testid Alert success').first()).toBeVisible();

    // The guest takes the settings when it boots.
    await power(page, 'start', /on/i);
    // VMware Tools report the guest's identity a moment after the boot.
    await expect
      .poll(async () => (await getJSON(page, api(hostUrl, `vms/${vm.id}`))).hostName_guest, { timeout: 30_000 })
      .toContain(hostName);
    const after = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
    expect(after.powerState).toBe('POWERED_ON');
    expect([after.ip, ...after.nics.flatMap((n: any) => n.ipAddresses)]).toContain(address);
    await page.reload();
    await expect(page.getByTestId(sel.vmDetail.info)).toContainText(hostName);

    // The audit log has the change as a readable line.
    await open(`${APP}/audit`, { theme });
    await expect(
      page.getByText(`Customized guest: linux-static-web, host ${hostName}, ${address}/16`).first()
    ).toBeVisible();
  });
}

test('a Viewer sees Customize guest disabled with the reason, and a crafted request is refused', async ({
  page,
  open,
  hostUrl,
  signIn,
}) => {
  need('simUrl');
  const off = await getJSON(page, api(hostUrl, 'inventory/vms?powerState=POWERED_OFF&pageSize=1&sort=name'));
  const vm = off.items[0];
  expect(vm, 'the simulator has a powered-off VM').toBeTruthy();
  const before = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
  await signIn('viewer');
  await open(`${APP}/vms/${vm.id}`);
  const gate = page.getByLabel(new RegExp(`Customize guest of ${vm.name} \\(disabled: .*may not clone VMs`));
  await expect(gate.getByRole('button')).toBeDisabled();
  const r = await page.request.put(api(hostUrl, `vms/${vm.id}/customization`), {
    data: { spec: 'linux-dhcp', hostName: 'viewer-was-here' },
  });
  expect(r.status()).toBe(403);
  const after = await getJSON(page, api(hostUrl, `vms/${vm.id}`));
  expect(after.hostName_guest).toBe(before.hostName_guest);
});
