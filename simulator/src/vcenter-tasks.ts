import { randomUUID } from 'node:crypto';
import { VapiError } from './routes/vcenter/errors';

/** TaskStatus is the CIS task `Status` enum. */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'BLOCKED' | 'SUCCEEDED' | 'FAILED';

/** Task is one `?vmw-task=true` operation: it runs for `durationMs`, then `work` applies the change. */
interface Task {
  id: string;
  service: string;
  operation: string;
  description: string;
  target?: { type: string; id: string };
  user: string;
  start: number;
  durationMs: number;
  end?: number;
  status: TaskStatus;
  result?: unknown;
  error?: Record<string, unknown>;
  work: () => unknown;
}

/**
 * TaskStore holds one vCenter's CIS tasks (`GET /api/cis/tasks/{task}`). A task reports RUNNING
 * with progress proportional to elapsed time, then applies its change and reports SUCCEEDED (with
 * the operation's result) or FAILED (with the vCenter error, e.g. a name taken meanwhile).
 */
export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly timers = new Set<NodeJS.Timeout>();

  start(t: Omit<Task, 'id' | 'start' | 'status'>, now = Date.now()): string {
    const id = `${randomUUID()}:com.vmware.vcenter.${t.service.split('.').pop()}`;
    const task: Task = { ...t, id, start: now, status: 'RUNNING' };
    this.tasks.set(id, task);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(task, Date.now());
    }, t.durationMs);
    timer.unref();
    this.timers.add(timer);
    return id;
  }

  private finish(task: Task, now: number): void {
    if (task.status !== 'RUNNING') return;
    task.end = now;
    try {
      task.result = task.work();
      task.status = 'SUCCEEDED';
    } catch (e) {
      if (!(e instanceof VapiError)) throw e;
      task.status = 'FAILED';
      task.error = e.body();
    }
  }

  /** info renders `Task.Info` (undefined for an unknown id). */
  info(id: string, now = Date.now()) {
    const t = this.tasks.get(id);
    if (!t) return undefined;
    if (t.status === 'RUNNING' && now - t.start >= t.durationMs) this.finish(t, now);
    const completed =
      t.status === 'RUNNING' ? Math.min(99, Math.floor(((now - t.start) / Math.max(1, t.durationMs)) * 100)) : 100;
    return {
      description: { id: `${t.service}.${t.operation}`, default_message: t.description, args: [] },
      service: t.service,
      operation: t.operation,
      ...(t.target ? { target: t.target } : {}),
      status: t.status,
      cancelable: false,
      start_time: new Date(t.start).toISOString(),
      ...(t.end ? { end_time: new Date(t.end).toISOString() } : {}),
      user: t.user,
      progress: {
        total: 100,
        completed,
        message: {
          id: `${t.service}.${t.operation}.progress`,
          default_message: `${t.description}: ${completed} %`,
          args: [],
        },
      },
      ...(t.status === 'SUCCEEDED' && t.result !== undefined ? { result: t.result } : {}),
      ...(t.error ? { error: t.error } : {}),
    };
  }

  /** clear drops every task and stops pending timers (reset). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.tasks.clear();
  }
}
