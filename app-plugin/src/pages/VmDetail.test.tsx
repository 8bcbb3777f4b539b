import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, EDITOR, fail, RES, Routes, VIEWER } from '../test/backend';
import { limits, metricsAnswer, vmDetail } from '../test/fixtures';
import { renderPage } from '../test/render';
import { runtimeState, useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import VmDetailPage from './VmDetail';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const open = () =>
  renderPage(<VmDetailPage />, {
    path: '/a/privatecloud-vsphere-app/vms/vm-42',
    route: '/a/privatecloud-vsphere-app/vms/:id',
  });

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/vms/vm-42`]: vmDetail(),
    [`GET ${RES}/vms/vm-42/history`]: [
      {
        time: '2026-11-26T10:00:00Z',
        fromHost: 'host-1',
        fromHostName: 'esx-01',
        toHost: 'host-7',
        toHostName: 'esx-07.lab',
        kind: 'drs',
      },
    ],
    'POST /api/ds/query': metricsAnswer([10, 20, 30], [50, 50, 80]),
    ...over,
  };
}

describe('VM detail', () => {
  it('renders the static information, charts with the range average, and host history', async () => {
    const b = useBackend(routes());
    open();
    const info = await screen.findByTestId(selectors.vmDetail.info);
    for (const text of [
      'esx-07.lab',
      '4 vCPUs (2 sockets × 2 cores)',
      '8.0 GiB',
      '[ds-01] web-42/web-42.vmdk',
      '/: 12.0 GiB free of 40.0 GiB',
      'Ubuntu Linux (64-bit)',
      '10.1.2.42',
      'running',
    ]) {
      expect(within(info).getByText(text, { exact: false })).toBeInTheDocument();
    }
    expect(within(info).getByText(/VM Network — connected/)).toBeInTheDocument();
    expect(await screen.findByTestId(selectors.vmDetail.average('cpu'))).toHaveTextContent('20.0 %');
    expect(screen.getByTestId(selectors.vmDetail.average('mem'))).toHaveTextContent('60.0 %');
    const charts = screen.getAllByRole('img', { name: /3 hourly points/ });
    expect(charts).toHaveLength(2);
    // Drawn by Grafana's time-series graph (uPlot on a canvas), like a panel.
    await waitFor(() => charts.forEach((c) => expect(c.querySelector('canvas')).not.toBeNull()));
    const q = b.sent.find((r) => r.path === '/api/ds/query')!.data as { queries: Array<Record<string, unknown>> };
    expect(q.queries[0]).toMatchObject({
      queryType: 'metrics',
      resourceKind: 'VirtualMachine',
      selection: { mode: 'ids', ids: ['vm-42'] },
      statKeys: ['cpu|usage_average', 'mem|usage_average'],
      datasource: { uid: 'ds1', type: 'privatecloud-vsphere-datasource' },
    });
    const history = await screen.findByTestId(selectors.vmDetail.history);
    await waitFor(() => expect(within(history).getByText('DRS')).toBeInTheDocument());
    expect(within(history).getByText('esx-01')).toBeInTheDocument();
  });

  it('shows a not-found state for an unknown VM and the metrics error next to the charts', async () => {
    useBackend(routes({ [`GET ${RES}/vms/vm-42`]: fail(404, 'not_found', 'no VM vm-42') }));
    const { unmount } = open();
    expect(await screen.findByTestId(selectors.states.empty)).toHaveTextContent('VM vm-42 does not exist');
    unmount();
    useBackend(routes({ 'POST /api/ds/query': { results: { A: { error: 'vROps is unreachable', frames: [] } } } }));
    open();
    expect(await screen.findByText('vROps is unreachable')).toBeInTheDocument();
  });

  it('disables edit, delete and power for a Viewer, with the reason', async () => {
    useBackend(routes({ [`GET ${RES}/me`]: VIEWER }));
    open();
    await screen.findByTestId(selectors.vmDetail.info);
    await waitFor(() => expect(screen.getByTestId(selectors.vmDetail.edit)).toBeDisabled());
    expect(screen.getByTestId(selectors.vmDetail.delete)).toBeDisabled();
    expect(screen.getByTestId(selectors.power.action('reset'))).toBeDisabled();
    expect(screen.getByLabelText(/Viewer\) may not delete VMs/)).toBeInTheDocument();
  });

  it('resets only after confirmation, reports the backend error and re-reads the VM', async () => {
    let reads = 0;
    const b = useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: () => (reads++, vmDetail()),
        [`POST ${RES}/vms/vm-42/power`]: fail(
          502,
          'upstream_error',
          'vCenter: the operation is not allowed in the current state'
        ),
      })
    );
    open();
    await screen.findByTestId(selectors.vmDetail.info);
    await waitFor(() => expect(screen.getByTestId(selectors.power.action('reset'))).toBeEnabled());
    await userEvent.click(screen.getByTestId(selectors.power.action('reset')));
    expect(screen.getByText(/hard-reset at once/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(b.sent.some((r) => r.method === 'POST' && r.path.endsWith('/power'))).toBe(false);
    await userEvent.click(screen.getByTestId(selectors.power.action('reset')));
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(runtimeState.events).toHaveLength(1));
    expect(runtimeState.events[0]).toEqual({
      type: 'alert-error',
      payload: [
        'Reset failed for web-42',
        'vCenter: the operation is not allowed in the current state vCenter or vROps did not answer as expected: retry in a minute; if it persists, ask the Grafana admin to check the data source (Save & test).',
      ],
    });
    expect(b.sent.find((r) => r.path.endsWith('/power'))!.data).toEqual({ action: 'reset' });
    await waitFor(() => expect(reads).toBe(2));
  });

  it('powers on a powered-off VM at once (nothing is interrupted, so no confirmation)', async () => {
    let state: 'POWERED_ON' | 'POWERED_OFF' = 'POWERED_OFF';
    const b = useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: () => vmDetail({ powerState: state }),
        [`POST ${RES}/vms/vm-42/power`]: () => ((state = 'POWERED_ON'), { powerState: state }),
      })
    );
    open();
    await waitFor(() => expect(screen.getByTestId(selectors.power.action('start'))).toBeEnabled());
    // Only the actions that make sense for a powered-off VM are offered.
    expect(screen.queryByTestId(selectors.power.action('reset'))).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(selectors.power.action('start')));
    await waitFor(() => expect(screen.getByTestId(selectors.power.action('reset'))).toBeInTheDocument());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(b.sent.find((r) => r.path.endsWith('/power'))!.data).toEqual({ action: 'start' });
    expect(runtimeState.events).toEqual([{ type: 'alert-success', payload: ['web-42 powered on'] }]);
  });

  it('edits hardware: shows hot-add rules, validates next to the field and sends only valid changes', async () => {
    let patched: unknown;
    const b = useBackend(
      routes({
        [`GET ${RES}/me`]: EDITOR,
        [`GET ${RES}/vms/vm-42/hardware/limits`]: limits(),
        [`PATCH ${RES}/vms/vm-42/hardware`]: (r) => ((patched = r.data), vmDetail({ cpuCount: 6 })),
      })
    );
    open();
    await waitFor(() => expect(screen.getByTestId(selectors.vmDetail.edit)).toBeEnabled());
    await userEvent.click(screen.getByTestId(selectors.vmDetail.edit));
    const modal = await screen.findByTestId(selectors.editHardware.modal);
    const rules = within(modal).getByRole('list', { name: 'What can change while powered on' });
    expect(within(rules).getByText('Add CPUs: can change now')).toBeInTheDocument();
    expect(within(rules).getByText('Remove CPUs: needs power-off')).toBeInTheDocument();

    const cpu = within(modal).getByTestId(selectors.editHardware.cpu);
    const mem = within(modal).getByTestId(selectors.editHardware.memory);
    // 8 GiB is shown in GiB; switching the unit keeps the size.
    expect(mem).toHaveValue(8);
    await userEvent.click(within(modal).getByRole('radio', { name: 'MiB' }));
    expect(mem).toHaveValue(8192);
    await userEvent.clear(cpu);
    await userEvent.type(cpu, '2');
    await userEvent.clear(mem);
    await userEvent.type(mem, '8190');
    await userEvent.click(within(modal).getByTestId(selectors.editHardware.submit));
    expect(
      within(modal).getByText('CPU hot-remove is off for this VM: power it off to remove CPUs.')
    ).toBeInTheDocument();
    expect(within(modal).getByText('Memory must be a multiple of 4 MiB.')).toBeInTheDocument();
    await userEvent.clear(cpu);
    await userEvent.type(cpu, '200');
    await userEvent.click(within(modal).getByTestId(selectors.editHardware.submit));
    expect(within(modal).getByText('Choose between 1 and 128 CPUs.')).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'PATCH')).toBe(false);

    await userEvent.clear(cpu);
    await userEvent.type(cpu, '6');
    await userEvent.clear(mem);
    await userEvent.type(mem, '8192');
    await userEvent.click(within(modal).getByTestId(selectors.editHardware.submit));
    await waitFor(() => expect(patched).toEqual({ cpuCount: 6 }));
    await waitFor(() => expect(screen.queryByTestId(selectors.editHardware.modal)).not.toBeInTheDocument());
    expect(runtimeState.events).toEqual([{ type: 'alert-success', payload: ['Hardware of web-42 updated'] }]);
  });

  it('edit hardware shows the backend refusal (409) in the form', async () => {
    useBackend(
      routes({
        [`GET ${RES}/vms/vm-42/hardware/limits`]: limits({ powerState: 'POWERED_OFF' }),
        [`PATCH ${RES}/vms/vm-42/hardware`]: fail(409, 'conflict', 'memory hot-add is disabled on web-42'),
      })
    );
    open();
    await waitFor(() => expect(screen.getByTestId(selectors.vmDetail.edit)).toBeEnabled());
    await userEvent.click(screen.getByTestId(selectors.vmDetail.edit));
    const mem = await screen.findByTestId(selectors.editHardware.memory);
    await userEvent.clear(mem);
    await userEvent.type(mem, '16');
    await userEvent.click(screen.getByTestId(selectors.editHardware.submit));
    expect(await screen.findByText('memory hot-add is disabled on web-42', { selector: 'div *' })).toBeInTheDocument();
  });

  it('refuses delete while powered on and offers power-off; then deletes after typing the exact name', async () => {
    let state: 'POWERED_ON' | 'POWERED_OFF' = 'POWERED_ON';
    let deleted: unknown;
    const b = useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: () => vmDetail({ powerState: state }),
        [`POST ${RES}/vms/vm-42/power`]: () => ((state = 'POWERED_OFF'), { powerState: state }),
        [`DELETE ${RES}/vms/vm-42`]: (r) => ((deleted = r.data), null),
      })
    );
    open();
    await waitFor(() => expect(screen.getByTestId(selectors.vmDetail.delete)).toBeEnabled());
    await userEvent.click(screen.getByTestId(selectors.vmDetail.delete));
    const modal = await screen.findByTestId(selectors.deleteVm.modal);
    expect(within(modal).getByText(/vCenter deletes only powered-off VMs/)).toBeInTheDocument();
    expect(within(modal).queryByTestId(selectors.deleteVm.submit)).not.toBeInTheDocument();
    await userEvent.click(within(modal).getByRole('button', { name: 'Power off web-42' }));
    await userEvent.click(screen.getByRole('button', { name: 'Power off' }));
    const confirm = await screen.findByTestId(selectors.deleteVm.confirm);
    expect(screen.getByTestId(selectors.deleteVm.submit)).toBeDisabled();
    await userEvent.type(confirm, 'web-4');
    expect(screen.getByText('Does not match: type web-42 exactly.')).toBeInTheDocument();
    expect(screen.getByTestId(selectors.deleteVm.submit)).toBeDisabled();
    await userEvent.type(confirm, '{Enter}');
    expect(b.sent.some((r) => r.method === 'DELETE')).toBe(false);
    await userEvent.type(confirm, '2');
    await userEvent.click(screen.getByTestId(selectors.deleteVm.submit));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/a\/privatecloud-vsphere-app\/vms$/)
    );
    expect(deleted).toEqual({ confirmName: 'web-42' });
    expect(runtimeState.events.at(-1)).toEqual({ type: 'alert-success', payload: ['web-42 deleted'] });
  });

  it('Clone opens New VM with this VM as the source', async () => {
    useBackend(routes());
    open();
    await userEvent.click(await screen.findByTestId(selectors.vmDetail.clone));
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/a/privatecloud-vsphere-app/vms/new?how=clone&source=vm-42'
    );
  });
});
