// Retention: old delivery data and (later) old audit events are pruned in small batches on SQLite
// and PostgreSQL; waiting work is never touched; /metrics shows the table sizes.
import { alert, baseEnv, payload, startApp, tempPgDatabase, tempSqlite } from './helpers/app';

const DAY = 86400000;

describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('retention (%s)', (_name, makeDb) => {
  it('prunes sent mail, notifications, unreferenced alert events and old audit events, batch by batch', async () => {
    const app = await startApp(
      baseEnv(1, await makeDb(), {
        RELAY_RETENTION_DAYS: '14',
        RELAY_AUDIT_RETENTION_DAYS: '400',
        RELAY_PRUNE_BATCH_SIZE: '2',
      }),
      { startWorker: false }
    );
    try {
      const now = Date.now();
      const old = now - 20 * DAY;
      const opts = { repeatWindowMs: 0, severityLabel: 'severity', defaultSeverity: 'warning' as const };
      await app.usersRepository.putUser(
        'ann',
        { email: 'ann@example.com', confirmed: true, digestMinutes: 0 },
        {
          now: old,
          defaultDigestMinutes: 0,
          confirmUrl: (t) => t,
          trustConfirmed: true,
        }
      );
      // Five old notifications, fanned out and mailed; one recent one, mailed; one old one still waiting.
      for (let i = 0; i < 5; i++) {
        await app.intakeRepository.storeNotifications(
          [{ payload: payload([alert({ vm: `old-${i}` })], { groupKey: `old-${i}` }) as never, now: old }],
          opts
        );
      }
      await app.fanoutRepository.fanOutBatch({ now: old, maxDeliveries: 1000 });
      await app.intakeRepository.storeNotifications(
        [{ payload: payload([alert({ vm: 'recent' })], { groupKey: 'recent' }) as never, now }],
        opts
      );
      await app.fanoutRepository.fanOutBatch({ now, maxDeliveries: 1000 });
      const claimed = await app.outboxRepository.claim('w', 100, now, 60000);
      for (const r of claimed) {
        await app.outboxRepository.markSent(Number(r.id), 'w', now, `<${r.id}@x>`);
      }
      await app.intakeRepository.storeNotifications(
        [{ payload: payload([alert({ vm: 'waiting' })], { groupKey: 'waiting' }) as never, now: old }],
        opts
      );
      const audit = (t: number, i: number) => ({
        time: new Date(t).toISOString(),
        user: { login: 'ops', email: 'ops@example.com', role: 'Editor' },
        action: 'power' as const,
        vm: { id: `vm-${i}`, name: `v${i}` },
        params: {},
        outcome: 'success' as const,
      });
      await app.auditRepository.insertAudit(audit(now - 500 * DAY, 1));
      await app.auditRepository.insertAudit(audit(now - 30 * DAY, 2));
      await app.auditRepository.insertAudit(audit(now, 3));
      await app.placementsRepository.putPlacements(
        { vcenter: 'vc', placements: [{ vmId: 'vm-gone', vm: 'gone', host: 'h', cluster: 'c' }] },
        old
      );
      await app.placementsRepository.putPlacements(
        { vcenter: 'vc', placements: [{ vmId: 'vm-here', vm: 'here', host: 'h', cluster: 'c' }] },
        now
      );
      const before = await app.retentionRepository.tableRows();

      const r = await app.pruner.pruneOnce(now);

      const after = await app.retentionRepository.tableRows();
      // 6 mails (5 old alert mails for ann + 1 recent): the 5 old ones go, in batches of 2.
      expect(r.outbox).toEqual({ rows: 5, batches: 3 });
      expect(r.notifications.rows).toBe(5);
      expect(r.alert_events.rows).toBe(5);
      // Only the audit event older than 400 days goes; 30 days is within the audit log's own window.
      expect(r.audit_events).toEqual({ rows: 1, batches: 1 });
      // A placement no push refreshed within the window is a VM that is gone.
      expect(r.vm_placements).toEqual({ rows: 1, batches: 1 });
      expect((await app.database.db.selectFrom('vm_placements').select('vm_id').execute()).map((x) => x.vm_id)).toEqual(
        ['vm-here']
      );
      expect(before.outbox - after.outbox).toBe(5);
      expect(after.outbox_items).toBe(1);
      expect(after.notifications).toBe(2); // the recent one and the one still waiting
      expect(after.alert_events).toBe(2);
      expect(after.users).toBe(1);
      const left = await app.database.db.selectFrom('notifications').select(['state']).orderBy('id').execute();
      expect(left.map((n) => n.state)).toEqual(['done', 'new']);
      // The waiting notification is still fanned out normally.
      expect(await app.fanoutRepository.fanOutBatch({ now, maxDeliveries: 1000 })).toBe(1);
      const audits = await app.auditRepository.queryAudit({ page: 1, pageSize: 50, action: 'power' });
      expect(audits.items.map((e) => e.vm.id).sort()).toEqual(['vm-2', 'vm-3']);
      // Next pass: the formerly waiting notification is fanned out now and old, so it goes; its alert
      // event stays while its mail is pending.
      const again = await app.pruner.pruneOnce(now);
      expect(Object.values(again).map((x) => x.rows)).toEqual([0, 1, 0, 0, 0]);
      expect((await app.retentionRepository.tableRows()).alert_events).toBe(2);

      const metrics = (await app.inject('/metrics')).body;
      expect(metrics).toMatch(/relay_table_rows\{table="alert_events"\} \d+/);
      // vm-2, vm-3 and the record of ann's registration.
      expect(metrics).toMatch(/relay_table_rows\{table="audit_events"\} 3/);
      expect(metrics).toMatch(/relay_database_bytes [1-9]\d*/);
      expect(metrics).toMatch(/relay_pruned_rows_total\{table="outbox"\} 5/);
    } finally {
      await app.close();
    }
  });
});
