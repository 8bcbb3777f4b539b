import { CoreApp } from '@grafana/data';
import { BackendSrv, setBackendSrv } from '@grafana/runtime';

import { fakeBackendSrv, newDataSource, Routes } from './testing/fakes';
import { MetricsQuery, VsphereQuery } from './types/query';

let backend = fakeBackendSrv({});

// Grafana's own hook for its backend service: the data source's resource calls go through it.
function useRoutes(routes: Routes) {
  backend = fakeBackendSrv(routes);
  setBackendSrv({ fetch: backend.fetch } as unknown as BackendSrv);
}

const metrics = (over: Partial<MetricsQuery> = {}): MetricsQuery => ({
  refId: 'A',
  queryType: 'metrics',
  resourceKind: 'VirtualMachine',
  selection: { mode: 'ids', ids: ['vm-1'] },
  statKeys: ['cpu|usage_average'],
  rollUp: 'AVG',
  interval: 'auto',
  ...over,
});

describe('getDefaultQuery', () => {
  it('is CPU usage of every VM under the (not yet chosen) first cluster', () => {
    expect(newDataSource().getDefaultQuery(CoreApp.PanelEditor)).toEqual({
      queryType: 'metrics',
      resourceKind: 'VirtualMachine',
      selection: { mode: 'under', parent: '' },
      statKeys: ['cpu|usage_average'],
      rollUp: 'AVG',
      interval: 'auto',
    });
  });

  it('gives each caller its own copy', () => {
    const ds = newDataSource();
    const a = ds.getDefaultQuery(CoreApp.Explore) as MetricsQuery;
    a.statKeys.push('mem|usage_average');
    expect((ds.getDefaultQuery(CoreApp.Explore) as MetricsQuery).statKeys).toEqual(['cpu|usage_average']);
  });
});

describe('applyTemplateVariables', () => {
  const ds = newDataSource({
    vm: 'vm-7',
    vms: ['vm-1', 'vm-2'],
    cluster: 'domain-c8',
    clusters: ['domain-c8', 'domain-c9'],
    stat: ['cpu|usage_average', 'mem|usage_average'],
    name: ['web.1', 'db'],
    step: '1h',
  });

  it('expands a single-value variable in an id list and keeps literals', () => {
    const out = ds.applyTemplateVariables(metrics({ selection: { mode: 'ids', ids: ['$vm', 'vm-3'] } }), {});
    expect(out).toEqual(metrics({ selection: { mode: 'ids', ids: ['vm-7', 'vm-3'] } }));
  });

  it('expands a multi-value variable into one list entry per value, without duplicates', () => {
    const out = ds.applyTemplateVariables(
      metrics({ selection: { mode: 'ids', ids: ['${vms}', 'vm-2'] }, statKeys: ['$stat'] }),
      {}
    ) as MetricsQuery;
    expect(out.selection.ids).toEqual(['vm-1', 'vm-2']);
    expect(out.statKeys).toEqual(['cpu|usage_average', 'mem|usage_average']);
  });

  it('turns a multi-value variable in a regex into an escaped alternation', () => {
    const out = ds.applyTemplateVariables(
      metrics({ selection: { mode: 'regex', regex: '^$name$' } }),
      {}
    ) as MetricsQuery;
    expect(out.selection).toEqual({ mode: 'regex', regex: '^(web\\.1|db)$' });
  });

  it('uses the first value of a multi-value variable for the single parent', () => {
    const out = ds.applyTemplateVariables(metrics({ selection: { mode: 'under', parent: '$clusters' } }), {});
    expect((out as MetricsQuery).selection).toEqual({ mode: 'under', parent: 'domain-c8' });
  });

  it('expands the interval and prefers scoped variables (repeated panels)', () => {
    const out = ds.applyTemplateVariables(metrics({ interval: '$step', selection: { mode: 'ids', ids: ['$vm'] } }), {
      vm: { text: 'other', value: 'vm-99' },
    }) as MetricsQuery;
    expect(out.interval).toBe('1h');
    expect(out.selection.ids).toEqual(['vm-99']);
  });

  it('expands inventory filters: one value stays a string, several become an array', () => {
    const q: VsphereQuery = {
      refId: 'A',
      queryType: 'inventory',
      entity: 'hosts',
      filter: { cluster: '$clusters', datacenter: '$cluster', nameRegex: '$name' },
    };
    expect(ds.applyTemplateVariables(q, {})).toEqual({
      refId: 'A',
      queryType: 'inventory',
      entity: 'hosts',
      filter: { cluster: ['domain-c8', 'domain-c9'], datacenter: 'domain-c8', nameRegex: '(web\\.1|db)' },
    });
  });

  it('expands VM lists of vmDetail, annotation and variable queries', () => {
    expect(ds.applyTemplateVariables({ refId: 'A', queryType: 'vmDetail', vms: ['$vms'] }, {})).toEqual({
      refId: 'A',
      queryType: 'vmDetail',
      vms: ['vm-1', 'vm-2'],
    });
    expect(
      ds.applyTemplateVariables(
        { refId: 'A', queryType: 'annotations', annotationKind: 'hostChanges', vms: ['$vm'] },
        {}
      )
    ).toEqual({ refId: 'A', queryType: 'annotations', annotationKind: 'hostChanges', vms: ['vm-7'] });
    expect(
      ds.applyTemplateVariables(
        { refId: 'A', queryType: 'variable', entity: 'hosts', filter: { cluster: '$cluster' } },
        {}
      )
    ).toEqual({ refId: 'A', queryType: 'variable', entity: 'hosts', filter: { cluster: 'domain-c8' } });
  });

  it('migrates an old query before expanding it', () => {
    const old = { refId: 'B', queryType: 'metrics', resources: { ids: '$vm,vm-4' }, statKey: 'cpu|usage_average' };
    expect(ds.applyTemplateVariables(old as unknown as VsphereQuery, {})).toEqual(
      metrics({ refId: 'B', selection: { mode: 'ids', ids: ['vm-7', 'vm-4'] } })
    );
  });

  it('leaves an unknown variable as written, so the backend reports it by name', () => {
    const out = ds.applyTemplateVariables(metrics({ selection: { mode: 'ids', ids: ['$nope'] } }), {});
    expect((out as MetricsQuery).selection.ids).toEqual(['$nope']);
  });
});

describe('filterQuery', () => {
  it('keeps a complete query', () => {
    expect(newDataSource().filterQuery(metrics())).toBe(true);
  });

  it.each<[string, VsphereQuery]>([
    ['an empty VM picker', { refId: 'A', queryType: 'vmDetail', vms: [] }],
    ['a regex that does not compile', metrics({ selection: { mode: 'regex', regex: 'web-(' } })],
    ['a look-ahead the Go backend refuses', metrics({ selection: { mode: 'regex', regex: '^(?!test)' } })],
    ['no stat key', metrics({ statKeys: [] })],
    ['no parent for "all under"', metrics({ selection: { mode: 'under', parent: '' } })],
    ['a bad interval', metrics({ interval: 'soon' })],
    ['an unknown query type', { refId: 'A', queryType: 'bogus' } as unknown as VsphereQuery],
  ])('drops a query with %s', (_, q) => {
    expect(newDataSource().filterQuery(q)).toBe(false);
  });

  it('checks a regex after variable expansion', () => {
    const ds = newDataSource({ broken: '(', fine: 'web' });
    expect(ds.filterQuery(metrics({ selection: { mode: 'regex', regex: '^$fine' } }))).toBe(true);
    expect(ds.filterQuery(metrics({ selection: { mode: 'regex', regex: '${broken:raw}' } }))).toBe(false);
  });

  it('runs stat keys outside the catalogue (vROps has thousands) but not malformed ones', async () => {
    useRoutes({ statkeys: [{ key: 'cpu|usage_average', name: 'CPU Usage', unit: 'percent', description: '' }] });
    const ds = newDataSource();
    await ds.getStatKeys('VirtualMachine');
    expect(ds.filterQuery(metrics({ statKeys: ['virtualDisk:scsi0:1|totalReadLatency_average'] }))).toBe(true);
    expect(ds.filterQuery(metrics({ statKeys: ['cpu|usage_avg'] }))).toBe(true);
    expect(ds.filterQuery(metrics({ statKeys: ['cpu usage'] }))).toBe(false);
  });
});

describe('resource calls', () => {
  it("asks for one resource's own stat keys once", async () => {
    useRoutes({
      'statkeys/web%2F01': (p: Record<string, unknown>) => [
        {
          key: 'net:4000|usage_average',
          name: 'Network Usage (4000)',
          unit: 'KBs',
          description: String(p.resourceKind),
        },
      ],
    });
    const ds = newDataSource();
    const [a, b] = await Promise.all([
      ds.getResourceStatKeys('VirtualMachine', 'web/01'),
      ds.getResourceStatKeys('VirtualMachine', 'web/01'),
    ]);
    expect(a).toBe(b);
    expect(a.map((k) => [k.key, k.description])).toEqual([['net:4000|usage_average', 'VirtualMachine']]);
    expect(backend.calls).toEqual([
      { url: 'statkeys/web%2F01', method: 'GET', params: { resourceKind: 'VirtualMachine' } },
    ]);
  });

  it('asks for stat keys once per resource kind', async () => {
    useRoutes({
      statkeys: (p: Record<string, unknown>) => [{ key: `${p.resourceKind}|k`, name: 'k', unit: '', description: '' }],
    });
    const ds = newDataSource();
    await Promise.all([ds.getStatKeys('HostSystem'), ds.getStatKeys('HostSystem')]);
    const keys = await ds.getStatKeys('HostSystem');
    expect(keys.map((k) => k.key)).toEqual(['HostSystem|k']);
    expect(backend.calls).toEqual([{ url: 'statkeys', method: 'GET', params: { resourceKind: 'HostSystem' } }]);
  });

  it('retries a stat key catalogue that failed to load', async () => {
    let fail = true;
    useRoutes({ statkeys: () => (fail ? new Error('vROps is down') : []) });
    const ds = newDataSource();
    await expect(ds.getStatKeys('Datastore')).rejects.toMatchObject({ data: { message: 'vROps is down' } });
    fail = false;
    await expect(ds.getStatKeys('Datastore')).resolves.toEqual([]);
  });

  it('searches the inventory one page at a time and remembers names for pickers', async () => {
    useRoutes({ 'inventory/vms': { items: [{ id: 'vm-1', name: 'web-1' }], total: 10000, page: 1, pageSize: 50 } });
    const ds = newDataSource();
    const page = await ds.searchInventory('vms', { search: 'web', cluster: '' });
    expect(page.total).toBe(10000);
    expect(backend.calls[0]).toEqual({
      url: 'inventory/vms',
      method: 'GET',
      params: { pageSize: 50, sort: 'name', order: 'asc', search: 'web' },
    });
    expect(ds.nameOf('vm-1')).toBe('web-1');
  });

  it('finds the first cluster by name with a one-item page', async () => {
    useRoutes({
      'inventory/clusters': { items: [{ id: 'domain-c8', name: 'Alpha' }], total: 3, page: 1, pageSize: 1 },
    });
    await expect(newDataSource().firstCluster()).resolves.toEqual({ id: 'domain-c8', name: 'Alpha' });
    expect(backend.calls[0].params).toEqual({ pageSize: 1, sort: 'name', order: 'asc' });
  });
});
