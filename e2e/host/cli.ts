// Starts the test host by hand: `npx tsx host/cli.ts [--sim http://127.0.0.1:8989] [--port 3000]`.
// Without --sim the data source points at nothing, which is enough to look at the editors.
import path from 'node:path';
import { defaultHostOptions } from './defaults';
import { repoRoot, startHost } from './server';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

startHost({
  ...defaultHostOptions({
    simUrl: arg('sim') ?? 'http://127.0.0.1:9',
    relayUrl: arg('relay'),
    relayToken: arg('relay-token'),
  }),
  port: Number(arg('port') ?? 3000),
  logSink: (l) => process.stderr.write(l + '\n'),
}).then(
  (h) => {
    console.log(`e2e host listening on ${h.url} (repo ${path.relative(process.cwd(), repoRoot) || '.'})`);
    // Stop the backend plugin with the host: go-plugin servers do not notice their parent dying.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => h.close().finally(() => process.exit(0)));
    }
  },
  (e) => {
    console.error(e);
    process.exit(1);
  }
);
