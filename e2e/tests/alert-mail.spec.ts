// The alert e-mail pipeline end to end: a user registers from the app page (double opt-in mail,
// confirmed by its link); the provisioned CPU rule's query runs through the real backend against
// the simulator as Grafana's alert evaluation does (no user); Grafana's rule expressions are
// applied; the webhook Grafana would send for the hot VM is posted to the relay, signed like
// Grafana signs it; a real SMTP server receives the mail; resolved follows; unsubscribe works.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { selectors as sel } from '../../app-plugin/src/selectors';
import { defaultHostOptions, DS_UID } from '../host/defaults';
import { startPlugin } from '../host/plugin-client';
import { e2eEnv, need, repoRoot } from './env';
import { expect, test } from './fixtures';
import type { ReceivedMail } from './processes';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const RULE_UID = 'privatecloud-vm-cpu-warning';
const APP = '/a/privatecloud-vsphere-app';

function mailApi(): string {
  const env = e2eEnv() as any;
  if (!env.mailApi) {
    throw new Error(`the SMTP server is not running: ${env.problems.mailApi}`);
  }
  return env.mailApi;
}

async function mails(): Promise<ReceivedMail[]> {
  return (await fetch(`${mailApi()}/mails`)).json();
}

/** Waits for a mail matching `pred`; fails with what did arrive. */
async function waitForMail(
  what: string,
  pred: (m: ReceivedMail) => boolean,
  timeoutMs = 30_000
): Promise<ReceivedMail> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const all = await mails();
    const m = all.find(pred);
    if (m) {
      return m;
    }
    if (Date.now() > end) {
      throw new Error(
        `no ${what} within ${timeoutMs} ms; mails received: ${JSON.stringify(all.map((x) => ({ to: x.to, subject: x.subject })))}`
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function links(m: ReceivedMail): string[] {
  return [...`${m.text}\n${m.html}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((x) =>
    x[0].replace(/&amp;/g, '&').replace(/[.,]+$/, '')
  );
}

/** Renders the two Go-template forms the provisioned annotations use. */
function renderAnnotation(tpl: string, labels: Record<string, string>, values: Record<string, number>): string {
  return tpl
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k) => labels[k] ?? '')
    .replace(/\{\{\s*printf\s+"%\.(\d)f"\s+\$values\.(\w+)\.Value\s*\}\}/g, (_, d, ref) =>
      values[ref].toFixed(Number(d))
    );
}

/** Signs a webhook body as Grafana does with hmacConfig {secret, header, timestampHeader}. */
function signed(body: string, secret: string, ts = Math.floor(Date.now() / 1000)) {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Grafana',
    'X-Grafana-Alerting-Signature-Timestamp': String(ts),
    'X-Grafana-Alerting-Signature': createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex'),
  };
}

interface Firing {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  values: Record<string, number>;
  startsAt: string;
}

function webhook(status: 'firing' | 'resolved', alert: Firing, hostUrl: string, ruleTitle: string) {
  const endsAt = status === 'firing' ? '0001-01-01T00:00:00Z' : new Date().toISOString();
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(Object.entries(alert.labels).sort()))
    .digest('hex')
    .slice(0, 16);
  const groupLabels = { alertname: ruleTitle, grafana_folder: alert.labels.grafana_folder };
  return {
    receiver: 'PrivateCloud relay',
    status,
    orgId: 1,
    version: '1',
    groupKey: `{}/{}:{alertname="${ruleTitle}", grafana_folder="${groupLabels.grafana_folder}"}`,
    truncatedAlerts: 0,
    groupLabels,
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: `${hostUrl}/`,
    title: `[${status.toUpperCase()}:1] ${ruleTitle} ${groupLabels.grafana_folder}`,
    state: status === 'firing' ? 'alerting' : 'ok',
    message: alert.annotations.summary,
    alerts: [
      {
        status,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        endsAt,
        generatorURL: `${hostUrl}/alerting/grafana/${RULE_UID}/view?orgId=1`,
        fingerprint,
        silenceURL: `${hostUrl}/alerting/silence/new?alertmanager=grafana&matcher=__alert_rule_uid__%3D${RULE_UID}&orgId=1`,
        dashboardURL: `${hostUrl}/d/privatecloud-vm?orgId=1`,
        panelURL: `${hostUrl}/d/privatecloud-vm?orgId=1&viewPanel=2`,
        values: alert.values,
        valueString: Object.entries(alert.values)
          .map(
            ([k, v]) =>
              `[ var='${k}' labels={${Object.entries(alert.labels)
                .map(([a, b]) => `${a}=${b}`)
                .join(', ')}} value=${v} ]`
          )
          .join(', '),
        ruleUID: RULE_UID,
        orgId: 1,
      },
    ],
  };
}

let confirmedEmail = '';
let firing: Firing;
let ruleTitle = '';
let firingMail: ReceivedMail;

test('register from the app page: the double opt-in mail arrives and its link confirms', async ({
  page,
  open,
  signIn,
  hostUrl,
  shoot,
}) => {
  need('relayUrl');
  await fetch(`${mailApi()}/mails`, { method: 'DELETE' });
  await signIn('viewer');
  await open(`${APP}/alerts`);
  await expect(page.getByTestId(sel.alerts.container)).toContainText('viewer@example.com');
  const saved = page.waitForResponse(
    (r) => /\/resources\/me\/subscriptions$/.test(r.url()) && r.request().method() === 'PUT'
  );
  await page.getByTestId(sel.alerts.save).click();
  expect((await saved).status()).toBe(200);
  await shoot('app-alert-emails');

  const confirmation = await waitForMail('confirmation mail', (m) => m.to.includes('viewer@example.com'));
  const link = links(confirmation).find((l) => /confirm/i.test(l));
  expect(link, `a confirmation link in:\n${confirmation.text}`).toBeTruthy();
  const before = await (
    await page.request.get(`${hostUrl}/api/datasources/uid/${DS_UID}/resources/me/subscriptions`)
  ).json();
  expect(before, JSON.stringify(before)).toMatchObject({
    login: 'viewer',
    email: 'viewer@example.com',
    confirmed: false,
  });
  // The link opens the relay's page; its button confirms (a GET alone changes nothing).
  await page.goto(link!);
  await page.getByRole('button', { name: /confirm/i }).click();
  await expect(page.locator('body')).toContainText(/confirmed/i);
  const after = await (
    await page.request.get(`${hostUrl}/api/datasources/uid/${DS_UID}/resources/me/subscriptions`)
  ).json();
  expect(after, JSON.stringify(after)).toMatchObject({
    login: 'viewer',
    confirmed: true,
    firing: true,
    resolved: true,
  });
  confirmedEmail = after.email;
});

test("the provisioned CPU rule's query fires for the simulator's hot VM", async () => {
  const simUrl = need('simUrl');
  const rules = parseYaml(readFileSync(path.join(repoRoot, 'provisioning', 'alerting', 'rules.yaml'), 'utf8'));
  const group = rules.groups.find((g: any) => g.rules.some((r: any) => r.uid === RULE_UID));
  const rule = group.rules.find((r: any) => r.uid === RULE_UID);
  ruleTitle = rule.title;
  const [A, B, C] = ['A', 'B', 'C'].map((ref) => rule.data.find((d: any) => d.refId === ref));
  expect(B.model).toMatchObject({ type: 'reduce', expression: 'A', reducer: 'mean' });
  expect(C.model).toMatchObject({ type: 'threshold', expression: 'B' });
  const threshold = C.model.conditions[0].evaluator.params[0];

  // Grafana's alert evaluation: the backend, no signed-in user, the provisioned settings.
  const ds = defaultHostOptions({ simUrl }).datasources[0];
  const plugin = await startPlugin(path.join(repoRoot, 'datasource-plugin', 'dist', 'gpx_vsphere_linux_amd64'));
  try {
    const now = Date.now();
    const answer = await plugin.queryData({
      settings: ds,
      queries: [
        {
          refId: 'A',
          queryType: A.model.queryType,
          json: A.model,
          timeRange: { from: now - A.relativeTimeRange.from * 1000, to: now - A.relativeTimeRange.to * 1000 },
          intervalMs: A.model.intervalMs,
          maxDataPoints: A.model.maxDataPoints,
        },
      ],
    });
    expect(answer.A.error).toBeUndefined();
    // reduce(mean, drop non-numbers) per series, then threshold.
    const series = answer.A.frames.map((f) => {
      const v = f.fields.find((x) => x.type === 'number')!;
      const nums = v.values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      return { labels: v.labels ?? {}, mean: nums.reduce((a, b) => a + b, 0) / nums.length };
    });
    expect(series.length).toBeGreaterThan(0);
    const hotIds: string[] = (await (await fetch(`${simUrl}/__sim/hot`)).json()).hot;
    expect(hotIds.length).toBeGreaterThan(0);
    // Series carry VM names; the simulator lists ids: look the names up through the backend.
    const hostUrl = need('hostUrl');
    const hot: string[] = [];
    for (const id of hotIds) {
      const r = await fetch(`${hostUrl}/api/datasources/uid/${DS_UID}/resources/vms/${id}`);
      hot.push(id, (await r.json()).name);
    }
    const fired = series.filter((s) => s.mean > threshold);
    const hotSeries = fired.find((s) => hot.includes(s.labels.vm) || hot.includes(s.labels.vmId ?? ''));
    const hotNames = hot.join(', ');
    expect(
      hotSeries,
      `a firing series for a hot VM (${hotNames}); fired: ${JSON.stringify(fired.map((f) => f.labels))}`
    ).toBeTruthy();
    const labels = { alertname: rule.title, grafana_folder: group.folder, ...rule.labels, ...hotSeries!.labels };
    const values = { B: hotSeries!.mean, C: 1 };
    const annotations = Object.fromEntries(
      Object.entries<string>(rule.annotations)
        .filter(([k]) => !k.startsWith('__'))
        .map(([k, v]) => [k, renderAnnotation(v, labels, values)])
    );
    expect(JSON.stringify(annotations)).not.toContain('{{');
    firing = { labels, annotations, values, startsAt: new Date(now - 10 * 60_000).toISOString() };
  } finally {
    await plugin.close();
  }
});

test('the signed firing webhook becomes a mail with the right recipient, subject, values and links', async () => {
  const relay = need('relayUrl');
  const hostUrl = need('hostUrl');
  expect(confirmedEmail, 'registration succeeded').toBe('viewer@example.com');
  expect(firing, 'the rule fired').toBeTruthy();
  const env = e2eEnv();
  const body = JSON.stringify(webhook('firing', firing, hostUrl, ruleTitle));

  // A wrong signature is refused and sends nothing.
  const forged = await fetch(`${relay}/webhook/grafana`, {
    method: 'POST',
    headers: signed(body, 'not-the-secret'),
    body,
  });
  expect(forged.status).toBe(401);

  const res = await fetch(`${relay}/webhook/grafana`, {
    method: 'POST',
    headers: signed(body, env.relayWebhookSecret),
    body,
  });
  expect(res.status).toBeLessThan(300);
  firingMail = await waitForMail(
    'alert mail',
    (m) => m.to.includes(confirmedEmail) && m.subject.includes(firing.labels.vm)
  );
  expect(firingMail.to).toEqual([confirmedEmail]);
  // Subject: status/severity and what is affected, e.g. "[WARNING] CPU 93% on vm web-03 (cluster-a)".
  expect(firingMail.subject).toMatch(/warning/i);
  expect(firingMail.subject).not.toMatch(/resolved/i);
  const text = `${firingMail.text}\n${firingMail.html}`;
  expect(text).toContain(firing.labels.vm);
  expect(text).toContain(firing.values.B.toFixed(0));
  const l = links(firingMail);
  expect(
    l.some(
      (x) => x.startsWith(`${hostUrl}/alerting/grafana/${RULE_UID}`) || x.startsWith(`${hostUrl}/d/privatecloud-vm`)
    )
  ).toBe(true);
  expect(l.some((x) => x.startsWith(`${relay}/unsubscribe?token=`))).toBe(true);
  expect(firingMail.headers['list-unsubscribe']).toContain(`${relay}/unsubscribe?token=`);
});

test('resolved follows, then unsubscribe stops further mail', async () => {
  const relay = need('relayUrl');
  const hostUrl = need('hostUrl');
  expect(firingMail, 'the firing mail arrived').toBeTruthy();
  const env = e2eEnv();
  const body = JSON.stringify(webhook('resolved', firing, hostUrl, ruleTitle));
  const res = await fetch(`${relay}/webhook/grafana`, {
    method: 'POST',
    headers: signed(body, env.relayWebhookSecret),
    body,
  });
  expect(res.status).toBeLessThan(300);
  const resolved = await waitForMail(
    'resolved mail',
    (m) => m.to.includes(confirmedEmail) && /resolved/i.test(m.subject)
  );
  expect(resolved.subject).toContain(firing.labels.vm);

  const unsubscribe = links(resolved).find((x) => x.startsWith(`${relay}/unsubscribe?token=`))!;
  expect(unsubscribe).toBeTruthy();
  // A tampered token changes nothing.
  // One-click unsubscribe (RFC 8058), as mail clients do it from List-Unsubscribe.
  const oneClick = {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  };
  const bad = await fetch(unsubscribe.replace(/token=.{4}/, 'token=XXXX'), oneClick);
  expect(bad.status).toBeGreaterThanOrEqual(400);
  const ok = await fetch(unsubscribe, oneClick);
  expect(ok.status).toBeLessThan(400);

  const sub = await (
    await fetch(`${relay}/internal/users/viewer`, { headers: { Authorization: `Bearer ${env.relayInternalToken}` } })
  ).json();
  expect(sub.firing && sub.resolved).toBe(false);

  // A new firing for another alert instance sends nothing to the unsubscribed user.
  const count = (await mails()).filter((m) => m.to.includes(confirmedEmail)).length;
  const again = JSON.stringify(
    webhook('firing', { ...firing, startsAt: new Date().toISOString() }, hostUrl, ruleTitle)
  );
  const r2 = await fetch(`${relay}/webhook/grafana`, {
    method: 'POST',
    headers: signed(again, env.relayWebhookSecret),
    body: again,
  });
  expect(r2.status).toBeLessThan(300);
  await new Promise((r) => setTimeout(r, 3000));
  expect((await mails()).filter((m) => m.to.includes(confirmedEmail)).length).toBe(count);
});
