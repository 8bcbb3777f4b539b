// Table tests of the pure rules (no database): routing, the fan-out policy and the webhook
// timestamp window. `npm run mutation -w privatecloud-alert-relay` runs StrykerJS over these modules.
import { matches, placedAlert, quietUntil, severityOf } from '../src/policy/matching';
import {
  deliveriesFor,
  fanOut,
  mailKey,
  nextMail,
  place,
  selectBatch,
  type FanoutPort,
  type Mailbox,
  type PendingEvent,
  type Placement,
  type Subscriber,
} from '../src/policy/fanout';
import { replayExpiry, timestampVerdict } from '../src/policy/webhook-window';
import { bySelf, changedFields, confirmationFor, identityFor, isRefusal } from '../src/policy/subscription';
import type { SeverityT } from '../src/schemas/internal';

const alertOf = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') => ({
  status,
  labels,
  startsAt: '2026-11-26T20:00:00Z',
  fingerprint: 'f',
});

describe('severityOf', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['danger', 'critical'],
    ['high', 'critical'],
    ['page', 'critical'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['medium', 'warning'],
    ['info', 'info'],
    ['low', 'info'],
    ['none', 'info'],
    ['', 'info'],
    ['weird', 'info'],
    ['constructor', 'info'],
  ])('%j -> %s (default info)', (v, want) => {
    expect(severityOf({ severity: v }, 'severity', 'info')).toBe(want);
  });
  it.each(['info', 'low', 'none', 'INFO'])('%j -> info (default critical)', (v) => {
    expect(severityOf({ severity: v }, 'severity', 'critical')).toBe('info');
  });
  it.each([['warning'], ['critical'], ['info']] as const)('a missing label gets the default %s', (d) => {
    expect(severityOf({}, 'severity', d)).toBe(d);
    expect(severityOf({ severity: 'bogus' }, 'severity', d)).toBe(d);
  });
  it('reads the configured label, not "severity"', () => {
    expect(severityOf({ level: 'critical', severity: 'info' }, 'level', 'warning')).toBe('critical');
    expect(severityOf({}, 'level', 'info')).toBe('info');
  });
});

describe('matches: every status x user choice x severity', () => {
  const sevs: SeverityT[] = ['info', 'warning', 'critical'];
  const cases: Array<[string, 'firing' | 'resolved', boolean, boolean, SeverityT, SeverityT, boolean]> = [];
  for (const status of ['firing', 'resolved'] as const) {
    for (const firing of [true, false]) {
      for (const resolved of [true, false]) {
        for (const min of sevs) {
          for (const sev of sevs) {
            const wantsState = status === 'firing' ? firing : resolved;
            const want = wantsState && sevs.indexOf(sev) >= sevs.indexOf(min);
            cases.push([
              `${status} firing=${firing} resolved=${resolved} min=${min} sev=${sev}`,
              status,
              firing,
              resolved,
              min,
              sev,
              want,
            ]);
          }
        }
      }
    }
  }
  it.each(cases)('%s', (_n, status, firing, resolved, min, sev, want) => {
    expect(matches({ minSeverity: min, matchers: {}, firing, resolved }, alertOf({}, status), sev)).toBe(want);
  });
});

describe('matches: label matchers', () => {
  const u = (matchers: Record<string, string[]>) => ({
    minSeverity: 'info' as const,
    matchers,
    firing: true,
    resolved: true,
  });
  it.each([
    [{}, { cluster: 'c1' }, true],
    [{ cluster: [] }, { cluster: 'c1' }, true],
    [{ cluster: ['c1', 'c2'] }, { cluster: 'c2' }, true],
    [{ cluster: ['c1'] }, { cluster: 'c3' }, false],
    [{ cluster: ['c1'] }, {}, false],
    [{ host: ['h1'] }, { host: 'h1' }, true],
    [{ host: ['h1'] }, { host: 'h2' }, false],
    [{ vm: ['v1'] }, { vm: 'v1' }, true],
    [{ vm: ['v1'] }, { vm: 'v2' }, false],
    [{ alertname: ['A'] }, { alertname: 'A' }, true],
    [{ alertname: ['A'] }, { alertname: 'B' }, false],
    [{ cluster: ['c1'], vm: ['v1'] }, { cluster: 'c1', vm: 'v2' }, false],
    [{ cluster: ['c1'], vm: ['v1'] }, { cluster: 'c1', vm: 'v1' }, true],
  ])('%j on %j -> %s', (m, labels, want) => {
    expect(matches(u(m), alertOf(labels), 'info')).toBe(want);
  });
});

describe('placedAlert: where a VM runs stands in for missing host/cluster labels', () => {
  const where = { host: 'esx-01', cluster: 'prod' };
  it.each([
    [{ vm: 'v1' }, where, { vm: 'v1', host: 'esx-01', cluster: 'prod' }],
    [{ vm: 'v1' }, undefined, { vm: 'v1' }],
    [{ vm: 'v1' }, { host: 'esx-01', cluster: '' }, { vm: 'v1', host: 'esx-01' }],
    [{ vm: 'v1', cluster: 'own' }, where, { vm: 'v1', host: 'esx-01', cluster: 'own' }],
    [{ vm: 'v1', host: 'h-own' }, where, { vm: 'v1', host: 'h-own', cluster: 'prod' }],
  ])('%j with %j -> %j', (labels, w, want) => {
    const a = alertOf(labels);
    const before = JSON.stringify(a);
    expect(placedAlert(a, w).labels).toEqual({ ...a.labels, ...want });
    expect(JSON.stringify(a)).toBe(before); // the stored alert is not changed
  });
});

describe('quietUntil', () => {
  const t = Date.parse('2026-11-26T23:30:20Z');
  it.each([
    ['inside, across midnight', { start: '22:00', end: '07:00', tz: 'UTC' }, '2026-11-27T07:00:00Z'],
    ['outside a day window', { start: '08:00', end: '18:00', tz: 'UTC' }, null],
    ['inside a same-day window', { start: '23:00', end: '23:45', tz: 'UTC' }, '2026-11-26T23:45:00Z'],
    ['at its start', { start: '23:30', end: '23:45', tz: 'UTC' }, '2026-11-26T23:45:00Z'],
    ['at its end (the end is outside)', { start: '23:00', end: '23:30', tz: 'UTC' }, null],
    ['empty window', { start: '23:00', end: '23:00', tz: 'UTC' }, null],
    ['in Berlin (00:30 CET)', { start: '00:00', end: '06:00', tz: 'Europe/Berlin' }, '2026-11-27T05:00:00Z'],
    ['unknown zone counts as UTC', { start: '22:00', end: '07:00', tz: 'Mars/Base' }, '2026-11-27T07:00:00Z'],
    ['after midnight, before the end', { start: '23:45', end: '23:40', tz: 'UTC' }, '2026-11-26T23:40:00Z'],
    ['across midnight, at its end (outside)', { start: '23:45', end: '23:30', tz: 'UTC' }, null],
    ['across midnight, at its start', { start: '23:30', end: '01:00', tz: 'UTC' }, '2026-11-27T01:00:00Z'],
    ['across midnight, before its start', { start: '23:31', end: '01:00', tz: 'UTC' }, null],
    ['across midnight, after its end', { start: '22:00', end: '07:00', tz: 'Pacific/Kiritimati' }, null],
    ['across midnight, after midnight', { start: '22:00', end: '00:00', tz: 'UTC' }, '2026-11-27T00:00:00Z'],
  ])('%s', (_n, q, want) => {
    const got = quietUntil(t, q);
    expect(got).toBe(want === null ? null : Date.parse(want));
  });
  it('no quiet hours', () => expect(quietUntil(t, undefined)).toBeNull());
});

describe('nextMail', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const box = (b: Partial<Mailbox>): Mailbox => ({ email: 'x@example.com', windowMs: 600000, lastMailAt: null, ...b });
  it.each([
    ['never mailed', box({}), 'alert', now],
    ['no digest window', box({ windowMs: 0, lastMailAt: now - 1000 }), 'alert', now],
    ['mailed within the window', box({ lastMailAt: now - 60000 }), 'digest', now - 60000 + 600000],
    ['mailed exactly one window ago', box({ lastMailAt: now - 600000 }), 'alert', now],
    ['mailed before the window', box({ lastMailAt: now - 600001 }), 'alert', now],
    ['digest already scheduled later', box({ lastMailAt: now + 300000 }), 'digest', now + 900000],
    [
      'quiet hours win over the window',
      box({ lastMailAt: now - 60000, quiet: { start: '11:00', end: '13:00', tz: 'UTC' } }),
      'digest',
      Date.parse('2026-11-26T13:00:00Z'),
    ],
    ['outside quiet hours', box({ quiet: { start: '13:00', end: '14:00', tz: 'UTC' } }), 'alert', now],
    ['no window, a digest scheduled later', box({ windowMs: 0, lastMailAt: now + 60000 }), 'alert', now],
  ])('%s', (_n, b, kind, notBefore) => {
    expect(nextMail(b, now)).toEqual({ kind, notBefore });
  });
  it('a user never mailed gets an immediate mail even right after the epoch', () => {
    expect(nextMail(box({}), 1000)).toEqual({ kind: 'alert', notBefore: 1000 });
  });
  it('keys alert mails per notification and digests per time', () => {
    expect(mailKey('alert', 7, 'ann', 5)).toBe('alert:7:ann');
    expect(mailKey('digest', 7, 'ann', 5)).toBe('digest:ann:5');
  });
});

describe('selectBatch', () => {
  const w = (...n: number[]) => n.map((k, i) => ({ id: i + 1, newAlerts: k }));
  it.each([
    ['always the first, even when too big', w(10, 1), 2, 5, [1]],
    ['as many as fit', w(2, 2, 2), 2, 8, [1, 2]],
    ['exactly at the bound', w(2, 2), 2, 8, [1, 2]],
    ['no subscribers count as one', w(3, 3, 3), 0, 6, [1, 2]],
    ['stops at the first that does not fit', w(1, 9, 1), 1, 5, [1]],
    ['nothing waiting', w(), 3, 10, []],
  ])('%s', (_n, waiting, subs, max, want) => {
    expect(selectBatch(waiting, subs, max)).toEqual(want);
  });
});

const sub = (login: string, extra: Partial<Subscriber> = {}): Subscriber => ({
  login,
  minSeverity: 'info',
  matchers: {},
  firing: true,
  resolved: true,
  ...extra,
});
const ev = (
  id: number,
  notificationId: number,
  labels: Record<string, string>,
  severity: SeverityT = 'warning'
): PendingEvent => ({
  id,
  notificationId,
  severity,
  alert: alertOf(labels),
});

describe('deliveriesFor', () => {
  it('lists, per notification in order, the events each subscriber gets; skips notifications nobody gets', () => {
    const d = deliveriesFor(
      [1, 2, 3],
      [
        ev(10, 1, { cluster: 'a' }),
        ev(11, 1, { cluster: 'b' }, 'critical'),
        ev(12, 2, { cluster: 'a' }),
        ev(13, 3, { cluster: 'z' }, 'info'),
      ],
      [
        sub('ann', { matchers: { cluster: ['a'] } }),
        sub('bob', { minSeverity: 'critical' }),
        sub('cat', { matchers: { cluster: ['q'] } }),
      ]
    );
    expect(d.map((x) => [x.notificationId, [...x.targets]])).toEqual([
      [
        1,
        [
          ['ann', [10]],
          ['bob', [11]],
        ],
      ],
      [2, [['ann', [12]]]],
    ]);
  });
  it('ignores events of notifications outside the batch', () => {
    expect(deliveriesFor([1], [ev(10, 2, {})], [sub('ann')])).toEqual([]);
  });
});

describe('place', () => {
  const now = 1_000_000_000;
  const boxes = (b: Record<string, Partial<Mailbox>>) =>
    new Map(
      Object.entries(b).map(([k, v]) => [k, { email: `${k}@example.com`, windowMs: 600000, lastMailAt: null, ...v }])
    );
  const flat = (p: Placement) => ({
    fresh: [...p.fresh].map(([k, f]) => `${k} ${f.kind} ${f.email} ${f.notBefore}`),
    items: [...p.items].map(([k, ids]) => `${k}=${ids.join(',')}`),
    last: [...p.lastMailAt].map(([k, t]) => `${k}@${t}`),
  });
  const deliveries = [
    {
      notificationId: 1,
      targets: new Map([
        ['ann', [10]],
        ['bob', [10]],
      ]),
    },
    {
      notificationId: 2,
      targets: new Map([
        ['ann', [11, 12]],
        ['bob', [11]],
      ]),
    },
  ];
  it('first mail immediate, the rest of the batch in one digest at the end of the window', () => {
    expect(flat(place(deliveries, boxes({ ann: {}, bob: { windowMs: 0 } }), new Map(), now))).toEqual({
      fresh: [
        `alert:1:ann alert ann@example.com ${now}`,
        `alert:1:bob alert bob@example.com ${now}`,
        `digest:ann:${now + 600000} digest ann@example.com ${now + 600000}`,
        `alert:2:bob alert bob@example.com ${now}`,
      ],
      items: [
        `idem:alert:1:ann=10`,
        `idem:alert:1:bob=10`,
        `idem:digest:ann:${now + 600000}=11,12`,
        `idem:alert:2:bob=11`,
      ],
      last: [`ann@${now + 600000}`, `bob@${now}`],
    });
  });
  it('a digest created by the batch collects its later notifications', () => {
    const three = [
      { notificationId: 1, targets: new Map([['ann', [10]]]) },
      { notificationId: 2, targets: new Map([['ann', [11]]]) },
      { notificationId: 3, targets: new Map([['ann', [12]]]) },
    ];
    expect(flat(place(three, boxes({ ann: {} }), new Map(), now))).toEqual({
      fresh: [
        `alert:1:ann alert ann@example.com ${now}`,
        `digest:ann:${now + 600000} digest ann@example.com ${now + 600000}`,
      ],
      items: [`idem:alert:1:ann=10`, `idem:digest:ann:${now + 600000}=11,12`],
      last: [`ann@${now + 600000}`],
    });
  });
  it('adds to an open digest and creates nothing for that user', () => {
    expect(flat(place(deliveries, boxes({ ann: {}, bob: {} }), new Map([['ann', 77]]), now))).toMatchObject({
      items: ['id:77=10,11,12', 'idem:alert:1:bob=10', `idem:digest:bob:${now + 600000}=11`],
    });
  });
  it('skips users deleted meanwhile', () => {
    expect(flat(place(deliveries, boxes({ bob: { windowMs: 0 } }), new Map(), now)).items).toEqual([
      'idem:alert:1:bob=10',
      'idem:alert:2:bob=11',
    ]);
  });
  it('holds everything in quiet hours for one digest at their end', () => {
    const quiet = { start: '00:00', end: '23:59', tz: 'UTC' };
    const p = flat(place(deliveries, boxes({ ann: { quiet } }), new Map(), Date.parse('2026-11-26T12:00:00Z')));
    expect(p.fresh).toEqual([
      `digest:ann:${Date.parse('2026-11-26T23:59:00Z')} digest ann@example.com ${Date.parse('2026-11-26T23:59:00Z')}`,
    ]);
    expect(p.items).toEqual([`idem:digest:ann:${Date.parse('2026-11-26T23:59:00Z')}=10,11,12`]);
  });
});

describe('fanOut over a port', () => {
  /** An in-memory port: records what the policy asked for and wrote. */
  function memoryPort(o: {
    waiting: Array<{ id: number; newAlerts: number }>;
    subs: Subscriber[];
    events: PendingEvent[];
  }) {
    const calls: string[] = [];
    const written: Placement[] = [];
    const port: FanoutPort = {
      waiting: async () => o.waiting,
      subscribers: async () => o.subs,
      events: async (ids) => {
        calls.push(`events ${ids.join(',')}`);
        return o.events.filter((e) => ids.includes(e.notificationId));
      },
      mailboxes: async (logins) => {
        calls.push(`mailboxes ${logins.join(',')}`);
        return new Map(logins.map((l) => [l, { email: `${l}@example.com`, windowMs: 0, lastMailAt: null }]));
      },
      openDigests: async (logins) => {
        calls.push(`open ${logins.join(',')}`);
        return new Map();
      },
      write: async (p) => {
        written.push(p);
      },
      done: async (ids) => {
        calls.push(`done ${ids.join(',')}`);
      },
    };
    return { port, calls, written };
  }
  it('answers 0 and touches nothing when nothing waits', async () => {
    const m = memoryPort({ waiting: [], subs: [sub('ann')], events: [] });
    expect(await fanOut(m.port, 0, 10)).toBe(0);
    expect(m.calls).toEqual([]);
  });
  it('takes the batch within the bound, asks for the recipients in login order, writes, then marks done', async () => {
    const m = memoryPort({
      waiting: [
        { id: 1, newAlerts: 1 },
        { id: 2, newAlerts: 1 },
        { id: 3, newAlerts: 5 },
      ],
      subs: [sub('zed'), sub('ann')],
      events: [ev(10, 1, {}), ev(11, 2, {}), ev(12, 3, {})],
    });
    expect(await fanOut(m.port, 5, 4)).toBe(2);
    expect(m.calls).toEqual(['events 1,2', 'mailboxes ann,zed', 'open ann,zed', 'done 1,2']);
    expect(m.written).toHaveLength(1);
    expect([...m.written[0].fresh.keys()]).toEqual(['alert:1:zed', 'alert:1:ann', 'alert:2:zed', 'alert:2:ann']);
  });
  it('marks notifications nobody gets as done without writing mail', async () => {
    const m = memoryPort({
      waiting: [{ id: 1, newAlerts: 1 }],
      subs: [sub('ann', { minSeverity: 'critical' })],
      events: [ev(10, 1, {})],
    });
    expect(await fanOut(m.port, 5, 4)).toBe(1);
    expect(m.written).toEqual([]);
    expect(m.calls).toEqual(['events 1', 'done 1']);
  });
});

describe('webhook timestamp window, both directions', () => {
  const now = 1_800_000_000_000; // ms
  const t = now / 1000;
  it.each([
    ['now', t, 'fresh'],
    ['1 s old', t - 1, 'fresh'],
    ['exactly the skew old', t - 300, 'fresh'],
    ['1 s beyond the skew, old', t - 301, 'too_old'],
    ['an hour old', t - 3600, 'too_old'],
    ['1 s ahead', t + 1, 'fresh'],
    ['exactly the skew ahead', t + 300, 'fresh'],
    ['1 s beyond the skew, ahead', t + 301, 'in_future'],
    ['an hour ahead', t + 3600, 'in_future'],
    ['a day ahead', t + 86400, 'in_future'],
    ['epoch zero', 0, 'too_old'],
  ])('%s (ts %d) -> %s', (_n, ts, want) => {
    expect(timestampVerdict(now, ts, 300)).toBe(want);
  });
  it('judges fractions of a second of the relay clock', () => {
    expect(timestampVerdict(now + 500, t - 300, 300)).toBe('too_old');
    expect(timestampVerdict(now - 500, t + 300, 300)).toBe('in_future');
    expect(timestampVerdict(now + 500, t + 300, 300)).toBe('fresh');
  });
  it('remembers a signature until its timestamp stops being fresh', () => {
    expect(replayExpiry(t, 300)).toBe(now + 300000);
  });
});

describe('subscription rules', () => {
  const admin = { login: 'root', role: 'Admin' };
  const old = { email: 'ann@example.com', name: 'Ann' };
  it.each([
    [
      'own save',
      'ann',
      undefined,
      { email: 'ann@example.com', name: 'Ann B' },
      old,
      { email: 'ann@example.com', name: 'Ann B' },
    ],
    [
      'own save, actor named as themselves',
      'ann',
      { login: 'ann', role: 'Viewer' },
      { email: ' new@example.com ' },
      old,
      { email: 'new@example.com', name: null },
    ],
    [
      'own first save',
      'ann',
      undefined,
      { email: 'ann@example.com', name: ' ' },
      undefined,
      { email: 'ann@example.com', name: null },
    ],
    ['own save without e-mail', 'ann', undefined, {}, old, 'no_email'],
    ['own save with an empty e-mail', 'ann', undefined, { email: '  ' }, old, 'no_email'],
    ['admin, preferences only', 'ann', admin, {}, old, old],
    ['admin, same address in other case', 'ann', admin, { email: 'ANN@example.com', name: 'X' }, old, old],
    ['admin, another address', 'ann', admin, { email: 'evil@example.com' }, old, 'identity_from_grafana'],
    ['admin, nobody registered', 'ann', admin, { email: 'ann@example.com' }, undefined, 'not_registered'],
  ] as const)('%s', (_n, login, actor, body, before, want) => {
    const got = identityFor(login, actor, body, before);
    if (typeof want === 'string') {
      expect(isRefusal(got) && got.code).toBe(want);
      expect(isRefusal(got) && got.message).toContain(login);
      expect(isRefusal(got) && got.status).toBe(
        { no_email: 400, identity_from_grafana: 403, not_registered: 404 }[want]
      );
    } else {
      expect(got).toEqual(want);
    }
  });
  it('the refusal for another address does not name the address', () => {
    const got = identityFor('ann', admin, { email: 'evil@example.com' }, old);
    expect(isRefusal(got) && got.message).not.toContain('evil');
  });
  const base = { confirmed: false, self: true, sentToUser: 0, sentToAddress: 0, maxPerUser: 2, maxPerAddress: 3 };
  it.each([
    ['confirmed', { confirmed: true }, 'confirmed'],
    ['confirmed, even over the limits', { confirmed: true, sentToUser: 9, sentToAddress: 9 }, 'confirmed'],
    ['unconfirmed, own save', {}, 'sent'],
    ['unconfirmed, just under the user limit', { sentToUser: 1 }, 'sent'],
    ['unconfirmed, at the user limit', { sentToUser: 2 }, 'throttled'],
    ['unconfirmed, just under the address limit', { sentToAddress: 2 }, 'sent'],
    ['unconfirmed, at the address limit', { sentToAddress: 3 }, 'throttled'],
    ['unconfirmed, changed by someone else', { self: false }, 'pending'],
  ])('%s -> %s', (_n, o, want) => {
    expect(confirmationFor({ ...base, ...o })).toBe(want);
  });
  it.each([
    [undefined, { b: 1, a: 2 }, ['a', 'b']],
    [{ a: 1, b: [1] }, { a: 1, b: [1] }, []],
    [{ a: 1, b: [1] }, { a: 2, b: [1, 2] }, ['a', 'b']],
    [{ a: { x: 1 } }, { a: { x: 1 }, c: null }, ['c']],
    [{ a: 1, b: 1 }, { b: 2, a: 2 }, ['a', 'b']],
  ])('changedFields(%j, %j) -> %j', (before, after, want) => {
    expect(changedFields(before, after)).toEqual(want);
  });
  it('bySelf', () => {
    expect(bySelf('ann', undefined)).toBe(true);
    expect(bySelf('ann', { login: 'ann', role: 'Viewer' })).toBe(true);
    expect(bySelf('ann', admin)).toBe(false);
  });
});
