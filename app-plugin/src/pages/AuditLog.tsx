import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, BadgeColor, Button, Field, Input, Pagination, Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { AppPage } from '../components/AppPage';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { getStyles } from '../components/styles';
import { Loading } from '../components/Loading';
import { auditDetails, auditSummary } from '../components/auditSummary';
import { DataTable } from '../components/DataTable';
import { formatTime } from '../components/format';
import { enumText } from '../components/labels';
import { useGuestOsNames } from '../components/useGuestOsNames';
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
  clone: 'Clone or deploy',
  migrate: 'Migrate',
  customize: 'Customize guest',
};

/** `datetime-local` value → ISO time, or undefined when empty or invalid. */
function toIso(v: string): string | undefined {
  if (!v) {
    return undefined;
  }
  const d = new Date(v);
  return isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The parameters of one event as "key: value" lines. */
function AuditDetails({ event }: { event: AuditEvent }) {
  const local = useStyles2(getLocalStyles);
  const lines = auditDetails(event.params);
  return (
    <dl className={local.details} data-testid={selectors.audit.details(event.id)}>
      {lines.length === 0 ? (
        <dd>No parameters recorded.</dd>
      ) : (
        lines.map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </React.Fragment>
        ))
      )}
    </dl>
  );
}

function Body({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const local = useStyles2(getLocalStyles);
  const osNames = useGuestOsNames(client);
  const [open, setOpen] = useState<Record<string, boolean>>({});
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
          <DataTable
            label="Audit log"
            testId={selectors.audit.table}
            rows={log.value.items}
            rowKey={(e) => e.id}
            detail={(e) => (open[e.id] ? <AuditDetails event={e} /> : undefined)}
            columns={[
              { id: 'time', header: 'Time', cell: (e) => formatTime(e.time) },
              {
                id: 'user',
                header: 'User',
                cell: (e) => (
                  <>
                    {e.user.login} <span className={styles.muted}>({e.user.role})</span>
                  </>
                ),
              },
              { id: 'action', header: 'Action', cell: (e) => actionText[e.action] ?? enumText(e.action) },
              {
                id: 'vm',
                header: 'VM',
                cell: (e) => (
                  <>
                    {e.vm.name || 'unnamed VM'}
                    <span className={styles.secondary}>{e.vm.id}</span>
                  </>
                ),
              },
              {
                id: 'params',
                header: 'Change',
                cell: (e) => (
                  <div className={local.change}>
                    <span data-testid={selectors.audit.summary(e.id)}>{auditSummary(e, osNames)}</span>
                    <Button
                      size="sm"
                      variant="secondary"
                      fill="text"
                      icon={open[e.id] ? 'angle-up' : 'angle-down'}
                      aria-expanded={!!open[e.id]}
                      aria-label={`${open[e.id] ? 'Hide' : 'Show'} details of this ${actionText[e.action] ?? e.action}`}
                      onClick={() => setOpen((o) => ({ ...o, [e.id]: !o[e.id] }))}
                    >
                      Details
                    </Button>
                  </div>
                ),
              },
              {
                id: 'outcome',
                header: 'Outcome',
                cell: (e) => (
                  <>
                    <Badge color={outcomeColor[e.outcome] ?? 'blue'} text={enumText(e.outcome)} />
                    {e.error && <div className={styles.muted}>{e.error}</div>}
                  </>
                ),
              },
            ]}
          />
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

const getLocalStyles = (theme: GrafanaTheme2) => ({
  change: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap', maxWidth: 420 }),
  details: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.25, 2),
    margin: 0,
    overflowWrap: 'anywhere',
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0 },
  }),
});
