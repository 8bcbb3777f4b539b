import React from 'react';
import { Field, Icon, Input, Pagination, RadioButtonGroup, Stack } from '@grafana/ui';
import { ApiError, VsphereClient } from '../api/client';
import { AppPage } from '../components/AppPage';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { useAsync, useDebounced } from '../components/hooks';
import { HostMetricsWarning, HostsTable } from '../components/HostUsage';
import { Loading } from '../components/Loading';
import { useUrlState } from '../components/useUrlState';
import { selectors } from '../selectors';
import { HostSummary } from '../types';

const PAGE_SIZE = 50;
const SORT_KEYS = ['name', 'cpu', 'memory'];
const states = [
  { label: 'All', value: '' },
  { label: 'Connected', value: 'CONNECTED' },
  { label: 'Disconnected', value: 'DISCONNECTED' },
  { label: 'Not responding', value: 'NOT_RESPONDING' },
];

/** Hosts in the given order; by usage, unknown figures last (the same order the backend uses). */
export function sortHosts(hosts: HostSummary[], by: string, order: 'asc' | 'desc'): HostSummary[] {
  const key = (h: HostSummary) => (by === 'cpu' ? h.cpuUsagePct : by === 'memory' ? h.memoryUsagePct : undefined);
  const dir = order === 'asc' ? 1 : -1;
  return [...hosts].sort((a, b) => {
    if (by === 'name') {
      return dir * a.name.localeCompare(b.name);
    }
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined || kb === undefined) {
      return ka === kb ? a.name.localeCompare(b.name) : ka === undefined ? 1 : -1;
    }
    return dir * (ka - kb) || a.name.localeCompare(b.name);
  });
}

function HostTable({ client }: { client: VsphereClient }) {
  const [url, setUrl] = useUrlState({ q: '', state: '', sort: 'name', order: 'asc', page: '1' });
  const sort = SORT_KEYS.includes(url.sort) ? url.sort : 'name';
  const order = url.order === 'desc' ? 'desc' : 'asc';
  const page = Math.max(1, Number(url.page) || 1);
  const term = useDebounced(url.q.trim(), 300);
  // The resource API searches and sorts hosts but has no connection-state filter, so the page asks
  // for every match at once (a vCenter has hundreds of hosts at most; the API allows 1,000 per
  // page) and filters and pages them here, which keeps the filter correct across pages. A backend
  // that cannot sort by usage (`bad_request`) is asked by name and the page sorts what it got.
  const list = useAsync(async () => {
    const p = { search: term, page: 1, pageSize: 1000, sort, order } as const;
    try {
      return await client.hosts(p);
    } catch (e) {
      if (sort !== 'name' && e instanceof ApiError && e.code === 'bad_request') {
        return client.hosts({ ...p, sort: 'name', order: 'asc' });
      }
      throw e;
    }
  }, [client, term, sort, order]);
  const matching = sortHosts(
    (list.value?.items ?? []).filter((h) => !url.state || h.connectionState === url.state),
    sort,
    order
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const items = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const toggleSort = (key: string) =>
    key === sort
      ? setUrl({ order: order === 'asc' ? 'desc' : 'asc', page: '1' })
      : setUrl({ sort: key, order: key === 'name' ? 'asc' : 'desc', page: '1' });
  return (
    <div data-testid={selectors.hosts.container}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Search">
          <Input
            width={40}
            prefix={<Icon name="search" />}
            aria-label="Search hosts"
            data-testid={selectors.hosts.search}
            value={url.q}
            onChange={(e) => setUrl({ q: e.currentTarget.value, page: '1' })}
          />
        </Field>
        <Field label="Connection state">
          <RadioButtonGroup options={states} value={url.state} onChange={(v) => setUrl({ state: v, page: '1' })} />
        </Field>
      </Stack>
      {list.error ? (
        <ErrorState title="Could not load the hosts" error={list.error} onRetry={list.reload} />
      ) : !list.value ? (
        <Loading text="Loading hosts…" />
      ) : items.length === 0 ? (
        <Empty message={term || url.state ? 'No host matches these filters' : 'This vCenter has no hosts'} />
      ) : (
        <>
          <HostMetricsWarning message={list.value.metricsError} />
          <HostsTable
            hosts={items}
            showCluster
            rowTestId={selectors.hosts.row}
            sort={{ by: sort, order }}
            onSort={toggleSort}
          />
          {pages > 1 && (
            <Pagination currentPage={page} numberOfPages={pages} onNavigate={(p) => setUrl({ page: String(p) })} />
          )}
        </>
      )}
    </div>
  );
}

/** Hosts: searchable table with a connection-state filter. */
export default function Hosts() {
  return <AppPage>{(client) => <HostTable client={client} />}</AppPage>;
}
