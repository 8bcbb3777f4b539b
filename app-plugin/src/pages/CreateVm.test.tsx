import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, EDITOR, fail, RES, Routes } from '../test/backend';
import { renderPage } from '../test/render';
import { runtimeState, useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import CreateVm from './CreateVm';
import { CreateForm, reachableHosts, validateCreate, validateVmName } from '../rules/createVm';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const placement = {
  folders: [{ id: 'group-v3', name: 'Web' }],
  clusters: [{ id: 'domain-c1', name: 'Prod' }],
  hosts: [{ id: 'host-7', name: 'esx-07', cluster: 'domain-c1' }],
  resourcePools: [{ id: 'resgroup-9', name: 'Batch', cluster: 'domain-c1' }],
  datastores: [
    { id: 'datastore-1', name: 'ds-small', type: 'VMFS', capacityBytes: 100 * 1024 ** 3, freeBytes: 10 * 1024 ** 3 },
    { id: 'datastore-2', name: 'ds-big', type: 'NFS', capacityBytes: 4 * 1024 ** 4, freeBytes: 2 * 1024 ** 4 },
  ],
  networks: [{ id: 'network-1', name: 'VM Network', type: 'STANDARD_PORTGROUP' }],
};
const guestOs = [
  { id: 'UBUNTU_64', name: 'Ubuntu Linux (64-bit)', family: 'LINUX' },
  { id: 'WINDOWS_2019_SERVER_64', name: 'Microsoft Windows Server 2019 (64-bit)', family: 'WINDOWS' },
];

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/options/guest-os`]: guestOs,
    [`GET ${RES}/options/placement`]: placement,
    ...over,
  };
}

async function choose(testId: string, search: string, option: RegExp) {
  const input = within(screen.getByTestId(testId)).getByRole('combobox');
  await userEvent.click(input);
  if (search) {
    await userEvent.type(input, search);
  }
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('vCenter name rules', () => {
  it.each([
    ['', 'Enter a name for the VM.'],
    [' web', 'The name must not start or end with spaces.'],
    ['a/b', 'The name must not contain "/" (vCenter escapes / \\ and % in names).'],
    ['50%', 'The name must not contain "%" (vCenter escapes / \\ and % in names).'],
    ['tab\there', 'The name must not contain control characters (vCenter escapes / \\ and % in names).'],
    ['x'.repeat(81), 'The name has 81 characters; vCenter allows at most 80.'],
  ])('refuses %j', (name, message) => {
    expect(validateVmName(name)).toBe(message);
  });
  it('accepts ordinary names, also 80 characters and non-ASCII letters', () => {
    expect(validateVmName('web-01.prod (blue)')).toBeUndefined();
    expect(validateVmName('ü'.repeat(80))).toBeUndefined();
  });
});

describe('Create VM', () => {
  it('validates every field before sending anything', async () => {
    const b = useBackend(routes());
    renderPage(<CreateVm />);
    const form = await screen.findByTestId(selectors.createVm.form);
    await userEvent.type(within(form).getByTestId(selectors.createVm.name), 'web/01');
    await userEvent.clear(within(form).getByTestId(selectors.createVm.cpu));
    await userEvent.type(within(form).getByTestId(selectors.createVm.cpu), '6');
    await userEvent.type(within(form).getByTestId(selectors.createVm.coresPerSocket), '4');
    await userEvent.click(within(form).getByRole('radio', { name: 'MiB' }));
    expect(within(form).getByTestId(selectors.createVm.memory)).toHaveValue(4096);
    await userEvent.clear(within(form).getByTestId(selectors.createVm.memory));
    await userEvent.type(within(form).getByTestId(selectors.createVm.memory), '1001');
    await userEvent.clear(within(form).getByTestId(selectors.createVm.disk));
    await userEvent.type(within(form).getByTestId(selectors.createVm.disk), '20');
    await choose(selectors.createVm.datastore, 'small', /ds-small/);
    await userEvent.click(screen.getByTestId(selectors.createVm.submit));
    expect(
      screen.getByText('The name must not contain "/" (vCenter escapes / \\ and % in names).')
    ).toBeInTheDocument();
    expect(screen.getByText('Choose the guest operating system.')).toBeInTheDocument();
    expect(screen.getByText('Cores per socket must divide the CPU count (6).')).toBeInTheDocument();
    expect(screen.getByText('Memory must be a multiple of 4 MiB.')).toBeInTheDocument();
    expect(screen.getByText('ds-small has 10.0 GiB free, less than the 20 GiB disk.')).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('shows datastore free space, creates the VM with progress and lands on its page', async () => {
    let release: (v: unknown) => void = () => {};
    let body: unknown;
    useBackend(
      routes({
        [`POST ${RES}/vms`]: (r) => {
          body = r.data;
          return new Promise((res) => (release = res));
        },
      })
    );
    renderPage(<CreateVm />);
    await screen.findByTestId(selectors.createVm.form);
    await userEvent.type(screen.getByTestId(selectors.createVm.name), 'web-99');
    await choose(selectors.createVm.guestOs, 'ubu', /Ubuntu Linux/);
    await userEvent.type(screen.getByTestId(selectors.createVm.coresPerSocket), '2');
    const dsInput = within(screen.getByTestId(selectors.createVm.datastore)).getByRole('combobox');
    await userEvent.click(dsInput);
    expect(await screen.findByRole('option', { name: /ds-big — 2.0 TiB free of 4.0 TiB/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /ds-big/ }));
    await userEvent.click(screen.getByTestId(selectors.createVm.submit));
    expect(await screen.findByTestId(selectors.createVm.progress)).toHaveTextContent('vCenter is creating the VM');
    expect(body).toEqual({
      name: 'web-99',
      guestOS: 'UBUNTU_64',
      cpuCount: 2,
      coresPerSocket: 2,
      memoryMiB: 4096,
      diskGiB: 40,
      network: 'network-1',
      placement: { folder: 'group-v3', cluster: 'domain-c1', datastore: 'datastore-2' },
    });
    release({ id: 'vm-5001', name: 'web-99' });
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/a/privatecloud-vsphere-app/vms/vm-5001')
    );
    expect(runtimeState.events).toEqual([{ type: 'alert-success', payload: ['web-99 created'] }]);
  });

  it('places on a host when chosen and shows the backend conflict next to the form', async () => {
    let body: { placement?: unknown } = {};
    useBackend(
      routes({
        [`POST ${RES}/vms`]: (r) => {
          body = r.data as typeof body;
          return fail(409, 'conflict', 'a VM named "web-01" already exists (vm-1001)');
        },
      })
    );
    renderPage(<CreateVm />);
    await screen.findByTestId(selectors.createVm.form);
    await userEvent.type(screen.getByTestId(selectors.createVm.name), 'web-01');
    await choose(selectors.createVm.guestOs, 'win', /Windows Server 2019/);
    // A preselected box opens with every choice listed.
    await choose(selectors.createVm.compute, '', /Host esx-07/);
    await choose(selectors.createVm.datastore, 'big', /ds-big/);
    await userEvent.click(screen.getByTestId(selectors.createVm.submit));
    expect(
      await screen.findByText('a VM named "web-01" already exists (vm-1001)', { selector: 'div *' })
    ).toBeInTheDocument();
    expect(body.placement).toEqual({ folder: 'group-v3', host: 'host-7', datastore: 'datastore-2' });
    expect(runtimeState.events[0].type).toBe('alert-error');
  });

  it('tells a user without the create permission why, and loads no form', async () => {
    const b = useBackend(routes({ [`GET ${RES}/me`]: EDITOR }));
    renderPage(<CreateVm />);
    expect(await screen.findByText(/Editor\) may not create VMs/)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.createVm.form)).not.toBeInTheDocument();
    expect(b.sent.some((r) => r.path.includes('/options/'))).toBe(false);
  });

  it('shows an error state when the choices cannot be loaded', async () => {
    useBackend(
      routes({
        [`GET ${RES}/options/placement`]: fail(502, 'upstream_error', 'vCenter session expired and re-login failed'),
      })
    );
    renderPage(<CreateVm />);
    expect(await screen.findByTestId(selectors.states.error)).toHaveTextContent(
      'vCenter session expired and re-login failed'
    );
  });
});

describe('compatible placement', () => {
  const p = {
    ...placement,
    clusters: [
      { id: 'domain-c1', name: 'Prod' },
      { id: 'domain-c2', name: 'Lab' },
    ],
    hosts: [
      { id: 'host-7', name: 'esx-07', cluster: 'domain-c1' },
      { id: 'host-8', name: 'esx-08', cluster: 'domain-c2' },
    ],
    datastores: [
      { ...placement.datastores[1], id: 'ds-prod', name: 'prod-vsan', hosts: ['host-7'] },
      { ...placement.datastores[1], id: 'ds-lab', name: 'lab-local', hosts: ['host-8'] },
      { ...placement.datastores[1], id: 'ds-any', name: 'legacy' },
    ],
    networks: [
      { id: 'net-prod', name: 'Prod VLAN', type: 'DISTRIBUTED_PORTGROUP', hosts: ['host-7'] },
      { id: 'net-lab', name: 'Lab VLAN', type: 'DISTRIBUTED_PORTGROUP', hosts: ['host-8'] },
    ],
  };
  const form = (over: Partial<CreateForm>): CreateForm => ({
    name: 'web-01',
    guestOS: 'UBUNTU_64',
    cpu: '2',
    coresPerSocket: '',
    memoryMiB: '4',
    memoryUnit: 'GiB',
    diskGiB: '',
    network: '',
    folder: 'group-v3',
    compute: 'cluster:domain-c1',
    datastore: 'ds-prod',
    ...over,
  });

  it.each([
    ['cluster:domain-c1', ['host-7']],
    ['cluster:domain-c2', ['host-8']],
    ['host:host-8', ['host-8']],
    ['pool:resgroup-9', ['host-7']],
    ['', undefined],
  ])('%s reaches %j', (compute, hosts) => expect(reachableHosts(compute, p)).toEqual(hosts));

  it.each([
    [{}, {}],
    [{ datastore: 'ds-any' }, {}],
    [{ compute: 'host:host-8', datastore: 'ds-lab', network: 'net-lab' }, {}],
    [
      { datastore: 'ds-lab' },
      { datastore: 'lab-local is not mounted on any host of the chosen cluster: choose another datastore.' },
    ],
    [
      { compute: 'host:host-8', datastore: 'ds-lab', network: 'net-prod' },
      { network: 'Prod VLAN is not available on any host of the chosen host: choose another network.' },
    ],
  ])('validates %j before sending', (over, errors) => {
    const v = validateCreate(form(over), p);
    expect(v.errors).toEqual(errors);
    expect(v.body === undefined).toBe(Object.keys(errors).length > 0);
  });

  it('offers only the datastores and networks the chosen host reaches, and drops a choice it cannot', async () => {
    useBackend(routes({ [`GET ${RES}/options/placement`]: p }));
    renderPage(<CreateVm />);
    await screen.findByTestId(selectors.createVm.form);
    await choose(selectors.createVm.datastore, '', /prod-vsan/);
    const dsBox = within(screen.getByTestId(selectors.createVm.datastore)).getByRole('combobox');
    await choose(selectors.createVm.compute, '', /Host esx-08/);
    expect(dsBox).toHaveValue('');
    await userEvent.click(dsBox);
    expect(await screen.findByRole('option', { name: /lab-local/ })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /legacy/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /prod-vsan/ })).not.toBeInTheDocument();
  });
});
