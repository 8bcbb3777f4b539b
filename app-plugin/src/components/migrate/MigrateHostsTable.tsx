import React from 'react';
import { MigrateHost } from '../../types';
import { selectors } from '../../selectors';
import { DataTable } from '../DataTable';
import { enumText } from '../labels';
import { UsageChange } from './UsageChange';

/**
 * The hosts a VM could move to: compatible ones can be chosen (a radio per row), the others are
 * listed with the reason; CPU and memory now and after the move.
 */
export function MigrateHostsTable({
  hosts,
  current,
  chosen,
  onChoose,
}: {
  hosts: MigrateHost[];
  /** The VM's own host: it can be chosen to move the disks only. */
  current: string;
  chosen: string;
  onChoose: (id: string) => void;
}) {
  // Compatible hosts first, the quietest (lowest CPU after the move) at the top.
  const rows = [...hosts].sort(
    (a, b) =>
      Number(b.compatible) - Number(a.compatible) ||
      (a.cpuAfterPct ?? Infinity) - (b.cpuAfterPct ?? Infinity) ||
      a.name.localeCompare(b.name)
  );
  return (
    <DataTable
      label="Target hosts"
      testId={selectors.migrate.hosts}
      rows={rows}
      rowKey={(h) => h.id}
      rowTestId={(h) => selectors.migrate.host(h.id)}
      columns={[
        {
          id: 'pick',
          header: 'Move to',
          cell: (h) => (
            <input
              type="radio"
              name="migrate-host"
              aria-label={h.id === current ? `Stay on ${h.name} (move the disks only)` : `Move to ${h.name}`}
              disabled={!h.compatible && h.id !== current}
              checked={chosen === h.id}
              onChange={() => onChoose(h.id)}
            />
          ),
        },
        { id: 'name', header: 'Host', rowHeader: true, cell: (h) => h.name },
        { id: 'cluster', header: 'Cluster', cell: (h) => h.clusterName || '—' },
        {
          id: 'cpu',
          header: 'CPU now → after',
          numeric: true,
          cell: (h) => <UsageChange now={h.cpuUsagePct} after={h.cpuAfterPct} what="CPU" host={h.name} />,
        },
        {
          id: 'mem',
          header: 'Memory now → after',
          numeric: true,
          cell: (h) => <UsageChange now={h.memoryUsagePct} after={h.memoryAfterPct} what="Memory" host={h.name} />,
        },
        {
          id: 'state',
          header: 'Can take the VM',
          cell: (h) =>
            h.compatible
              ? 'Yes'
              : h.id === current
                ? 'Runs here: choose it to move the disks only'
                : `No: ${h.reason ?? (h.connectionState ? enumText(h.connectionState) : 'not compatible')}`,
        },
      ]}
    />
  );
}
