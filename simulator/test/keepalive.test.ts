import net from 'node:net';
import { startSimulator } from '../src';

/**
 * RawConnection is one TCP connection speaking HTTP/1.1 by hand, like a client that ignores the
 * `Keep-Alive` hint (Go's net/http keeps idle connections 90 s whatever the server says).
 */
class RawConnection {
  private buf = '';
  private closed = false;
  private waiters: (() => void)[] = [];
  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }
  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  /** get sends one request and resolves with the response head, or 'closed' if the server hung up. */
  async get(path: string): Promise<string> {
    if (!this.closed) this.socket.write(`GET ${path} HTTP/1.1\r\nHost: sim\r\n\r\n`);
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head >= 0) {
        const len = Number(/content-length: (\d+)/i.exec(this.buf.slice(0, head))?.[1] ?? 0);
        if (this.buf.length >= head + 4 + len) {
          const out = this.buf.slice(0, head);
          this.buf = this.buf.slice(head + 4 + len);
          return out;
        }
      }
      if (this.closed) return 'closed';
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  close() {
    this.socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('keep-alive timing', () => {
  it('advertises its idle timeout and keeps serving connections reused just past it', async () => {
    const sim = await startSimulator({ vms: 20, keepAliveSeconds: 2 });
    const port = Number(new URL(sim.url).port);
    const conns = await Promise.all(Array.from({ length: 12 }, () => RawConnection.open(port)));
    try {
      const first = await Promise.all(conns.map((c) => c.get('/__sim/hot')));
      for (const h of first) {
        expect(h).toMatch(/^HTTP\/1\.1 200/);
        expect(h.toLowerCase()).toContain('keep-alive: timeout=2');
      }
      // Idle 1.5 s past the advertised boundary, as a client with a longer idle timeout (or a busy one) does;
      // Node alone would close at advertised + 1 s.
      await sleep(3_500);
      const second = await Promise.all(conns.map((c) => c.get('/__sim/hot')));
      expect(second.filter((h) => !/^HTTP\/1\.1 200/.test(h))).toEqual([]);
      // The server does close idle connections eventually (advertised + grace + Node's 1 s = 5 s here).
      await sleep(6_500);
      expect(await conns[0].get('/__sim/hot')).toBe('closed');
    } finally {
      conns.forEach((c) => c.close());
      await sim.close();
    }
  });
});
