import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Generated } from 'kysely';
import { Pool, types } from 'pg';
import { WalSync } from './wal-sync';

// Epoch-millisecond columns are BIGINT in PostgreSQL; they fit a JS number exactly.
types.setTypeParser(20, (v: string) => Number(v));

/** UsersTable holds registered users and their subscription preferences. */
export interface UsersTable {
  login: string;
  email: string;
  name: string | null;
  confirmed: number;
  confirm_token_hash: string | null;
  min_severity: string;
  matchers: string; // JSON { cluster?: string[], host?: string[], vm?: string[], alertname?: string[] }
  firing: number;
  resolved: number;
  quiet_hours: string | null; // JSON { start, end, tz }
  digest_minutes: number;
  unsubscribed: number;
  last_mail_at: number | null; // epoch ms of the last immediate mail or of the next scheduled digest
  created_at: number;
  updated_at: number;
}

/** NotificationsTable keeps every accepted webhook delivery until it has been fanned out. */
export interface NotificationsTable {
  id: Generated<number>;
  received_at: number;
  group_key: string;
  status: string;
  payload: string;
  state: string; // new | done | duplicate
  new_alerts: number;
}

/** AlertEventsTable is one alert state (groupKey + fingerprint + status + startsAt); the unique key makes redelivery idempotent. */
export interface AlertEventsTable {
  id: Generated<number>;
  event_key: string;
  notification_id: number;
  accepted_at: number;
  fingerprint: string;
  status: string;
  severity: string;
  alert: string; // JSON of the Grafana alert object
}

/** OutboxTable is the durable queue of e-mails; idem_key is unique per notification x recipient. */
export interface OutboxTable {
  id: Generated<number>;
  idem_key: string;
  kind: string; // alert | digest | confirm | test
  login: string;
  email: string;
  state: string; // pending | sending | sent | parked
  created_at: number;
  not_before: number;
  next_attempt_at: number;
  attempts: number;
  claimed_by: string | null;
  lease_until: number | null;
  last_error: string | null;
  sent_at: number | null;
  message_id: string | null;
  data: string | null; // JSON, for confirm mails
}

/** OutboxItemsTable links an outbox e-mail to the alert events it reports. */
export interface OutboxItemsTable {
  outbox_id: number;
  alert_event_id: number;
}

/** AuditTable stores the data source backend's operations log. */
export interface AuditTable {
  id: Generated<number>;
  time: string;
  time_ms: number;
  user_login: string;
  user_email: string;
  user_role: string;
  action: string;
  vm_id: string;
  vm_name: string;
  params: string;
  outcome: string;
  error: string | null;
  datasource_uid: string | null;
  vcenter: string | null;
  org_id: number | null;
}

/** VmPlacementsTable is the latest known host and cluster of each VM, pushed by the backend (docs/contracts.md §5). */
export interface VmPlacementsTable {
  vcenter: string;
  vm_id: string;
  vm_name: string;
  host: string;
  cluster: string;
  updated_at: number;
}

/** Database is the Kysely schema of the relay. */
export interface Database {
  users: UsersTable;
  notifications: NotificationsTable;
  alert_events: AlertEventsTable;
  outbox: OutboxTable;
  outbox_items: OutboxItemsTable;
  audit_events: AuditTable;
  vm_placements: VmPlacementsTable;
}

/**
 * DbHandle bundles the Kysely instance with its dialect. With SQLite, `sqlite` is the same single
 * connection Kysely uses: the webhook intake writes through it directly (prepared statements in one
 * synchronous transaction per batch), which is only safe because no Kysely transaction on this
 * connection ever spans an event-loop turn (see Store.storeNotifications).
 */
export interface DbHandle {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  sqlite?: SQLite.Database;
  /** SQLite file with synchronous FULL: the group fdatasync the busy write paths use (see Store.lightly). */
  walSync?: WalSync;
  /** PostgreSQL: the pool Kysely uses, for the intake's named (prepared once per connection) statement. */
  pool?: Pool;
}

/** openDatabase connects to PostgreSQL for postgres:// URLs and to a SQLite file otherwise. */
export function openDatabase(
  url: string,
  opts: { poolSize?: number; sqliteSynchronous?: 'FULL' | 'NORMAL' } = {}
): DbHandle {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // An idle client that errors (e.g. the server restarts) must not crash the process.
    pool.on('error', () => undefined);
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', pool };
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '').replace(/^file:/, '');
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  const sqlite = new SQLite(file);
  // WAL + synchronous=FULL: every committed transaction is on disk before it is reported done
  // (webhook answered, mail sent). The outbox worker's transactions get the same guarantee from a
  // group fdatasync off the event loop (WalSync, Store.lightly); everything else, the webhook
  // intake included, commits with FULL.
  const synchronous = opts.sqliteSynchronous ?? 'FULL';
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const walSync = synchronous === 'FULL' && file !== ':memory:' ? new WalSync(`${path.resolve(file)}-wal`) : undefined;
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
    dialect: 'sqlite',
    sqlite,
    walSync,
  };
}
