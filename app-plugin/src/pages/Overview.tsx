import React from 'react';
import { Link } from 'react-router-dom';
import { Badge, useStyles2 } from '@grafana/ui';
import { queryAlerts, VsphereClient } from '../api/client';
import { AppPage } from '../components/AppPage';
import { ErrorState } from '../components/ErrorState';
import { getStyles } from '../components/styles';
import { Loading } from '../components/Loading';
import { formatBytes, formatTime } from '../components/format';
import { useAsync } from '../components/hooks';
import { HostMetricsWarning, HostsTable } from '../components/HostUsage';
import { DataTable } from '../components/DataTable';
import { enumText } from '../components/labels';
import { TopConsumers } from '../components/TopConsumers';
import { hostUrl, prefixRoute, ROUTES, vmUrl } from '../constants';
import { selectors } from '../selectors';
import { PowerState } from '../types';

const POWER: PowerState[] = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];

async function loadOverview(client: VsphereClient) {
  const [clusters, hosts, datastores, ...counts] = await Promise.all([
    client.clusters({ pageSize: 200, sort: 'name' }),
    client.hosts({ pageSize: 200, sort: 'name' }),
    client.datastores({ pageSize: 200, sort: 'name' }),
    // One-row pages: only the totals are needed, so 10,000 VMs cost three tiny answers.
    ...POWER.map((p) => client.vms({ powerState: p, pageSize: 1 })),
  ]);
  return { clusters, hosts, datastores, counts: counts.map((c) => c.total) };
}

function Body({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const data = useAsync(() => loadOverview(client), [client]);
  if (data.error) {
    return <ErrorState title="Could not load the vCenter overview" error={data.error} onRetry={data.reload} />;
  }
  if (!data.value) {
    return <Loading text="Loading the vCenter overview…" />;
  }
  const { clusters, hosts, datastores, counts } = data.value;
  const labels = ['Powered on', 'Powered off', 'Suspended'];
  return (
    <div data-testid={selectors.overview.container} className={styles.page}>
      <div className={styles.grid}>
        {counts.map((n, i) => (
          <section key={labels[i]} className={styles.section} aria-label={`${labels[i]} VMs`}>
            <div className={styles.muted}>{labels[i]} VMs</div>
            <Link className={styles.stat} to={`${prefixRoute(ROUTES.Vms)}?power=${POWER[i]}`}>
              {n.toLocaleString('en-US')}
            </Link>
          </section>
        ))}
      </div>
      <Alerts uid={client.uid} />
      <TopConsumers client={client} />
      <section className={styles.section}>
        <h3>Clusters</h3>
        <DataTable
          label="Clusters"
          rows={clusters.items}
          rowKey={(c) => c.id}
          columns={[
            { id: 'name', header: 'Name', cell: (c) => c.name },
            {
              id: 'ha',
              header: 'HA',
              cell: (c) => <Badge color={c.haEnabled ? 'green' : 'orange'} text={c.haEnabled ? 'HA on' : 'HA off'} />,
            },
            {
              id: 'drs',
              header: 'DRS',
              cell: (c) => (
                <Badge color={c.drsEnabled ? 'green' : 'orange'} text={c.drsEnabled ? 'DRS on' : 'DRS off'} />
              ),
            },
            { id: 'hosts', header: 'Hosts', numeric: true, cell: (c) => c.hostCount ?? '—' },
            { id: 'vms', header: 'VMs', numeric: true, cell: (c) => c.vmCount ?? '—' },
          ]}
        />
      </section>
      <section className={styles.section}>
        <h3>Hosts</h3>
        <HostMetricsWarning message={hosts.metricsError} />
        <HostsTable hosts={hosts.items} />
      </section>
      <section className={styles.section}>
        <h3>Datastores</h3>
        <DataTable
          label="Datastores"
          rows={datastores.items}
          rowKey={(d) => d.id}
          columns={[
            { id: 'name', header: 'Name', cell: (d) => d.name },
            { id: 'type', header: 'Type', cell: (d) => d.type ?? '—' },
            { id: 'capacity', header: 'Capacity', numeric: true, cell: (d) => formatBytes(d.capacityBytes) },
            { id: 'free', header: 'Free', numeric: true, cell: (d) => formatBytes(d.freeBytes) },
            { id: 'hosts', header: 'Hosts', cell: (d) => datastoreHosts(d.hostCount) },
          ]}
        />
        {datastores.warnings?.map((w) => (
          <p key={w} className={styles.muted}>
            {w}
          </p>
        ))}
      </section>
    </div>
  );
}

/** "4 · shared" or "1 · local" from the number of hosts mounting a datastore; "—" when unknown. */
function datastoreHosts(n: number | undefined): string {
  if (n === undefined || n === null) {
    return '—';
  }
  return n === 0 ? '0' : `${n} · ${n > 1 ? 'shared' : 'local'}`;
}

const levelColor: Record<string, 'red' | 'orange' | 'blue' | 'purple'> = {
  CRITICAL: 'red',
  IMMEDIATE: 'orange',
  WARNING: 'orange',
  INFO: 'blue',
};

/** Active vROps alerts (warning and above); failures here do not hide the inventory. */
function Alerts({ uid }: { uid: string }) {
  const styles = useStyles2(getStyles);
  const alerts = useAsync(() => queryAlerts(uid, 'WARNING'), [uid]);
  return (
    <section className={styles.section} aria-label="vROps alerts">
      <h3>vROps alerts</h3>
      {alerts.error ? (
        <ErrorState title="Could not load the vROps alerts" error={alerts.error} onRetry={alerts.reload} />
      ) : !alerts.value ? (
        <Loading text="Loading vROps alerts…" />
      ) : alerts.value.length === 0 ? (
        <p className={styles.muted}>No active alert at warning level or above.</p>
      ) : (
        <DataTable
          label="Active vROps alerts"
          rows={alerts.value}
          rowKey={(a) => a.alertId}
          columns={[
            {
              id: 'level',
              header: 'Level',
              cell: (a) => <Badge color={levelColor[a.level] ?? 'purple'} text={enumText(a.level)} />,
            },
            { id: 'alert', header: 'Alert', cell: (a) => a.alert },
            {
              id: 'resource',
              header: 'Resource',
              cell: (a) =>
                /^vm-/.test(a.resource) ? (
                  <Link className={styles.link} to={vmUrl(a.resource)}>
                    {a.resourceName}
                  </Link>
                ) : /^host-/.test(a.resource) ? (
                  <Link className={styles.link} to={hostUrl(a.resource)}>
                    {a.resourceName}
                  </Link>
                ) : (
                  a.resourceName
                ),
            },
            { id: 'impact', header: 'Impact', cell: (a) => enumText(a.impact) },
            {
              id: 'since',
              header: 'Since',
              cell: (a) => formatTime(typeof a.start === 'number' ? new Date(a.start).toISOString() : a.start),
            },
          ]}
        />
      )}
    </section>
  );
}

/** vCenter at a glance. */
export default function Overview() {
  return <AppPage>{(client) => <Body client={client} />}</AppPage>;
}
