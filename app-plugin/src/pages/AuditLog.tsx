import React, { useState } from 'react';
import { Badge, BadgeColor, Field, Input, Pagination, Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { AppPage, Empty, ErrorState, getStyles, Loading } from '../components/common';
import { formatTime } from '../components/format';
import { useAsync, useDebounced } from '../components/hooks';
import { selectors } from '../selectors';
import { AuditEvent } from '../types';

const PAGE_SIZE = 50;
const outcomeColor: Record<AuditEvent['outcome'], BadgeColor> = {
  success: 'green',
  refused: 'orange',
  failed: 'red',
  unknown: 'purple',
};
const actionText: Record<string, string> = {
  create: 'Create',
  updateHardware: 'Edit hardware',
  power: 'Power',
  delete: 'Delete',
};

/** `datetime-local` value → ISO time, or undefined when empty or invalid. */
function toIso(v: string): string | undefined {
  if (!v) {
    return undefined;
  }
  const d = new Date(v);
  return isNaN(d.getTime()) ? undefined : d.toISOString();
}

function Body({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const [vm, setVm] = useState('');
  const [user, setUser] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  // Debounced as one string so typing does not send a request per key stroke.
  const key = useDebounced(JSON.stringify({ vm: vm.trim(), user: user.trim(), from: toIso(from), to: toIso(to) }), 300);
  const f = JSON.parse(key) as { vm: string; user: string; from?: string; to?: string };
  const rangeError = f.from && f.to && f.from > f.to ? 'The start is after the end.' : undefined;
  const log = useAsync(
    () => (rangeError ? Promise.resolve({ items: [], total: 0 }) : client.audit({ ...f, page, pageSize: PAGE_SIZE })),
    [client, key, page, rangeError]
  );
  const reset = (fn: (v: string) => void) => (e: React.FormEvent<HTMLInputElement>) => {
    fn(e.currentTarget.value);
    setPage(1);
  };
  const pages = log.value ? Math.max(1, Math.ceil(log.value.total / PAGE_SIZE)) : 1;
  return (
    <div data-testid={selectors.audit.container}>
      <Stack direction="row" gap={2} wrap="wrap">
        <Field label="VM" description="Id or name">
          <Input
            width={24}
            value={vm}
            onChange={reset(setVm)}
            data-testid={selectors.audit.vm}
            aria-label="Filter by VM"
          />
        </Field>
        <Field label="User" description="Grafana login">
          <Input
            width={24}
            value={user}
            onChange={reset(setUser)}
            data-testid={selectors.audit.user}
            aria-label="Filter by user"
          />
        </Field>
        <Field label="From">
          <Input type="datetime-local" value={from} onChange={reset(setFrom)} aria-label="From time" />
        </Field>
        <Field label="To" invalid={!!rangeError} error={rangeError}>
          <Input type="datetime-local" value={to} onChange={reset(setTo)} aria-label="To time" />
        </Field>
      </Stack>
      {log.error ? (
        <ErrorState title="Could not load the audit log" error={log.error} onRetry={log.reload} />
      ) : !log.value ? (
        <Loading text="Loading the audit log…" />
      ) : log.value.items.length === 0 ? (
        <Empty message="No operation matches these filters" />
      ) : (
        <>
          <table className={styles.table} data-testid={selectors.audit.table} aria-label="Audit log">
            <thead>
              <tr>
                <th>Time</th>
                <th>User</th>
                <th>Action</th>
                <th>VM</th>
                <th>Parameters</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {log.value.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.time)}</td>
                  <td>
                    {e.user.login} <span className={styles.muted}>({e.user.role})</span>
                  </td>
                  <td>{actionText[e.action] ?? e.action}</td>
                  <td>
                    {e.vm.name} <span className={styles.muted}>{e.vm.id}</span>
                  </td>
                  <td>
                    <code>{JSON.stringify(e.params)}</code>
                  </td>
                  <td>
                    <Badge color={outcomeColor[e.outcome] ?? 'blue'} text={e.outcome} />
                    {e.error && <div className={styles.muted}>{e.error}</div>}
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

/** Audit log: who did what to which VM, when, and the outcome. */
export default function AuditLog() {
  return <AppPage>{(client) => <Body client={client} />}</AppPage>;
}
