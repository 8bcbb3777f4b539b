import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppPluginMeta, PluginConfigPageProps, PluginType } from '@grafana/data';
import { fail } from '../../test/backend';
import { runtimeState, useBackend } from '../../test/runtimeMock';
import { selectors } from '../../selectors';
import { AppSettings } from '../../types';
import AppConfig from './AppConfig';

jest.mock('@grafana/runtime', () => require('../../test/runtimeMock').runtimeModule());

const reload = jest.fn();
beforeAll(() => {
  Object.defineProperty(window, 'location', { configurable: true, value: { ...window.location, reload } });
});
beforeEach(() => reload.mockClear());

function props(jsonData: AppSettings, enabled = true) {
  return {
    plugin: {
      meta: { id: 'privatecloud-vsphere-app', name: 'x', type: PluginType.app, enabled, pinned: true, jsonData },
    },
    query: {},
  } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
}

const datasources = [
  { uid: 'vc-a', name: 'vCenter A', type: 'privatecloud-vsphere-datasource' },
  { uid: 'vc-b', name: 'vCenter B', type: 'privatecloud-vsphere-datasource' },
  { uid: 'prom', name: 'Prometheus', type: 'prometheus' },
];

describe('App configuration', () => {
  it('lists only vSphere data sources, saves the chosen uids and reloads', async () => {
    let saved: unknown;
    useBackend({
      'GET /api/datasources': datasources,
      'POST /api/plugins/privatecloud-vsphere-app/settings': (r) => ((saved = r.data), {}),
    });
    render(<AppConfig {...props({ datasources: ['vc-a'] })} />);
    const a = await screen.findByTestId(selectors.config.datasourceCheckbox('vc-a'));
    expect(a).toBeChecked();
    expect(screen.getByTestId(selectors.config.datasourceCheckbox('vc-b'))).not.toBeChecked();
    expect(screen.queryByText('Prometheus')).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('vCenter B'));
    await userEvent.click(screen.getByTestId(selectors.config.save));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(saved).toEqual({ enabled: true, pinned: true, jsonData: { datasources: ['vc-a', 'vc-b'] } });
  });

  it('refuses to save without a data source and sends nothing', async () => {
    const b = useBackend({ 'GET /api/datasources': datasources });
    render(<AppConfig {...props({}, false)} />);
    await screen.findByTestId(selectors.config.datasourceCheckbox('vc-a'));
    await userEvent.click(screen.getByRole('button', { name: 'Enable and save' }));
    expect(screen.getByText('Choose at least one vCenter data source.')).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('keeps a saved uid whose data source is gone so it can be removed, and reports save errors', async () => {
    useBackend({
      'GET /api/datasources': datasources,
      'POST /api/plugins/privatecloud-vsphere-app/settings': fail(403, 'forbidden', 'Permission denied'),
    });
    render(<AppConfig {...props({ datasources: ['gone'] })} />);
    expect(await screen.findByTestId(selectors.config.datasourceCheckbox('gone'))).toBeChecked();
    expect(screen.getByText('gone (not found)')).toBeInTheDocument();
    await userEvent.click(screen.getByText('vCenter A'));
    await userEvent.click(screen.getByTestId(selectors.config.save));
    await waitFor(() =>
      expect(runtimeState.events).toEqual([
        { type: 'alert-error', payload: ['Could not save the app settings', 'Permission denied'] },
      ])
    );
    expect(reload).not.toHaveBeenCalled();
  });

  it('shows an empty state when no vSphere data source exists', async () => {
    useBackend({ 'GET /api/datasources': [datasources[2]] });
    render(<AppConfig {...props({})} />);
    expect(await screen.findByTestId(selectors.states.empty)).toHaveTextContent(
      'No PrivateCloud vSphere data source exists yet'
    );
  });
});
