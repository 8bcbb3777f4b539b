import React, { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Pagination, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { AppPage, Empty, ErrorState, getStyles, Loading, PowerBadge } from '../components/common';
import { formatMiB } from '../components/format';
import { useAsync } from '../components/hooks';
import { UsageCharts } from '../components/UsageCharts';
import { vmUrl } from '../constants';
import { selectors } from '../selectors';

function HostBody({ client, id }: { client: VsphereClient; id: string }) {
  const styles = useStyles2(getStyles);
  const [page, setPage] = useState(1);
  const vms = useAsync(() => client.vms({ host: id, page, pageSize: 50, sort: 'name' }), [client, id, page]);
  const pages = vms.value ? Math.max(1, Math.ceil(vms.value.total / 50)) : 1;
  const hostName = vms.value?.items[0]?.hostName ?? id;
  return (
    <div data-testid={selectors.hostDetail.container}>
      <h2>{hostName}</h2>
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
            <table className={styles.table} aria-label="VMs on this host">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Power</th>
                  <th>CPUs</th>
                  <th>Memory</th>
                </tr>
              </thead>
              <tbody>
                {vms.value.items.map((vm) => (
                  <tr key={vm.id}>
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
                  </tr>
                ))}
              </tbody>
            </table>
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
