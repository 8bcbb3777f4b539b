import React, { useState } from 'react';
import { Alert, Badge, Button, Field, FieldSet, Input, RadioButtonGroup, Stack, Switch, useStyles2 } from '@grafana/ui';
import { css } from '@emotion/css';
import { ApiError, toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { DataTable } from '../components/DataTable';
import { InventoryPicker, PickerEntity } from '../components/InventoryPicker';
import { useAppContext, usePermission } from '../components/AppContext';
import { AppPage } from '../components/AppPage';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { GatedButton } from '../components/GatedButton';
import { getStyles } from '../components/styles';
import { Loading } from '../components/Loading';
import { useAsync } from '../components/hooks';
import { notifyError, notifySuccess } from '../components/notify';
import { selectors } from '../selectors';
import { Severity, Subscription } from '../types';

const severities: Array<{ label: string; value: Severity }> = [
  { label: 'Info and above', value: 'info' },
  { label: 'Warning and above', value: 'warning' },
  { label: 'Critical only', value: 'critical' },
];

const severityText: Record<string, string> = {
  info: 'Info and above',
  warning: 'Warning and above',
  critical: 'Critical only',
};

/** The alert matchers picked from the inventory, in the order the form shows them. */
const MATCHER_PICKERS: Array<{
  key: 'cluster' | 'host' | 'vm';
  entity: PickerEntity;
  label: string;
  pickerLabel: string;
  description: string;
}> = [
  {
    key: 'cluster',
    entity: 'clusters',
    label: 'Only these clusters',
    pickerLabel: 'Clusters',
    description: 'Picked from the inventory; empty = all',
  },
  {
    key: 'host',
    entity: 'hosts',
    label: 'Only these hosts',
    pickerLabel: 'Hosts',
    description: 'Picked from the inventory; empty = all',
  },
  {
    key: 'vm',
    entity: 'vms',
    label: 'Only these VMs',
    pickerLabel: 'VMs',
    description: 'Type part of a name to search; empty = all',
  },
];

const list = (names: string[]) => names.map((x) => x.trim()).filter(Boolean);

/** What the form sends; login and e-mail come from the backend's user, never from the form. */
export function subscriptionBody(f: {
  minSeverity: Severity;
  firing: boolean;
  resolved: boolean;
  cluster: string[];
  host: string[];
  vm: string[];
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

/**
 * Sends a test alert mail to the user's confirmed address (`POST me/subscriptions/test`). A backend
 * without that call answers 404: the button then says the data source cannot send test mails yet.
 */
function TestMailButton({ client, registered }: { client: VsphereClient; registered: boolean }) {
  const [state, setState] = useState<{ busy?: boolean; result?: string; error?: ApiError }>({});
  const send = async () => {
    setState({ busy: true });
    try {
      const r = await client.sendTestMail();
      setState({ result: `Test mail sent${r?.sentTo ? ` to ${r.sentTo}` : ''}; it should arrive within a minute.` });
    } catch (e) {
      const err = toApiError(e);
      setState({
        error:
          err.status === 404 || err.status === 405
            ? new ApiError(
                err.code,
                'This data source cannot send test mails yet: update the vSphere (PrivateCloud) data source plugin.',
                err.status
              )
            : err,
      });
    }
  };
  return (
    <div className={testMailStyles} data-testid={selectors.alerts.testMail}>
      <GatedButton
        allowed={registered && !state.busy}
        reason={state.busy ? 'Sending…' : 'Confirm your address first (the link in the confirmation mail)'}
        variant="secondary"
        icon={state.busy ? 'spinner' : 'envelope'}
        onClick={send}
      >
        Send me a test mail
      </GatedButton>
      {state.result && (
        <span role="status" data-testid={selectors.alerts.testMailResult}>
          {state.result}
        </span>
      )}
      {state.error && (
        <Alert severity="error" title="No test mail sent">
          <span data-testid={selectors.alerts.testMailResult}>{state.error.message}</span> {errorAdvice(state.error)}
        </Alert>
      )}
    </div>
  );
}

const testMailStyles = css({
  display: 'flex',
  flexDirection: 'column',
  gap: 8,
  marginTop: 16,
  alignItems: 'flex-start',
});

function MyRegistration({ client, current }: { client: VsphereClient; current?: Subscription }) {
  const { me } = useAppContext();
  const [f, setF] = useState({
    minSeverity: current?.minSeverity ?? ('warning' as Severity),
    firing: current?.firing ?? true,
    resolved: current?.resolved ?? true,
    cluster: current?.matchers.cluster ?? [],
    host: current?.matchers.host ?? [],
    vm: current?.matchers.vm ?? [],
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
      notifySuccess(
        s.confirmed
          ? 'Alert e-mail settings saved'
          : `Saved; a confirmation link was sent to ${s.email}: open it to start receiving mails`
      );
    } catch (e) {
      const err = toApiError(e);
      notifyError('Could not save your alert e-mail settings', `${err.message} ${errorAdvice(err)}`);
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
          <div>
            Mails go to <strong>{email}</strong> (your Grafana e-mail){' '}
            {saved && (
              <Badge
                color={saved.confirmed ? 'green' : 'orange'}
                text={saved.confirmed ? 'confirmed' : 'not confirmed: save, then open the link mailed to you'}
              />
            )}
          </div>
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
        {MATCHER_PICKERS.map((m) => (
          <Field key={m.key} label={m.label} description={m.description}>
            <div data-testid={selectors.alerts.picker(m.key)}>
              <InventoryPicker
                client={client}
                entity={m.entity}
                label={m.pickerLabel}
                value={f[m.key]}
                onChange={(v) => setF({ ...f, [m.key]: v })}
              />
            </div>
          </Field>
        ))}
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
          {saved?.confirmed ? 'Save' : 'Save and register'}
        </Button>
        <TestMailButton client={client} registered={!!saved?.confirmed} />
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
      // Only the preferences are sent; status fields such as `confirmed` belong to the relay.
      await client.saveSubscription(s.login, {
        email: s.email,
        minSeverity: s.minSeverity,
        matchers: s.matchers,
        firing: !s.firing,
        resolved: s.resolved,
        digestMinutes: s.digestMinutes,
        ...(s.quietHours ? { quietHours: s.quietHours } : {}),
      });
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
        <DataTable
          label="All registrations"
          rows={all.value}
          rowKey={(s) => s.login}
          columns={[
            { id: 'user', header: 'User', cell: (s) => (s.name ? `${s.name} (${s.login})` : s.login) },
            { id: 'email', header: 'E-mail', cell: (s) => s.email },
            { id: 'severity', header: 'Severity', cell: (s) => severityText[s.minSeverity] ?? s.minSeverity },
            { id: 'resolved', header: 'Resolved', cell: (s) => (s.resolved ? 'yes' : 'no') },
            {
              id: 'status',
              header: 'Status',
              cell: (s) => (
                <>
                  <Badge color={s.confirmed ? 'green' : 'orange'} text={s.confirmed ? 'confirmed' : 'unconfirmed'} />{' '}
                  {!s.firing && <Badge color="darkgrey" text="paused" />}
                </>
              ),
            },
            {
              id: 'actions',
              header: 'Actions',
              cell: (s) => (
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => toggle(s)}
                  aria-label={`${s.firing ? 'Pause' : 'Resume'} ${s.login}`}
                >
                  {s.firing ? 'Pause' : 'Resume'}
                </Button>
              ),
            },
          ]}
        />
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
