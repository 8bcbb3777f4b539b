import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, fail, RES, Routes, SentRequest } from '../test/backend';
import { renderPage } from '../test/render';
import { useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import CreateVm from './CreateVm';
import { placement, specs, taskRoutes } from '../test/provisioning';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const GiB = 1024 ** 3;
const UBUNTU = '3f1c2a0e-0000-4000-8000-000000000001';
const PHOTON = '3f1c2a0e-0000-4000-8000-000000000004';
const templates = [
  {
    id: UBUNTU,
    name: 'ubuntu-22.04-template',
    type: 'vm-template',
    libraryName: 'Templates',
    guestOS: 'UBUNTU_64',
    guestName: 'Ubuntu Linux (64-bit)',
    guestFamily: 'LINUX',
    cpuCount: 2,
    memoryMiB: 4096,
    diskBytes: 40 * GiB,
  },
  { id: PHOTON, name: 'photon-5-appliance', type: 'ovf', libraryName: 'Templates' },
];

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/options/guest-os`]: [],
    [`GET ${RES}/options/placement`]: placement,
    [`GET ${RES}/customization-specs`]: specs,
    [`GET ${RES}/templates`]: templates,
    ...over,
  };
}

const open = () =>
  renderPage(<CreateVm pollMs={5} />, {
    path: '/a/privatecloud-vsphere-app/vms/new?how=template',
    route: '/a/privatecloud-vsphere-app/vms/new',
  });

async function choose(testId: string, option: RegExp) {
  await userEvent.click(within(await screen.findByTestId(testId)).getByRole('combobox'));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

async function fill(testId: string, value: string) {
  const el = screen.getByTestId(testId);
  await userEvent.clear(el);
  await userEvent.type(el, value);
}

describe('New VM: from template', () => {
  it('lists templates in words and deploys three Ubuntu web servers in cluster B with DHCP; one opens nothing', async () => {
    let n = 0;
    const posts: SentRequest[] = [];
    useBackend(
      routes({
        [`POST ${RES}/templates/${UBUNTU}/deploy`]: (r) => {
          posts.push(r);
          return { task: `d${++n}` };
        },
        ...taskRoutes(['d1', 'd2', 'd3'], (id) => ({ status: 'SUCCEEDED', done: true, vm: `vm-20${id.slice(1)}` })),
      })
    );
    open();
    const table = await screen.findByTestId(selectors.newVm.templates);
    const row = within(table).getByTestId(selectors.newVm.template(UBUNTU));
    expect(row).toHaveTextContent('ubuntu-22.04-templateVM templateUbuntu Linux (64-bit)24.0 GiB40.0 GiBTemplates');
    expect(within(table).getByTestId(selectors.newVm.template(PHOTON))).toHaveTextContent('OVF package');
    await userEvent.click(within(row).getByRole('button', { name: 'Use ubuntu-22.04-template' }));
    await screen.findByTestId(selectors.newVm.form);
    await fill(selectors.newVm.count, '3');
    await fill(selectors.newVm.name, 'web-##');
    await choose(selectors.newVm.compute, /Cluster B/);
    await choose(selectors.newVm.spec, /linux-dhcp/);
    await userEvent.click(screen.getByRole('radio', { name: 'DHCP' }));
    await fill(selectors.newVm.hostName, 'lnx-web-##');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    const summary = await screen.findByTestId(selectors.newVm.summary);
    expect(summary).toHaveTextContent(
      "3 VMs, from the template ubuntu-22.04-template, in folder Web, on cluster Cluster B, on the template's datastore."
    );
    expect(within(summary).getAllByRole('row')[3]).toHaveTextContent('web-03lnx-web-03DHCP');
    await userEvent.click(screen.getByRole('button', { name: 'Create 3 VMs' }));
    await waitFor(() =>
      expect(screen.getByTestId(selectors.provision.progress)).toHaveTextContent('All 3 VMs created')
    );
    expect(posts.map((p) => p.data)).toEqual(
      [1, 2, 3].map((i) => ({
        name: `web-0${i}`,
        placement: { folder: 'group-v3', cluster: 'domain-c2' },
        powerOn: true,
        customization: { spec: 'linux-dhcp', hostName: `lnx-web-0${i}`, ip: 'dhcp' },
      }))
    );
    for (const i of [1, 2, 3]) {
      expect(screen.getByRole('link', { name: `web-0${i}` })).toHaveAttribute(
        'href',
        `/a/privatecloud-vsphere-app/vms/vm-20${i}`
      );
    }
  });

  it('an OVF package needs its EULA accepted and its networks mapped; one VM opens when ready', async () => {
    let body: unknown;
    let ovfQuery = '';
    let async: string | null = 'unset';
    useBackend(
      routes({
        [`GET ${RES}/templates/${PHOTON}/ovf`]: (r) => {
          ovfQuery = r.query.toString();
          return {
            name: 'photon-5-appliance',
            annotation: 'Photon OS appliance',
            eulas: ['You may run this appliance.'],
            networks: ['nat'],
          };
        },
        // OVF deploys answer the new VM (no task).
        [`POST ${RES}/templates/${PHOTON}/deploy`]: (r) => {
          body = r.data;
          async = r.query.get('async');
          return { id: 'vm-300', name: 'photon-01' };
        },
      })
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Use photon-5-appliance' }));
    expect(await screen.findByText('You may run this appliance.')).toBeInTheDocument();
    expect(ovfQuery).toBe('folder=group-v3&cluster=domain-c1');
    await fill(selectors.newVm.name, 'photon-01');
    // OVF packages take no customization.
    expect(screen.queryByTestId(selectors.newVm.spec)).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    // Next to the checkbox and in the form's alert.
    expect(screen.getAllByText('Accept the license agreement of the OVF package to deploy it.')).toHaveLength(2);
    await userEvent.click(screen.getByRole('checkbox', { name: /I accept the license agreement/ }));
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    expect(screen.getAllByText('Choose a network for the OVF network nat.')).toHaveLength(2);
    await choose(selectors.newVm.ovfNetwork('nat'), /VM Network/);
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    const summary = await screen.findByTestId(selectors.newVm.summary);
    expect(summary).toHaveTextContent('The package’s license agreement is accepted.');
    expect(summary).toHaveTextContent('The package’s network “nat” is VM Network.');
    await userEvent.click(screen.getByTestId(selectors.newVm.submit));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/a/privatecloud-vsphere-app/vms/vm-300')
    );
    expect(body).toEqual({
      name: 'photon-01',
      placement: { folder: 'group-v3', cluster: 'domain-c1' },
      powerOn: true,
      acceptEula: true,
      networkMappings: { nat: 'network-1' },
    });
    expect(async).toBeNull();
  });

  it('without the OVF call on the backend, says OVF packages are not available and sends no deploy', async () => {
    const b = useBackend(
      routes({
        [`GET ${RES}/templates/${PHOTON}/ovf`]: fail(404, 'not_found', `no resource GET /templates/${PHOTON}/ovf`),
      })
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Use photon-5-appliance' }));
    expect(await screen.findByTestId(selectors.newVm.unavailable)).toHaveTextContent(
      'OVF packages cannot be deployed on this data source'
    );
    await fill(selectors.newVm.name, 'photon-01');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    expect(
      screen.getByText('The OVF package’s requirements could not be read; it cannot be deployed.')
    ).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('a VM whose customization failed after the create is linked with the reason', async () => {
    useBackend(
      routes({
        [`POST ${RES}/templates/${UBUNTU}/deploy`]: { task: 'c1' },
        ...taskRoutes(['c1'], () => ({
          status: 'FAILED',
          done: true,
          vm: 'vm-301',
          error: 'web-01 was created but not customized: the guest has no network adapter',
        })),
      })
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Use ubuntu-22.04-template' }));
    await fill(selectors.newVm.name, 'web-01');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    await userEvent.click(await screen.findByTestId(selectors.newVm.submit));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Created, but not finished: web-01 was created but not customized: the guest has no network adapter'
    );
    expect(screen.getByRole('link', { name: 'web-01' })).toHaveAttribute(
      'href',
      '/a/privatecloud-vsphere-app/vms/vm-301'
    );
  });

  it('the way is switched with the radio buttons and kept in the URL', async () => {
    useBackend(routes());
    renderPage(<CreateVm pollMs={5} />, {
      path: '/a/privatecloud-vsphere-app/vms/new',
      route: '/a/privatecloud-vsphere-app/vms/new',
    });
    expect(await screen.findByRole('radio', { name: 'Blank' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'From template' }));
    expect(await screen.findByTestId(selectors.newVm.templates)).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/vms/new?how=template');
  });

  it('says so when the task’s progress cannot be read, without claiming a failure of vCenter', async () => {
    useBackend(
      routes({
        [`POST ${RES}/templates/${UBUNTU}/deploy`]: { task: 'lost' },
        [`GET ${RES}/tasks/lost`]: fail(502, 'upstream_error', 'vCenter did not answer within 30 s'),
      })
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Use ubuntu-22.04-template' }));
    await fill(selectors.newVm.name, 'web-01');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    await userEvent.click(await screen.findByTestId(selectors.newVm.submit));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Outcome unknown: The task's progress could not be read (vCenter did not answer within 30 s); check the VM in a minute: vCenter may finish it anyway."
    );
    expect(screen.getByRole('heading', { name: 'web-01: outcome unknown' })).toBeInTheDocument();
  });

  it('shows the backend’s words when a deploy is refused', async () => {
    useBackend(
      routes({
        [`POST ${RES}/templates/${UBUNTU}/deploy`]: fail(
          400,
          'bad_request',
          'customization spec windows-domain is for Windows guests; the template runs Linux'
        ),
      })
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Use ubuntu-22.04-template' }));
    await fill(selectors.newVm.name, 'web-01');
    await userEvent.click(screen.getByTestId(selectors.newVm.review));
    await userEvent.click(await screen.findByTestId(selectors.newVm.submit));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not created: customization spec windows-domain is for Windows guests; the template runs Linux'
    );
  });
});
