// The VM list at 10,000 VMs: its own simulator and host. Search and paging happen on the server:
// the browser never receives more than one page, and every search or page turn is one request.
import { selectors as sel } from '../../app-plugin/src/selectors';
import { defaultHostOptions, DS_UID } from '../host/defaults';
import { Host, startHost } from '../host/server';
import { expect, test } from './fixtures';
import { Child, startSimulator } from './processes';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

let sim: Child | undefined;
let host: Host | undefined;

test.beforeAll(async () => {
  sim = await startSimulator(['--vms', '10000']);
  host = await startHost(defaultHostOptions({ simUrl: sim.url }));
});

test.afterAll(async () => {
  await host?.close();
  await sim?.stop();
});

test('VM list at 10,000 VMs: server-side search and paging', async ({ page, pageProblems, shoot }) => {
  void pageProblems;
  const base = host!.url;
  const listCalls: Array<{ url: URL; items: number; total: number; pageSize: number }> = [];
  page.on('response', async (r) => {
    if (r.url().includes(`/resources/inventory/vms`) && r.ok()) {
      const b = await r.json().catch(() => undefined);
      if (b) {
        listCalls.push({ url: new URL(r.url()), items: b.items.length, total: b.total, pageSize: b.pageSize });
      }
    }
  });
  await page.goto(`${base}/a/privatecloud-vsphere-app/vms`);
  await page.waitForFunction(() => (window as any).__hostReady === true);
  await expect.poll(() => listCalls.length).toBeGreaterThan(0);
  expect(listCalls[0].total).toBe(10_000);
  // The total is shown, not 10,000 rows.
  await expect(page.getByTestId(sel.vmList.total)).toContainText(/10[,.\s\u00a0\u202f]?000/);
  expect(await page.getByRole('row').count()).toBeLessThan(200);

  // Search: one request with the term, the match shown.
  const all = await (
    await page.request.get(
      `${base}/api/datasources/uid/${DS_UID}/resources/inventory/vms?page=137&pageSize=50&sort=name&order=asc`
    )
  ).json();
  const wanted = all.items[7];
  const before = listCalls.length;
  await page.getByTestId(sel.vmList.search).fill(wanted.name);
  await expect(page.getByTestId(sel.vmList.row(wanted.id))).toBeVisible();
  const searches = listCalls.slice(before).filter((c) => c.url.searchParams.get('search'));
  expect(searches.length).toBeGreaterThan(0);
  expect(searches[searches.length - 1].url.searchParams.get('search')).toBe(wanted.name);

  // Paging: clear the search, go to the next page: page=2 is asked for, rows change.
  await page.getByTestId(sel.vmList.search).fill('');
  await expect.poll(() => listCalls[listCalls.length - 1].url.searchParams.get('search') ?? '').toBe('');
  // The unfiltered first page is rendered again (not just fetched) before its first row is read.
  await expect(page.getByTestId(sel.vmList.total)).toContainText(/10[,.\s\u00a0\u202f]?000/);
  await expect(page.getByTestId(sel.vmList.row(wanted.id))).toBeHidden();
  const first = await page.getByRole('row').nth(1).innerText();
  await page.getByRole('button', { name: '2', exact: true }).first().click();
  await expect.poll(() => listCalls[listCalls.length - 1].url.searchParams.get('page')).toBe('2');
  await expect(page.getByRole('row').nth(1)).not.toHaveText(first);
  for (const c of listCalls) {
    expect(c.items).toBeLessThanOrEqual(c.pageSize);
    expect(c.pageSize).toBeLessThanOrEqual(200);
  }
  await shoot('app-vms-10000');
});
