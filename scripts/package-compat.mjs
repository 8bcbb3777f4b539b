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
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
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

// Plugins that resolve the same versions and declare the same oldest Grafana are checked in one
// TypeScript program (an entry file importing each module), so each package pair is compared once.
const groups = new Map();
for (const plugin of PLUGINS) {
  const dir = path.join(root, plugin.dir);
  const pluginJson = JSON.parse(readFileSync(path.join(dir, 'src', 'plugin.json'), 'utf8'));
  const target = forced ?? minVersion(pluginJson.dependencies?.grafanaDependency);
  const module = ['module.ts', 'module.tsx'].map((f) => path.join(dir, 'src', f)).find(existsSync);
  if (!module) throw new Error(`${plugin.dir}: no src/module.ts(x)`);
  const req = createRequire(path.join(dir, 'package.json'));
  const installed = PACKAGES.map((name) => req(`${name}/package.json`).version);
  const key = `${target} ${installed.join(' ')}`;
  if (!groups.has(key)) groups.set(key, { target, installed, modules: [] });
  groups.get(key).modules.push(module);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'package-compat-'));
let failed = 0;
try {
  for (const [i, group] of [...groups.values()].entries()) {
    const entry = path.join(tmp, `entry-${i}.ts`);
    writeFileSync(entry, group.modules.map((m) => `import ${JSON.stringify(m.replace(/\.tsx?$/, ''))};\n`).join(''));
    const program = createTsProgram(entry);
    for (const [j, name] of PACKAGES.entries()) {
      const from = `${name}@${group.installed[j]}`;
      const to = `${name}@${group.target}`;
      console.log(
        `package-compat: ${group.modules.map((m) => path.relative(root, m)).join(', ')} with ${from} → ${to}`
      );
      let found;
      try {
        found = await getIncompatibilitiesBetweenPackages(program, from, to, []);
      } catch (err) {
        console.error(`package-compat: could not compare ${name}: ${err.message}`);
        failed++;
        continue;
      }
      if (found.length > 0) {
        failed += found.length;
        console.error(`package-compat: ${found.length} incompatibilit${found.length === 1 ? 'y' : 'ies'} with ${to}:`);
        for (const inc of found) {
          const where = inc.sourceFile ? path.relative(root, inc.sourceFile.fileName) : '?';
          console.error(`  - ${inc.name} (${inc.removal ? 'removed' : 'changed'}) used in ${where}`);
        }
        printIncompatibilities(found, { markdown: false });
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed === 0 ? 'package-compat: compatible' : `package-compat: ${failed} problem(s)`);
process.exit(failed === 0 ? 0 : 1);
