#!/usr/bin/env node
// Checks that each plugin's front end works with the oldest Grafana its plugin.json declares
// (grafanaDependency), as create-plugin's release workflow does with
// `npx @grafana/levitate is-compatible --path src/module.ts --target @grafana/data@X,...`.
//
// Why not that command as is: levitate asks `npm list` in the module's folder which version of
// each package is installed, and in this npm workspace the @grafana packages are hoisted to the
// root, so npm reports them under the workspace and levitate skips every package ("not used in
// the project or not installed locally") and passes without comparing anything. This script runs
// levitate's own comparison (the functions its is-compatible command calls) with the version each
// plugin really resolves, so every package is compared. Only the npm registry is contacted (to
// fetch the two versions' type definitions).
//
// Usage: node scripts/package-compat.mjs [--target-version 12.3.0]   (default: each plugin's
// grafanaDependency minimum). Exits 1 on any incompatibility or when a package cannot be compared.
import { createTsProgram, getIncompatibilitiesBetweenPackages, printIncompatibilities } from '@grafana/levitate';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PLUGINS } from './package-layout.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['@grafana/data', '@grafana/ui', '@grafana/runtime'];

const argv = process.argv.slice(2);
const forced = argv[0] === '--target-version' ? argv[1] : undefined;
if (argv.length && !forced) {
  console.error('package-compat: usage: node scripts/package-compat.mjs [--target-version X.Y.Z]');
  process.exit(2);
}

/** minVersion reads the lowest Grafana version of a ">=X.Y.Z" grafanaDependency. */
function minVersion(range) {
  const m = /^>=\s*(\d+\.\d+\.\d+)/.exec(range ?? '');
  if (!m) throw new Error(`grafanaDependency "${range}" does not start with >=X.Y.Z`);
  return m[1];
}

let failed = 0;
for (const plugin of PLUGINS) {
  const dir = path.join(root, plugin.dir);
  const pluginJson = JSON.parse(readFileSync(path.join(dir, 'src', 'plugin.json'), 'utf8'));
  const target = forced ?? minVersion(pluginJson.dependencies?.grafanaDependency);
  const module = ['module.ts', 'module.tsx'].map((f) => path.join(dir, 'src', f)).find(existsSync);
  if (!module) throw new Error(`${plugin.dir}: no src/module.ts(x)`);
  const program = createTsProgram(module);
  const req = createRequire(path.join(dir, 'package.json'));
  for (const name of PACKAGES) {
    const installed = req(`${name}/package.json`).version;
    console.log(`package-compat: ${path.relative(root, module)} with ${name} ${installed} → ${target}`);
    let found;
    try {
      found = await getIncompatibilitiesBetweenPackages(program, `${name}@${installed}`, `${name}@${target}`, []);
    } catch (err) {
      console.error(`package-compat: could not compare ${name}: ${err.message}`);
      failed++;
      continue;
    }
    if (found.length > 0) {
      failed += found.length;
      console.error(
        `package-compat: ${plugin.id}: ${found.length} incompatibilit${found.length === 1 ? 'y' : 'ies'} with ${name}@${target}:`
      );
      for (const inc of found) {
        const where = inc.sourceFile ? path.relative(root, inc.sourceFile.fileName) : '?';
        console.error(`  - ${inc.name} (${inc.removal ? 'removed' : 'changed'}) used in ${where}`);
      }
      printIncompatibilities(found, { markdown: false });
    }
  }
}
console.log(failed === 0 ? 'package-compat: compatible' : `package-compat: ${failed} problem(s)`);
process.exit(failed === 0 ? 0 : 1);
