import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RES, VIEWER } from '../test/backend';
import { metricsAnswer, vmDetail } from '../test/fixtures';
import { renderPage } from '../test/render';
import { rowCells } from '../test/table';
import { useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import Hosts from './Hosts';
import HostDetail from './HostDetail';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const hosts = [
  {
    id: 'host-1',
    name: 'esx-01',
    connectionState: 'CONNECTED',
    powerState: 'POWERED_ON',
    cluster: 'domain-c1',
    vmCount: 30,
    cpuCapacityMHz: 166400,
    cpuUsagePct: 12.34,
    memoryCapacityBytes: 1024 ** 4,
    memoryUsagePct: 75,
  },
  { id: 'host-2', name: 'esx-02', connectionState: 'NOT_RESPONDING', cluster: 'domain-c1', vmCount: 0 },
];

describe('Hosts', () => {
  it('lists hosts, searches on the server and filters by connection state', async () => {
    const b = useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/hosts`]: { items: hosts, total: 2, page: 1, pageSize: 50 },
    });
    renderPage(<Hosts />);
    expect(await screen.findByTestId(selectors.hosts.row('host-1'))).toHaveTextContent('esx-01');
    const table = screen.getByRole('table', { name: 'Hosts' });
    const esx01 = rowCells(table, 'esx-01');
    expect(esx01.CPU).toHaveTextContent('12.3 %');
    expect(esx01.CPU).toHaveTextContent('166.4 GHz');
    expect(esx01.Memory).toHaveTextContent('75.0 %');
    expect(esx01.Memory).toHaveTextContent('1.0 TiB');
    expect(within(table).getByRole('meter', { name: 'Memory usage of esx-01' })).toHaveAttribute('aria-valuenow', '75');
    expect(rowCells(table, 'esx-02').CPU).toHaveTextContent(/^—$/);
    expect(screen.queryByTestId(selectors.hostUsage.warning)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Not responding' }));
    expect(screen.queryByTestId(selectors.hosts.row('host-1'))).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.hosts.row('host-2'))).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Disconnected' }));
    expect(screen.getByTestId(selectors.states.empty)).toHaveTextContent('No host matches these filters');
    await userEvent.type(screen.getByTestId(selectors.hosts.search), 'esx-0');
    await waitFor(() => expect(b.sent.some((r) => r.query.get('search') === 'esx-0')).toBe(true));
    // Every matching host is fetched at once so the state filter holds across pages.
    expect(
      b.sent.filter((r) => r.path.endsWith('/inventory/hosts')).every((r) => r.query.get('pageSize') === '1000')
    ).toBe(true);
  });

  it('shows "—" for the figures vROps did not give, and why', async () => {
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/hosts`]: {
        items: [
          // vROps knows the capacity but has no usage sample yet.
          { id: 'host-1', name: 'esx-01', connectionState: 'CONNECTED', cpuCapacityMHz: 83200, vmCount: 3 },
          { id: 'host-2', name: 'esx-02', connectionState: 'CONNECTED', vmCount: 0 },
        ],
        total: 2,
        page: 1,
        pageSize: 1000,
        metricsError: 'vROps does not know 1 of these hosts yet (esx-02), so they have no CPU or memory figures',
      },
    });
    renderPage(<Hosts />);
    await screen.findByTestId(selectors.hosts.row('host-1'));
    expect(screen.getByTestId(selectors.hostUsage.warning)).toHaveTextContent(
      'vROps does not know 1 of these hosts yet (esx-02), so they have no CPU or memory figures'
    );
    const table = screen.getByRole('table', { name: 'Hosts' });
    const esx01 = rowCells(table, 'esx-01');
    expect(esx01.CPU).toHaveTextContent(/^—\s*83\.2 GHz$/);
    expect(within(esx01.CPU).queryByRole('meter')).not.toBeInTheDocument();
    expect(esx01.Memory).toHaveTextContent(/^—$/);
    expect(rowCells(table, 'esx-02').CPU).toHaveTextContent(/^—$/);
    expect(rowCells(table, 'esx-02').Memory).toHaveTextContent(/^—$/);
  });

  it('pages the filtered hosts 50 at a time', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      id: `host-${i}`,
      name: `esx-${String(i).padStart(3, '0')}`,
      connectionState: i % 2 ? 'CONNECTED' : 'DISCONNECTED',
      vmCount: 1,
    }));
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/hosts`]: { items: many, total: 120, page: 1, pageSize: 1000 },
    });
    renderPage(<Hosts />);
    await screen.findByTestId(selectors.hosts.row('host-0'));
    expect(screen.getAllByRole('row')).toHaveLength(51);
    await userEvent.click(screen.getByRole('radio', { name: 'Connected' }));
    // 60 connected hosts: 50 on page 1, 10 on page 2, none disconnected.
    expect(screen.getAllByRole('row')).toHaveLength(51);
    expect(screen.queryByTestId(selectors.hosts.row('host-0'))).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '2' }));
    expect(screen.getAllByRole('row')).toHaveLength(11);
    expect(screen.getByTestId(selectors.hosts.row('host-119'))).toBeInTheDocument();
  });

  it('host page shows its VMs and its CPU/memory charts', async () => {
    const b = useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/inventory/vms`]: { items: [vmDetail({ host: 'host-7' })], total: 1, page: 1, pageSize: 50 },
      [`GET ${RES}/inventory/hosts`]: {
        items: [
          {
            id: 'host-7',
            name: 'esx-07.lab',
            connectionState: 'CONNECTED',
            powerState: 'POWERED_ON',
            clusterName: 'Prod',
            vmCount: 1,
          },
          { id: 'host-70', name: 'esx-70.lab', connectionState: 'CONNECTED', vmCount: 0 },
        ],
        total: 2,
        page: 1,
        pageSize: 20,
      },
      'POST /api/ds/query': metricsAnswer([40, 60], [70, 70]),
    });
    renderPage(<HostDetail />, {
      path: '/a/privatecloud-vsphere-app/hosts/host-7',
      route: '/a/privatecloud-vsphere-app/hosts/:id',
    });
    const page = await screen.findByTestId(selectors.hostDetail.container);
    expect(await within(page).findByRole('heading', { name: /^esx-07\.lab/ })).toBeInTheDocument();
    expect(await within(page).findByText(/Connected · Powered on · cluster Prod · 1 VMs/)).toBeInTheDocument();
    expect(within(page).getByRole('table', { name: 'VMs on this host' })).toHaveTextContent('web-42');
    expect(await screen.findByTestId(selectors.vmDetail.average('cpu'))).toHaveTextContent('50.0 %');
    expect(b.sent.find((r) => r.path.endsWith('/inventory/vms'))!.query.get('host')).toBe('host-7');
    const q = b.sent.find((r) => r.path === '/api/ds/query')!.data as { queries: Array<Record<string, unknown>> };
    expect(q.queries[0]).toMatchObject({ resourceKind: 'HostSystem', selection: { mode: 'ids', ids: ['host-7'] } });
  });
});
