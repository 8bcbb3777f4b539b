import type { PlacementT, SeverityT } from '../schemas/internal';
import type { StoredAlert } from '../store/intake-repo';
import { MailSummary, summarize, type MailItem } from './summary';

/** RenderedMail is a ready-to-send message body. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; content: Buffer; cid: string; contentType: string }>;
}

export type { MailItem };

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** safeLink accepts only http(s) links; relative Grafana links are made absolute with the Grafana base URL. */
function safeLink(u: string | undefined, grafanaUrl: string): string | undefined {
  if (!u) {
    return undefined;
  }
  try {
    const url = new URL(u, grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

const fmtNum = (n: number) => String(Number(n.toFixed(Math.abs(n) >= 100 ? 0 : 1)));

/**
 * valueText is the alert's measured value as a person reads it: "97 %", not "B=97, C=1". Grafana's
 * `values` hold every expression of the rule by refId (the query's reduction, then the threshold
 * condition, which is 0 or 1); the condition is dropped, and the unit comes from the rule's `unit`
 * annotation when it has one.
 */
export function valueText(a: StoredAlert['a']): string {
  const v = Object.entries(a.values ?? {}).filter(([, x]) => typeof x === 'number') as Array<[string, number]>;
  if (v.length === 0) {
    return '';
  }
  // The last expression is the condition when it is 0/1 and something else was measured.
  const measured = v.length > 1 && (v[v.length - 1][1] === 0 || v[v.length - 1][1] === 1) ? v.slice(0, -1) : v;
  const unit = a.annotations?.unit?.trim();
  const main = measured[measured.length - 1][1];
  return unit ? `${fmtNum(main)}${unit === '%' ? ' %' : ` ${unit}`}` : fmtNum(main);
}

/** what names the alert: its summary annotation, else the rule name. */
function what(a: StoredAlert['a']): string {
  return (a.annotations?.summary || a.labels.alertname || 'Alert').trim();
}

/** objectOf is the affected object: its kind and name ("vm", "web-03"), or undefined. */
function objectOf(labels: Record<string, string>): { kind: string; name: string } | undefined {
  for (const kind of ['vm', 'host', 'datastore', 'cluster']) {
    if (labels[kind]) {
      return { kind, name: labels[kind] };
    }
  }
  return undefined;
}

const order: Record<SeverityT, number> = { critical: 2, warning: 1, info: 0 };

/**
 * placementText says where a VM runs now: " on host esx-01 in cluster prod" (no cluster part for a
 * standalone host), or nothing when the placement is unknown. Series labels name the VM only so
 * that DRS/vMotion/HA moves keep the alert instance (docs/contracts.md §2); the backend pushes
 * placements to the relay (§5).
 */
export function placementText(p: PlacementT | undefined): string {
  if (!p || !p.host) {
    return '';
  }
  return ` on host ${p.host}${p.cluster ? ` in cluster ${p.cluster}` : ''}`;
}

/**
 * describe is one line for an alert: "CPU 97% on vm web-03 (cluster-a)". A summary that already
 * names the object is not followed by it again ("VM web-03: CPU at 97 %" stays as it is, with the
 * cluster added when the summary does not name it). With the VM's placement known, where it runs
 * now follows: "CPU 97 % on vm web-03 on host esx-01 in cluster prod".
 */
export function describe(a: StoredAlert['a'], placement?: PlacementT): string {
  const s = what(a);
  const o = objectOf(a.labels);
  if (!o) {
    return s;
  }
  const where = o.kind === 'vm' ? placementText(placement) : '';
  if (where) {
    return `${s.includes(o.name) ? s : `${s} on ${o.kind} ${o.name}`}${where}`;
  }
  const cluster = a.labels.cluster;
  const clusterNote = o.kind !== 'cluster' && cluster && !s.includes(cluster) ? ` (${cluster})` : '';
  if (s.includes(o.name)) {
    return `${s}${clusterNote}`;
  }
  return `${s} on ${o.kind} ${o.name}${clusterNote}`;
}

/** sinceText says since when (or until when) in UTC, minutes precision: "since 2026-11-26 20:00 UTC". */
export function sinceText(a: StoredAlert['a']): string {
  const fmt = (iso: string) => {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  };
  if (a.status === 'resolved' && a.endsAt && !a.endsAt.startsWith('0001')) {
    return `resolved ${fmt(a.endsAt)} (since ${fmt(a.startsAt)})`;
  }
  return `since ${fmt(a.startsAt)}`;
}

/**
 * leftOut is how many alerts Grafana did not send (its webhook `maxAlerts` cap, reported as
 * `truncatedAlerts`): the largest count per alert group, summed over the groups of the mail.
 */
export function leftOut(items: MailItem[]): number {
  return summarize(items).leftOut;
}

/** subjectFor builds "[CRITICAL] CPU 97% on vm web-03 (cluster-a)" or "[RESOLVED] ..." and group variants. */
export function subjectFor(items: MailItem[] | MailSummary, digest: boolean): string {
  const m = items instanceof MailSummary ? items : summarize(items);
  const omitted = m.leftOut;
  const tail = omitted > 0 ? ` (+${omitted} more not sent by Grafana)` : '';
  if (digest) {
    const crit = m.criticalFiring;
    return `[DIGEST] ${m.total} alert update${m.total === 1 ? '' : 's'}: ${m.firing} firing${crit ? ` (${crit} critical)` : ''}, ${m.total - m.firing} resolved${tail}`;
  }
  const tag = m.topFiring === undefined ? 'RESOLVED' : m.topFiring.toUpperCase();
  const more = m.total > 1 ? ` and ${m.total - 1} more` : '';
  const lead = m.lead?.stored.a;
  return `[${tag}] ${lead ? describe(lead, m.placementOf(lead)) : 'Alert'}${more}${tail}`;
}

const sevColor: Record<string, string> = {
  critical: '#c4162a',
  warning: '#e0a800',
  info: '#1f60c4',
  resolved: '#1a7f37',
};

/** renderAlertMail renders text + HTML (inline CSS, no remote assets required) for one mail. */
export function renderAlertMail(
  content: MailItem[] | MailSummary,
  ctx: {
    digest: boolean;
    grafanaUrl: string;
    unsubscribeUrl: string;
    recipientName?: string | null;
    windowText?: string;
    maxListed?: number;
  }
): RenderedMail {
  // A storm digest lists the most severe alerts first and counts the rest, so the mail stays readable and small.
  const summary = content instanceof MailSummary ? content : summarize(content, ctx.maxListed);
  const subject = subjectFor(summary, ctx.digest);
  const items = summary.listed();
  const unlisted = summary.unlisted;
  const attachments: RenderedMail['attachments'] = [];
  const text: string[] = [];
  const rows: string[] = [];
  const truncated = summary.leftOut;
  text.push(subject, '');
  if (ctx.digest) {
    text.push(
      `Alert changes collected${ctx.windowText ? ` over ${ctx.windowText}` : ''} so you get one mail instead of many.`,
      ''
    );
  }
  items.forEach((it, idx) => {
    const a = it.stored.a;
    const state = a.status === 'resolved' ? 'RESOLVED' : it.severity.toUpperCase();
    const links = {
      dashboard: safeLink(a.dashboardURL, ctx.grafanaUrl),
      panel: safeLink(a.panelURL, ctx.grafanaUrl),
      silence: a.status === 'firing' ? safeLink(a.silenceURL, ctx.grafanaUrl) : undefined,
      source: safeLink(a.generatorURL, ctx.grafanaUrl),
    };
    const labels = Object.entries(a.labels)
      .filter(([k]) => k !== '__alert_rule_uid__')
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const since = sinceText(a);
    const line = describe(a, summary.placementOf(a));
    text.push(`${state}: ${line}`);
    const vt = valueText(a);
    if (vt) {
      text.push(`  value: ${vt}`);
    }
    text.push(`  ${since}`, `  labels: ${labels}`);
    if (a.annotations?.description) {
      text.push(`  ${a.annotations.description}`);
    }
    for (const [k, v] of Object.entries(links)) {
      if (v) {
        text.push(`  ${k}: ${v}`);
      }
    }
    text.push('');
    let img = '';
    if (a.embeddedImage) {
      const m = /^(?:data:(image\/[a-z+]+);base64,)?([A-Za-z0-9+/=\s]+)$/.exec(a.embeddedImage);
      if (m) {
        const cid = `panel-${idx}@privatecloud-relay`;
        attachments.push({
          filename: `panel-${idx + 1}.png`,
          content: Buffer.from(m[2], 'base64'),
          cid,
          contentType: m[1] ?? 'image/png',
        });
        img = `<img src="cid:${cid}" alt="panel image" style="max-width:560px;border:1px solid #ddd;margin-top:6px">`;
      }
    } else {
      const u = safeLink(a.imageURL, ctx.grafanaUrl);
      if (u) {
        img = `<a href="${esc(u)}"><img src="${esc(u)}" alt="panel image (open link)" style="max-width:560px;border:1px solid #ddd;margin-top:6px"></a>`;
        text.push(`  image: ${u}`);
      }
    }
    const color = a.status === 'resolved' ? sevColor.resolved : sevColor[it.severity];
    const linkHtml = Object.entries(links)
      .filter(([, v]) => v)
      .map(
        ([k, v]) =>
          `<a href="${esc(v!)}" style="color:#1f60c4;margin-right:10px">${k === 'silence' ? 'Silence' : k[0].toUpperCase() + k.slice(1)}</a>`
      )
      .join('');
    rows.push(
      `<tr><td style="padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top"><span style="display:inline-block;padding:2px 6px;border-radius:3px;color:#fff;background:${color};font-size:12px;font-weight:bold">${esc(state)}</span></td>` +
        `<td style="padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top"><strong>${esc(line)}</strong>` +
        (a.annotations?.description ? `<div style="color:#444">${esc(a.annotations.description)}</div>` : '') +
        `<div style="color:#666;font-size:12px">${esc(labels)}</div>${linkHtml ? `<div style="margin-top:4px;font-size:13px">${linkHtml}</div>` : ''}${img}</td>` +
        `<td style="padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top;font-family:monospace">${esc(vt)}</td>` +
        `<td style="padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top;font-size:12px;color:#444">${esc(since)}</td></tr>`
    );
  });
  if (unlisted > 0) {
    text.push(`${unlisted} more alert update(s) are not listed here; see Grafana's alert list for all of them.`, '');
  }
  if (truncated > 0) {
    text.push(
      `Grafana left out ${truncated} more alert(s) (its webhook maxAlerts limit); see Grafana's alert list for all of them.`,
      ''
    );
  }
  text.push('--', `Stop these e-mails: ${ctx.unsubscribeUrl}`);
  const html =
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(subject)}</title></head>` +
    `<body style="margin:0;padding:16px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#222">` +
    `<div style="max-width:760px;margin:0 auto;background:#fff;border:1px solid #e3e5e8;border-radius:4px;padding:16px">` +
    `<h1 style="font-size:18px;margin:0 0 12px">${esc(subject)}</h1>` +
    (ctx.digest
      ? `<p style="margin:0 0 12px;color:#444">Alert changes collected${ctx.windowText ? ` over ${esc(ctx.windowText)}` : ''} so you get one mail instead of many.</p>`
      : '') +
    `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;font-size:14px">` +
    `<tr><th align="left" style="padding:6px 8px;border-bottom:2px solid #ccc">State</th><th align="left" style="padding:6px 8px;border-bottom:2px solid #ccc">Alert</th><th align="left" style="padding:6px 8px;border-bottom:2px solid #ccc">Value</th><th align="left" style="padding:6px 8px;border-bottom:2px solid #ccc">Time</th></tr>` +
    rows.join('') +
    `</table>` +
    (unlisted > 0
      ? `<p style="color:#a15c00">${unlisted} more alert update(s) are not listed here; see Grafana's alert list for all of them.</p>`
      : '') +
    (truncated > 0
      ? `<p style="color:#a15c00">Grafana left out ${truncated} more alert(s) (its webhook maxAlerts limit); see Grafana's alert list for all of them.</p>`
      : '') +
    `<p style="margin-top:16px;font-size:12px;color:#777">You receive this because you registered for PrivateCloud Monitor alerts. <a href="${esc(ctx.unsubscribeUrl)}" style="color:#777">Unsubscribe</a></p>` +
    `</div></body></html>`;
  return { subject, text: text.join('\n'), html, attachments };
}

/** renderConfirmMail renders the double opt-in message. */
export function renderConfirmMail(url: string, name?: string | null): RenderedMail {
  const subject = 'Confirm your PrivateCloud Monitor alert e-mails';
  const hello = name ? `Hello ${name},` : 'Hello,';
  const text = `${hello}\n\nSomeone (probably you) registered this address for PrivateCloud Monitor alert e-mails.\nConfirm here to start receiving them:\n${url}\n\nIf this was not you, ignore this mail: nothing will be sent.`;
  const html =
    `<!DOCTYPE html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#222;padding:16px">` +
    `<p>${esc(hello)}</p><p>Someone (probably you) registered this address for PrivateCloud Monitor alert e-mails.</p>` +
    `<p><a href="${esc(url)}" style="display:inline-block;padding:8px 14px;background:#1f60c4;color:#fff;text-decoration:none;border-radius:3px">Confirm my address</a></p>` +
    `<p style="color:#777;font-size:12px">If this was not you, ignore this mail: nothing will be sent.</p></body></html>`;
  return { subject, text, html, attachments: [] };
}

/** renderTestMail renders the test mail a user asks for from the app, clearly marked as a test. */
export function renderTestMail(grafanaUrl: string, name?: string | null): RenderedMail {
  const subject = '[TEST] PrivateCloud Monitor alert e-mail test';
  const hello = name ? `Hello ${name},` : 'Hello,';
  const text = `${hello}\n\nThis is a TEST mail you asked for in PrivateCloud Monitor. No alert is firing.\nAlert e-mails will reach you at this address.\n\nGrafana: ${grafanaUrl}`;
  const html =
    `<!DOCTYPE html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#222;padding:16px">` +
    `<p><strong>TEST</strong> — no alert is firing.</p><p>${esc(hello)}</p>` +
    `<p>This is a test mail you asked for in PrivateCloud Monitor. Alert e-mails will reach you at this address.</p>` +
    `<p><a href="${esc(grafanaUrl)}">Open Grafana</a></p></body></html>`;
  return { subject, text, html, attachments: [] };
}
