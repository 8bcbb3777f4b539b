#!/usr/bin/env node
// Prints the size of the built frontend bundle (dist/module.js), raw and gzipped, and checks that
// Grafana's packages stayed external (Grafana provides them at run time; bundling them would
// multiply the size and break shared state such as the template service).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const code = readFileSync(path.join(dist, 'module.js'));
const gz = gzipSync(code).length;
const kib = (n) => (n / 1024).toFixed(1);
const text = code.toString('utf8');
const external = ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react'].filter((p) => text.includes(`"${p}"`));
console.log(`module.js: ${kib(code.length)} KiB raw, ${kib(gz)} KiB gzip (ratio ${(gz / code.length).toFixed(2)})`);
console.log(`external Grafana packages referenced: ${external.join(', ') || 'none'}`);
// Guard against a bundled copy of @grafana/ui (hundreds of KiB): our own code is far below this.
const LIMIT = 200 * 1024;
if (code.length > LIMIT) {
  console.error(`module.js exceeds ${kib(LIMIT)} KiB: check that Grafana packages are external`);
  process.exit(1);
}
