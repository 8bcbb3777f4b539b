import { BackendSrv, setBackendSrv } from '@grafana/runtime';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React, { useState } from 'react';

import { selectors } from '../selectors';
import { fakeBackendSrv, newDataSource, Routes } from '../testing/fakes';
import { MetricsQuery, VsphereQuery } from '../types/query';
import { QueryEditor } from './QueryEditor';

const STAT_KEYS = [
  { key: 'cpu|usage_average', name: 'CPU Usage', unit: 'percent', description: 'Share of allocated CPU in use' },
  { key: 'mem|usage_average', name: 'Memory Usage', unit: 'percent', description: 'Guest memory in use' },
];

const VMS = [
  { id: 'vm-1001', name: 'web-01', hostName: 'esx-01', clusterName: 'Alpha', powerState: 'POWERED_ON' },
  { id: 'vm-1002', name: 'web-02', hostName: 'esx-02', clusterName: 'Alpha', powerState: 'POWERED_OFF' },
];

/** vm-1001's own keys in vROps: the common ones plus instanced disk and NIC keys. */
const VM_1001_KEYS = [
  ...STAT_KEYS,
  { key: 'net:4000|usage_average', name: 'Network Usage (4000)', unit: 'KBs', description: '' },
  {
    key: 'virtualDisk:scsi0:1|totalReadLatency_average',
    name: 'virtualDisk:scsi0:1|totalReadLatency_average',
    unit: 'ms',
    description: '',
  },
];

const ROUTES: Routes = {
  statkeys: STAT_KEYS,
  'statkeys/vm-1001': VM_1001_KEYS,
  'inventory/clusters': (p: Record<string, unknown>) => ({
    items: [{ id: 'domain-c8', name: 'Alpha' }].filter((c) => !p.search || c.name.includes(String(p.search))),
    total: 1,
    page: 1,
    pageSize: p.pageSize,
  }),
  'inventory/hosts': { items: [], total: 0, page: 1, pageSize: 20 },
  'inventory/datacenters': { items: [], total: 0, page: 1, pageSize: 20 },
  'inventory/vms': (p: Record<string, unknown>) => ({
    items: VMS.filter((v) => !p.search || v.name.includes(String(p.search))),
    total: 10000,
    page: 1,
    pageSize: p.pageSize,
  }),
};

let backend = fakeBackendSrv(ROUTES);

beforeAll(() => {
  // Combobox lists are virtualised and measure their box; jsdom lays nothing out.
  Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
    configurable: true,
    value: () => ({
      width: 400,
      height: 400,
      top: 0,
      left: 0,
      bottom: 400,
      right: 400,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    }),
  });
  // The list virtualiser sizes its window from clientWidth / clientHeight.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 400 });
});

beforeEach(() => {
  backend = fakeBackendSrv(ROUTES);
  setBackendSrv({ fetch: backend.fetch } as unknown as BackendSrv);
});

/** setup renders the editor inside a host that keeps the query like Grafana's query row does. */
function setup(initial: VsphereQuery | Record<string, unknown>, vars: Record<string, string | string[]> = {}) {
  const ds = newDataSource(vars);
  const changes: VsphereQuery[] = [];
  const onRunQuery = jest.fn();
  function Host() {
    const [q, setQ] = useState(initial as VsphereQuery);
    return (
      <QueryEditor
        datasource={ds}
        query={q}
        onChange={(next) => {
          changes.push(next);
          setQ(next);
        }}
        onRunQuery={onRunQuery}
      />
    );
  }
  render(<Host />);
  return { ds, changes, last: () => changes[changes.length - 1], onRunQuery, user: userEvent.setup() };
}

const metrics = (over: Partial<MetricsQuery> = {}): MetricsQuery => ({
  refId: 'A',
  queryType: 'metrics',
  resourceKind: 'VirtualMachine',
  selection: { mode: 'ids', ids: ['vm-1001'] },
  statKeys: ['cpu|usage_average'],
  rollUp: 'AVG',
  interval: 'auto',
  ...over,
});

describe('QueryEditor', () => {
  it('fills the default "all VMs under" with the first cluster and runs it', async () => {
    const { changes, onRunQuery } = setup({ refId: 'A', ...newDataSource().getDefaultQuery('panel-editor' as never) });
    await waitFor(() => expect(onRunQuery).toHaveBeenCalledTimes(1));
    expect(changes).toEqual([
      {
        refId: 'A',
        queryType: 'metrics',
        resourceKind: 'VirtualMachine',
        selection: { mode: 'under', parent: 'domain-c8' },
        statKeys: ['cpu|usage_average'],
        rollUp: 'AVG',
        interval: 'auto',
      },
    ]);
    expect(backend.calls.find((c) => c.url === 'inventory/clusters')?.params).toEqual({
      pageSize: 1,
      sort: 'name',
      order: 'asc',
    });
  });

  it('says when there is no cluster to default to and does not run', async () => {
    backend = fakeBackendSrv({ ...ROUTES, 'inventory/clusters': { items: [], total: 0, page: 1, pageSize: 1 } });
    setBackendSrv({ fetch: backend.fetch } as unknown as BackendSrv);
    const { onRunQuery, changes } = setup({ refId: 'A', ...newDataSource().getDefaultQuery('panel-editor' as never) });
    expect(await screen.findByTestId(selectors.query.problem('selection.parent').testId)).toHaveTextContent(
      'Pick a cluster, host or datacenter.'
    );
    await act(async () => undefined);
    expect(changes).toEqual([]);
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('migrates an old saved query once when it opens', async () => {
    const { changes } = setup({
      refId: 'B',
      queryType: 'metrics',
      resources: { ids: 'vm-1001' },
      statKey: 'mem|usage_average',
      rollUp: 'max',
    });
    await waitFor(() => expect(changes.length).toBeGreaterThan(0));
    expect(changes[0]).toEqual(
      metrics({
        refId: 'B',
        statKeys: ['mem|usage_average'],
        rollUp: 'MAX',
        selection: { mode: 'ids', ids: ['vm-1001'] },
      })
    );
  });

  it('switches the query type with the exact default payload and runs only runnable queries', async () => {
    const { last, onRunQuery, user } = setup(metrics());
    await user.click(screen.getByRole('radio', { name: 'Inventory' }));
    expect(last()).toEqual({ refId: 'A', queryType: 'inventory', entity: 'vms', filter: {} });
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('radio', { name: 'VM detail' }));
    expect(last()).toEqual({ refId: 'A', queryType: 'vmDetail', vms: [] });
    expect(screen.getByTestId(selectors.query.problem('vms').testId)).toHaveTextContent('Pick at least one VM.');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('keeps resources and stat keys when going from metrics to latest', async () => {
    const { last, user } = setup(metrics({ statKeys: ['mem|usage_average'] }));
    await user.click(
      within(screen.getByTestId(selectors.query.queryType.testId)).getByRole('radio', { name: 'Latest' })
    );
    expect(last()).toEqual({
      refId: 'A',
      queryType: 'latest',
      resourceKind: 'VirtualMachine',
      selection: { mode: 'ids', ids: ['vm-1001'] },
      statKeys: ['mem|usage_average'],
    });
  });

  it('shows a regex that does not compile next to the field and does not run it', async () => {
    const { last, onRunQuery, user } = setup(metrics({ selection: { mode: 'regex', regex: '' } }));
    const input = screen.getByTestId(selectors.query.selectionRegex.testId);
    await user.type(input, 'web-(');
    await user.tab();
    expect(last().queryType === 'metrics' && last()).toMatchObject({ selection: { mode: 'regex', regex: 'web-(' } });
    expect(screen.getByTestId(selectors.query.problem('selection.regex').testId)).toHaveTextContent(
      /^This regular expression does not compile: /
    );
    expect(onRunQuery).not.toHaveBeenCalled();

    await user.type(input, '\\d+)');
    await user.tab();
    expect(screen.queryByTestId(selectors.query.problem('selection.regex').testId)).not.toBeInTheDocument();
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('flags a malformed stat key and does not run it', async () => {
    const { onRunQuery, user } = setup(metrics({ statKeys: ['cpu usage'] }));
    expect(await screen.findByTestId(selectors.query.problem('statKeys').testId)).toHaveTextContent(
      'Not a stat key: cpu usage. Keys look like cpu|usage_average or net:4000|usage_average.'
    );
    await user.click(screen.getByRole('radio', { name: 'Max' }));
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('says next to the stat key picker when the catalogue cannot be loaded', async () => {
    backend = fakeBackendSrv({ ...ROUTES, statkeys: () => new Error('vROps did not answer within 30s') });
    setBackendSrv({ fetch: backend.fetch } as unknown as BackendSrv);
    setup(metrics());
    expect(await screen.findByTestId(selectors.query.problem('statKeys').testId)).toHaveTextContent(
      'Could not load stat keys: vROps did not answer within 30s'
    );
  });

  it('offers stat keys with their unit and description', async () => {
    const { last, onRunQuery, user } = setup(metrics());
    await waitFor(() => expect(screen.getByTestId(selectors.query.statKeys.testId)).toBeInTheDocument());
    await user.click(screen.getByTestId(selectors.query.statKeys.testId));
    expect(await screen.findByText('Unit: percent · Guest memory in use')).toBeInTheDocument();
    await user.click(screen.getByText('Memory Usage (mem|usage_average)'));
    expect(last()).toEqual(metrics({ statKeys: ['cpu|usage_average', 'mem|usage_average'] }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it("autocompletes the chosen VM's own stat keys, instanced ones included, and runs them", async () => {
    const { last, onRunQuery, user } = setup(metrics());
    await user.click(screen.getByTestId(selectors.query.statKeys.testId));
    expect(await screen.findByText('Network Usage (4000) (net:4000|usage_average)')).toBeInTheDocument();
    expect(screen.getByText('Unit: ms')).toBeInTheDocument();
    await user.click(screen.getByText('virtualDisk:scsi0:1|totalReadLatency_average'));
    expect(last()).toEqual(
      metrics({ statKeys: ['cpu|usage_average', 'virtualDisk:scsi0:1|totalReadLatency_average'] })
    );
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(backend.calls.filter((c) => c.url === 'statkeys/vm-1001')).toHaveLength(1);
  });

  it('runs a typed stat key that no list has', async () => {
    const { last, onRunQuery, user } = setup(metrics());
    await user.click(screen.getByTestId(selectors.query.statKeys.testId));
    await user.keyboard('guestfilesystem:/var|percentage');
    await user.click(await screen.findByText('Use this stat key'));
    expect(last()).toEqual(metrics({ statKeys: ['cpu|usage_average', 'guestfilesystem:/var|percentage'] }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('searches VMs on the backend as the person types, one page at a time', async () => {
    const { last, onRunQuery, user } = setup({ refId: 'A', queryType: 'vmDetail', vms: [] });
    await user.click(screen.getByTestId(selectors.query.vms.testId));
    await user.keyboard('web-02');
    const searches = () => backend.calls.filter((c) => c.url === 'inventory/vms').map((c) => c.params);
    await waitFor(() =>
      expect(searches()).toContainEqual({ search: 'web-02', pageSize: 50, sort: 'name', order: 'asc' })
    );
    expect(searches().every((p) => p?.pageSize === 50)).toBe(true);
    // The backend's match, described by where it runs (the typed text is offered too, as a name).
    await user.click(await screen.findByText('vm-1002 · esx-02 · Alpha · POWERED_OFF'));
    expect(last()).toEqual({ refId: 'A', queryType: 'vmDetail', vms: ['vm-1002'] });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('offers template variables in pickers', async () => {
    const { last, user } = setup({ refId: 'A', queryType: 'vmDetail', vms: [] }, { vm: ['vm-1001', 'vm-1002'] });
    await user.click(screen.getByTestId(selectors.query.vms.testId));
    await user.click(await screen.findByText('$vm'));
    expect(last()).toEqual({ refId: 'A', queryType: 'vmDetail', vms: ['$vm'] });
  });

  it('changes roll-up and interval with exact payloads; a bad interval is shown and not run', async () => {
    const { last, onRunQuery, user } = setup(metrics());
    await user.click(screen.getByRole('radio', { name: 'Max' }));
    expect(last()).toEqual(metrics({ rollUp: 'MAX' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    const interval = screen.getByTestId(selectors.query.interval.testId);
    await user.tripleClick(interval);
    await user.keyboard('1h');
    await user.tab();
    expect(last()).toEqual(metrics({ rollUp: 'MAX', interval: '1h' }));
    expect(onRunQuery).toHaveBeenCalledTimes(2);
    await user.type(interval, 'ours');
    await user.tab();
    expect(screen.getByTestId(selectors.query.problem('interval').testId)).toHaveTextContent(
      'Use auto or a duration such as 5m, 1h or 1d.'
    );
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('clears picked ids when the resource kind changes', async () => {
    const { last, user } = setup(metrics());
    await user.click(screen.getByRole('radio', { name: 'Hosts' }));
    expect(last()).toEqual(metrics({ resourceKind: 'HostSystem', selection: { mode: 'ids', ids: [] } }));
    expect(screen.getByTestId(selectors.query.problem('selection.ids').testId)).toHaveTextContent(
      'Pick at least one resource.'
    );
  });

  it('edits inventory filters, including the power state of VMs', async () => {
    const { last, user } = setup({ refId: 'A', queryType: 'inventory', entity: 'vms', filter: {} });
    await user.click(screen.getByRole('radio', { name: 'On' }));
    expect(last()).toEqual({ refId: 'A', queryType: 'inventory', entity: 'vms', filter: { powerState: 'POWERED_ON' } });
    await user.type(screen.getByTestId(selectors.query.filterNameRegex.testId), '[[');
    expect(screen.getByTestId(selectors.query.problem('filter.nameRegex').testId)).toHaveTextContent(
      /does not compile/
    );
  });

  it('says so for an unknown query type and keeps it until a type is picked', async () => {
    const { changes } = setup({ refId: 'A', queryType: 'capacityForecast' });
    expect(screen.getByTestId(selectors.query.problem('queryType').testId)).toHaveTextContent(
      'Unknown query type "capacityForecast"'
    );
    expect(changes).toEqual([]);
  });

  it('limits vROps alerts to picked VMs only once some are picked', async () => {
    const { last, onRunQuery, user } = setup({ refId: 'A', queryType: 'alerts', minLevel: 'WARNING' });
    await user.click(screen.getByRole('radio', { name: 'Critical' }));
    expect(last()).toEqual({ refId: 'A', queryType: 'alerts', minLevel: 'CRITICAL' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    await user.click(screen.getByLabelText('Only some VMs'));
    expect(last()).toEqual({
      refId: 'A',
      queryType: 'alerts',
      minLevel: 'CRITICAL',
      selection: { mode: 'ids', ids: [] },
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});
