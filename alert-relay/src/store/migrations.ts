import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, DbHandle } from './db';

/** The schema history, in order. Never edit a released migration; add a new one. */
function migrations(dialect: DbHandle['dialect']): Record<string, Migration> {
  // `id` columns: INTEGER PRIMARY KEY AUTOINCREMENT on SQLite, BIGSERIAL on PostgreSQL.
  const idCol = (t: any) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c: any) => c.primaryKey())
      : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement());
  return {
    '001_initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('users')
          .addColumn('login', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('confirm_token_hash', 'text')
          .addColumn('min_severity', 'text', (c) => c.notNull())
          .addColumn('matchers', 'text', (c) => c.notNull())
          .addColumn('firing', 'integer', (c) => c.notNull())
          .addColumn('resolved', 'integer', (c) => c.notNull())
          .addColumn('quiet_hours', 'text')
          .addColumn('digest_minutes', 'integer', (c) => c.notNull())
          .addColumn('unsubscribed', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_mail_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await idCol(db.schema.createTable('notifications'))
          .addColumn('received_at', 'bigint', (c: any) => c.notNull())
          .addColumn('group_key', 'text', (c: any) => c.notNull())
          .addColumn('status', 'text', (c: any) => c.notNull())
          .addColumn('payload', 'text', (c: any) => c.notNull())
          .addColumn('state', 'text', (c: any) => c.notNull())
          .addColumn('new_alerts', 'integer', (c: any) => c.notNull())
          .execute();
        await db.schema.createIndex('notifications_state').on('notifications').columns(['state', 'id']).execute();
        await idCol(db.schema.createTable('alert_events'))
          .addColumn('event_key', 'text', (c: any) => c.notNull().unique())
          .addColumn('notification_id', 'bigint', (c: any) => c.notNull())
          .addColumn('accepted_at', 'bigint', (c: any) => c.notNull())
          .addColumn('fingerprint', 'text', (c: any) => c.notNull())
          .addColumn('status', 'text', (c: any) => c.notNull())
          .addColumn('severity', 'text', (c: any) => c.notNull())
          .addColumn('alert', 'text', (c: any) => c.notNull())
          .execute();
        await db.schema.createIndex('alert_events_notification').on('alert_events').column('notification_id').execute();
        await idCol(db.schema.createTable('outbox'))
          .addColumn('idem_key', 'text', (c: any) => c.notNull().unique())
          .addColumn('kind', 'text', (c: any) => c.notNull())
          .addColumn('login', 'text', (c: any) => c.notNull())
          .addColumn('email', 'text', (c: any) => c.notNull())
          .addColumn('state', 'text', (c: any) => c.notNull())
          .addColumn('created_at', 'bigint', (c: any) => c.notNull())
          .addColumn('not_before', 'bigint', (c: any) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c: any) => c.notNull())
          .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
          .addColumn('claimed_by', 'text')
          .addColumn('lease_until', 'bigint')
          .addColumn('last_error', 'text')
          .addColumn('sent_at', 'bigint')
          .addColumn('message_id', 'text')
          .addColumn('data', 'text')
          .execute();
        await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute();
        await db.schema.createIndex('outbox_login_state').on('outbox').columns(['login', 'state']).execute();
        await db.schema
          .createTable('outbox_items')
          .addColumn('outbox_id', 'bigint', (c) => c.notNull())
          .addColumn('alert_event_id', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('outbox_items_pk', ['outbox_id', 'alert_event_id'])
          .execute();
        await idCol(db.schema.createTable('audit_events'))
          .addColumn('time', 'text', (c: any) => c.notNull())
          .addColumn('time_ms', 'bigint', (c: any) => c.notNull())
          .addColumn('user_login', 'text', (c: any) => c.notNull())
          .addColumn('user_email', 'text', (c: any) => c.notNull())
          .addColumn('user_role', 'text', (c: any) => c.notNull())
          .addColumn('action', 'text', (c: any) => c.notNull())
          .addColumn('vm_id', 'text', (c: any) => c.notNull())
          .addColumn('vm_name', 'text', (c: any) => c.notNull())
          .addColumn('params', 'text', (c: any) => c.notNull())
          .addColumn('outcome', 'text', (c: any) => c.notNull())
          .addColumn('error', 'text')
          .execute();
        await db.schema.createIndex('audit_time').on('audit_events').column('time_ms').execute();
      },
    },
    '002_audit_scope_and_retention': {
      async up(db: Kysely<any>) {
        // Which data source / vCenter / Grafana org an audit event belongs to, so several vCenters on
        // one relay never mix events of the same VM id (docs/contracts.md §5).
        await db.schema.alterTable('audit_events').addColumn('datasource_uid', 'text').execute();
        await db.schema.alterTable('audit_events').addColumn('vcenter', 'text').execute();
        await db.schema.alterTable('audit_events').addColumn('org_id', 'bigint').execute();
        await db.schema.createIndex('audit_vm').on('audit_events').columns(['vm_id', 'time_ms']).execute();
        // Retention prunes by age in small batches; these keep each batch an index range scan.
        await db.schema.createIndex('notifications_received').on('notifications').column('received_at').execute();
        await db.schema.createIndex('alert_events_accepted').on('alert_events').column('accepted_at').execute();
        await db.schema.createIndex('outbox_items_event').on('outbox_items').column('alert_event_id').execute();
        await db.schema.createIndex('outbox_created').on('outbox').columns(['created_at']).execute();
      },
    },
    '003_vm_placements': {
      async up(db: Kysely<any>) {
        // Where each VM runs now, so mails can say it although series labels name the VM only
        // (docs/contracts.md §2, §5). One row per VM of a vCenter, replaced on every push.
        await db.schema
          .createTable('vm_placements')
          .addColumn('vcenter', 'text', (c) => c.notNull())
          .addColumn('vm_id', 'text', (c) => c.notNull())
          .addColumn('vm_name', 'text', (c) => c.notNull())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('cluster', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('vm_placements_pk', ['vcenter', 'vm_id'])
          .execute();
        // Retention drops placements no push has refreshed for a while (VMs gone), oldest first.
        await db.schema.createIndex('vm_placements_updated').on('vm_placements').column('updated_at').execute();
      },
    },
  };
}

/** migrateToLatest applies pending migrations; two replicas starting together are serialised by Kysely's lock table. */
export async function migrateToLatest(handle: DbHandle): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(handle.dialect) };
  const migrator = new Migrator({ db: handle.db as Kysely<Database>, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String((error as Error)?.message ?? error)}`
    );
  }
}

/** ping runs a trivial query so readiness reflects a reachable database. */
export async function ping(handle: DbHandle): Promise<void> {
  await sql`select 1`.execute(handle.db);
}
