import React, { useState } from 'react';
import { Link } from 'react-router-dom';
import { Field, Icon, Input, LinkButton, Pagination, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { usePermission } from '../components/AppContext';
import { AppPage, Empty, ErrorState, getStyles, Loading, PowerBadge } from '../components/common';
import { formatMiB } from '../components/format';
import { useAsync, useDebounced } from '../components/hooks';
import { PowerActions } from '../components/PowerActions';
import { prefixRoute, ROUTES, vmUrl } from '../constants';
import { selectors } from '../selectors';
import { PowerState } from '../types';

/** Page size of the VM table; the backend pages, so 10,000 VMs cost one page per view. */
export const VM_PAGE_SIZE = 50;

type SortKey = 'name' | 'powerState' | 'cpuCount' | 'memoryMiB' | 'hostName';

const columns: Array<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Name' },
  { key: 'powerState', label: 'Power' },
  { key: 'cpuCount', label: 'CPUs' },
  { key: 'memoryMiB', label: 'Memory' },
  { key: 'hostName', label: 'Host' },
];

const powerFilters: Array<{ label: string; value: PowerState | '' }> = [
  { label: 'All', value: '' },
  { label: 'On', value: 'POWERED_ON' },
  { label: 'Off', value: 'POWERED_OFF' },
  { label: 'Suspended', value: 'SUSPENDED' },
];

function VmTable({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const [search, setSearch] = useState('');
  const [powerState, setPowerState] = useState<PowerState | ''>('');
  const [sort, setSort] = useState<SortKey>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(1);
  const term = useDebounced(search.trim(), 300);

  const list = useAsync(
    () => client.vms({ search: term, powerState, sort, order, page, pageSize: VM_PAGE_SIZE }),
    [client, term, powerState, sort, order, page]
  );

  const toggleSort = (key: SortKey) => {
    if (key === sort) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setSort(key);
      setOrder('asc');
    }
    setPage(1);
  };

  const data = list.value;
  const pages = data ? Math.max(1, Math.ceil(data.total / (data.pageSize || VM_PAGE_SIZE))) : 1;

  return (
    <div data-testid={selectors.vmList.container}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Search" description="Name, IP address or guest OS">
          <Input
            width={40}
            prefix={<Icon name="search" />}
            aria-label="Search VMs"
            data-testid={selectors.vmList.search}
            placeholder="e.g. web-01"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              setPage(1);
            }}
          />
        </Field>
        <Field label="Power state">
          <div data-testid={selectors.vmList.powerFilter}>
            <RadioButtonGroup
              options={powerFilters}
              value={powerState}
              onChange={(v) => {
                setPowerState(v);
                setPage(1);
              }}
            />
          </div>
        </Field>
      </Stack>
      {list.error ? (
        <ErrorState title="Could not load the VMs" error={list.error} onRetry={list.reload} />
      ) : !data ? (
        <Loading text="Loading VMs…" />
      ) : data.items.length === 0 ? (
        <Empty message={term || powerState ? 'No VM matches these filters' : 'This vCenter has no VMs yet'} />
      ) : (
        <>
          <p className={styles.muted} data-testid={selectors.vmList.total} aria-live="polite">
            {data.total.toLocaleString('en-US')} VMs{list.loading ? ' · updating…' : ''}
          </p>
          <table className={styles.table} data-testid={selectors.vmList.table} aria-label="Virtual machines">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} aria-sort={sort === c.key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button
                      type="button"
                      className={styles.sortButton}
                      data-testid={selectors.vmList.sort(c.key)}
                      onClick={() => toggleSort(c.key)}
                    >
                      {c.label}
                      {sort === c.key && <Icon name={order === 'asc' ? 'arrow-up' : 'arrow-down'} size="sm" />}
                    </button>
                  </th>
                ))}
                <th>Cluster</th>
                <th>Guest OS</th>
                <th>IP</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((vm) => (
                <tr key={vm.id} data-testid={selectors.vmList.row(vm.id)}>
                  <td>
                    <Link className={styles.link} to={vmUrl(vm.id)}>
                      {vm.name}
                    </Link>
                  </td>
                  <td>
                    <PowerBadge state={vm.powerState} />
                  </td>
                  <td>{vm.cpuCount}</td>
                  <td>{formatMiB(vm.memoryMiB)}</td>
                  <td>{vm.hostName || vm.host}</td>
                  <td>{vm.clusterName || vm.cluster || '—'}</td>
                  <td>{vm.guestOS}</td>
                  <td>{vm.ip ?? '—'}</td>
                  <td>
                    <PowerActions client={client} vm={vm} actions={['start', 'stop']} size="sm" onDone={list.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 && <Pagination currentPage={page} numberOfPages={pages} onNavigate={setPage} />}
        </>
      )}
    </div>
  );
}

/** Virtual machines: searchable, sortable, server-paged table with quick power actions. */
export default function VmList() {
  const create = usePermission('create');
  return (
    <AppPage
      actions={
        create.allowed ? (
          <LinkButton icon="plus" href={prefixRoute(ROUTES.CreateVm)} data-testid={selectors.vmList.create}>
            Create VM
          </LinkButton>
        ) : undefined
      }
    >
      {(client) => <VmTable client={client} />}
    </AppPage>
  );
}
