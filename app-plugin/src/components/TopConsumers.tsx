import React from 'react';
import { Link } from 'react-router-dom';
import { Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { prefixRoute, ROUTES, vmUrl } from '../constants';
import { selectors } from '../selectors';
import { VmSummary } from '../types';
import { DataTable } from './DataTable';
import { ErrorState } from './ErrorState';
import { useAsync } from './hooks';
import { Loading } from './Loading';
import { getStyles } from './styles';
import { USAGE_CRITICAL, USAGE_WARNING } from './thresholds';
import { UsagePercent } from './UsagePercent';

/** How many VMs each list shows. */
export const TOP_N = 10;

type Kind = 'cpu' | 'memory';
const pctOf = (vm: VmSummary, kind: Kind) => (kind === 'cpu' ? vm.cpuUsagePercent : vm.memUsagePercent);

/**
 * The ten busiest VMs by CPU and by memory, from `GET inventory/vms?sort=cpu|memory&order=desc`
 * (the backend sorts across every VM). A backend without usage figures refuses the sort or sends
 * VMs without them: then the panel says so instead of showing a wrong list.
 */
async function loadTop(client: VsphereClient, kind: Kind): Promise<VmSummary[] | undefined> {
  try {
    const page = await client.vms({ sort: kind, order: 'desc', pageSize: TOP_N, page: 1 });
    return page.items.some((vm) => pctOf(vm, kind) !== undefined) ? page.items : undefined;
  } catch (e) {
    if ((e as { code?: string }).code === 'bad_request') {
      return undefined;
    }
    throw e;
  }
}

function TopList({ client, kind }: { client: VsphereClient; kind: Kind }) {
  const styles = useStyles2(getStyles);
  const what = kind === 'cpu' ? 'CPU' : 'Memory';
  const word = kind === 'cpu' ? 'CPU' : 'memory';
  const top = useAsync(() => loadTop(client, kind), [client, kind]);
  return (
    <div data-testid={selectors.overview.top(kind)}>
      <Stack direction="row" justifyContent="space-between" alignItems="baseline">
        <h4>By {word}</h4>
        <Link className={styles.link} to={`${prefixRoute(ROUTES.Vms)}?sort=${kind}&order=desc`}>
          All VMs by {word}
        </Link>
      </Stack>
      {top.error ? (
        <ErrorState title={`Could not load the top VMs by ${word}`} error={top.error} onRetry={top.reload} />
      ) : top.loading && !top.value ? (
        <Loading text="Loading the busiest VMs…" />
      ) : !top.value ? (
        <p className={styles.muted}>
          This data source does not report VM usage yet (it needs a plugin version that sorts VMs by usage).
        </p>
      ) : (
        <DataTable
          label={`Top ${TOP_N} VMs by ${word}`}
          rows={top.value}
          rowKey={(vm) => vm.id}
          columns={[
            {
              id: 'name',
              header: 'VM',
              cell: (vm) => (
                <Link className={styles.link} to={vmUrl(vm.id)}>
                  {vm.name}
                </Link>
              ),
            },
            { id: 'host', header: 'Host', cell: (vm) => vm.hostName || '—' },
            {
              id: 'usage',
              header: `${what} usage`,
              numeric: true,
              cell: (vm) => <UsagePercent pct={pctOf(vm, kind)} label={`${what} usage of ${vm.name}`} />,
            },
          ]}
        />
      )}
    </div>
  );
}

/** Overview panel: the top consumers by CPU and memory, with the alert rules' levels. */
export function TopConsumers({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.section} aria-label="Top consumers">
      <h3>Top consumers</h3>
      <p className={styles.muted}>
        Latest vROps usage; warning from {USAGE_WARNING} %, critical from {USAGE_CRITICAL} % (the alert rules&apos;
        levels).
      </p>
      <div className={styles.grid}>
        <TopList client={client} kind="cpu" />
        <TopList client={client} kind="memory" />
      </div>
    </section>
  );
}
