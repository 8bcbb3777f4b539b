import type { Readable } from 'node:stream';

/** BodyRead is a request body read up to a limit: the bytes, or how many arrived beyond the limit. */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; received: number; complete: boolean };

/**
 * readBody reads a request body, keeping at most `limit` bytes. A larger body is read on and
 * discarded (nothing kept) up to `hardCap`, so the answer (413) goes out after the client has sent
 * everything and it sees "too large" instead of a broken pipe; past the hard cap it stops reading
 * (`complete: false`: the caller closes the connection).
 */
export function readBody(stream: Readable, limit: number, hardCap: number, declaredLength?: number): Promise<BodyRead> {
  if (declaredLength !== undefined && declaredLength > hardCap) {
    return Promise.resolve({ ok: false, received: 0, complete: false });
  }
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let received = 0;
    const finish = (r: BodyRead) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += b.length;
      if (received > hardCap) {
        chunks = [];
        stream.pause();
        finish({ ok: false, received, complete: false });
        return;
      }
      if (received > limit) {
        chunks = []; // discard, keep reading
        return;
      }
      chunks.push(b);
    };
    const onEnd = () =>
      finish(received > limit ? { ok: false, received, complete: true } : { ok: true, body: Buffer.concat(chunks) });
    const onError = (err: Error) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
