// Where the built alert relay's process entry is: the file its package's own `start` script runs
// (`node dist/<entry>.js`), so `npm start` and the tests follow the relay when it renames it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// (__filename, not __dirname: tsx's ESM loader, which npm start uses, gives only the former.)
const relayDir = path.resolve(path.dirname(__filename), '..', '..', 'alert-relay');

/** The absolute path of the relay's entry file, built or not. */
export function relayEntryPath(): string {
  const pkg = JSON.parse(readFileSync(path.join(relayDir, 'package.json'), 'utf8'));
  const m = /^node\s+(\S+\.js)\s*$/.exec(pkg.scripts?.start ?? '');
  if (!m) {
    throw new Error(`alert-relay/package.json: the start script is not "node <file>.js" (got "${pkg.scripts?.start}")`);
  }
  return path.join(relayDir, m[1]);
}

/** The absolute path of the relay's built entry file; throws when it is not built. */
export function relayEntry(): string {
  const entry = relayEntryPath();
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: build the relay first (npm run build -w alert-relay)`);
  }
  return entry;
}
