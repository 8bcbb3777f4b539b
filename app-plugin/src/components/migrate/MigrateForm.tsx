import React, { useCallback, useState } from 'react';
import { Alert, Button, Modal, Stack } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { isCurrentHost, keepsDatastores, MigrateChoice, migrateRequest, moveSummary } from '../../rules/migrate';
import { selectors } from '../../selectors';
import { MigrateOptions, MigrateRequest } from '../../types';
import { notifyError, notifySuccess } from '../notify';
import { DiskPlacement } from './DiskPlacement';
import { MigrateHostsTable } from './MigrateHostsTable';
import { MigrateProgress } from './MigrateProgress';

/** The choice a newly picked host starts with: keep the disks where the host can reach them. */
function startChoice(o: MigrateOptions, hostId: string): MigrateChoice {
  const host = o.hosts.find((h) => h.id === hostId)!;
  const keeps = !isCurrentHost(o, host) && keepsDatastores(o, host);
  return {
    host: hostId,
    mode: keeps ? 'keep' : 'all',
    datastore: '',
    disks: Object.fromEntries(o.vm.disks.filter(() => keeps).map((d) => [d.key, d.datastore])),
  };
}

/** The dialog's content once the options are read: hosts, disks, expected effect, then progress. */
export function MigrateForm({
  client,
  options,
  pollMs,
  onClose,
}: {
  client: VsphereClient;
  options: MigrateOptions;
  pollMs: number;
  onClose: (moved: boolean) => void;
}) {
  const [choice, setChoice] = useState<MigrateChoice>({ host: '', mode: 'keep', datastore: '', disks: {} });
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<MigrateRequest | undefined>();
  const [ended, setEnded] = useState<'done' | 'failed' | undefined>();
  const host = options.hosts.find((h) => h.id === choice.host);
  const vm = options.vm;
  const onEnd = useCallback(
    (ok: boolean, err?: string) => {
      setEnded(ok ? 'done' : 'failed');
      if (ok) {
        notifySuccess(
          host && isCurrentHost(options, host)
            ? `${vm.name}'s disks moved`
            : `${vm.name} moved to ${host?.name ?? 'the new host'}`
        );
        onClose(true);
      } else {
        notifyError(`${vm.name} was not moved`, err ?? '');
      }
    },
    [vm.name, host, options, onClose]
  );
  if (sent && host) {
    return (
      <>
        <MigrateProgress
          client={client}
          vmId={vm.id}
          vmName={vm.name}
          target={host.name}
          disksOnly={isCurrentHost(options, host)}
          body={sent}
          pollMs={pollMs}
          onEnd={onEnd}
        />
        {ended === 'failed' && (
          <Modal.ButtonRow>
            <Button variant="secondary" onClick={() => onClose(true)}>
              Close
            </Button>
          </Modal.ButtonRow>
        )}
      </>
    );
  }
  const submit = () => {
    const r = migrateRequest(options, choice);
    setError(r.error);
    if (r.body) {
      setSent(r.body);
    }
  };
  return (
    <Stack direction="column" gap={2}>
      <p>
        {vm.name} runs on {vm.hostName}
        {vm.clusterName ? ` (cluster ${vm.clusterName})` : ''}. Choose where it goes; only hosts that can take it can be
        chosen.
      </p>
      {options.metricsError && (
        <Alert severity="warning" title="No usage figures">
          {options.metricsError}
        </Alert>
      )}
      <MigrateHostsTable
        hosts={options.hosts}
        current={vm.host}
        chosen={choice.host}
        onChoose={(id) => {
          setChoice(startChoice(options, id));
          setError(undefined);
        }}
      />
      {host && (
        <DiskPlacement options={options} host={host} choice={choice} onChange={(p) => setChoice({ ...choice, ...p })} />
      )}
      {host && (
        <div data-testid={selectors.migrate.summary}>
          <h4>Expected effect</h4>
          <p>{moveSummary(options, host, choice)}</p>
        </div>
      )}
      {error && (
        <Alert severity="error" title="Not sent">
          {error}
        </Alert>
      )}
      <Modal.ButtonRow>
        <Button variant="secondary" onClick={() => onClose(false)}>
          Cancel
        </Button>
        <Button icon="arrow-right" disabled={!host} onClick={submit} data-testid={selectors.migrate.submit}>
          {host ? (isCurrentHost(options, host) ? 'Move the disks' : `Move to ${host.name}`) : 'Move'}
        </Button>
      </Modal.ButtonRow>
    </Stack>
  );
}
