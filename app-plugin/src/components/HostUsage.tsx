import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { hostUrl } from '../constants';
import { selectors } from '../selectors';
import { HostSummary } from '../types';
import { getStyles as getCommonStyles } from './styles';
import { DataTable, Column, SortState } from './DataTable';
import { formatBytes, formatMHz, formatPercent } from './format';
import { enumText } from './labels';
import { usageLevel } from './thresholds';

/**
 * A small horizontal meter of a percentage, coloured by level (the number is always written next
 * to it, so colour is never the only signal).
 */
function Meter({ label, pct, text }: { label: string; pct: number; text: string }) {
  const styles = useStyles2(getStyles);
  const clamped = Math.max(0, Math.min(100, pct));
  const lv = usageLevel(pct);
  const level = lv === 'critical' ? styles.high : lv === 'warning' ? styles.busy : styles.ok;
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
 * With `onSort` the CPU and memory columns sort (sort keys `cpu` and `memory`).
 */
export function HostsTable({
  hosts,
  showCluster = false,
  rowTestId,
  sort,
  onSort,
}: {
  hosts: HostSummary[];
  showCluster?: boolean;
  rowTestId?: (id: string) => string;
  sort?: SortState;
  onSort?: (column: string) => void;
}) {
  const styles = useStyles2(getCommonStyles);
  const columns: Array<Column<HostSummary>> = [
    {
      id: 'name',
      header: 'Name',
      sortable: true,
      cell: (h) => (
        <Link className={styles.link} to={hostUrl(h.id)}>
          {h.name}
        </Link>
      ),
    },
    {
      id: 'connection',
      header: 'Connection',
      cell: (h) => (
        <Badge color={h.connectionState === 'CONNECTED' ? 'green' : 'red'} text={enumText(h.connectionState)} />
      ),
    },
    { id: 'power', header: 'Power', cell: (h) => enumText(h.powerState) },
    ...(showCluster ? [{ id: 'cluster', header: 'Cluster', cell: (h: HostSummary) => h.clusterName ?? '—' }] : []),
    { id: 'cpu', header: 'CPU', sortable: true, cell: (h) => <HostUsageCell host={h} kind="cpu" /> },
    { id: 'memory', header: 'Memory', sortable: true, cell: (h) => <HostUsageCell host={h} kind="memory" /> },
    { id: 'vms', header: 'VMs', numeric: true, cell: (h) => h.vmCount ?? '—' },
  ];
  return (
    <DataTable
      label="Hosts"
      columns={onSort ? columns : columns.map((c) => ({ ...c, sortable: false }))}
      rows={hosts}
      rowKey={(h) => h.id}
      rowTestId={rowTestId ? (h) => rowTestId(h.id) : undefined}
      sort={sort}
      onSort={onSort}
      sortTestId={(c) => `data-testid hosts-sort-${c}`}
    />
  );
}
