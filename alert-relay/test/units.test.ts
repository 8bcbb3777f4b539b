import { matches, quietUntil, severityOf } from '../src/policy/matching';
import { backoffMs } from '../src/outbox/worker';
import { loadConfig, ConfigError } from '../src/config';
import { describe as describeAlert, leftOut, sinceText, subjectFor, valueText } from '../src/mail/templates';
import { summarize } from '../src/mail/summary';
import { maskEmail, parseUnsubscribeToken, unsubscribeToken, verifyUnsubscribeToken } from '../src/mail/tokens';

const a = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') => ({
  status,
  labels,
  startsAt: 'x',
  fingerprint: 'f',
});

describe('routing', () => {
  it('reads severity from the configured label with a default', () => {
    expect(severityOf({ severity: 'CRITICAL' }, 'severity', 'warning')).toBe('critical');
    expect(severityOf({ level: 'info' }, 'level', 'warning')).toBe('info');
    expect(severityOf({}, 'severity', 'warning')).toBe('warning');
    expect(severityOf({ severity: 'weird' }, 'severity', 'info')).toBe('info');
  });

  it('matches by minimum severity, label matchers and firing/resolved choice', () => {
    const u = {
      minSeverity: 'warning' as const,
      matchers: { cluster: ['c1', 'c2'], vm: [] },
      firing: true,
      resolved: false,
    };
    expect(matches(u, a({ cluster: 'c1' }), 'warning')).toBe(true);
    expect(matches(u, a({ cluster: 'c3' }), 'critical')).toBe(false);
    expect(matches(u, a({ cluster: 'c1' }), 'info')).toBe(false);
    expect(matches(u, a({ cluster: 'c1' }, 'resolved'), 'critical')).toBe(false);
    expect(matches({ ...u, matchers: {} }, a({}), 'critical')).toBe(true);
  });

  it('computes the end of quiet hours, across midnight and in a time zone', () => {
    const t = Date.parse('2026-11-26T23:30:00Z');
    expect(quietUntil(t, { start: '22:00', end: '07:00', tz: 'UTC' })).toBe(Date.parse('2026-11-27T07:00:00Z'));
    expect(quietUntil(t, { start: '08:00', end: '18:00', tz: 'UTC' })).toBeNull();
    // 23:30 UTC is 00:30 in Berlin (CET, winter).
    expect(quietUntil(t, { start: '00:00', end: '06:00', tz: 'Europe/Berlin' })).toBe(
      Date.parse('2026-11-27T05:00:00Z')
    );
    expect(quietUntil(t, undefined)).toBeNull();
  });
});

describe('retry backoff', () => {
  it('grows exponentially, stays within [exp/2, exp], and is capped', () => {
    expect(backoffMs(1, 1000, 60000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60000, () => 0.5)).toBe(6000);
    expect(backoffMs(30, 1000, 60000, () => 1)).toBe(60000);
  });
});

describe('config', () => {
  const ok = {
    MAIL_FROM: 'a@example.com',
    RELAY_INTERNAL_TOKEN: 'int-8d2b6f1e4a9c07b35e7f2d1c6a9b8e40',
    RELAY_UNSUBSCRIBE_SECRET: 'uns-1e7a4c9f2b6d05e83a1f7c2b9d4e6a51',
    RELAY_WEBHOOK_SECRET: 'hmac-5c1f0e9a7b3d46f2a8e1c4b7d9f0a2e6',
  };
  it('applies defaults and converts types', () => {
    const c = loadConfig({ ...ok, SMTP_PORT: '2525', SMTP_SECURE: 'true', SMTP_USER: '' });
    expect(c).toMatchObject({
      SMTP_PORT: 2525,
      SMTP_SECURE: true,
      SMTP_TLS_REJECT_UNAUTHORIZED: true,
      RELAY_SEVERITY_LABEL: 'severity',
    });
    expect(c.SMTP_USER).toBeUndefined();
  });
  it.each([
    ['RELAY_WEBHOOK_SECRET', 'change-me-webhook-secret'],
    ['RELAY_INTERNAL_TOKEN', 'change-me-internal-token'],
    ['RELAY_UNSUBSCRIBE_SECRET', 'change-me-unsubscribe-secret'],
    ['RELAY_INTERNAL_TOKEN', 'change-me-internal-token-but-long-enough-now'],
    ['RELAY_WEBHOOK_BEARER_TOKEN', 'a1b2c3d4e5f6a7b8c9d0e1f2'],
    ['RELAY_UNSUBSCRIBE_SECRET', 'z'.repeat(40)],
  ])('refuses to start with a placeholder or weak %s unless RELAY_DEMO_MODE=true', (name, value) => {
    const env = { ...ok, [name]: value };
    const start = () => loadConfig(env);
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(new RegExp(`refusing to start: ${name} is a placeholder or demo value`));
    expect(start).toThrow(/RELAY_DEMO_MODE=true/);
    expect(start).not.toThrow(value);
    expect(loadConfig({ ...env, RELAY_DEMO_MODE: 'true' })[name as 'RELAY_INTERNAL_TOKEN']).toBe(value);
  });
  it('names every weak secret at once', () => {
    expect(() =>
      loadConfig({
        ...ok,
        RELAY_WEBHOOK_SECRET: 'change-me-webhook-secret',
        RELAY_INTERNAL_TOKEN: 'change-me-internal-token',
      })
    ).toThrow(/RELAY_WEBHOOK_SECRET, RELAY_INTERNAL_TOKEN are placeholder or demo values/);
  });
  it('names bad variables without printing secret values', () => {
    const bad = () => loadConfig({ ...ok, SMTP_PORT: 'abc', RELAY_INTERNAL_TOKEN: 'short-secret' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/SMTP_PORT/);
    expect(bad).toThrow(/RELAY_INTERNAL_TOKEN/);
    expect(bad).not.toThrow(/short-secret/);
    expect(() => loadConfig({ ...ok, RELAY_WEBHOOK_SECRET: '' })).toThrow(
      /RELAY_WEBHOOK_SECRET and\/or RELAY_WEBHOOK_BEARER_TOKEN/
    );
  });
});

describe('mail text and tokens', () => {
  it('builds subjects that say status, severity and what is affected', () => {
    const al = {
      status: 'firing' as const,
      labels: { alertname: 'CPU', vm: 'web-03', cluster: 'cluster-a' },
      annotations: { summary: 'CPU 97%' },
      startsAt: 'x',
      fingerprint: 'f',
    };
    expect(describeAlert(al)).toBe('CPU 97% on vm web-03 (cluster-a)');
    const g = { groupKey: 'g', truncatedAlerts: 0 };
    expect(subjectFor([{ severity: 'critical', stored: { a: al, g } }], false)).toBe(
      '[CRITICAL] CPU 97% on vm web-03 (cluster-a)'
    );
    expect(
      subjectFor(
        [
          {
            severity: 'critical',
            stored: { a: { ...al, status: 'resolved', labels: { host: 'esx-1' }, annotations: {} }, g },
          },
        ],
        false
      )
    ).toBe('[RESOLVED] Alert on host esx-1');
  });
  it('says where a VM runs when its placement is known, and nothing otherwise', () => {
    const a = (labels: Record<string, string>, summary = 'CPU 97%') => ({
      status: 'firing' as const,
      labels: { alertname: 'CPU', ...labels },
      annotations: { summary },
      startsAt: 'x',
      fingerprint: 'f',
    });
    const vm = { vcenter: 'vc-a', vm_id: 'vm-1', vm: 'web-03' };
    const p = { vmId: 'vm-1', vm: 'web-03', host: 'esx-01', cluster: 'prod' };
    const cases: Array<[ReturnType<typeof a>, typeof p | undefined, string]> = [
      [a(vm), p, 'CPU 97% on vm web-03 on host esx-01 in cluster prod'],
      [a(vm), { ...p, cluster: '' }, 'CPU 97% on vm web-03 on host esx-01'],
      [a(vm, 'VM web-03: CPU at 97 %'), p, 'VM web-03: CPU at 97 % on host esx-01 in cluster prod'],
      [a(vm), undefined, 'CPU 97% on vm web-03'],
      [a(vm), { ...p, host: '' }, 'CPU 97% on vm web-03'],
      [a({ vcenter: 'vc-a', host: 'esx-9' }), p, 'CPU 97% on host esx-9'],
    ];
    for (const [al, place, want] of cases) {
      expect(describeAlert(al, place)).toBe(want);
    }
    const s = summarize([{ severity: 'critical', stored: { a: a(vm), g: { groupKey: 'g', truncatedAlerts: 0 } } }]);
    expect(s.placementKeys()).toEqual([
      { vcenter: 'vc-a', vmId: 'vm-1' },
      { vcenter: 'vc-a', vmId: 'vm-1' },
    ]);
    expect(subjectFor(s, false)).toBe('[CRITICAL] CPU 97% on vm web-03');
    s.placements.set('vc-a\u0000vm-1', p);
    expect(subjectFor(s, false)).toBe('[CRITICAL] CPU 97% on vm web-03 on host esx-01 in cluster prod');
  });
  it('never names the object twice and says value, unit and since when plainly', () => {
    const g = { groupKey: 'g', truncatedAlerts: 0 };
    const issue = {
      status: 'firing' as const,
      labels: { alertname: 'VmCpuHigh', vm: 'c1-web-01', cluster: 'hc-c1' },
      annotations: { summary: 'CPU 97.2% on c1-web-01' },
      startsAt: '2026-11-26T20:00:00Z',
      fingerprint: 'f',
      values: { B: 97.2, C: 1 },
    };
    expect(subjectFor([{ severity: 'warning', stored: { a: issue, g } }], false)).toBe(
      '[WARNING] CPU 97.2% on c1-web-01 (hc-c1)'
    );
    const provisioned = {
      ...issue,
      annotations: { summary: 'VM c1-web-01: CPU at 97 % (warning above 80 %)', unit: '%' },
    };
    expect(describeAlert(provisioned)).toBe('VM c1-web-01: CPU at 97 % (warning above 80 %) (hc-c1)');
    expect(valueText(provisioned)).toBe('97.2 %');
    expect(valueText(issue)).toBe('97.2');
    expect(valueText({ ...issue, values: { B: 0.5 } })).toBe('0.5');
    expect(valueText({ ...issue, values: { A: 12, B: 1 }, annotations: { unit: 'ms' } })).toBe('12 ms');
    expect(valueText({ ...issue, values: null })).toBe('');
    expect(sinceText(issue)).toBe('since 2026-11-26 20:00 UTC');
    expect(sinceText({ ...issue, status: 'resolved', endsAt: '2026-11-26T20:30:00Z' })).toBe(
      'resolved 2026-11-26 20:30 UTC (since 2026-11-26 20:00 UTC)'
    );
    const item = (groupKey: string, truncatedAlerts: number) => ({
      severity: 'warning' as const,
      stored: { a: issue, g: { groupKey, truncatedAlerts } },
    });
    expect(leftOut([item('a', 5), item('a', 7), item('b', 3), item('c', 0)])).toBe(10);
  });
  it('summarises a big digest in bounded memory, listing what the full sort would list', () => {
    const sevs = ['info', 'warning', 'critical'] as const;
    const items = Array.from({ length: 3000 }, (_, i) => ({
      severity: sevs[(i * 7) % 3],
      stored: {
        a: {
          status: (i % 5 === 0 ? 'resolved' : 'firing') as 'firing' | 'resolved',
          labels: { vm: `v${i}` },
          startsAt: 'x',
          fingerprint: `f${i}`,
        },
        g: { groupKey: `g${i % 4}`, truncatedAlerts: i % 4 },
      },
    }));
    const s = summarize(items, 50);
    const rank = { critical: 2, warning: 1, info: 0 };
    const sorted = [...items]
      .sort(
        (x, y) =>
          Number(y.stored.a.status === 'firing') - Number(x.stored.a.status === 'firing') ||
          rank[y.severity] - rank[x.severity]
      )
      .slice(0, 50);
    expect(s.listed()).toEqual(sorted);
    expect(s.unlisted).toBe(2950);
    expect(s.total).toBe(3000);
    expect(s.firing).toBe(2400);
    expect(s.leftOut).toBe(0 + 1 + 2 + 3);
    expect(s.lead).toBe(items[1]);
    // Small mails list everything in arrival order.
    expect(summarize(items.slice(0, 20), 50).listed()).toEqual(items.slice(0, 20));
    // Never more than maxListed kept per priority class.
    expect((s as unknown as { classes: unknown[][] }).classes.every((c) => c.length <= 50)).toBe(true);
  });
  it('signs unsubscribe tokens per login and address', () => {
    const t = unsubscribeToken('s'.repeat(20), 'bob', 'Bob@Example.com');
    const p = parseUnsubscribeToken(t)!;
    expect(p.login).toBe('bob');
    expect(verifyUnsubscribeToken('s'.repeat(20), p.sig, 'bob', 'bob@example.com')).toBe(true);
    expect(verifyUnsubscribeToken('s'.repeat(20), p.sig, 'bob', 'other@example.com')).toBe(false);
    expect(verifyUnsubscribeToken('t'.repeat(20), p.sig, 'bob', 'bob@example.com')).toBe(false);
    expect(parseUnsubscribeToken('nope')).toBeUndefined();
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
  });
});
