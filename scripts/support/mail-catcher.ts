// The one SMTP mail catcher of the repository's tooling: `npm start` shows its page to people, the
// browser and stack tests read its JSON API. A real SMTP server (smtp-server) that parses every
// mail (mailparser) and keeps the newest ones in memory.
//
// HTTP: GET /                page listing the mails (newest first), GET /messages/<id> one mail
//       GET /api/mails       every mail kept, oldest first (JSON, CaughtMail[])
//       GET /api/mails/<id>  one mail; GET /api/mails/<id>/raw its RFC 822 source
//       DELETE /api/mails    forgets every mail
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail as the catcher received it. */
export interface CaughtMail {
  id: string;
  receivedAt: string;
  /** The SMTP envelope: who the mail was really sent to (not the To: header). */
  envelope: { from: string; to: string[] };
  from: string;
  /** The envelope recipients (what a test checks: who got the mail). */
  to: string[];
  /** The To: header as written. */
  toHeader: string;
  subject: string;
  date: string | null;
  /** Header lines by lower-case name, values as written. */
  headers: Record<string, string>;
  text: string;
  html: string;
}

export interface MailCatcherOptions {
  /** Address both servers listen on (default 127.0.0.1: the catcher shows every mail). */
  host?: string;
  /** SMTP port; 0 (default) picks a free one. */
  smtpPort?: number;
  /** HTTP port of the page and JSON API; 0 (default) picks a free one. */
  httpPort?: number;
  /** Mails kept; older ones are dropped (default 500). */
  maxMails?: number;
  /** Text on the page saying where the mails come from. */
  title?: string;
}

export interface MailCatcher {
  smtpPort: number;
  /** Base URL of the page and the JSON API. */
  url: string;
  /** The mails kept, oldest first. */
  mails(): CaughtMail[];
  clear(): void;
  /**
   * How the SMTP server answers RCPT TO: accept, refuse for good (550) or for now (451), so a
   * sender's retry and bounce handling can be tested against a real server.
   */
  mode: 'accept' | 'reject' | 'tempfail';
  stop(): Promise<void>;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function listen(
  server: { listen: (port: number, host: string, cb: () => void) => unknown; once: any },
  port: number,
  host: string
) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Starts the SMTP server and its HTTP page/API. */
export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const maxMails = opts.maxMails ?? 500;
  const kept: CaughtMail[] = [];
  const raws = new Map<string, string>();
  let seq = 0;
  const state = { mode: 'accept' as MailCatcher['mode'] };

  const smtp = new SMTPServer({
    // A local catcher: any sender, any login, no TLS (nodemailer then sends in plain).
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'PrivateCloud mail catcher',
    size: 10 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username });
    },
    onRcptTo(_addr, _session, cb) {
      if (state.mode === 'reject') {
        return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      }
      if (state.mode === 'tempfail') {
        return cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return cb(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        }
        simpleParser(Buffer.concat(chunks)).then(
          (m) => {
            const headers: Record<string, string> = {};
            for (const h of m.headerLines) {
              headers[h.key] = h.line.slice(h.line.indexOf(':') + 1).trim();
            }
            const to = session.envelope.rcptTo.map((r) => r.address);
            kept.push({
              id: String(++seq),
              receivedAt: new Date().toISOString(),
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to },
              from: m.from?.text ?? '',
              to,
              toHeader: m.to
                ? [m.to]
                    .flat()
                    .map((a) => a.text)
                    .join(', ')
                : '',
              subject: m.subject ?? '',
              date: m.date?.toISOString() ?? null,
              headers,
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
            });
            raws.set(String(seq), Buffer.concat(chunks).toString('utf8'));
            while (kept.length > maxMails) {
              raws.delete(kept.shift()!.id);
            }
            cb();
          },
          (e: Error) => cb(Object.assign(new Error(`Cannot parse message: ${e.message}`), { responseCode: 554 }))
        );
      });
    },
  });
  await listen(smtp.server, opts.smtpPort ?? 0, host);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const api = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catcher');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    const one = /^\/api\/mails\/([0-9]+)(\/raw)?$/.exec(url.pathname);
    const page = /^\/messages\/([0-9]+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/api/mails') {
      return json(200, kept);
    }
    if (req.method === 'DELETE' && url.pathname === '/api/mails') {
      kept.length = 0;
      raws.clear();
      return json(200, { deleted: true });
    }
    if (req.method === 'GET' && one) {
      const m = kept.find((x) => x.id === one[1]);
      if (!m) {
        return json(404, { error: 'not_found', message: `No mail with id ${one[1]}.` });
      }
      return one[2] ? send(200, 'message/rfc822', raws.get(m.id) ?? '') : json(200, m);
    }
    if (req.method === 'GET' && page) {
      const m = kept.find((x) => x.id === page[1]);
      if (!m) {
        return send(404, 'text/html; charset=utf-8', '<p>No such mail. <a href="/">Back</a></p>');
      }
      // The HTML part is shown in a sandboxed frame without scripts.
      const htmlPart = m.html
        ? `<h2>HTML</h2><iframe sandbox="" style="width:100%;height:60vh;border:1px solid #ccc" srcdoc="${esc(m.html)}"></iframe>`
        : '';
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><meta charset="utf-8"><title>${esc(m.subject)}</title><body style="font-family:sans-serif;margin:2em">
<p><a href="/">&larr; all mails</a> · <a href="/api/mails/${m.id}/raw">raw</a></p>
<h1>${esc(m.subject)}</h1><p><b>From</b> ${esc(m.from)}<br><b>To</b> ${esc(m.toHeader)}<br><b>Received</b> ${esc(m.receivedAt)}</p>
${htmlPart}<h2>Text</h2><pre style="white-space:pre-wrap">${esc(m.text)}</pre></body>`
      );
    }
    if (req.method === 'GET' && url.pathname === '/') {
      const rows = [...kept]
        .reverse()
        .map(
          (m) =>
            `<tr><td>${esc(m.receivedAt)}</td><td>${esc(m.to.join(', '))}</td><td><a href="/messages/${m.id}">${esc(m.subject || '(no subject)')}</a></td></tr>`
        )
        .join('');
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><meta charset="utf-8"><title>PrivateCloud mails</title><meta http-equiv="refresh" content="10">
<body style="font-family:sans-serif;margin:2em"><h1>Mails caught (${kept.length})</h1>
<p>${esc(opts.title ?? 'Every mail sent to this catcher lands here')} (SMTP ${esc(host)}:${smtpPort}). JSON: <a href="/api/mails">/api/mails</a></p>
<table cellpadding="6" style="border-collapse:collapse"><tr><th align="left">Received</th><th align="left">To</th><th align="left">Subject</th></tr>${rows}</table></body>`
      );
    }
    return json(404, { error: 'not_found', message: `No route ${req.method} ${url.pathname}.` });
  });
  try {
    await listen(api, opts.httpPort ?? 0, host);
  } catch (e) {
    await new Promise<void>((r) => smtp.close(() => r()));
    throw e;
  }
  const port = (api.address() as AddressInfo).port;

  return {
    smtpPort,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    mails: () => [...kept],
    clear: () => {
      kept.length = 0;
      raws.clear();
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    stop: async () => {
      api.closeAllConnections();
      await new Promise<void>((r) => api.close(() => r()));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}
