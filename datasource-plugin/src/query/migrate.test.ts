import { migrateQuery } from './migrate';
import { VsphereQuery } from '../types/query';

const m = (q: object) => migrateQuery(q as VsphereQuery);

describe('migrateQuery', () => {
  it('returns a current query unchanged and by identity', () => {
    const q: VsphereQuery = {
      refId: 'A',
      queryType: 'metrics',
      resourceKind: 'HostSystem',
      selection: { mode: 'regex', regex: '^esx' },
      statKeys: ['mem|usage_average'],
      rollUp: 'MAX',
      interval: '1h',
    };
    expect(migrateQuery(q)).toBe(q);
  });

  it('turns the scaffold query and a query without type into the default metrics query', () => {
    expect(m({ refId: 'A', queryText: 'x', constant: 6.5 })).toEqual({
      refId: 'A',
      queryType: 'metrics',
      resourceKind: 'VirtualMachine',
      selection: { mode: 'under', parent: '' },
      statKeys: ['cpu|usage_average'],
      rollUp: 'AVG',
      interval: 'auto',
    });
  });

  it('reads the draft name `resources`, a bare `statKey`, lower-case roll-ups and short kinds', () => {
    expect(
      m({
        refId: 'B',
        queryType: 'metrics',
        resourceKind: 'host',
        resources: { ids: ['host-1'] },
        statKey: 'cpu|usage_average',
        rollUp: 'max',
        interval: '',
      })
    ).toEqual({
      refId: 'B',
      queryType: 'metrics',
      resourceKind: 'HostSystem',
      selection: { mode: 'ids', ids: ['host-1'] },
      statKeys: ['cpu|usage_average'],
      rollUp: 'MAX',
      interval: 'auto',
    });
  });

  it('splits comma-separated lists and infers the selection mode', () => {
    expect(
      m({
        refId: 'C',
        queryType: 'latest',
        selection: { regex: '^db' },
        statKeys: 'cpu|usage_average, mem|usage_average',
      })
    ).toEqual({
      refId: 'C',
      queryType: 'latest',
      resourceKind: 'VirtualMachine',
      selection: { mode: 'regex', regex: '^db' },
      statKeys: ['cpu|usage_average', 'mem|usage_average'],
    });
    expect(m({ refId: 'D', queryType: 'vmDetail', vms: 'vm-1, vm-2,' })).toEqual({
      refId: 'D',
      queryType: 'vmDetail',
      vms: ['vm-1', 'vm-2'],
    });
  });

  it('fills a partial inventory query and maps singular entities', () => {
    expect(
      m({ refId: 'E', queryType: 'inventory', entity: 'host', filter: { cluster: ['a', 'b'], bogus: 1 } })
    ).toEqual({
      refId: 'E',
      queryType: 'inventory',
      entity: 'hosts',
      filter: { cluster: ['a', 'b'] },
    });
  });

  it('refuses folder and resource pool variables, which the contract does not offer', () => {
    expect(m({ refId: 'V', queryType: 'variable', entity: 'folders' })).toEqual({
      refId: 'V',
      queryType: 'variable',
      entity: 'vms',
      filter: {},
    });
  });

  it('normalises alert levels and keeps an alert query without selection free of one', () => {
    expect(m({ refId: 'F', queryType: 'alerts', minLevel: 'information' })).toEqual({
      refId: 'F',
      queryType: 'alerts',
      minLevel: 'INFO',
    });
    expect(m({ refId: 'F', queryType: 'alerts', minLevel: 'critical', selection: { ids: ['vm-1'] } })).toEqual({
      refId: 'F',
      queryType: 'alerts',
      minLevel: 'CRITICAL',
      selection: { mode: 'ids', ids: ['vm-1'] },
    });
  });

  it('keeps an unknown query type as saved so nothing is lost', () => {
    const q = { refId: 'G', queryType: 'capacityForecast', horizon: '30d' };
    expect(m(q)).toBe(q);
  });

  it('is idempotent', () => {
    const once = m({ refId: 'H', queryType: 'annotations', vms: 'vm-1' });
    expect(once).toEqual({ refId: 'H', queryType: 'annotations', annotationKind: 'hostChanges', vms: ['vm-1'] });
    expect(migrateQuery(once)).toBe(once);
  });
});
