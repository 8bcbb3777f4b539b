import React from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fail, RES, VIEWER } from '../test/backend';
import { renderPage } from '../test/render';
import { rowCells } from '../test/table';
import { useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import Overview from './Overview';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const one = <T,>(items: T[], total = items.length) => ({ items, total, page: 1, pageSize: 200 });

describe('Overview', () => {
  it('shows clusters, hosts, datastores and VM counts by power state', async () => {
    const b = useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([
        { id: 'domain-c1', name: 'Prod', haEnabled: true, drsEnabled: false, hostCount: 4, vmCount: 120 },
      ]),
      [`GET ${RES}/inventory/hosts`]: one([
        {
          id: 'host-1',
          name: 'esx-01',
          connectionState: 'CONNECTED',
          powerState: 'POWERED_ON',
          vmCount: 30,
          cpuCapacityMHz: 83200,
          cpuUsagePct: 37.5,
          memoryCapacityBytes: 512 * 1024 ** 3,
          memoryUsagePct: 92.04,
        },
        { id: 'host-2', name: 'esx-02', connectionState: 'DISCONNECTED', vmCount: 0 },
      ]),
      [`GET ${RES}/inventory/datastores`]: one([
        {
          id: 'datastore-1',
          name: 'ds-01',
          type: 'VMFS',
          capacityBytes: 2 * 1024 ** 4,
          freeBytes: 512 * 1024 ** 3,
          hostCount: 4,
        },
      ]),
      'POST /api/ds/query': {
        results: {
          A: {
            frames: [
              {
                schema: {
                  fields: ['alertId', 'resource', 'resourceName', 'level', 'status', 'alert', 'impact', 'start'].map(
                    (name) => ({
                      name,
                      type: name === 'start' ? 'time' : 'string',
                    })
                  ),
                },
                data: {
                  values: [
                    ['a1'],
                    ['vm-42'],
                    ['web-42'],
                    ['CRITICAL'],
                    ['ACTIVE'],
                    ['CPU demand is high'],
                    ['HEALTH'],
                    [Date.UTC(2026, 10, 26, 9)],
                  ],
                },
              },
            ],
          },
        },
      },
      [`GET ${RES}/inventory/vms`]: (r) => {
        const totals: Record<string, number> = { POWERED_ON: 9000, POWERED_OFF: 950, SUSPENDED: 50 };
        return one([], totals[r.query.get('powerState') ?? ''] ?? -1);
      },
    });
    renderPage(<Overview />);
    const o = await screen.findByTestId(selectors.overview.container);
    expect(within(o).getByRole('region', { name: 'Powered on VMs' })).toHaveTextContent('9,000');
    expect(within(o).getByRole('region', { name: 'Powered off VMs' })).toHaveTextContent('950');
    expect(within(o).getByRole('region', { name: 'Suspended VMs' })).toHaveTextContent('50');
    const clusters = within(o).getByRole('table', { name: 'Clusters' });
    expect(within(clusters).getByText('HA on')).toBeInTheDocument();
    expect(within(clusters).getByText('DRS off')).toBeInTheDocument();
    const hosts = within(o).getByRole('table', { name: 'Hosts' });
    expect(within(hosts).getByText('esx-02').closest('a')).toHaveAttribute(
      'href',
      '/a/privatecloud-vsphere-app/hosts/host-2'
    );
    expect(within(hosts).getByText('Disconnected')).toBeInTheDocument();
    // CPU and memory: usage as a meter with the percentage, capacity in GHz / GiB below it.
    const esx01 = rowCells(hosts, 'esx-01');
    expect(esx01.CPU).toHaveTextContent('37.5 %');
    expect(esx01.CPU).toHaveTextContent('83.2 GHz');
    expect(esx01.Memory).toHaveTextContent('92.0 %');
    expect(esx01.Memory).toHaveTextContent('512 GiB');
    const cpuMeter = within(hosts).getByRole('meter', { name: 'CPU usage of esx-01' });
    expect(cpuMeter).toHaveAttribute('aria-valuenow', '37.5');
    expect(cpuMeter).toHaveAttribute('aria-valuetext', '37.5 % of 83.2 GHz');
    // A host the backend gave no figures for shows "—", and no meter.
    const esx02 = rowCells(hosts, 'esx-02');
    expect(esx02.CPU).toHaveTextContent(/^—$/);
    expect(esx02.Memory).toHaveTextContent(/^—$/);
    expect(within(hosts).queryByRole('meter', { name: /esx-02/ })).not.toBeInTheDocument();
    expect(within(o).queryByTestId(selectors.hostUsage.warning)).not.toBeInTheDocument();
    const ds = within(o).getByRole('table', { name: 'Datastores' });
    expect(within(ds).getByText('2.0 TiB')).toBeInTheDocument();
    expect(within(ds).getByText('512 GiB')).toBeInTheDocument();
    const alerts = await within(o).findByRole('table', { name: 'Active vROps alerts' });
    expect(within(alerts).getByText('Critical')).toBeInTheDocument();
    expect(within(alerts).getByText('CPU demand is high')).toBeInTheDocument();
    expect(within(alerts).getByText('web-42').closest('a')).toHaveAttribute(
      'href',
      '/a/privatecloud-vsphere-app/vms/vm-42'
    );
    const q = b.sent.find((r) => r.path === '/api/ds/query')!.data as { queries: Array<Record<string, unknown>> };
    expect(q.queries[0]).toMatchObject({ queryType: 'alerts', minLevel: 'WARNING' });
    // Counts come from one-row pages, not from listing every VM.
    const counts = b.sent.filter((r) => r.path.endsWith('/inventory/vms') && r.query.has('powerState'));
    expect(counts).toHaveLength(3);
    expect(counts.every((r) => r.query.get('pageSize') === '1')).toBe(true);
  });

  it('shows the hosts without CPU and memory, with the reason, when vROps gave no figures', async () => {
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([]),
      [`GET ${RES}/inventory/hosts`]: {
        ...one([{ id: 'host-1', name: 'esx-01', connectionState: 'CONNECTED', powerState: 'POWERED_ON', vmCount: 30 }]),
        metricsError: 'No CPU and memory figures: vROps latest stats query failed (HTTP 503): Service Unavailable',
      },
      [`GET ${RES}/inventory/datastores`]: one([]),
      [`GET ${RES}/inventory/vms`]: one([], 0),
    });
    renderPage(<Overview />);
    const o = await screen.findByTestId(selectors.overview.container);
    const hosts = within(o).getByRole('table', { name: 'Hosts' });
    const esx01 = rowCells(hosts, 'esx-01');
    expect(esx01.Connection).toHaveTextContent('Connected');
    expect(esx01.CPU).toHaveTextContent(/^—$/);
    expect(esx01.Memory).toHaveTextContent(/^—$/);
    expect(within(o).getByTestId(selectors.hostUsage.warning)).toHaveTextContent(
      'No CPU and memory figures: vROps latest stats query failed (HTTP 503): Service Unavailable'
    );
  });

  it('shows how many hosts share each datastore, shared or local, and why counts are missing', async () => {
    const ds = (name: string, hostCount?: number) => ({
      id: `datastore-${name}`,
      name,
      type: 'VMFS',
      capacityBytes: 1024 ** 4,
      freeBytes: 1024 ** 3,
      ...(hostCount === undefined ? {} : { hostCount }),
    });
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([]),
      [`GET ${RES}/inventory/hosts`]: one([]),
      [`GET ${RES}/inventory/datastores`]: one([ds('CL01-vsan', 4), ds('esx-01-local', 1), ds('orphan', 0)]),
      [`GET ${RES}/inventory/vms`]: one([], 0),
    });
    renderPage(<Overview />);
    const o = await screen.findByTestId(selectors.overview.container);
    const table = within(o).getByRole('table', { name: 'Datastores' });
    const hostsCell = (name: string) => within(table).getByText(name).closest('tr')!.lastElementChild;
    expect(hostsCell('CL01-vsan')).toHaveTextContent(/^4 · shared$/);
    expect(hostsCell('esx-01-local')).toHaveTextContent(/^1 · local$/);
    expect(hostsCell('orphan')).toHaveTextContent(/^0$/);
  });

  it('lists datastores with "—" for hosts and the backend warning when vROps could not count them', async () => {
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([]),
      [`GET ${RES}/inventory/hosts`]: one([]),
      [`GET ${RES}/inventory/datastores`]: {
        ...one([{ id: 'datastore-1', name: 'ds-01', type: 'NFS', capacityBytes: 1024 ** 4, freeBytes: 0 }]),
        warnings: ['datastore host counts are unavailable: vROps is not reachable'],
      },
      [`GET ${RES}/inventory/vms`]: one([], 0),
    });
    renderPage(<Overview />);
    const o = await screen.findByTestId(selectors.overview.container);
    const table = within(o).getByRole('table', { name: 'Datastores' });
    expect(within(table).getByText('ds-01').closest('tr')!.lastElementChild).toHaveTextContent(/^—$/);
    expect(within(o).getByText('datastore host counts are unavailable: vROps is not reachable')).toBeInTheDocument();
  });

  it('shows the backend error and loads again on retry', async () => {
    let calls = 0;
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: () =>
        ++calls === 1 ? fail(401, 'unauthenticated', 'vCenter refused the data source credentials') : one([]),
      [`GET ${RES}/inventory/hosts`]: one([]),
      [`GET ${RES}/inventory/datastores`]: one([]),
      [`GET ${RES}/inventory/vms`]: one([], 0),
    });
    renderPage(<Overview />);
    expect(await screen.findByTestId(selectors.states.error)).toHaveTextContent(
      'vCenter refused the data source credentials'
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    const o = await screen.findByTestId(selectors.overview.container);
    expect(calls).toBe(2);
    // No fake for the alerts query: its failure shows in its own section, the inventory stays.
    expect(await within(o).findByText('Could not load the vROps alerts')).toBeInTheDocument();
    expect(within(o).getByRole('table', { name: 'Clusters' })).toBeInTheDocument();
  });

  it('lists the top consumers by CPU and memory, sorted by the backend, with the alert levels', async () => {
    const vm = (id: string, name: string, cpu: number, mem: number) => ({
      id,
      name,
      powerState: 'POWERED_ON',
      hostName: 'esx-01',
      cpuUsagePercent: cpu,
      memUsagePercent: mem,
    });
    const b = useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([]),
      [`GET ${RES}/inventory/hosts`]: one([]),
      [`GET ${RES}/inventory/datastores`]: one([]),
      [`GET ${RES}/inventory/vms`]: (r) =>
        r.query.get('sort') === 'cpu'
          ? one([vm('vm-1', 'hot-01', 97.5, 40), vm('vm-2', 'warm-02', 85, 10), vm('vm-3', 'calm-03', 12, 5)], 3000)
          : r.query.get('sort') === 'memory'
            ? one([vm('vm-4', 'fat-04', 20, 81)], 3000)
            : one([], 0),
      'POST /api/ds/query': { results: { A: { frames: [] } } },
    });
    renderPage(<Overview />);
    const cpu = await screen.findByTestId(selectors.overview.top('cpu'));
    const table = await within(cpu).findByRole('table', { name: 'Top 10 VMs by CPU' });
    expect(rowCells(table, 'hot-01')['CPU usage'].firstElementChild).toHaveAttribute('data-level', 'critical');
    expect(rowCells(table, 'warm-02')['CPU usage'].firstElementChild).toHaveAttribute('data-level', 'warning');
    expect(rowCells(table, 'calm-03')['CPU usage']).toHaveTextContent('12.0 %');
    expect(rowCells(table, 'calm-03')['CPU usage'].firstElementChild).toHaveAttribute('data-level', 'ok');
    const mem = screen.getByTestId(selectors.overview.top('memory'));
    expect(await within(mem).findByText('fat-04')).toBeInTheDocument();
    const top = b.sent.filter((r) => r.query.get('sort') === 'cpu' || r.query.get('sort') === 'memory');
    expect(top.map((r) => Object.fromEntries(r.query))).toEqual(
      expect.arrayContaining([
        { sort: 'cpu', order: 'desc', pageSize: '10', page: '1' },
        { sort: 'memory', order: 'desc', pageSize: '10', page: '1' },
      ])
    );
  });

  it('says so when the backend cannot sort VMs by usage', async () => {
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/clusters`]: one([]),
      [`GET ${RES}/inventory/hosts`]: one([]),
      [`GET ${RES}/inventory/datastores`]: one([]),
      [`GET ${RES}/inventory/vms`]: (r) =>
        r.query.get('sort') === 'cpu' || r.query.get('sort') === 'memory'
          ? fail(400, 'bad_request', 'unknown sort key "cpu"')
          : one([], 0),
      'POST /api/ds/query': { results: { A: { frames: [] } } },
    });
    renderPage(<Overview />);
    const cpu = await screen.findByTestId(selectors.overview.top('cpu'));
    expect(await within(cpu).findByText(/does not report VM usage yet/)).toBeInTheDocument();
  });
});
