import React, { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, LinkButton, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { prefixRoute, ROUTES, vmUrl } from '../../constants';
import { selectors } from '../../selectors';
import { notifyError, notifySuccess } from '../notify';
import { TaskState } from '../useTask';
import { TaskRow } from './TaskRow';

/** One VM to make: its name and the call that starts it. */
export interface ProvisionJob {
  name: string;
  start: () => Promise<{ task?: string; vm?: string }>;
}

/**
 * Progress of every VM of one submission, one bar each. When a single VM was asked for, its page
 * opens as soon as it is ready; several are linked from their rows.
 */
export function ProvisionProgress({
  client,
  jobs,
  pollMs = 1000,
}: {
  client: VsphereClient;
  jobs: ProvisionJob[];
  pollMs?: number;
}) {
  const styles = useStyles2(getStyles);
  const navigate = useNavigate();
  const [states, setStates] = useState<Record<string, TaskState>>({});
  // What was already announced, so each VM's end is told once.
  const reported = useRef<Record<string, string>>({});
  const onChange = useCallback(
    (name: string, s: TaskState) => {
      setStates((old) => ({ ...old, [name]: s }));
      if ((s.phase === 'done' || s.phase === 'failed') && reported.current[name] !== s.phase) {
        reported.current[name] = s.phase;
        if (s.phase === 'done') {
          notifySuccess(`${name} is ready`);
          if (jobs.length === 1 && s.vm) {
            navigate(vmUrl(s.vm));
          }
        } else {
          notifyError(`${name} was not created`, s.error ?? '');
        }
      }
    },
    [jobs.length, navigate]
  );
  const finished = jobs.filter((j) => ['done', 'failed'].includes(states[j.name]?.phase ?? '')).length;
  const failed = jobs.filter((j) => states[j.name]?.phase === 'failed').length;
  return (
    <section data-testid={selectors.provision.progress} aria-live="polite">
      <h3>
        {finished < jobs.length
          ? `Creating ${jobs.length === 1 ? jobs[0].name : `${jobs.length} VMs`}… (${finished} of ${jobs.length} finished)`
          : failed
            ? jobs.length === 1
              ? states[jobs[0].name]?.unknown
                ? `${jobs[0].name}: outcome unknown`
                : `${jobs[0].name} was not created`
              : `${jobs.length - failed} of ${jobs.length} VMs created`
            : `${jobs.length === 1 ? jobs[0].name : `All ${jobs.length} VMs`} created`}
      </h3>
      <ul className={styles.list} aria-label="Progress of the new VMs">
        {jobs.map((j) => (
          <TaskRow key={j.name} client={client} name={j.name} start={j.start} pollMs={pollMs} onChange={onChange} />
        ))}
      </ul>
      {finished === jobs.length && failed > 0 && jobs.length > 1 && (
        <Alert severity="warning" title="Some VMs were not created">
          The reasons are next to each VM. The ones that were created stay; fix the cause and create the others again.
        </Alert>
      )}
      {finished === jobs.length && (
        <LinkButton variant="secondary" href={prefixRoute(ROUTES.Vms)}>
          All VMs
        </LinkButton>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    maxWidth: 720,
    marginBottom: theme.spacing(2),
  }),
});
