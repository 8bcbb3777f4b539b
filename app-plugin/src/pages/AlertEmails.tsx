import React, { useState } from 'react';
import { Alert, Badge, Button, Field, FieldSet, Input, RadioButtonGroup, Stack, Switch, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { useAppContext, usePermission } from '../components/AppContext';
import { AppPage, Empty, ErrorState, GatedButton, getStyles, Loading } from '../components/common';
import { useAsync } from '../components/hooks';
import { notifyError, notifySuccess } from '../components/notify';
import { selectors } from '../selectors';
import { Severity, Subscription } from '../types';

const severities: Array<{ label: string; value: Severity }> = [
  { label: 'Info and above', value: 'info' },
  { label: 'Warning and above', value: 'warning' },
  { label: 'Critical only', value: 'critical' },
];

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** What the form sends; login and e-mail come from the backend's user, never from the form. */
export function subscriptionBody(f: {
  minSeverity: Severity;
  firing: boolean;
  resolved: boolean;
  cluster: string;
  host: string;
  vm: string;
  digestMinutes: string;
}): { body?: Partial<Subscription>; error?: string } {
  const digest = Number(f.digestMinutes);
  if (!/^\d+$/.test(f.digestMinutes.trim()) || digest > 1440) {
    return { error: 'Digest must be 0 (send at once) to 1440 minutes.' };
  }
  const matchers: Subscription['matchers'] = {};
  if (list(f.cluster).length) {
    matchers.cluster = list(f.cluster);
  }
  if (list(f.host).length) {
    matchers.host = list(f.host);
  }
  if (list(f.vm).length) {
    matchers.vm = list(f.vm);
  }
  return {
    body: { minSeverity: f.minSeverity, firing: f.firing, resolved: f.resolved, matchers, digestMinutes: digest },
  };
}

function MyRegistration({ client, current }: { client: VsphereClient; current?: Subscription }) {
  const { me } = useAppContext();
  const [f, setF] = useState({
    minSeverity: current?.minSeverity ?? ('warning' as Severity),
    firing: current?.firing ?? true,
    resolved: current?.resolved ?? true,
    cluster: (current?.matchers.cluster ?? []).join(', '),
    host: (current?.matchers.host ?? []).join(', '),
    vm: (current?.matchers.vm ?? []).join(', '),
    digestMinutes: String(current?.digestMinutes ?? 0),
  });
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<Subscription | undefined>(current);
  const [busy, setBusy] = useState(false);
  const email = saved?.email ?? me?.email;

  const save = async () => {
    const v = subscriptionBody(f);
    setError(v.error);
    if (!v.body) {
      return;
    }
    setBusy(true);
    try {
      const s = await client.saveMySubscription(v.body);
      setSaved(s);
      notifySuccess(s.confirmed ? 'Alert e-mail settings saved' : `Saved; confirm the link sent to ${s.email}`);
    } catch (e) {
      notifyError('Could not save your alert e-mail settings', (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <FieldSet label="My alert e-mails">
        {!email ? (
          <Alert severity="warning" title="No e-mail address">
            Your Grafana profile has no e-mail address; add one in your profile to receive alert e-mails.
          </Alert>
        ) : (
          <p>
            Mails go to <strong>{email}</strong> (your Grafana e-mail){' '}
            {saved && (
              <Badge
                color={saved.confirmed ? 'green' : 'orange'}
                text={saved.confirmed ? 'confirmed' : 'waiting for confirmation'}
              />
            )}
          </p>
        )}
        <Field label="Send alerts when they fire">
          <Switch
            value={f.firing}
            onChange={(e) => setF({ ...f, firing: e.currentTarget.checked })}
            data-testid={selectors.alerts.enabled}
            aria-label="Send firing alerts"
          />
        </Field>
        <Field label="Severity">
          <div data-testid={selectors.alerts.severity}>
            <RadioButtonGroup
              options={severities}
              value={f.minSeverity}
              onChange={(v) => setF({ ...f, minSeverity: v })}
            />
          </div>
        </Field>
        <Field label="Also send resolved notices">
          <Switch
            value={f.resolved}
            onChange={(e) => setF({ ...f, resolved: e.currentTarget.checked })}
            data-testid={selectors.alerts.resolved}
            aria-label="Send resolved notices"
          />
        </Field>
        <Field label="Only these clusters" description="Comma-separated names; empty = all">
          <Input
            value={f.cluster}
            onChange={(e) => setF({ ...f, cluster: e.currentTarget.value })}
            aria-label="Clusters"
          />
        </Field>
        <Field label="Only these hosts" description="Comma-separated names; empty = all">
          <Input value={f.host} onChange={(e) => setF({ ...f, host: e.currentTarget.value })} aria-label="Hosts" />
        </Field>
        <Field label="Only these VMs" description="Comma-separated names; empty = all">
          <Input value={f.vm} onChange={(e) => setF({ ...f, vm: e.currentTarget.value })} aria-label="VMs" />
        </Field>
        <Field label="Digest (minutes)" description="0 sends each alert at once" invalid={!!error} error={error}>
          <Input
            type="number"
            width={12}
            value={f.digestMinutes}
            onChange={(e) => setF({ ...f, digestMinutes: e.currentTarget.value })}
            aria-label="Digest minutes"
          />
        </Field>
        <Button
          type="submit"
          disabled={busy || !email}
          icon={busy ? 'spinner' : undefined}
          data-testid={selectors.alerts.save}
        >
          {saved ? 'Save' : 'Register'}
        </Button>
      </FieldSet>
    </form>
  );
}

function Everyone({ client }: { client: VsphereClient }) {
  const styles = useStyles2(getStyles);
  const perm = usePermission('manageSubscriptions');
  const all = useAsync(() => (perm.allowed ? client.subscriptions() : Promise.resolve([])), [client, perm.allowed]);
  if (!perm.allowed) {
    return null;
  }
  const toggle = async (s: Subscription) => {
    try {
      await client.saveSubscription(s.login, { ...s, firing: !s.firing });
      notifySuccess(`${s.login}: alert e-mails ${s.firing ? 'paused' : 'resumed'}`);
    } catch (e) {
      notifyError(`Could not change ${s.login}'s alert e-mails`, (e as Error).message);
    } finally {
      all.reload();
    }
  };
  return (
    <section className={styles.section} data-testid={selectors.alerts.all}>
      <h3>Everyone&apos;s registrations</h3>
      {all.error ? (
        <ErrorState title="Could not load the registrations" error={all.error} onRetry={all.reload} />
      ) : !all.value ? (
        <Loading text="Loading registrations…" />
      ) : all.value.length === 0 ? (
        <Empty message="Nobody has registered for alert e-mails yet" />
      ) : (
        <table className={styles.table} aria-label="All registrations">
          <thead>
            <tr>
              <th>User</th>
              <th>E-mail</th>
              <th>Severity</th>
              <th>Resolved</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {all.value.map((s) => (
              <tr key={s.login}>
                <td>{s.name ? `${s.name} (${s.login})` : s.login}</td>
                <td>{s.email}</td>
                <td>{s.minSeverity}</td>
                <td>{s.resolved ? 'yes' : 'no'}</td>
                <td>
                  <Badge color={s.confirmed ? 'green' : 'orange'} text={s.confirmed ? 'confirmed' : 'unconfirmed'} />{' '}
                  {!s.firing && <Badge color="red" text="paused" />}
                </td>
                <td>
                  <GatedButton
                    allowed
                    size="sm"
                    variant="secondary"
                    onClick={() => toggle(s)}
                    aria-label={`${s.firing ? 'Pause' : 'Resume'} ${s.login}`}
                  >
                    {s.firing ? 'Pause' : 'Resume'}
                  </GatedButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Body({ client }: { client: VsphereClient }) {
  // 404 means "not registered yet", which the form handles as a new registration.
  const mine = useAsync(
    () =>
      client.mySubscription().catch((e) => {
        if (e.code === 'not_found' || e.status === 404) {
          return undefined;
        }
        throw e;
      }),
    [client]
  );
  return (
    <Stack direction="column" gap={2}>
      <div data-testid={selectors.alerts.container}>
        {mine.error ? (
          <ErrorState title="Could not load your alert e-mail settings" error={mine.error} onRetry={mine.reload} />
        ) : mine.loading ? (
          <Loading text="Loading your alert e-mail settings…" />
        ) : (
          <MyRegistration client={client} current={mine.value} />
        )}
      </div>
      <Everyone client={client} />
    </Stack>
  );
}

/** Alert e-mails: the user's own registration; Admins also manage everyone's. */
export default function AlertEmails() {
  return <AppPage>{(client) => <Body client={client} />}</AppPage>;
}
