import React, { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { vmUrl } from '../../constants';
import { selectors } from '../../selectors';
import { ProgressBar } from '../ProgressBar';
import { getStyles } from '../styles';
import { TaskState, useTask } from '../useTask';

/** One VM being made: its progress bar from the vCenter task, the task's message, and a link when done. */
export function TaskRow({
  client,
  name,
  start,
  pollMs,
  onChange,
}: {
  client: VsphereClient;
  name: string;
  start: () => Promise<{ task?: string; vm?: string }>;
  pollMs: number;
  onChange: (name: string, state: TaskState) => void;
}) {
  const styles = useStyles2(getStyles);
  const t = useTask(client, start, pollMs);
  useEffect(() => onChange(name, t), [name, t, onChange]);
  const bar = t.phase === 'done' ? 'done' : t.phase === 'failed' ? 'failed' : 'running';
  return (
    <li data-testid={selectors.provision.task(name)} data-phase={t.phase}>
      <Stack direction="column" gap={0.5}>
        <Stack direction="row" gap={1} alignItems="center" justifyContent="space-between">
          <strong>
            {t.vm && (t.phase === 'done' || t.phase === 'failed') ? (
              <Link className={styles.link} to={vmUrl(t.vm)}>
                {name}
              </Link>
            ) : (
              name
            )}
          </strong>
          <span className={styles.muted}>{t.progress === undefined ? '' : `${Math.round(t.progress)} %`}</span>
        </Stack>
        <ProgressBar label={`Progress of ${name}`} percent={t.progress} state={bar} />
        <span
          role={t.phase === 'failed' ? 'alert' : undefined}
          className={t.phase === 'failed' ? undefined : styles.muted}
        >
          {t.phase === 'failed'
            ? t.unknown
              ? `Outcome unknown: ${t.error}`
              : t.vm
                ? `Created, but not finished: ${t.error}`
                : `Not created: ${t.error}`
            : t.phase === 'done'
              ? 'Ready'
              : t.message}
        </span>
      </Stack>
    </li>
  );
}
