import React, { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Field, Icon, Input, LinkButton, Pagination, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { ApiError, InventoryParams, VsphereClient } from '../api/client';
import { AppPage } from '../components/AppPage';
import { usePermission } from '../components/AppContext';
import { Column, DataTable } from '../components/DataTable';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { formatMiB } from '../components/format';
import { useAsync, useDebounced } from '../components/hooks';
import { guestOsText } from '../components/labels';
import { Loading } from '../components/Loading';
import { PowerActions } from '../components/PowerActions';
import { PowerBadge } from '../components/PowerBadge';
import { getStyles } from '../components/styles';
import { UsagePercent } from '../components/UsagePercent';
import { useGuestOsNames } from '../components/useGuestOsNames';
import { useUrlState } from '../components/useUrlState';
import { prefixRoute, ROUTES, vmUrl } from '../constants';
import { selectors } from '../selectors';
import { Page, PowerState, VmSummary } from '../types';

/** Page size of the VM table; the backend pages, so 10,000 VMs cost one page per view. */
export const VM_PAGE_SIZE = 50;

/** Sort keys the resource API accepts for VMs (`cpu` and `memory` sort by latest usage). */
export const VM_SORT_KEYS = ['name', 'powerState', 'cpuCount', 'memoryMiB', 'host', 'cpu', 'memory'];

const powerFilters: Array<{ label: string; value: PowerState | '' }> = [
  { label: 'All', value: '' },
  { label: 'On', value: 'POWERED_ON' },
  { label: 'Off', value: 'POWERED_OFF' },
  { label: 'Suspended', value: 'SUSPENDED' },
];

/** A page of VMs plus whether the backend refused to sort by usage (older backends). */
interface VmPage extends Page<VmSummary> {
  usageSortUnsupported?: boolean;
}

/**
 * Loads a page; when the backend refuses the usage sort (`bad_request`: a data source that does
 * not know `sort=cpu|memory` yet) the page is loaded by name instead and says so.
 */
export async function loadVmPage(client: VsphereClient, p: InventoryParams): Promise<VmPage> {
  try {
    return await client.vms(p);
  } catch (e) {
    if ((p.sort === 'cpu' || p.sort === 'memory') && e instanceof ApiError && e.code === 'bad_request') {
      return { ...(await client.vms({ ...p, sort: 'name', order: 'asc' })), usageSortUnsupported: true };
    }
    throw e;
  }
}

function VmTable({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const [url, setUrl] = useUrlState({ q: '', power: '', sort: 'name', order: 'asc', page: '1' });
  const powerState = (powerFilters.some((f) => f.value === url.power) ? url.power : '') as PowerState | '';
  const sort = VM_SORT_KEYS.includes(url.sort) ? url.sort : 'name';
  const order = url.order === 'desc' ? 'desc' : 'asc';
  const page = Math.max(1, Number(url.page) || 1);
  const term = useDebounced(url.q.trim(), 300);
  const osNames = useGuestOsNames(client);

  const list = useAsync(
    () => loadVmPage(client, { search: term, powerState, sort, order, page, pageSize: VM_PAGE_SIZE }),
    [client, term, powerState, sort, order, page]
  );

  const toggleSort = (key: string) => {
    if (key === sort) {
      setUrl({ order: order === 'asc' ? 'desc' : 'asc', page: '1' });
    } else {
      // Usage is most useful busiest first.
      setUrl({ sort: key, order: key === 'cpu' || key === 'memory' ? 'desc' : 'asc', page: '1' });
    }
  };

  // Power answers shown at once in their rows, for the page they were made on.
  const [fresh, setFresh] = useState<{ base?: VmPage; byId: Record<string, Partial<VmSummary>> }>({ byId: {} });
  const loaded = list.value;
  const data =
    loaded && fresh.base === loaded
      ? { ...loaded, items: loaded.items.map((vm) => ({ ...vm, ...fresh.byId[vm.id] })) }
      : loaded;
  const applyFresh = (id: string, patch: Partial<VmSummary>) =>
    setFresh((f) => ({ base: loaded, byId: { ...(f.base === loaded ? f.byId : {}), [id]: patch } }));
  const pages = data ? Math.max(1, Math.ceil(data.total / (data.pageSize || VM_PAGE_SIZE))) : 1;
  const columns: Array<Column<VmSummary>> = [
    {
      id: 'name',
      header: 'Name',
      sortable: true,
      cell: (vm) => (
        <Link className={styles.link} to={vmUrl(vm.id)}>
          {vm.name}
        </Link>
      ),
    },
    { id: 'powerState', header: 'Power', sortable: true, cell: (vm) => <PowerBadge state={vm.powerState} /> },
    { id: 'cpuCount', header: 'CPUs', sortable: true, numeric: true, cell: (vm) => vm.cpuCount },
    {
      id: 'cpu',
      header: 'CPU usage',
      sortable: true,
      numeric: true,
      cell: (vm) => <UsagePercent pct={vm.cpuUsagePercent} label={`CPU usage of ${vm.name}`} />,
    },
    { id: 'memoryMiB', header: 'Memory', sortable: true, numeric: true, cell: (vm) => formatMiB(vm.memoryMiB) },
    {
      id: 'memory',
      header: 'Memory usage',
      sortable: true,
      numeric: true,
      cell: (vm) => <UsagePercent pct={vm.memUsagePercent} label={`Memory usage of ${vm.name}`} />,
    },
    { id: 'host', header: 'Host', sortable: true, cell: (vm) => vm.hostName || '—' },
    { id: 'cluster', header: 'Cluster', cell: (vm) => vm.clusterName || '—' },
    { id: 'guestOS', header: 'Guest OS', cell: (vm) => vm.guestOSName || guestOsText(vm.guestOS, osNames) },
    { id: 'ip', header: 'IP', cell: (vm) => vm.ip || '—' },
    {
      id: 'actions',
      header: 'Actions',
      cell: (vm) => (
        <PowerActions
          client={client}
          vm={vm}
          actions={['start', 'stop']}
          size="sm"
          onDone={(answer) => (answer ? applyFresh(vm.id, answer) : list.reload())}
        />
      ),
    },
  ];

  return (
    <div data-testid={selectors.vmList.container}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Search" description="Part of the VM name or id">
          <Input
            width={40}
            prefix={<Icon name="search" />}
            aria-label="Search VMs"
            data-testid={selectors.vmList.search}
            placeholder="e.g. web-01"
            value={url.q}
            onChange={(e) => setUrl({ q: e.currentTarget.value, page: '1' })}
          />
        </Field>
        <Field label="Power state">
          <div data-testid={selectors.vmList.powerFilter}>
            <RadioButtonGroup
              options={powerFilters}
              value={powerState}
              onChange={(v) => setUrl({ power: v, page: '1' })}
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
          {data.usageSortUnsupported && (
            <Alert severity="info" title="Sorted by name">
              This data source cannot sort VMs by usage yet; update the vSphere (PrivateCloud) data source plugin.
            </Alert>
          )}
          <p className={styles.muted} data-testid={selectors.vmList.total} aria-live="polite">
            {data.total.toLocaleString('en-US')} VMs{list.loading ? ' · updating…' : ''}
          </p>
          <DataTable
            label="Virtual machines"
            testId={selectors.vmList.table}
            columns={columns}
            rows={data.items}
            rowKey={(vm) => vm.id}
            rowTestId={(vm) => selectors.vmList.row(vm.id)}
            sort={{ by: data.usageSortUnsupported ? 'name' : sort, order: data.usageSortUnsupported ? 'asc' : order }}
            onSort={toggleSort}
            sortTestId={selectors.vmList.sort}
          />
          {pages > 1 && (
            <Pagination currentPage={page} numberOfPages={pages} onNavigate={(p) => setUrl({ page: String(p) })} />
          )}
        </>
      )}
    </div>
  );
}

/** Virtual machines: searchable, sortable, server-paged table with quick power actions. */
export default function VmList() {
  const create = usePermission('create');
  const clone = usePermission('clone');
  return (
    <AppPage
      actions={
        create.allowed || clone.allowed ? (
          <LinkButton
            icon="plus"
            // A role that may clone but not create starts on Clone from VM.
            href={`${prefixRoute(ROUTES.CreateVm)}${create.allowed ? '' : '?how=clone'}`}
            data-testid={selectors.vmList.create}
          >
            New VM
          </LinkButton>
        ) : undefined
      }
    >
      {(client) => <VmTable client={client} />}
    </AppPage>
  );
}
