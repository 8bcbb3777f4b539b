// The one SMTP mail catcher of the repository's tooling. Two faces over one real SMTP server
// (smtp-server) that parses every mail (mailparser):
// - `SmtpSink`: the test sink (alert-relay tests, benchmark and soak). It can refuse permanently
//   (550) or for now (451), hold its answer to DATA, go down and come back on the same port, and
//   with `parse: false` only count mails.
// - `startMailCatcher`: `npm start` shows its page to people, the browser and stack tests read its
//   JSON API; it keeps the newest mails in memory.
//
// HTTP: GET /                page listing the mails (newest first), GET /messages/<id> one mail
//       GET /api/mails       every mail kept, oldest first (JSON, CaughtMail[])
//       GET /api/mails/<id>  one mail; GET /api/mails/<id>/raw its RFC 822 source
//       DELETE /api/mails    forgets every mail
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** ReceivedMail is one message the sink accepted, parsed by mailparser. */
export interface ReceivedMail {
  /** The envelope recipients, comma-joined. */
  to: string;
  parsed: ParsedMail;
}

/** What `SmtpSinkOptions.onMail` gets: the parsed mail with its envelope and source. */
export interface SinkDelivery {
  parsed: ParsedMail;
  envelopeFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

export interface SmtpSinkOptions {
  /** false: only count mails (`count`), parse nothing (the benchmark). Default true. */
  parse?: boolean;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  banner?: string;
  /** Largest mail accepted in bytes (advertised as SIZE; bigger ones get 552). Default: no limit. */
  maxSize?: number;
  /** Accept any AUTH login (default: AUTH is not offered to clients that try it). */
  acceptAnyLogin?: boolean;
  /** Keep `cid:` links in the parsed HTML instead of inlining attachments (default true). */
  keepCidLinks?: boolean;
  /** Receives each accepted mail instead of `mails` (which then stays empty). */
  onMail?: (mail: SinkDelivery) => void;
}

/**
 * SmtpSink is a real SMTP server (smtp-server) for tests. `mode` can make it refuse permanently
 * (550) or temporarily (451); `stop()`/`start()` simulate an outage on the same port. A message
 * counts as delivered only once the sink has answered 250 to the client. With `parse: false` (the
 * benchmark) messages are only counted: parsing them would load the process that measures.
 */
export class SmtpSink {
  mails: ReceivedMail[] = [];
  /** Messages accepted (250) in `parse: false` mode, where `mails` stays empty. */
  count = 0;
  mode: 'accept' | 'reject' | 'tempfail' = 'accept';
  /** Delay before answering the end of DATA, to catch a sender mid-send. */
  holdMs = 0;
  /** Called when DATA has been received and the sink is holding the answer. */
  onHold: (() => void) | null = null;
  port = 0;
  private server: SMTPServer | null = null;
  private closed = new Set<string>();
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly opts: SmtpSinkOptions = {}) {}

  async start(port = this.port): Promise<void> {
    const opts = this.opts;
    const server = new SMTPServer({
      // A local sink: any sender, no TLS (nodemailer then sends in plain).
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      closeTimeout: 200,
      logger: false,
      ...(opts.banner ? { banner: opts.banner } : {}),
      ...(opts.maxSize ? { size: opts.maxSize } : {}),
      ...(opts.acceptAnyLogin
        ? {
            onAuth(auth, _session, cb) {
              cb(null, { user: auth.username });
            },
          }
        : {}),
      onClose: (session) => {
        this.closed.add(session.id);
      },
      onRcptTo: (_addr, _s, cb) => {
        if (this.mode === 'reject') {
          return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        }
        if (this.mode === 'tempfail') {
          return cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
        }
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            return cb(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          }
          const finish = async () => {
            const raw = Buffer.concat(chunks);
            let parsed: ParsedMail | null = null;
            if (opts.parse !== false) {
              try {
                parsed = await simpleParser(raw, { keepCidLinks: opts.keepCidLinks ?? true });
              } catch (e) {
                return cb(
                  Object.assign(new Error(`Cannot parse message: ${(e as Error).message}`), { responseCode: 554 })
                );
              }
            }
            // The client went away before our 250: like a real MTA, the message is not accepted.
            if (this.closed.has(session.id)) {
              return cb(new Error('client gone'));
            }
            const rcptTo = session.envelope.rcptTo.map((r) => r.address);
            if (parsed && opts.onMail) {
              const from = session.envelope.mailFrom;
              opts.onMail({ parsed, envelopeFrom: from ? from.address : '', rcptTo, raw });
            } else if (parsed) {
              this.mails.push({ to: rcptTo.join(','), parsed });
            } else {
              this.count += 1;
            }
            cb();
            this.notify();
          };
          if (this.holdMs > 0) {
            this.onHold?.();
            setTimeout(() => void finish(), this.holdMs);
          } else {
            void finish();
          }
        });
      },
    });
    this.server = server;
    await listen(server.server, port, opts.host ?? '127.0.0.1');
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) {
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** received counts what waitFor waits for: parsed mails (tests may clear `mails`), or all in count-only mode. */
  private get received(): number {
    return this.opts.parse === false ? this.count : this.mails.length;
  }

  private notify() {
    this.waiters = this.waiters.filter((w) => {
      if (this.received >= w.n) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** waitFor resolves once at least n mails have arrived, or rejects after timeoutMs. */
  waitFor(n: number, timeoutMs = 20000): Promise<void> {
    if (this.received >= n) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`expected ${n} mails, got ${this.received}`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  to(addr: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to === addr);
  }
}

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

  const sink = new SmtpSink({
    // A local catcher: any sender, any login, no TLS (nodemailer then sends in plain).
    host,
    banner: 'PrivateCloud mail catcher',
    maxSize: 10 * 1024 * 1024,
    acceptAnyLogin: true,
    keepCidLinks: false,
    onMail: ({ parsed: m, envelopeFrom, rcptTo: to, raw }) => {
      const headers: Record<string, string> = {};
      for (const h of m.headerLines) {
        headers[h.key] = h.line.slice(h.line.indexOf(':') + 1).trim();
      }
      kept.push({
        id: String(++seq),
        receivedAt: new Date().toISOString(),
        envelope: { from: envelopeFrom, to },
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
      raws.set(String(seq), raw.toString('utf8'));
      while (kept.length > maxMails) {
        raws.delete(kept.shift()!.id);
      }
    },
  });
  await sink.start(opts.smtpPort ?? 0);
  const smtpPort = sink.port;

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
    await sink.stop();
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
      return sink.mode;
    },
    set mode(m) {
      sink.mode = m;
    },
    stop: async () => {
      api.closeAllConnections();
      await new Promise<void>((r) => api.close(() => r()));
      await sink.stop();
    },
  };
}
