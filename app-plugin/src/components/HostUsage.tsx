import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { hostUrl } from '../constants';
import { selectors } from '../selectors';
import { HostSummary } from '../types';
import { getStyles as getCommonStyles } from './common';
import { formatBytes, formatMHz, formatPercent } from './format';

/** Usage at or above this share shows in the warning colour, and from `HIGH` in the error colour. */
const BUSY = 70;
const HIGH = 90;

/**
 * A small horizontal meter of a percentage, coloured by level (the number is always written next
 * to it, so colour is never the only signal).
 */
function Meter({ label, pct, text }: { label: string; pct: number; text: string }) {
  const styles = useStyles2(getStyles);
  const clamped = Math.max(0, Math.min(100, pct));
  const level = pct >= HIGH ? styles.high : pct >= BUSY ? styles.busy : styles.ok;
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      aria-valuetext={text}
      className={styles.track}
    >
      <div className={cx(styles.fill, level)} style={{ width: `${clamped}%` }} />
    </div>
  );
}

/** Which figure of a host a cell shows. */
export type UsageKind = 'cpu' | 'memory';

/**
 * CPU or memory of one host: a meter with the usage in percent and, below it, the capacity (GHz or
 * GiB). A figure the backend did not give shows as "—".
 */
export function HostUsageCell({ host, kind }: { host: HostSummary; kind: UsageKind }) {
  const styles = useStyles2(getStyles);
  const cpu = kind === 'cpu';
  const pct = cpu ? host.cpuUsagePct : host.memoryUsagePct;
  const capacity = cpu ? formatMHz(host.cpuCapacityMHz) : formatBytes(host.memoryCapacityBytes);
  const what = cpu ? 'CPU' : 'Memory';
  const usage = formatPercent(pct);
  if (pct === undefined && capacity === '—') {
    return <span data-testid={selectors.hostUsage.cell(host.id, kind)}>—</span>;
  }
  return (
    <div data-testid={selectors.hostUsage.cell(host.id, kind)} className={styles.cell}>
      <div className={styles.usage}>
        {pct !== undefined && (
          <Meter
            label={`${what} usage of ${host.name}`}
            pct={pct}
            text={capacity === '—' ? usage : `${usage} of ${capacity}`}
          />
        )}
        <span>{usage}</span>
      </div>
      <div className={styles.capacity} title={`${what} capacity`}>
        {capacity}
      </div>
    </div>
  );
}

/** The backend's reason why CPU and memory figures are missing, as a small warning line. */
export function HostMetricsWarning({ message }: { message?: string }) {
  const styles = useStyles2(getStyles);
  if (!message) {
    return null;
  }
  return (
    <div role="status" data-testid={selectors.hostUsage.warning} className={styles.warning}>
      <Icon name="exclamation-triangle" size="sm" />
      <span>{message}</span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  cell: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.25), minWidth: 130 }),
  usage: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  capacity: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  track: css({
    flex: '0 0 72px',
    height: 8,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  fill: css({ height: '100%' }),
  ok: css({ background: theme.colors.success.main }),
  busy: css({ background: theme.colors.warning.main }),
  high: css({ background: theme.colors.error.main }),
  warning: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.colors.warning.text,
    fontSize: theme.typography.bodySmall.fontSize,
    marginBottom: theme.spacing(1),
  }),
});

/**
 * The hosts table of the Overview and Hosts pages: name (linked to the host page), connection
 * badge, power state, optionally the cluster, CPU and memory usage with capacity, and VM count.
 */
export function HostsTable({
  hosts,
  showCluster = false,
  rowTestId,
}: {
  hosts: HostSummary[];
  showCluster?: boolean;
  rowTestId?: (id: string) => string;
}) {
  const styles = useStyles2(getCommonStyles);
  return (
    <table className={styles.table} aria-label="Hosts">
      <thead>
        <tr>
          <th>Name</th>
          <th>Connection</th>
          <th>Power</th>
          {showCluster && <th>Cluster</th>}
          <th>CPU</th>
          <th>Memory</th>
          <th>VMs</th>
        </tr>
      </thead>
      <tbody>
        {hosts.map((h) => (
          <tr key={h.id} data-testid={rowTestId?.(h.id)}>
            <td>
              <Link className={styles.link} to={hostUrl(h.id)}>
                {h.name}
              </Link>
            </td>
            <td>
              <Badge
                color={h.connectionState === 'CONNECTED' ? 'green' : 'red'}
                text={h.connectionState ?? 'unknown'}
              />
            </td>
            <td>{h.powerState ?? '—'}</td>
            {showCluster && <td>{h.clusterName ?? h.cluster ?? '—'}</td>}
            <td>
              <HostUsageCell host={h} kind="cpu" />
            </td>
            <td>
              <HostUsageCell host={h} kind="memory" />
            </td>
            <td>{h.vmCount ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
