import React from 'react';
import { Link } from 'react-router-dom';
import { Badge, useStyles2 } from '@grafana/ui';
import { queryAlerts, VsphereClient } from '../api/client';
import { AppPage, ErrorState, getStyles, Loading } from '../components/common';
import { formatBytes, formatTime } from '../components/format';
import { useAsync } from '../components/hooks';
import { HostMetricsWarning, HostsTable } from '../components/HostUsage';
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
            <Link className={styles.stat} to={`${prefixRoute(ROUTES.Vms)}`}>
              {n.toLocaleString('en-US')}
            </Link>
          </section>
        ))}
      </div>
      <Alerts uid={client.uid} />
      <section className={styles.section}>
        <h3>Clusters</h3>
        <table className={styles.table} aria-label="Clusters">
          <thead>
            <tr>
              <th>Name</th>
              <th>HA</th>
              <th>DRS</th>
              <th>Hosts</th>
              <th>VMs</th>
            </tr>
          </thead>
          <tbody>
            {clusters.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>
                  <Badge color={c.haEnabled ? 'green' : 'orange'} text={c.haEnabled ? 'HA on' : 'HA off'} />
                </td>
                <td>
                  <Badge color={c.drsEnabled ? 'green' : 'orange'} text={c.drsEnabled ? 'DRS on' : 'DRS off'} />
                </td>
                <td>{c.hostCount ?? '—'}</td>
                <td>{c.vmCount ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className={styles.section}>
        <h3>Hosts</h3>
        <HostMetricsWarning message={hosts.metricsError} />
        <HostsTable hosts={hosts.items} />
      </section>
      <section className={styles.section}>
        <h3>Datastores</h3>
        <table className={styles.table} aria-label="Datastores">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Capacity</th>
              <th>Free</th>
              <th>Hosts</th>
            </tr>
          </thead>
          <tbody>
            {datastores.items.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>{d.type ?? '—'}</td>
                <td>{formatBytes(d.capacityBytes)}</td>
                <td>{formatBytes(d.freeBytes)}</td>
                <td>{datastoreHosts(d.hostCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
        <table className={styles.table} aria-label="Active vROps alerts">
          <thead>
            <tr>
              <th>Level</th>
              <th>Alert</th>
              <th>Resource</th>
              <th>Impact</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {alerts.value.map((a) => (
              <tr key={a.alertId}>
                <td>
                  <Badge color={levelColor[a.level] ?? 'purple'} text={a.level} />
                </td>
                <td>{a.alert}</td>
                <td>
                  {/^vm-/.test(a.resource) ? (
                    <Link className={styles.link} to={vmUrl(a.resource)}>
                      {a.resourceName}
                    </Link>
                  ) : /^host-/.test(a.resource) ? (
                    <Link className={styles.link} to={hostUrl(a.resource)}>
                      {a.resourceName}
                    </Link>
                  ) : (
                    a.resourceName
                  )}
                </td>
                <td>{a.impact}</td>
                <td>{formatTime(typeof a.start === 'number' ? new Date(a.start).toISOString() : a.start)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** vCenter at a glance. */
export default function Overview() {
  return <AppPage>{(client) => <Body client={client} />}</AppPage>;
}
