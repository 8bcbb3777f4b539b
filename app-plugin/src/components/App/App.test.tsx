import React from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EDITOR } from '../../test/backend';
import { vmDetail } from '../../test/fixtures';
import { runtimeState, useBackend } from '../../test/runtimeMock';
import { DS_STORAGE_KEY } from '../../constants';
import { selectors } from '../../selectors';
import App from './App';

jest.mock('@grafana/runtime', () => require('../../test/runtimeMock').runtimeModule());

function Location() {
  const l = useLocation();
  return <div data-testid="location">{l.pathname + l.search}</div>;
}

function renderApp(path: string, datasources?: string[]) {
  const props = {
    basename: '/a/privatecloud-vsphere-app',
    meta: { id: 'privatecloud-vsphere-app', name: 'x', type: PluginType.app, enabled: true, jsonData: { datasources } },
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps<{ datasources?: string[] }>;
  return render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Routes>
        <Route
          path="/a/privatecloud-vsphere-app/*"
          element={
            <>
              <App {...props} />
              <Location />
            </>
          }
        />
      </Routes>
    </MemoryRouter>
  );
}

const page = (name: string) => ({
  items: [{ ...vmDetail({ name, id: `vm-${name}` }) }],
  total: 1,
  page: 1,
  pageSize: 50,
});

describe('App', () => {
  beforeEach(() => window.localStorage.clear());

  it('opens a VM by deep link', async () => {
    useBackend({
      'GET /api/datasources/uid/ds1/resources/me': EDITOR,
      'GET /api/datasources/uid/ds1/resources/vms/vm-42': vmDetail(),
      'GET /api/datasources/uid/ds1/resources/vms/vm-42/history': [],
      'POST /api/ds/query': { results: { A: { frames: [] } } },
    });
    renderApp('/a/privatecloud-vsphere-app/vms/vm-42', ['ds1']);
    expect(await screen.findByTestId(selectors.vmDetail.info, {}, { timeout: 5000 })).toHaveTextContent('esx-07.lab');
  });

  it('asks for configuration when no data source is managed', async () => {
    useBackend({});
    renderApp('/a/privatecloud-vsphere-app/vms', []);
    expect(await screen.findByTestId(selectors.states.notConfigured, {}, { timeout: 5000 })).toHaveTextContent(
      'No vCenter configured yet'
    );
    expect(runtimeState.backend.sent).toEqual([]);
  });

  it('offers a vCenter picker with several data sources and remembers the choice', async () => {
    const b = useBackend({
      'GET /api/datasources': [
        { uid: 'vc-a', name: 'vCenter A', type: 'privatecloud-vsphere-datasource' },
        { uid: 'vc-b', name: 'vCenter B', type: 'privatecloud-vsphere-datasource' },
      ],
      'GET /api/datasources/uid/vc-a/resources/me': EDITOR,
      'GET /api/datasources/uid/vc-b/resources/me': EDITOR,
      'GET /api/datasources/uid/vc-a/resources/inventory/vms': page('on-a'),
      'GET /api/datasources/uid/vc-b/resources/inventory/vms': page('on-b'),
    });
    const first = renderApp('/a/privatecloud-vsphere-app/vms', ['vc-a', 'vc-b']);
    expect(await screen.findByText('on-a', {}, { timeout: 5000 })).toBeInTheDocument();
    const picker = within(screen.getByTestId(selectors.picker.vcenter)).getByRole('combobox');
    await waitFor(() => expect(picker).toHaveValue('vCenter A'));
    await userEvent.click(picker);
    await userEvent.click(await screen.findByRole('option', { name: 'vCenter B' }));
    expect(await screen.findByText('on-b')).toBeInTheDocument();
    expect(window.localStorage.getItem(DS_STORAGE_KEY)).toBe('vc-b');
    expect(screen.getByTestId('location')).toHaveTextContent('/a/privatecloud-vsphere-app/vms?ds=vc-b');
    expect(b.sent.some((r) => r.path === '/api/datasources/uid/vc-b/resources/inventory/vms')).toBe(true);
    first.unmount();

    // A new visit without ?ds= uses the remembered choice.
    renderApp('/a/privatecloud-vsphere-app/vms', ['vc-a', 'vc-b']);
    expect(await screen.findByText('on-b', {}, { timeout: 5000 })).toBeInTheDocument();
  });

  it('follows ?ds= in a shared link and ignores a uid the app does not manage', async () => {
    useBackend({
      'GET /api/datasources': [],
      'GET /api/datasources/uid/vc-a/resources/me': EDITOR,
      'GET /api/datasources/uid/vc-b/resources/me': EDITOR,
      'GET /api/datasources/uid/vc-a/resources/inventory/vms': page('on-a'),
      'GET /api/datasources/uid/vc-b/resources/inventory/vms': page('on-b'),
    });
    const r = renderApp('/a/privatecloud-vsphere-app/vms?ds=vc-b', ['vc-a', 'vc-b']);
    expect(await screen.findByText('on-b', {}, { timeout: 5000 })).toBeInTheDocument();
    r.unmount();
    renderApp('/a/privatecloud-vsphere-app/vms?ds=evil', ['vc-a', 'vc-b']);
    expect(await screen.findByText('on-a', {}, { timeout: 5000 })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/a\/privatecloud-vsphere-app\/vms$/)
    );
  });
});
