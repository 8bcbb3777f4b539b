import React, { useState } from 'react';
import { Field, Icon, Input, Pagination, RadioButtonGroup, Stack } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { AppPage, Empty, ErrorState, Loading } from '../components/common';
import { useAsync, useDebounced } from '../components/hooks';
import { HostMetricsWarning, HostsTable } from '../components/HostUsage';
import { selectors } from '../selectors';

const PAGE_SIZE = 50;
const states = [
  { label: 'All', value: '' },
  { label: 'Connected', value: 'CONNECTED' },
  { label: 'Disconnected', value: 'DISCONNECTED' },
  { label: 'Not responding', value: 'NOT_RESPONDING' },
];

function HostTable({ client }: { client: VsphereClient }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const [page, setPage] = useState(1);
  const term = useDebounced(search.trim(), 300);
  // The resource API searches hosts but has no connection-state filter, so the page asks for
  // every match at once (a vCenter has hundreds of hosts at most; the API allows 1,000 per page)
  // and filters and pages them here, which keeps the filter correct across pages.
  const list = useAsync(() => client.hosts({ search: term, page: 1, pageSize: 1000, sort: 'name' }), [client, term]);
  const matching = (list.value?.items ?? []).filter((h) => !state || h.connectionState === state);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const items = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return (
    <div data-testid={selectors.hosts.container}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Search">
          <Input
            width={40}
            prefix={<Icon name="search" />}
            aria-label="Search hosts"
            data-testid={selectors.hosts.search}
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              setPage(1);
            }}
          />
        </Field>
        <Field label="Connection state">
          <RadioButtonGroup
            options={states}
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
          />
        </Field>
      </Stack>
      {list.error ? (
        <ErrorState title="Could not load the hosts" error={list.error} onRetry={list.reload} />
      ) : !list.value ? (
        <Loading text="Loading hosts…" />
      ) : items.length === 0 ? (
        <Empty message={term || state ? 'No host matches these filters' : 'This vCenter has no hosts'} />
      ) : (
        <>
          <HostMetricsWarning message={list.value.metricsError} />
          <HostsTable hosts={items} showCluster rowTestId={selectors.hosts.row} />
          {pages > 1 && <Pagination currentPage={page} numberOfPages={pages} onNavigate={setPage} />}
        </>
      )}
    </div>
  );
}

/** Hosts: searchable table with a connection-state filter. */
export default function Hosts() {
  return <AppPage>{(client) => <HostTable client={client} />}</AppPage>;
}
