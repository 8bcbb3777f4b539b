import React, { useEffect } from 'react';
import { Alert } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { selectors } from '../../selectors';
import { MigrateRequest } from '../../types';
import { ProgressBar } from '../ProgressBar';
import { useTask } from '../useTask';

/** Sends the migration and shows its vCenter task until it is done; `onEnd` says how it ended. */
export function MigrateProgress({
  client,
  vmId,
  vmName,
  target,
  body,
  pollMs,
  onEnd,
  disksOnly,
}: {
  client: VsphereClient;
  vmId: string;
  vmName: string;
  target: string;
  body: MigrateRequest;
  pollMs: number;
  onEnd: (ok: boolean, error?: string) => void;
  /** The VM stays on its host; only its disks move. */
  disksOnly?: boolean;
}) {
  const t = useTask(client, () => client.migrateVm(vmId, body), pollMs);
  useEffect(() => {
    if (t.phase === 'done' || t.phase === 'failed') {
      onEnd(t.phase === 'done', t.error);
    }
  }, [t.phase, t.error, onEnd]);
  return (
    <div data-testid={selectors.migrate.progress} data-phase={t.phase} aria-live="polite">
      <p>
        {disksOnly
          ? t.phase === 'done'
            ? `${vmName}'s disks moved.`
            : `Moving ${vmName}'s disks…`
          : t.phase === 'done'
            ? `${vmName} now runs on ${target}.`
            : `Moving ${vmName} to ${target}…`}{' '}
        {t.progress !== undefined && `${Math.round(t.progress)} %`}
      </p>
      <ProgressBar
        label={`Progress of moving ${vmName}`}
        percent={t.progress}
        state={t.phase === 'done' ? 'done' : t.phase === 'failed' ? 'failed' : 'running'}
      />
      {t.phase === 'failed' ? (
        <Alert severity="error" title={t.unknown ? `${vmName}: outcome unknown` : `${vmName} was not moved`}>
          {t.error}
        </Alert>
      ) : (
        t.phase !== 'done' && <p>{t.message}</p>
      )}
    </div>
  );
}
