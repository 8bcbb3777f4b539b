import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DbHandle } from './db';

/**
 * Durability is the commit plumbing the busy write paths share (README "Intake path and the
 * worker"). With SQLite and synchronous FULL, the outbox worker's writes commit with
 * synchronous=NORMAL and then wait for a group fdatasync of the WAL off the event loop (WalSync);
 * the intake writes through the same connection and must not start while such a write holds it.
 */
export class Durability {
  /** True while `lightly` holds the SQLite connection at synchronous=NORMAL. */
  held = false;

  constructor(private readonly handle: DbHandle) {}

  /**
   * durable resolves once every transaction committed so far is on stable storage. Only SQLite with
   * synchronous FULL has work to do (a group fdatasync of the WAL, off the event loop); PostgreSQL's
   * commit already waited for its WAL flush, and SQLite with NORMAL was asked not to sync.
   */
  durable(): Promise<void> {
    return this.handle.walSync ? this.handle.walSync.sync() : Promise.resolve();
  }

  /** covered tells waiting syncs that a FULL commit on the shared connection just fsynced the WAL. */
  covered(): void {
    this.handle.walSync?.covered();
  }

  /**
   * lightly runs the outbox worker's writes. With SQLite and synchronous FULL it commits with
   * synchronous=NORMAL, so sqlite3 does not fsync on the event loop, then waits for `durable()`:
   * when it resolves the data is on disk, as with FULL, but the fsync ran on the thread pool and was
   * shared with every other commit waiting for one, or rode on the intake's next FULL commit
   * (skipped when `changed` says the work wrote nothing). Otherwise it just runs `fn`.
   */
  async lightly<T>(fn: (db: Kysely<Database>) => Promise<T>, changed: (result: T) => boolean = () => true): Promise<T> {
    if (!this.handle.walSync) {
      return fn(this.handle.db);
    }
    const result = await this.handle.db.connection().execute(async (conn) => {
      // The synchronous level may only change outside a transaction; the connection is held throughout.
      this.held = true;
      try {
        await sql`PRAGMA synchronous = NORMAL`.execute(conn);
        return await fn(conn);
      } finally {
        try {
          await sql`PRAGMA synchronous = FULL`.execute(conn);
        } finally {
          this.held = false;
        }
      }
    });
    if (changed(result)) {
      await this.durable();
    }
    return result;
  }

  /** lightTransaction is `lightly` around one transaction. */
  lightTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>, changed?: (result: T) => boolean): Promise<T> {
    return this.lightly((db) => db.transaction().execute(fn), changed);
  }
}
