import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, EDITOR, fail, meAnswer, RES, Routes, SentRequest } from '../test/backend';
import { vmDetail } from '../test/fixtures';
import { placement, specs, taskRoutes } from '../test/provisioning';
import { renderPage } from '../test/render';
import { useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import CreateVm from './CreateVm';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const guestOs = [{ id: 'UBUNTU_64', name: 'Ubuntu Linux (64-bit)', family: 'LINUX' }];

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/options/guest-os`]: guestOs,
    [`GET ${RES}/options/placement`]: placement,
    [`GET ${RES}/customization-specs`]: specs,
    [`GET ${RES}/inventory/vms`]: {
      items: [{ ...vmDetail(), guestOS: 'Ubuntu Linux (64-bit)' }],
      total: 1,
      page: 1,
      pageSize: 25,
    },
    [`GET ${RES}/vms/vm-42`]: vmDetail(),
    ...over,
  };
}

const open = () =>
  renderPage(<CreateVm pollMs={5} />, {
    path: '/a/privatecloud-vsphere-app/vms/new?how=clone',
    route: '/a/privatecloud-vsphere-app/vms/new',
  });

async function choose(testId: string, search: string, option: RegExp) {
  const input = within(await screen.findByTestId(testId)).getByRole('combobox');
  await userEvent.click(input);
  if (search) {
    await userEvent.type(input, search);
  }
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

async function fill(testId: string, value: string) {
  const el = screen.getByTestId(testId);
  await userEvent.clear(el);
  await userEvent.type(el, value);
}

describe('New VM: clone from VM', () => {
  it('three customised clones: summary first, one POST each, one progress bar each, links when ready', async () => {
    let n = 0;
    const posts: SentRequest[] = [];
    const b = useBackend(
      routes({
        [`POST ${RES}/vms/vm-42/clone`]: (r) => {
          posts.push(r);
          return { task: `t${++n}` };
        },
        ...taskRoutes(['t1', 't2', 't3'], (id) =>
          id === 't3'
            ? { status: 'FAILED', done: true, error: 'A virtual machine named web-03 already exists in folder Web.' }
            : { status: 'SUCCEEDED', done: true, vm: `vm-10${id.slice(1)}` }
        ),
      })
    );
    open();
    expect(await screen.findByRole('radio', { name: 'Clone from VM' })).toBeChecked();
    await choose(selectors.newVm.source, 'web', /web-42/);
    await screen.findByTestId(selectors.newVm.form);
    // The source is running: instant clone is offered.
    expect(screen.getByTestId(selectors.newVm.instant)).toBeInTheDocument();
    await fill(selectors.newVm.count, '3');
    await fill(selectors.newVm.name, 'web-##');
    await choose(selectors.newVm.compute, 'B', /Cluster B/);
    // Only datastores Cluster B mounts.
    await userEvent.click(within(screen.getByTestId(selectors.newVm.datastore)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: /b-shared — 2.0 TiB free of 4.0 TiB/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /a-shared/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /b-shared/ }));
    // Only Linux specs for an Ubuntu source.
    await userEvent.click(within(screen.getByTestId(selectors.newVm.spec)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: /linux-static-web/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /windows-domain/ })).not.toBeInTheDocument();
    expect(screen.getByText('Stored specs for Linux guests (2 of 3)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /linux-static-web/ }));
    await userEvent.click(screen.getByRole('radio', { name: 'Static' }));
    await fill(selectors.newVm.ipAddress, '10.50.0.11');
    await fill(selectors.newVm.ipPrefix, '16');
    await fill(selectors.newVm.ipGateway, '10.50.0.1');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));

    const summary = await screen.findByTestId(selectors.newVm.summary);
    expect(summary).toHaveTextContent(
      "3 VMs, clones of web-42, in the source's folder, on cluster Cluster B, on datastore b-shared."
    );
    expect(summary).toHaveTextContent('Guest customization with the spec linux-static-web.');
    const rows = within(summary).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'web-01web-0110.50.0.11/16 via 10.50.0.1',
      'web-02web-0210.50.0.12/16 via 10.50.0.1',
      'web-03web-0310.50.0.13/16 via 10.50.0.1',
    ]);
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);

    await userEvent.click(screen.getByTestId(selectors.newVm.submit));
    const progress = await screen.findByTestId(selectors.provision.progress);
    await waitFor(() => expect(progress).toHaveTextContent('2 of 3 VMs created'));
    expect(posts.map((p) => p.query.get('async'))).toEqual(['true', 'true', 'true']);
    expect(posts[2].data).toEqual({
      name: 'web-03',
      placement: { cluster: 'domain-c2', datastore: 'datastore-2' },
      powerOn: true,
      customization: {
        spec: 'linux-static-web',
        hostName: 'web-03',
        ip: { address: '10.50.0.13', prefix: 16, gateway: '10.50.0.1' },
      },
    });
    expect(
      within(screen.getByTestId(selectors.provision.task('web-01'))).getByRole('link', { name: 'web-01' })
    ).toHaveAttribute('href', '/a/privatecloud-vsphere-app/vms/vm-101');
    const failed = screen.getByTestId(selectors.provision.task('web-03'));
    expect(within(failed).getByRole('alert')).toHaveTextContent(
      'Not created: A virtual machine named web-03 already exists in folder Web.'
    );
    expect(within(failed).getByRole('progressbar')).toHaveAttribute('data-state', 'failed');
    expect(within(screen.getByTestId(selectors.provision.task('web-02'))).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '100'
    );
    // Still on the New VM page: several VMs are linked, not opened.
    expect(screen.getByTestId('location')).toHaveTextContent('/vms/new');
  });

  it('one instant clone of a running VM opens the new VM when ready', async () => {
    let body: unknown;
    useBackend(
      routes({
        [`POST ${RES}/vms/vm-42/instant-clone`]: (r) => {
          body = r.data;
          return vmDetail({ id: 'vm-777', name: 'web-42-clone' });
        },
      })
    );
    open();
    await choose(selectors.newVm.source, 'web', /web-42/);
    await screen.findByTestId(selectors.newVm.form);
    await userEvent.click(screen.getByRole('checkbox', { name: /Instant clone/ }));
    // No compute choice and no customization for an instant clone.
    expect(screen.queryByTestId(selectors.newVm.compute)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.newVm.spec)).not.toBeInTheDocument();
    expect(screen.getByText("esx-07.lab (the source's host)")).toBeInTheDocument();
    // Only datastores the source's host mounts.
    await userEvent.click(within(screen.getByTestId(selectors.newVm.datastore)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: /a-shared/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /b-shared/ })).not.toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    expect(await screen.findByTestId(selectors.newVm.summary)).toHaveTextContent(
      "1 VM, instant clones of web-42, in the source's folder, on host esx-07.lab"
    );
    await userEvent.click(screen.getByTestId(selectors.newVm.submit));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/a/privatecloud-vsphere-app/vms/vm-777')
    );
    expect(body).toEqual({ name: 'web-42-clone' });
  });

  it('says so when the backend has no instant clone, and refuses bad input before sending', async () => {
    const b = useBackend(
      routes({
        [`POST ${RES}/vms/vm-42/instant-clone`]: fail(404, 'not_found', 'no resource POST /vms/vm-42/instant-clone'),
      })
    );
    open();
    await choose(selectors.newVm.source, 'web', /web-42/);
    await screen.findByTestId(selectors.newVm.form);
    await fill(selectors.newVm.count, '2');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    expect(
      screen.getByText('Put ## where the number goes, so the 2 VMs get different names (web-## → web-01, web-02, …).')
    ).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);
    await fill(selectors.newVm.count, '1');
    await userEvent.click(screen.getByRole('checkbox', { name: /Instant clone/ }));
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    await userEvent.click(await screen.findByTestId(selectors.newVm.submit));
    expect(await screen.findByRole('heading', { name: 'web-42-clone was not created' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Not created: Instant clone is not available on this data source.'
    );
  });

  it('offers only placement in the source VM’s datacenter', async () => {
    useBackend(
      routes({
        [`GET ${RES}/options/placement`]: {
          ...placement,
          folders: [
            { id: 'group-v3', name: 'Web', datacenter: 'datacenter-1' },
            { id: 'group-v9', name: 'West VMs', datacenter: 'datacenter-9' },
          ],
          clusters: [
            { id: 'domain-c1', name: 'Cluster A', datacenter: 'datacenter-1' },
            { id: 'domain-c9', name: 'West', datacenter: 'datacenter-9' },
          ],
        },
      })
    );
    open();
    await choose(selectors.newVm.source, 'web', /web-42/);
    await screen.findByTestId(selectors.newVm.form);
    await userEvent.click(within(screen.getByTestId(selectors.newVm.folder)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: 'Web' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'West VMs' })).not.toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(within(screen.getByTestId(selectors.newVm.compute)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: 'Cluster Cluster A' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'Cluster West' })).not.toBeInTheDocument();
  });

  it('the VM page’s Clone link preselects the source; the picker is fixed once the summary shows', async () => {
    useBackend(routes());
    renderPage(<CreateVm pollMs={5} />, {
      path: '/a/privatecloud-vsphere-app/vms/new?how=clone&source=vm-42',
      route: '/a/privatecloud-vsphere-app/vms/new',
    });
    await screen.findByTestId(selectors.newVm.form);
    expect(within(screen.getByTestId(selectors.newVm.source)).getByRole('combobox')).toHaveValue('web-42');
    expect(screen.getByTestId(selectors.newVm.name)).toHaveValue('web-42-clone');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    await screen.findByTestId(selectors.newVm.summary);
    expect(screen.queryByTestId(selectors.newVm.source)).not.toBeInTheDocument();
  });

  it('an Editor cannot clone (the default clone role is Admin) and is told why', async () => {
    useBackend(routes({ [`GET ${RES}/me`]: EDITOR }));
    open();
    expect(await screen.findByText(/Your role \(Editor\) may not create VMs/)).toBeInTheDocument();
  });

  it('a role that may clone but not create starts on Clone, with Blank disabled', async () => {
    useBackend(routes({ [`GET ${RES}/me`]: meAnswer('Editor', { clone: true }) }));
    renderPage(<CreateVm pollMs={5} />, { path: '/new', route: '/new' });
    expect(await screen.findByRole('radio', { name: 'Clone from VM' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Blank' })).toBeDisabled();
  });
});
