import { useEffect, useRef, useState } from 'react';
import { toApiError, VsphereClient } from '../api/client';
import { TaskInfo } from '../types';

/** Where one long operation stands, as the page shows it. */
export interface TaskState {
  phase: 'starting' | 'running' | 'done' | 'failed';
  progress?: number;
  message?: string;
  /** The new (or moved) VM's id when done. */
  vm?: string;
  error?: string;
  /** The task could not be followed: it may still end either way. */
  unknown?: boolean;
}

/** Consecutive failed reads of a task before the page gives up on following it. */
const MAX_READ_FAILURES = 5;

/**
 * Follows a vCenter task through `GET tasks/{task}` (docs/contracts.md §3 "Tasks") every `pollMs`
 * until it is done. `start` sends the request: it answers a task id, or the finished VM when the
 * operation has no task (an instant clone). Starts once per mount.
 */
export function useTask(
  client: VsphereClient,
  start: () => Promise<{ task?: string; vm?: string }>,
  pollMs: number
): TaskState {
  const [state, setState] = useState<TaskState>({ phase: 'starting', message: 'Sending the request' });
  // The request is sent once per mount, also when React runs the effect twice (StrictMode keeps refs).
  const sent = useRef<Promise<{ task?: string; vm?: string }> | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const follow = (id: string) => {
      client.task(id).then(
        (t: TaskInfo) => {
          if (stopped) {
            return;
          }
          failures = 0;
          if (t.done && t.status === 'SUCCEEDED') {
            setState({ phase: 'done', progress: 100, message: t.message || 'Done', vm: t.vm });
            return;
          }
          if (t.done || t.status === 'FAILED') {
            // A step after the create can fail (customizing, powering on): `vm` then names the VM that exists.
            setState({
              phase: 'failed',
              progress: t.progress,
              vm: t.vm,
              error: t.error || t.message || 'vCenter reported a failure.',
            });
            return;
          }
          setState({ phase: 'running', progress: t.progress, message: t.message || statusWords[t.status] });
          timer = setTimeout(() => follow(id), pollMs);
        },
        (e) => {
          if (stopped) {
            return;
          }
          if (++failures >= MAX_READ_FAILURES) {
            setState({
              phase: 'failed',
              unknown: true,
              error: `The task's progress could not be read (${toApiError(e).message}); check the VM in a minute: vCenter may finish it anyway.`,
            });
            return;
          }
          timer = setTimeout(() => follow(id), pollMs);
        }
      );
    };
    sent.current ??= start();
    sent.current.then(
      (r) => {
        if (stopped) {
          return;
        }
        if (r.task) {
          setState({ phase: 'running', progress: 0, message: 'vCenter accepted the task' });
          follow(r.task);
        } else {
          setState({ phase: 'done', progress: 100, message: 'Done', vm: r.vm });
        }
      },
      (e) => !stopped && setState({ phase: 'failed', error: toApiError(e).message })
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // Starts once: a re-render must never send the request again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}

const statusWords: Record<string, string> = {
  PENDING: 'Waiting to start',
  RUNNING: 'Running',
  BLOCKED: 'Waiting for another task',
};
