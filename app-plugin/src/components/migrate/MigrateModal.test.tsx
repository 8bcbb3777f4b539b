import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, fail, RES, Routes, VIEWER } from '../../test/backend';
import { metricsAnswer, vmDetail } from '../../test/fixtures';
import { renderPage } from '../../test/render';
import { useBackend } from '../../test/runtimeMock';
import { selectors } from '../../selectors';
import VmDetailPage from '../../pages/VmDetail';
import { MigrateOptions } from '../../types';

jest.mock('@grafana/runtime', () => require('../../test/runtimeMock').runtimeModule());

const GiB = 1024 ** 3;
const options: MigrateOptions = {
  vm: {
    id: 'vm-42',
    name: 'web-42',
    host: 'host-7',
    hostName: 'esx-07.lab',
    clusterName: 'Prod',
    datastores: ['datastore-1'],
    disks: [{ key: '2000', label: 'Hard disk 1', datastore: 'datastore-1', capacityBytes: 40 * GiB }],
  },
  hosts: [
    {
      id: 'host-7',
      name: 'esx-07.lab',
      clusterName: 'Prod',
      compatible: false,
      reason: 'current host',
      datastores: ['datastore-1'],
      cpuUsagePct: 91,
      cpuAfterPct: 91,
      memoryUsagePct: 60,
      memoryAfterPct: 60,
    },
    {
      id: 'host-8',
      name: 'esx-08.lab',
      clusterName: 'Prod',
      compatible: true,
      datastores: ['datastore-1'],
      cpuUsagePct: 20,
      cpuAfterPct: 31.5,
      memoryUsagePct: 75,
      memoryAfterPct: 82,
    },
    {
      id: 'host-9',
      name: 'esx-09.lab',
      clusterName: 'Prod',
      compatible: true,
      datastores: ['datastore-9'],
      cpuUsagePct: 50,
      cpuAfterPct: 96,
      memoryUsagePct: 40,
      memoryAfterPct: 48,
    },
    {
      id: 'host-10',
      name: 'esx-10.lab',
      clusterName: 'Prod',
      compatible: false,
      reason: 'the host is not connected (Not responding)',
      datastores: [],
    },
  ],
  datastores: [
    {
      id: 'datastore-1',
      name: 'prod-shared',
      freeBytes: 500 * GiB,
      capacityBytes: 1000 * GiB,
      hosts: ['host-7', 'host-8'],
      fits: true,
    },
    {
      id: 'datastore-9',
      name: 'esx-09-local',
      freeBytes: 300 * GiB,
      capacityBytes: 400 * GiB,
      hosts: ['host-9'],
      fits: true,
    },
    {
      id: 'datastore-7',
      name: 'prod-fast',
      freeBytes: 900 * GiB,
      capacityBytes: 1000 * GiB,
      hosts: ['host-7'],
      fits: true,
    },
    {
      id: 'datastore-5',
      name: 'nearly-full',
      freeBytes: 10 * GiB,
      capacityBytes: 400 * GiB,
      hosts: ['host-9'],
      fits: false,
    },
  ],
};

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/vms/vm-42/history`]: [],
    'POST /api/ds/query': metricsAnswer([10], [20]),
    [`GET ${RES}/vms/vm-42/migrate/options`]: options,
    ...over,
  };
}

const open = () =>
  renderPage(<VmDetailPage pollMs={5} />, {
    path: '/a/privatecloud-vsphere-app/vms/vm-42',
    route: '/a/privatecloud-vsphere-app/vms/:id',
  });

describe('Migrate', () => {
  it('shows hosts now/after at the alert levels, offers only compatible ones and mounted datastores, then moves with progress', async () => {
    let moved = false;
    let body: unknown;
    // The task runs until the test has seen its progress bar (a fixed number of reads races the 5 ms poll).
    let finish = false;
    useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: () => (moved ? vmDetail({ host: 'host-9', hostName: 'esx-09.lab' }) : vmDetail()),
        [`POST ${RES}/vms/vm-42/migrate`]: (r) => {
          body = r.data;
          return { task: 'm1' };
        },
        [`GET ${RES}/tasks/m1`]: () => {
          if (!finish) {
            return { id: 'm1', status: 'RUNNING', progress: 55, message: 'Migrating the virtual machine', done: false };
          }
          moved = true;
          return { id: 'm1', status: 'SUCCEEDED', progress: 100, message: '', done: true, vm: 'vm-42' };
        },
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.migrate.open));
    const hosts = await screen.findByTestId(selectors.migrate.hosts);
    const row = (id: string) => within(hosts).getByTestId(selectors.migrate.host(id));
    // Compatible first, quietest CPU after the move on top; the others with the reason.
    expect(
      within(hosts)
        .getAllByRole('row')
        .slice(1)
        .map((r) => within(r).getByRole('rowheader').textContent)
    ).toEqual(['esx-08.lab', 'esx-09.lab', 'esx-07.lab', 'esx-10.lab']);
    expect(row('host-8')).toHaveTextContent('20.0 %→31.5 %');
    expect(within(row('host-8')).getByTitle('Memory of esx-08.lab after the move: 82.0 % (warning)')).toHaveAttribute(
      'data-level',
      'warning'
    );
    expect(within(row('host-9')).getByTitle('CPU of esx-09.lab after the move: 96.0 % (critical)')).toHaveAttribute(
      'data-level',
      'critical'
    );
    expect(row('host-7')).toHaveTextContent('Runs here: choose it to move the disks only');
    expect(
      within(row('host-7')).getByRole('radio', { name: 'Stay on esx-07.lab (move the disks only)' })
    ).toBeEnabled();
    expect(within(row('host-10')).getByRole('radio')).toBeDisabled();
    expect(row('host-10')).toHaveTextContent('No: the host is not connected (Not responding)');

    // esx-09 does not mount the VM's datastore: the disks must move, to a datastore it mounts with room.
    await userEvent.click(within(row('host-9')).getByRole('radio', { name: 'Move to esx-09.lab' }));
    expect(screen.getByRole('radio', { name: 'Keep current' })).toBeDisabled();
    expect(screen.getByRole('radio', { name: 'Move all' })).toBeChecked();
    await userEvent.click(within(screen.getByTestId(selectors.migrate.datastore)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: /esx-09-local — 300 GiB free of 400 GiB/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /nearly-full/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /prod-shared/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /esx-09-local/ }));
    expect(screen.getByTestId(selectors.migrate.summary)).toHaveTextContent(
      'web-42 moves from esx-07.lab to esx-09.lab (cluster Prod); its disks move to esx-09-local; on esx-09.lab: CPU 50.0 % → 96.0 % (critical), memory 40.0 % → 48.0 %.'
    );
    await userEvent.click(screen.getByTestId(selectors.migrate.submit));
    expect(await screen.findByRole('progressbar', { name: 'Progress of moving web-42' })).toBeInTheDocument();
    finish = true;
    // Done: the dialog closes and the page shows the new host.
    await waitFor(() => expect(screen.queryByTestId(selectors.migrate.modal)).not.toBeInTheDocument());
    expect(await within(screen.getByTestId(selectors.vmDetail.info)).findByText('esx-09.lab')).toBeInTheDocument();
    expect(body).toEqual({ host: 'host-9', datastore: 'datastore-9' });
  });

  it('per-disk placement and a failed task in the backend’s words', async () => {
    let body: unknown;
    useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: vmDetail(),
        [`POST ${RES}/vms/vm-42/migrate`]: (r) => {
          body = r.data;
          return { task: 'm2' };
        },
        [`GET ${RES}/tasks/m2`]: {
          id: 'm2',
          status: 'FAILED',
          progress: 30,
          message: '',
          done: true,
          error: 'The network VM Network is not available on host esx-08.lab.',
        },
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.migrate.open));
    await userEvent.click(await screen.findByRole('radio', { name: 'Move to esx-08.lab' }));
    expect(screen.getByRole('radio', { name: 'Keep current' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Per disk' }));
    expect(within(screen.getByTestId(selectors.migrate.disk('2000'))).getByRole('combobox')).toHaveValue(
      'prod-shared — 500 GiB free of 1000 GiB'
    );
    await userEvent.click(screen.getByTestId(selectors.migrate.submit));
    expect(await screen.findByText('The network VM Network is not available on host esx-08.lab.')).toBeInTheDocument();
    expect(screen.getByTestId(selectors.migrate.progress)).toHaveAttribute('data-phase', 'failed');
    expect(body).toEqual({ host: 'host-8', disks: { '2000': { datastore: 'datastore-1' } } });
  });

  it('on its own host only the disks move (Storage vMotion)', async () => {
    let body: unknown;
    useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: vmDetail(),
        [`POST ${RES}/vms/vm-42/migrate`]: (r) => {
          body = r.data;
          return { task: 'm3' };
        },
        [`GET ${RES}/tasks/m3`]: { id: 'm3', status: 'SUCCEEDED', progress: 100, message: '', done: true, vm: 'vm-42' },
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.migrate.open));
    await userEvent.click(await screen.findByRole('radio', { name: 'Stay on esx-07.lab (move the disks only)' }));
    expect(screen.getByRole('radio', { name: 'Keep current' })).toBeDisabled();
    await userEvent.click(within(screen.getByTestId(selectors.migrate.datastore)).getByRole('combobox'));
    await userEvent.click(await screen.findByRole('option', { name: /prod-fast/ }));
    expect(screen.getByTestId(selectors.migrate.summary)).toHaveTextContent(
      "web-42 stays on esx-07.lab; its disks move to prod-fast (Storage vMotion only; the host's CPU and memory do not change)."
    );
    await userEvent.click(screen.getByRole('button', { name: 'Move the disks' }));
    await waitFor(() => expect(screen.queryByTestId(selectors.migrate.modal)).not.toBeInTheDocument());
    expect(body).toEqual({ host: 'host-7', datastore: 'datastore-7' });
  });

  it('says migration is not available when the backend has no migrate options', async () => {
    useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: vmDetail(),
        [`GET ${RES}/vms/vm-42/migrate/options`]: fail(404, 'not_found', 'no resource GET /vms/vm-42/migrate/options'),
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.migrate.open));
    expect(await screen.findByTestId(selectors.migrate.unavailable)).toHaveTextContent(
      'Migration is not available on this data source'
    );
  });

  it('a Viewer sees Migrate disabled with the reason', async () => {
    const b = useBackend(routes({ [`GET ${RES}/me`]: VIEWER, [`GET ${RES}/vms/vm-42`]: vmDetail() }));
    open();
    const button = within(await screen.findByLabelText(/Migrate web-42 \(disabled:/)).getByRole('button');
    expect(button).toBeDisabled();
    expect(
      screen.getByLabelText(/move VMs to other hosts or datastores on this vCenter \(default minimum role: Editor\)/)
    ).toBeInTheDocument();
    expect(b.sent.some((r) => r.path.endsWith('/migrate/options'))).toBe(false);
  });
});
