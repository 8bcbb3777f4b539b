import fs from 'node:fs';
import path from 'node:path';

/**
 * WalSync makes SQLite commits durable without blocking the event loop: it runs fdatasync on the
 * WAL file on libuv's thread pool and shares each call among every commit made before it started
 * (group fsync). `sync()` resolves once everything committed before the call is on stable storage.
 *
 * Why this is as safe as PRAGMA synchronous=FULL for the callers that use it: with WAL, a commit
 * appends the transaction's frames (the commit frame last) to the WAL file; FULL only adds an
 * fsync of the WAL at that point, inside sqlite3 and so on the event loop. Committing with
 * synchronous=NORMAL and then fdatasync-ing the same file before answering puts the same frames
 * on disk before anyone is told; recovery after a power loss replays the WAL up to the last valid
 * commit frame. With NORMAL SQLite still syncs the WAL before a checkpoint and the database after
 * it, so frames are never dropped from the WAL before they are durable in the database file.
 *
 * Riding along: a commit with synchronous=FULL on the same connection (the webhook intake) fsyncs
 * the whole WAL, so it also makes every frame committed before it durable; the intake reports it
 * with `covered()`. While such commits are flowing (one in the last RIDE_WINDOW_MS), `sync()` waits
 * up to RIDE_WAIT_MS for the next one instead of starting an fdatasync of its own: during a storm
 * the worker's commits ride on the intake's fsyncs, and two fsyncs of one file never compete.
 */
/** FULL commits count as flowing for this long after one. */
const RIDE_WINDOW_MS = 50;
/** How long a sync waits for the next FULL commit while they flow, before it runs its own fdatasync. */
const RIDE_WAIT_MS = 10;

export class WalSync {
  private running = false;
  private dirSynced = false;
  private lastCovered = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  /** Callers waiting for the sync in progress (it started after their commit). */
  private current: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  /** Callers that arrived while a sync was running: their commits need the next one. */
  private next: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(private readonly walFile: string) {}

  /** sync resolves when every commit made before this call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.next.push({ resolve, reject });
      if (this.running || this.timer) {
        return;
      }
      if (performance.now() - this.lastCovered < RIDE_WINDOW_MS) {
        this.timer = setTimeout(() => {
          this.timer = null;
          if (!this.running && this.next.length > 0) {
            this.start();
          }
        }, RIDE_WAIT_MS);
      } else {
        this.start();
      }
    });
  }

  /**
   * covered is called right after a commit with synchronous=FULL returned on the same connection:
   * the WAL is on disk up to that commit, so every caller waiting now is done.
   */
  covered(): void {
    this.lastCovered = performance.now();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const done = [...this.current, ...this.next];
    this.current = [];
    this.next = [];
    for (const w of done) {
      w.resolve();
    }
  }

  private start(): void {
    this.running = true;
    this.current = this.next;
    this.next = [];
    this.flush((err) => {
      const done = this.current;
      this.current = [];
      this.running = false;
      for (const w of done) {
        if (err) {
          w.reject(err);
        } else {
          w.resolve();
        }
      }
      if (this.next.length > 0) {
        this.start();
      }
    });
  }

  private flush(cb: (err: Error | null) => void): void {
    let fd: number;
    try {
      // Opened per sync (microseconds) so the flush always reaches the file SQLite writes to now.
      fd = fs.openSync(this.walFile, 'r+');
    } catch (err) {
      cb(err as Error);
      return;
    }
    fs.fdatasync(fd, (err) => {
      fs.close(fd, () => {
        if (err || this.dirSynced) {
          cb(err);
          return;
        }
        // Once: make the WAL file's directory entry durable too (it may have just been created).
        this.syncDir((dirErr) => {
          this.dirSynced = !dirErr;
          cb(dirErr);
        });
      });
    });
  }

  private syncDir(cb: (err: Error | null) => void): void {
    fs.open(path.dirname(this.walFile), 'r', (err, fd) => {
      if (err) {
        cb(err);
        return;
      }
      fs.fsync(fd, (syncErr) => fs.close(fd, () => cb(syncErr)));
    });
  }
}
