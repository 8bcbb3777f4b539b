import { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React, { useState } from 'react';

import { selectors } from '../selectors';
import { VsphereOptions, VsphereSecureData } from '../types/config';
import { ConfigEditor } from './ConfigEditor';

type Options = DataSourceSettings<VsphereOptions, VsphereSecureData>;

function options(over: Partial<Options> = {}): Options {
  return {
    id: 1,
    uid: 'vsphere',
    orgId: 1,
    name: 'vSphere',
    type: 'privatecloud-vsphere-datasource',
    typeName: 'vSphere (PrivateCloud)',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...over,
  };
}

/** Host keeps the options in state like Grafana's settings page, and records every change. */
function setup(initial: Options = options()) {
  const changes: Options[] = [];
  function Host() {
    const [opts, setOpts] = useState(initial);
    return (
      <ConfigEditor
        options={opts}
        onOptionsChange={(o) => {
          changes.push(o);
          setOpts(o);
        }}
      />
    );
  }
  render(<Host />);
  return { changes, last: () => changes[changes.length - 1], user: userEvent.setup() };
}

const byId = (s: { testId: string }) => screen.getByTestId(s.testId);

describe('ConfigEditor', () => {
  it('stores URLs, users and the auth source in jsonData', async () => {
    const { last, user } = setup();
    await user.type(byId(selectors.config.vcenterUrl), 'https://vc.lab');
    await user.type(byId(selectors.config.vcenterUser), 'administrator@vsphere.local');
    await user.type(byId(selectors.config.vropsUrl), 'https://vrops.lab');
    await user.type(byId(selectors.config.vropsAuthSource), 'local');
    expect(last().jsonData).toEqual({
      vcenterUrl: 'https://vc.lab',
      vcenterUser: 'administrator@vsphere.local',
      vropsUrl: 'https://vrops.lab',
      vropsAuthSource: 'local',
    });
    expect(last().secureJsonData).toBeUndefined();
  });

  it('shows why a URL is invalid next to the field and does not store it', async () => {
    const { changes, last, user } = setup(options({ jsonData: { vcenterUrl: 'https://vc.lab' } }));
    const input = byId(selectors.config.vcenterUrl);
    await user.clear(input);
    await user.type(input, 'vc.lab');
    expect(screen.getByText('Enter a full URL such as https://vcenter.example.com.')).toBeInTheDocument();
    // Clearing stored "no URL"; the invalid text that followed was never stored.
    expect(changes.map((c) => c.jsonData.vcenterUrl)).toEqual([undefined]);
    expect(last().jsonData).toEqual({});
  });

  it('refuses credentials inside a URL', async () => {
    const { changes, user } = setup();
    await user.type(byId(selectors.config.relayUrl), 'https://bob:secret@relay.lab');
    expect(screen.getByText('Put the user name and password in their own fields, not in the URL.')).toBeInTheDocument();
    expect(changes.some((c) => JSON.stringify(c.jsonData).includes('secret'))).toBe(false);
  });

  it('asks for the vCenter URL only after the field was left empty', async () => {
    const { user } = setup();
    expect(screen.queryByText('Enter a URL.')).not.toBeInTheDocument();
    await user.click(byId(selectors.config.vcenterUrl));
    await user.tab();
    expect(screen.getByText('Enter a URL.')).toBeInTheDocument();
  });

  it('puts passwords, the relay token and the CA certificate in secureJsonData only', async () => {
    const { last, user } = setup();
    await user.type(byId(selectors.config.vcenterPassword), 'VMware1!');
    await user.type(byId(selectors.config.vropsPassword), 'pw2');
    await user.type(byId(selectors.config.relayToken), 'tok');
    await user.type(byId(selectors.config.tlsCaCert), 'PEM');
    expect(last().secureJsonData).toEqual({
      vcenterPassword: 'VMware1!',
      vropsPassword: 'pw2',
      relayToken: 'tok',
      tlsCaCert: 'PEM',
    });
    expect(last().jsonData).toEqual({});
  });

  it('shows a configured secret as configured and resets it', async () => {
    const { last, user } = setup(options({ secureJsonFields: { vcenterPassword: true, relayToken: true } }));
    const pw = byId(selectors.config.vcenterPassword);
    expect(pw).toHaveValue('configured');
    expect(pw).toBeDisabled();
    await user.click(screen.getAllByRole('button', { name: 'Reset' })[0]);
    expect(last().secureJsonFields).toEqual({ vcenterPassword: false, relayToken: true });
    expect(last().secureJsonData).toEqual({ vcenterPassword: '' });
  });

  it('warns when TLS verification is switched off', async () => {
    const { last, user } = setup();
    expect(screen.queryByTestId(selectors.config.tlsSkipVerifyWarning.testId)).not.toBeInTheDocument();
    await user.click(byId(selectors.config.tlsSkipVerify));
    expect(last().jsonData).toEqual({ tlsSkipVerify: true });
    expect(screen.getByTestId(selectors.config.tlsSkipVerifyWarning.testId)).toHaveTextContent(
      /passwords can be intercepted/
    );
  });

  it('stores whole seconds and refuses anything else', async () => {
    const { changes, last, user } = setup();
    await user.type(byId(selectors.config.timeoutSeconds), '45');
    expect(last().jsonData).toEqual({ timeoutSeconds: 45 });
    const before = changes.length;
    await user.type(byId(selectors.config.cacheTtlSeconds), '1.5');
    expect(screen.getByText('Enter a whole number of seconds.')).toBeInTheDocument();
    // "1" was valid and stored; "1." and "1.5" were not.
    expect(changes.slice(before).map((c) => c.jsonData.cacheTtlSeconds)).toEqual([1]);
    await user.clear(byId(selectors.config.timeoutSeconds));
    await user.type(byId(selectors.config.timeoutSeconds), '9999');
    expect(screen.getByText('Enter a value between 1 and 600.')).toBeInTheDocument();
    // 9 and 99 were within limits; 999 and 9999 were not.
    expect(last().jsonData.timeoutSeconds).toBe(99);
  });

  it('sets the minimum role per VM action on top of the defaults', async () => {
    const { last, user } = setup();
    const power = byId(selectors.config.role('power'));
    await user.click(screen.getAllByRole('radio', { name: 'Admin' })[2]);
    expect(power).toBeInTheDocument();
    expect(last().jsonData).toEqual({ roles: { create: 'Admin', edit: 'Editor', power: 'Admin', delete: 'Admin' } });
  });
});
