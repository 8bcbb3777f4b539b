import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alert, baseEnv, payload, sign, startApp, tempPgDatabase, tempSqlite } from './helpers/app';
import { openDatabase, type Database, type DbHandle } from '../src/store/db';
import { migrateToLatest } from '../src/store/migrations';
import { createRepositories, type Repositories } from '../src/store';
import type { IntakeOptions } from '../src/store/intake-repo';
import type { Kysely } from 'kysely';

type Store = Repositories & { db: Kysely<Database> };
import { WalSync } from '../src/store/wal-sync';

const opts: IntakeOptions = { repeatWindowMs: 60000, severityLabel: 'severity', defaultSeverity: 'warning' };

async function addUser(store: Store, login: string, extra: Record<string, unknown> = {}) {
  await store.users.putUser(login, { email: `${login}@example.com`, confirmed: true, ...extra } as never, {
    now: Date.now(),
    defaultDigestMinutes: 0,
    confirmUrl: (t) => t,
    trustConfirmed: true,
  });
}

/** mails answers each user's outbox rows (kind and the vms they report), in creation order. */
async function mails(store: Store) {
  const rows = await store.db
    .selectFrom('outbox')
    .innerJoin('outbox_items', 'outbox_items.outbox_id', 'outbox.id')
    .innerJoin('alert_events', 'alert_events.id', 'outbox_items.alert_event_id')
    .select(['outbox.id', 'outbox.login', 'outbox.kind', 'alert_events.alert'])
    .orderBy('outbox.id')
    .orderBy('alert_events.id')
    .execute();
  const out = new Map<number, { login: string; kind: string; vms: string[] }>();
  for (const r of rows) {
    const m = out.get(Number(r.id)) ?? { login: r.login, kind: r.kind, vms: [] };
    m.vms.push(JSON.parse(r.alert).a.labels.vm);
    out.set(Number(r.id), m);
  }
  return [...out.values()];
}

describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('intake and fan-out in batches (%s)', (_name, makeDb) => {
  let handle: DbHandle;
  let store: Store;

  beforeEach(async () => {
    handle = openDatabase(await makeDb());
    await migrateToLatest(handle);
    store = { db: handle.db, ...createRepositories(handle) };
  });
  afterEach(async () => {
    await handle.db.destroy();
  });

  it('decides the deliveries of one batch in order, as if each had its own transaction', async () => {
    const now = Date.now();
    const a = alert({ vm: 'b-1' });
    const b = alert({ vm: 'b-2' });
    const old = alert({ vm: 'b-old' });
    // Stored earlier: `old` two minutes ago (outside the 1-minute repeat window), `b` just now.
    await store.intake.storeNotifications(
      [{ payload: payload([old], { groupKey: 'g' }) as never, now: now - 120000 }],
      opts
    );
    await store.intake.storeNotifications(
      [{ payload: payload([b], { groupKey: 'g' }) as never, now: now - 1000 }],
      opts
    );
    const r = await store.intake.storeNotifications(
      [
        { payload: payload([a, a], { groupKey: 'g' }) as never, now }, // the same state twice in one delivery
        { payload: payload([a, b], { groupKey: 'g' }) as never, now }, // a: stored by the first delivery; b: stored before
        { payload: payload([old], { groupKey: 'g' }) as never, now }, // a reminder
        { payload: payload([a], { groupKey: 'other' }) as never, now }, // another group: another state
      ],
      opts
    );
    expect(r.map((x) => [x.accepted, x.duplicates])).toEqual([
      [1, 1],
      [0, 2],
      [1, 0],
      [1, 0],
    ]);
    expect(new Set(r.map((x) => x.id)).size).toBe(4);
    const states = await store.db
      .selectFrom('notifications')
      .select(['id', 'state', 'new_alerts'])
      .orderBy('id')
      .execute();
    expect(states.slice(2).map((n) => [n.state, n.new_alerts])).toEqual([
      ['new', 1],
      ['duplicate', 0],
      ['new', 1],
      ['new', 1],
    ]);
  });

  it('fans out several notifications per transaction exactly as one at a time would', async () => {
    const t = Date.now();
    const scenario = async (st: Store, maxDeliveries: number) => {
      await addUser(st, 'win', { digestMinutes: 10 });
      await addUser(st, 'now', { digestMinutes: 0 });
      await addUser(st, 'crit', { digestMinutes: 10, minSeverity: 'critical' });
      for (let n = 0; n < 4; n++) {
        const p = payload([alert({ vm: `f-${n}`, severity: n === 2 ? 'critical' : 'warning' })], {
          groupKey: `f-${n}`,
        });
        await st.intake.storeNotifications([{ payload: p as never, now: t }], opts);
      }
      const batches: number[] = [];
      for (
        let n = await st.fanout.fanOutBatch({ now: t, maxDeliveries });
        n > 0;
        n = await st.fanout.fanOutBatch({ now: t, maxDeliveries })
      ) {
        batches.push(n);
      }
      const digests = await st.db
        .selectFrom('outbox')
        .select(['login', 'not_before'])
        .where('kind', '=', 'digest')
        .execute();
      return {
        batches,
        mails: (await mails(st)).map((m) => `${m.login} ${m.kind} ${m.vms.join(',')}`).sort(),
        digests,
      };
    };
    const together = await scenario(store, 1000);
    const other = openDatabase(await makeDb());
    await migrateToLatest(other);
    const oneByOne = await scenario({ db: other.db, ...createRepositories(other) }, 1);
    await other.db.destroy();
    expect(together.batches).toEqual([4]);
    expect(oneByOne.batches).toEqual([1, 1, 1, 1]);
    expect(together.mails).toEqual([
      'crit alert f-2',
      'now alert f-0',
      'now alert f-1',
      'now alert f-2',
      'now alert f-3',
      'win alert f-0',
      'win digest f-1,f-2,f-3',
    ]);
    expect(oneByOne.mails).toEqual(together.mails);
    expect(together.digests.map((d) => [d.login, Number(d.not_before)])).toEqual([['win', t + 600000]]);
    expect(oneByOne.digests.map((d) => [d.login, Number(d.not_before)])).toEqual([['win', t + 600000]]);
  });

  it('takes at least one notification per batch and stops at the delivery bound', async () => {
    await addUser(store, 'u1');
    await addUser(store, 'u2');
    const t = Date.now();
    for (let n = 0; n < 3; n++) {
      const p = payload([alert({ vm: `s-${n}-a` }), alert({ vm: `s-${n}-b` })], { groupKey: `s-${n}` });
      await store.intake.storeNotifications([{ payload: p as never, now: t }], opts);
    }
    // 2 states x 2 subscribers = 4 deliveries per notification.
    expect(await store.fanout.fanOutBatch({ now: t, maxDeliveries: 1 })).toBe(1);
    expect(await store.fanout.fanOutBatch({ now: t, maxDeliveries: 8 })).toBe(2);
    expect(await store.fanout.fanOutBatch({ now: t, maxDeliveries: 8 })).toBe(0);
    expect((await mails(store)).map((m) => `${m.login} ${m.vms.join(',')}`).sort()).toEqual([
      'u1 s-0-a,s-0-b',
      'u1 s-1-a,s-1-b',
      'u1 s-2-a,s-2-b',
      'u2 s-0-a,s-0-b',
      'u2 s-1-a,s-1-b',
      'u2 s-2-a,s-2-b',
    ]);
  });
});

describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('a big digest (%s)', (_name, makeDb) => {
  it('is read in pages, all of it, in payload order', async () => {
    const handle = openDatabase(await makeDb());
    try {
      await migrateToLatest(handle);
      const store = { db: handle.db, ...createRepositories(handle) };
      await addUser(store, 'big');
      const vms = Array.from({ length: 1201 }, (_, i) => `p-${i}`);
      await store.intake.storeNotifications(
        [{ payload: payload(vms.map((vm) => alert({ vm }))) as never, now: Date.now() }],
        opts
      );
      expect(await store.fanout.fanOutBatch({ now: Date.now(), maxDeliveries: 500 })).toBe(1);
      const mail = await store.db.selectFrom('outbox').select('id').executeTakeFirstOrThrow();
      const items = await store.outbox.itemsOf(Number(mail.id));
      expect(items.map((i) => i.stored.a.labels.vm)).toEqual(vms);
    } finally {
      await handle.db.destroy();
    }
  });
});

describe('webhooks that arrive together', () => {
  it('share a commit and each gets its own answer', async () => {
    const app = await startApp(baseEnv(1, tempSqlite()), { startWorker: false });
    try {
      const bodies = [
        payload([alert({ vm: 'c-1' }, { fingerprint: 'fp-c1' })], { groupKey: 'c' }),
        payload([alert({ vm: 'c-2' }), alert({ vm: 'c-3' })], { groupKey: 'c' }),
        payload([alert({ vm: 'c-1' }, { fingerprint: 'fp-c1' })], { groupKey: 'c' }),
      ].map((b) => JSON.stringify(b));
      const answers = await Promise.all(
        bodies.map((s, i) =>
          app.inject({
            method: 'POST',
            url: '/webhook/grafana',
            payload: s,
            headers: sign(s, Math.floor(Date.now() / 1000) + i),
          })
        )
      );
      expect(answers.map((r) => r.statusCode)).toEqual([202, 202, 202]);
      expect(answers.map((r) => [r.json().accepted, r.json().duplicates])).toEqual([
        [1, 0],
        [2, 0],
        [0, 1],
      ]);
      expect((await app.outboxRepository.queueDepth()).notifications).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe('WalSync', () => {
  it('shares one fdatasync among the callers waiting together and reports a missing file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-walsync-'));
    const file = path.join(dir, 'x.db-wal');
    fs.writeFileSync(file, 'frames');
    const sync = new WalSync(file);
    await expect(Promise.all([sync.sync(), sync.sync(), sync.sync()])).resolves.toHaveLength(3);
    await expect(new WalSync(path.join(dir, 'missing-wal')).sync()).rejects.toThrow(/ENOENT/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets callers ride on the next synchronous=FULL commit while such commits are flowing', async () => {
    // No file: any fdatasync of its own would fail, so resolving proves the ride.
    const sync = new WalSync(path.join(os.tmpdir(), 'relay-walsync-none', 'x.db-wal'));
    sync.covered();
    const waiting = Promise.all([sync.sync(), sync.sync()]);
    sync.covered();
    await expect(waiting).resolves.toHaveLength(2);
  });
});
