import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, EDITOR, fail, RES, Routes, VIEWER } from '../../test/backend';
import { metricsAnswer, vmDetail } from '../../test/fixtures';
import { specs } from '../../test/provisioning';
import { renderPage } from '../../test/render';
import { runtimeState, useBackend } from '../../test/runtimeMock';
import { selectors } from '../../selectors';
import VmDetailPage from '../../pages/VmDetail';

jest.mock('@grafana/runtime', () => require('../../test/runtimeMock').runtimeModule());

const off = vmDetail({ powerState: 'POWERED_OFF', toolsRunning: false });
const guestOs = [
  { id: 'UBUNTU_64', name: 'Ubuntu Linux (64-bit)', family: 'LINUX' },
  { id: 'WINDOWS_2019_SERVER_64', name: 'Microsoft Windows Server 2019 (64-bit)', family: 'WINDOWS' },
];

function routes(over: Routes = {}): Routes {
  return {
    [`GET ${RES}/me`]: ADMIN,
    [`GET ${RES}/vms/vm-42`]: off,
    [`GET ${RES}/vms/vm-42/history`]: [],
    [`GET ${RES}/options/guest-os`]: guestOs,
    [`GET ${RES}/customization-specs`]: specs,
    'POST /api/ds/query': metricsAnswer([10], [20]),
    ...over,
  };
}

const open = () =>
  renderPage(<VmDetailPage />, {
    path: '/a/privatecloud-vsphere-app/vms/vm-42',
    route: '/a/privatecloud-vsphere-app/vms/:id',
  });

async function chooseSpec(name: RegExp) {
  await userEvent.click(within(screen.getByTestId(selectors.customize.spec)).getByRole('combobox'));
  await userEvent.click(await screen.findByRole('option', { name }));
}

const puts = (sent: Array<{ method: string; path: string }>) =>
  sent.filter((r) => r.method === 'PUT' && r.path === `${RES}/vms/vm-42/customization`);

describe('Customize guest', () => {
  it('offers the VM’s OS family’s specs, checks the fields, sums up, sends the body and shows the updated VM', async () => {
    const b = useBackend(
      routes({
        [`PUT ${RES}/vms/vm-42/customization`]: () =>
          vmDetail({ powerState: 'POWERED_OFF', hostName_guest: 'app-07', ip: '10.50.0.21' }),
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.customize.open));
    const dialog = await screen.findByTestId(selectors.customize.modal);
    expect(dialog).toHaveTextContent('Stored specs for Linux guests (2 of 3)');
    // The host name starts as the VM's name.
    expect(within(dialog).getByTestId(selectors.customize.hostName)).toHaveValue('web-42');
    await userEvent.click(within(screen.getByTestId(selectors.customize.spec)).getByRole('combobox'));
    expect(await screen.findByRole('option', { name: /linux-static-web/ })).toHaveTextContent('Linux web tier');
    expect(screen.getByRole('option', { name: /linux-dhcp/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /windows-domain/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /linux-static-web/ }));

    // Bad values: the rules' sentences, nothing sent.
    const hostName = screen.getByTestId(selectors.customize.hostName);
    await userEvent.clear(hostName);
    await userEvent.type(hostName, 'app_07');
    await userEvent.click(
      within(screen.getByTestId(selectors.customize.ipMode)).getByRole('radio', { name: 'Static' })
    );
    await userEvent.type(screen.getByTestId(selectors.customize.ipAddress), '10.50.0.21');
    await userEvent.clear(screen.getByTestId(selectors.customize.ipPrefix));
    await userEvent.type(screen.getByTestId(selectors.customize.ipPrefix), '24');
    await userEvent.type(screen.getByTestId(selectors.customize.ipGateway), '10.50.1.1');
    expect(screen.getByTestId(selectors.customize.summary)).toHaveTextContent(
      'Choose a spec and fill in the fields to see what changes.'
    );
    await userEvent.click(screen.getByTestId(selectors.customize.submit));
    expect(await screen.findByText('The host name app_07 may only have letters, digits and hyphens.')).toBeVisible();
    expect(screen.getByText('The gateway 10.50.1.1 is not in 10.50.0.0/24.')).toBeVisible();
    expect(puts(b.sent)).toHaveLength(0);

    // Fixed: the errors go as the fields change, and the summary says what changes.
    await userEvent.clear(hostName);
    await userEvent.type(hostName, 'app-07');
    await userEvent.clear(screen.getByTestId(selectors.customize.ipPrefix));
    await userEvent.type(screen.getByTestId(selectors.customize.ipPrefix), '16');
    expect(screen.queryByText(/may only have letters/)).not.toBeInTheDocument();
    const summary =
      'web-42 gets the spec linux-static-web at its next power-on: host name app-07 (now web-42.lab), IPv4 10.50.0.21/16 via 10.50.1.1 (now 10.1.2.42).';
    expect(screen.getByTestId(selectors.customize.summary)).toHaveTextContent(summary);
    await userEvent.click(screen.getByTestId(selectors.customize.submit));

    await waitFor(() => expect(screen.queryByTestId(selectors.customize.modal)).not.toBeInTheDocument());
    expect(puts(b.sent).map((r) => (r as { data?: unknown }).data)).toEqual([
      { spec: 'linux-static-web', hostName: 'app-07', ip: { address: '10.50.0.21', prefix: 16, gateway: '10.50.1.1' } },
    ]);
    // The page shows the VM as the backend answered and says what was set.
    const info = screen.getByTestId(selectors.vmDetail.info);
    expect(within(info).getByText('app-07')).toBeInTheDocument();
    expect(within(info).getByText('10.50.0.21')).toBeInTheDocument();
    expect(screen.getByTestId(selectors.customize.done)).toHaveTextContent(`Guest customization set${summary}`);
    expect(runtimeState.events).toContainEqual({
      type: 'alert-success',
      payload: ['Guest customization of web-42 set; it applies at the next power-on'],
    });
    // What people read: no ids or enums.
    expect(screen.getByTestId(selectors.customize.done).textContent).not.toMatch(/vm-42|POWERED_|LINUX|UBUNTU/);
  });

  it('a spec is required; DHCP is sent as such', async () => {
    const b = useBackend(routes({ [`PUT ${RES}/vms/vm-42/customization`]: () => off }));
    open();
    await userEvent.click(await screen.findByTestId(selectors.customize.open));
    await screen.findByTestId(selectors.customize.modal);
    await userEvent.click(screen.getByTestId(selectors.customize.submit));
    expect(await screen.findByText('Choose a customization spec.')).toBeVisible();
    expect(puts(b.sent)).toHaveLength(0);
    await chooseSpec(/linux-dhcp/);
    expect(screen.queryByText('Choose a customization spec.')).not.toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId(selectors.customize.ipMode)).getByRole('radio', { name: 'DHCP' }));
    expect(screen.getByTestId(selectors.customize.summary)).toHaveTextContent(
      'host name web-42 (now web-42.lab), IPv4 from DHCP (now 10.1.2.42).'
    );
    await userEvent.click(screen.getByTestId(selectors.customize.submit));
    await waitFor(() => expect(puts(b.sent)).toHaveLength(1));
    expect(puts(b.sent)[0]).toMatchObject({ data: { spec: 'linux-dhcp', hostName: 'web-42', ip: 'dhcp' } });
  });

  it('a Windows VM gets Windows specs and a computer name of at most 15 characters', async () => {
    const b = useBackend(
      routes({
        [`GET ${RES}/vms/vm-42`]: { ...off, name: 'SQL Server Prod East', guestOS: 'WINDOWS_2019_SERVER_64' },
        [`PUT ${RES}/vms/vm-42/customization`]: () => off,
      })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.customize.open));
    const dialog = await screen.findByTestId(selectors.customize.modal);
    expect(dialog).toHaveTextContent('Stored specs for Windows guests (1 of 3)');
    expect(within(dialog).getByTestId(selectors.customize.hostName)).toHaveValue('sql-server-prod');
    await userEvent.click(within(screen.getByTestId(selectors.customize.spec)).getByRole('combobox'));
    expect(await screen.findAllByRole('option')).toHaveLength(1);
    await userEvent.click(screen.getByRole('option', { name: /windows-domain/ }));
    await userEvent.type(screen.getByTestId(selectors.customize.hostName), '-1');
    await userEvent.click(screen.getByTestId(selectors.customize.submit));
    expect(
      await screen.findByText('The host name sql-server-prod-1 has 17 characters; Windows allows at most 15.')
    ).toBeVisible();
    expect(puts(b.sent)).toHaveLength(0);
  });

  it('shows the backend’s refusal in its words and keeps the dialog open', async () => {
    const message = 'VM web-42 is powered on: power it off first (a customization applies to powered-off VMs only)';
    useBackend(routes({ [`PUT ${RES}/vms/vm-42/customization`]: fail(409, 'conflict', message) }));
    open();
    await userEvent.click(await screen.findByTestId(selectors.customize.open));
    await screen.findByTestId(selectors.customize.modal);
    await chooseSpec(/linux-dhcp/);
    await userEvent.click(screen.getByTestId(selectors.customize.submit));
    const alert = await screen.findByRole('alert', { name: 'Not customized' });
    expect(alert).toHaveTextContent(message);
    expect(screen.getByTestId(selectors.customize.modal)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.customize.done)).not.toBeInTheDocument();
    expect(runtimeState.events).toContainEqual({
      type: 'alert-error',
      payload: ['Could not customize the guest of web-42', message],
    });
  });

  it('is disabled while the VM runs, with the reason', async () => {
    const b = useBackend(routes({ [`GET ${RES}/vms/vm-42`]: vmDetail() }));
    open();
    const wrapper = await screen.findByLabelText('Customize guest of web-42 (disabled: Power off the VM first)');
    expect(within(wrapper).getByRole('button')).toBeDisabled();
    expect(b.sent.some((r) => r.path.endsWith('/customization-specs'))).toBe(false);
  });

  it.each([
    ['Viewer', VIEWER],
    ['Editor', EDITOR],
  ])('the role %s may not customize (clone role), with the reason', async (role, me) => {
    useBackend(routes({ [`GET ${RES}/me`]: me }));
    open();
    const wrapper = await screen.findByLabelText(
      `Customize guest of web-42 (disabled: Your role (${role}) may not clone VMs or deploy templates on this vCenter (default minimum role: Admin).)`
    );
    expect(within(wrapper).getByRole('button')).toBeDisabled();
  });

  it('says so when the data source has no customization specs', async () => {
    useBackend(
      routes({ [`GET ${RES}/customization-specs`]: fail(404, 'not_found', 'no resource GET /customization-specs') })
    );
    open();
    await userEvent.click(await screen.findByTestId(selectors.customize.open));
    expect(await screen.findByText('Guest customization is not available on this data source')).toBeInTheDocument();
  });
});
