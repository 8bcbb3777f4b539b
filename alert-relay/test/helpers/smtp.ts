import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

/** ReceivedMail is one message the sink accepted, parsed by mailparser. */
export interface ReceivedMail {
  to: string;
  parsed: ParsedMail;
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

  constructor(private readonly opts: { parse?: boolean } = {}) {}

  async start(port = this.port): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      closeTimeout: 200,
      logger: false,
      onClose: (session) => {
        this.closed.add(session.id);
      },
      onRcptTo: (addr, _s, cb) => {
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
          const finish = async () => {
            const parsed =
              this.opts.parse === false ? null : await simpleParser(Buffer.concat(chunks), { keepCidLinks: true });
            // The client went away before our 250: like a real MTA, the message is not accepted.
            if (this.closed.has(session.id)) {
              return cb(new Error('client gone'));
            }
            if (parsed) {
              this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), parsed });
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
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
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
