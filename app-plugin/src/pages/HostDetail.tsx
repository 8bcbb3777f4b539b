import React, { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Pagination, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { AppPage } from '../components/AppPage';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { getStyles } from '../components/styles';
import { Loading } from '../components/Loading';
import { PowerBadge } from '../components/PowerBadge';
import { formatMiB } from '../components/format';
import { useAsync } from '../components/hooks';
import { UsageCharts } from '../components/UsageCharts';
import { DataTable } from '../components/DataTable';
import { enumText } from '../components/labels';
import { vmUrl } from '../constants';
import { selectors } from '../selectors';

function HostBody({ client, id }: { client: VsphereClient; id: string }) {
  const styles = useStyles2(getStyles);
  const [page, setPage] = useState(1);
  const vms = useAsync(() => client.vms({ host: id, page, pageSize: 50, sort: 'name' }), [client, id, page]);
  const pages = vms.value ? Math.max(1, Math.ceil(vms.value.total / 50)) : 1;
  // The inventory search also matches ids, which gives the host's name and state.
  const host = useAsync(() => client.hosts({ search: id, pageSize: 20 }), [client, id]);
  const record = host.value?.items.find((h) => h.id === id);
  const hostName = record?.name ?? vms.value?.items[0]?.hostName ?? 'Host';
  return (
    <div data-testid={selectors.hostDetail.container}>
      <h2>
        {hostName} <span className={styles.secondary}>{id}</span>
      </h2>
      {record && (
        <p className={styles.muted}>
          {enumText(record.connectionState)} · {enumText(record.powerState)} · cluster {record.clusterName ?? '—'} ·{' '}
          {record.vmCount ?? 0} VMs
        </p>
      )}
      <UsageCharts uid={client.uid} kind="HostSystem" id={id} />
      <section className={styles.section}>
        <h3>VMs on this host</h3>
        {vms.error ? (
          <ErrorState title="Could not load the VMs of this host" error={vms.error} onRetry={vms.reload} />
        ) : !vms.value ? (
          <Loading text="Loading VMs…" />
        ) : vms.value.items.length === 0 ? (
          <Empty message="No VM runs on this host" />
        ) : (
          <>
            <DataTable
              label="VMs on this host"
              rows={vms.value.items}
              rowKey={(vm) => vm.id}
              columns={[
                {
                  id: 'name',
                  header: 'Name',
                  cell: (vm) => (
                    <Link className={styles.link} to={vmUrl(vm.id)}>
                      {vm.name}
                    </Link>
                  ),
                },
                { id: 'power', header: 'Power', cell: (vm) => <PowerBadge state={vm.powerState} /> },
                { id: 'cpus', header: 'CPUs', numeric: true, cell: (vm) => vm.cpuCount },
                { id: 'memory', header: 'Memory', numeric: true, cell: (vm) => formatMiB(vm.memoryMiB) },
              ]}
            />
            {pages > 1 && <Pagination currentPage={page} numberOfPages={pages} onNavigate={setPage} />}
          </>
        )}
      </section>
    </div>
  );
}

/** A host: its CPU and memory charts and its VMs. */
export default function HostDetail() {
  const { id = '' } = useParams();
  return <AppPage>{(client) => <HostBody client={client} id={id} />}</AppPage>;
}
