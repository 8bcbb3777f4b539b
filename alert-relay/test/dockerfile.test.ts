// The relay image ships production dependencies only (issue 14): checked on the Dockerfile itself,
// since building images needs a Docker daemon the test machines may not have.
import fs from 'node:fs';
import path from 'node:path';

const dockerfile = fs.readFileSync(path.resolve(__dirname, '../../docker/relay.Dockerfile'), 'utf8');

/** stages splits a Dockerfile into its stages: name (or index) -> instructions. */
function stages(text: string): Array<{ name: string; lines: string[] }> {
  const out: Array<{ name: string; lines: string[] }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      out.push({ name: from[1] ?? String(out.length), lines: [] });
    } else if (out.length > 0) {
      out[out.length - 1].lines.push(line);
    }
  }
  return out;
}

describe('relay image', () => {
  const all = stages(dockerfile);
  const runtime = all[all.length - 1];

  it('copies node_modules only from a stage that installed production dependencies', () => {
    const copies = runtime.lines.filter((l) => /^COPY\s+--from=\S+\s+\S*node_modules/i.test(l));
    expect(copies).toHaveLength(1);
    const from = /--from=(\S+)/.exec(copies[0])![1];
    const source = all.find((s) => s.name === from)!;
    expect(source.lines.join('\n')).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(source.lines.join('\n')).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
  });

  it('runs the built relay as the unprivileged node user, with the process entry', () => {
    expect(runtime.lines).toContain('USER node');
    expect(runtime.lines[runtime.lines.length - 1]).toBe('CMD ["node", "alert-relay/dist/main.js"]');
    expect(fs.existsSync(path.resolve(__dirname, '../src/main.ts'))).toBe(true);
    expect(runtime.lines.some((l) => /COPY .*alert-relay\/(src|test)/.test(l))).toBe(false);
  });
});
