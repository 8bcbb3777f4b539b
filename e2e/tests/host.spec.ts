// The host itself: plugin bundles load through SystemJS with Grafana's shared modules and the
// backend binary answers over the plugin protocol. These need neither the simulator nor the relay.
import { expect, test } from './fixtures';
import { EMPTY_DS_UID, NEW_DS_UID } from './global-setup';

test('the data source bundle loads through SystemJS and its settings page renders without errors', async ({
  page,
  open,
}) => {
  const loaded = page.waitForResponse((r) =>
    r.url().endsWith('/public/plugins/privatecloud-vsphere-datasource/module.js')
  );
  await open(`/connections/datasources/edit/${NEW_DS_UID}`);
  expect((await loaded).status()).toBe(200);
  await expect(page.getByTestId('host-page-title')).toHaveText('Settings: vSphere (new)');
  await expect(page.getByTestId('vsphere-config-vcenter-url')).toBeVisible();
  // Shared modules are the host's instances: the plugin sees the runtime config the host set.
  const role = await page.evaluate(async () => {
    // Registered as { default: module, __useDefault } for the AMD extra, as plugins receive it.
    const ns = await (window as any).System.import('@grafana/runtime');
    return ns.default.config.bootData.user.orgRole;
  });
  expect(role).toBe('Admin');
});

test('health of an empty data source: the real backend says what is missing', async ({ page, hostUrl }) => {
  const res = await page.request.get(`${hostUrl}/api/datasources/uid/${EMPTY_DS_UID}/health`);
  const body = await res.json();
  expect(res.status()).toBe(400);
  expect(body.status).toBe('ERROR');
  expect(body.message).toMatch(/vCenter URL/i);
});

test('resource calls carry the signed-in user to the backend', async ({ page, hostUrl, signIn }) => {
  for (const [login, role] of [
    ['viewer', 'Viewer'],
    ['editor', 'Editor'],
    ['admin', 'Admin'],
  ] as const) {
    await signIn(login);
    const me = await (
      await page.request.get(`${hostUrl}/api/datasources/uid/privatecloud-vsphere/resources/me`)
    ).json();
    expect(me).toMatchObject({ login, email: `${login}@example.com`, role });
  }
});
