import type { Kysely } from 'kysely';
import type { Database, DbHandle } from './db';
import type { AuditEventInT, AuditEventT, AuditQueryT } from '../schemas/internal';

/** AuditRecord is what any part of the relay records: a backend event or one of the relay's own. */
export type AuditRecord = Omit<AuditEventT, 'id'>;

/** writeAudit stores one audit record with `db` (a transaction when it must commit with a change). */
export async function writeAudit(db: Kysely<Database>, e: AuditRecord): Promise<string> {
  const r = await db
    .insertInto('audit_events')
    .values({
      time: new Date(e.time).toISOString(),
      time_ms: Date.parse(e.time),
      user_login: e.user.login,
      user_email: e.user.email,
      user_role: e.user.role,
      action: e.action,
      vm_id: e.vm.id,
      vm_name: e.vm.name,
      params: JSON.stringify(e.params),
      outcome: e.outcome,
      error: e.error ?? null,
      datasource_uid: e.datasourceUid ?? null,
      vcenter: e.vcenter ?? null,
      org_id: e.orgId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** AuditRepository: the data source backend's operations log (table audit_events). */
export class AuditRepository {
  constructor(private readonly handle: DbHandle) {}

  /** insertAudit stores one audit event from the backend and answers its id. */
  async insertAudit(e: AuditEventInT): Promise<string> {
    return writeAudit(this.handle.db, e);
  }

  /** queryAudit answers one page of audit events, newest first. */
  async queryAudit(q: AuditQueryT): Promise<{ items: AuditEventT[]; total: number }> {
    let base = this.handle.db.selectFrom('audit_events');
    if (q.vm) {
      base = base.where((eb) => eb.or([eb('vm_id', '=', q.vm!), eb('vm_name', '=', q.vm!)]));
    }
    if (q.user) {
      base = base.where('user_login', '=', q.user);
    }
    if (q.action) {
      base = base.where('action', '=', q.action);
    }
    if (q.datasourceUid) {
      base = base.where('datasource_uid', '=', q.datasourceUid);
    }
    if (q.vcenter) {
      base = base.where('vcenter', '=', q.vcenter);
    }
    if (q.orgId !== undefined) {
      base = base.where('org_id', '=', q.orgId);
    }
    if (q.from) {
      base = base.where('time_ms', '>=', Date.parse(q.from));
    }
    if (q.to) {
      base = base.where('time_ms', '<=', Date.parse(q.to));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    const items = rows.map((r) => {
      const e: AuditEventT = {
        id: String(r.id),
        time: r.time,
        user: { login: r.user_login, email: r.user_email, role: r.user_role },
        action: r.action as AuditEventT['action'],
        vm: { id: r.vm_id, name: r.vm_name },
        params: JSON.parse(r.params),
        outcome: r.outcome as AuditEventT['outcome'],
      };
      if (r.error) {
        e.error = r.error;
      }
      if (r.datasource_uid !== null) {
        e.datasourceUid = r.datasource_uid;
      }
      if (r.vcenter !== null) {
        e.vcenter = r.vcenter;
      }
      if (r.org_id !== null) {
        e.orgId = Number(r.org_id);
      }
      return e;
    });
    return { items, total: Number(total.n) };
  }
}
