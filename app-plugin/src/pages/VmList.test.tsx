import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fail, RES, EDITOR, VIEWER } from '../test/backend';
import { renderPage } from '../test/render';
import { runtimeState, useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import VmList from './VmList';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const vm = (id: string, name: string, powerState = 'POWERED_ON') => ({
  id,
  name,
  powerState,
  cpuCount: 2,
  memoryMiB: 4096,
  host: 'host-1',
  hostName: 'esx-01',
  cluster: 'domain-c1',
  clusterName: 'Prod',
  datacenter: 'dc-1',
  guestOS: 'UBUNTU_64',
  ip: '10.0.0.5',
});

function page(items: unknown[], total = items.length, p = 1) {
  return { items, total, page: p, pageSize: 50 };
}

describe('VM list', () => {
  it('renders VMs from the resource API with power badges and the total', async () => {
    useBackend({
      [`GET ${RES}/me`]: EDITOR,
      [`GET ${RES}/inventory/vms`]: page([vm('vm-1', 'web-01'), vm('vm-2', 'db-01', 'POWERED_OFF')], 10000),
    });
    renderPage(<VmList />);
    const row = await screen.findByTestId(selectors.vmList.row('vm-1'));
    expect(within(row).getByText('web-01')).toHaveAttribute('href', '/a/privatecloud-vsphere-app/vms/vm-1');
    expect(within(row).getByText('Powered on')).toBeInTheDocument();
    expect(within(screen.getByTestId(selectors.vmList.row('vm-2'))).getByText('Powered off')).toBeInTheDocument();
    expect(screen.getByTestId(selectors.vmList.total)).toHaveTextContent('10,000 VMs');
    // 10,000 VMs at 50 per page: the pager offers the last page, the backend pages.
    expect(screen.getByRole('button', { name: '200' })).toBeInTheDocument();
    const q = runtimeState.backend.sent.find((r) => r.path.endsWith('/inventory/vms'))!.query;
    expect(Object.fromEntries(q)).toEqual({ page: '1', pageSize: '50', sort: 'name', order: 'asc' });
  });

  it('searches, sorts and pages on the server', async () => {
    const b = useBackend({
      [`GET ${RES}/me`]: EDITOR,
      [`GET ${RES}/inventory/vms`]: () => page([vm('vm-1', 'web-01')], 120),
    });
    renderPage(<VmList />);
    await screen.findByTestId(selectors.vmList.row('vm-1'));
    await userEvent.type(screen.getByTestId(selectors.vmList.search), 'web');
    await waitFor(() => expect(b.sent.some((r) => r.query.get('search') === 'web')).toBe(true));
    await userEvent.click(screen.getByTestId(selectors.vmList.sort('memoryMiB')));
    await waitFor(() =>
      expect(b.sent.some((r) => r.query.get('sort') === 'memoryMiB' && r.query.get('order') === 'asc')).toBe(true)
    );
    await userEvent.click(screen.getByTestId(selectors.vmList.sort('memoryMiB')));
    await waitFor(() => expect(b.sent.some((r) => r.query.get('order') === 'desc')).toBe(true));
    await userEvent.click(screen.getByRole('button', { name: '2' }));
    await waitFor(() =>
      expect(b.sent.some((r) => r.query.get('page') === '2' && r.query.get('search') === 'web')).toBe(true)
    );
    await userEvent.click(screen.getByRole('radio', { name: 'Off' }));
    await waitFor(() => expect(b.sent.at(-1)!.query.get('powerState')).toBe('POWERED_OFF'));
    expect(b.sent.at(-1)!.query.get('page')).toBe('1');
  });

  it('shows an empty state and an error state with the backend message', async () => {
    useBackend({ [`GET ${RES}/me`]: EDITOR, [`GET ${RES}/inventory/vms`]: page([]) });
    const { unmount } = renderPage(<VmList />);
    expect(await screen.findByTestId(selectors.states.empty)).toHaveTextContent('This vCenter has no VMs yet');
    unmount();
    useBackend({
      [`GET ${RES}/me`]: EDITOR,
      [`GET ${RES}/inventory/vms`]: fail(502, 'upstream_error', 'vCenter did not answer within 30 s'),
    });
    renderPage(<VmList />);
    expect(await screen.findByTestId(selectors.states.error)).toHaveTextContent('vCenter did not answer within 30 s');
  });

  it('disables quick actions for a Viewer with the reason', async () => {
    useBackend({ [`GET ${RES}/me`]: VIEWER, [`GET ${RES}/inventory/vms`]: page([vm('vm-1', 'web-01')]) });
    renderPage(<VmList />);
    const row = await screen.findByTestId(selectors.vmList.row('vm-1'));
    await waitFor(() => expect(within(row).getByRole('button', { name: /Power off web-01/ })).toBeDisabled());
    expect(within(row).getByLabelText(/Viewer\) may not change VM power state/)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.vmList.create)).not.toBeInTheDocument();
  });

  it('powers off after confirmation and reloads the list', async () => {
    let state = 'POWERED_ON';
    const b = useBackend({
      [`GET ${RES}/me`]: EDITOR,
      [`GET ${RES}/inventory/vms`]: () => page([vm('vm-1', 'web-01', state)]),
      [`POST ${RES}/vms/vm-1/power`]: (r) => {
        state = 'POWERED_OFF';
        return { powerState: state, echo: r.data };
      },
    });
    renderPage(<VmList />);
    const row = await screen.findByTestId(selectors.vmList.row('vm-1'));
    await waitFor(() => expect(within(row).getByRole('button', { name: /Power off web-01/ })).toBeEnabled());
    await userEvent.click(within(row).getByRole('button', { name: /Power off web-01/ }));
    // Nothing is sent before the confirmation.
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);
    expect(screen.getByText(/like pulling the plug/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Power off' }));
    await waitFor(() =>
      expect(within(screen.getByTestId(selectors.vmList.row('vm-1'))).getByText('Powered off')).toBeInTheDocument()
    );
    expect(b.sent.find((r) => r.method === 'POST')!.data).toEqual({ action: 'stop' });
    expect(runtimeState.events).toEqual([{ type: 'alert-success', payload: ['web-01 powered off'] }]);
  });
});
