#!/usr/bin/env node
// Builds both Grafana plugins as the zip packages users install (grafana cli, GF_INSTALL_PLUGINS,
// provisioning, the catalog): build/packages/<plugin-id>-<version>.zip with .sha1 and .md5 beside
// it, each zip holding <plugin-id>/... at the top, as Grafana's packaging guide describes
// (https://grafana.com/developers/plugin-tools/publish-a-plugin/package-a-plugin).
//
// Usage: node scripts/package.mjs [--host] [--reuse-frontend] [--no-compat] [--out DIR]
//   --host            build the data source backend for this machine's platform only (npm start, tests)
//   --reuse-frontend  package the plugins' existing dist/ front ends instead of rebuilding them
//   --no-compat       skip the levitate check against the oldest supported Grafana
//                     (scripts/package-compat.mjs; it fetches type definitions from the npm registry)
//   --out DIR         where the zips go (default build/packages)
// Signing: with GRAFANA_ACCESS_POLICY_TOKEN set, each plugin is signed with @grafana/sign-plugin
// (GRAFANA_SIGNATURE_TYPE = private|community|commercial, GRAFANA_SIGN_ROOT_URLS = comma-separated
// root URLs for a private signature); without it the packages are unsigned.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

import { BACKEND_PLATFORMS, binaryName, isDevelopmentFile, PLUGINS } from './package-layout.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { host: false, reuseFrontend: false, compat: true, out: path.join(root, 'build', 'packages') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--host') opts.host = true;
    else if (a === '--reuse-frontend') opts.reuseFrontend = true;
    else if (a === '--no-compat') opts.compat = false;
    else if (a === '--out' && argv[i + 1]) opts.out = path.resolve(argv[++i]);
    else throw new Error(`package: unknown option ${a} (known: --host, --reuse-frontend, --no-compat, --out DIR)`);
  }
  return opts;
}

function log(msg) {
  console.log(`package: ${msg}`);
}

function run(cmd, args, cwd, env = process.env) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}) in ${cwd}`);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Files under dir, relative, with forward slashes, sorted. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full, base));
    else if (e.isFile()) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** checkRelease refuses a package whose version has no CHANGELOG entry or whose metadata is unfilled. */
function checkRelease(plugin, version, distDir) {
  const changelog = readFileSync(path.join(root, plugin.dir, 'CHANGELOG.md'), 'utf8');
  if (!new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm').test(changelog)) {
    throw new Error(`${plugin.dir}/CHANGELOG.md has no "## ${version}" section (see CONTRIBUTING.md, "Release")`);
  }
  const pj = readJson(path.join(distDir, 'plugin.json'));
  if (pj.id !== plugin.id) throw new Error(`${plugin.dir}/dist/plugin.json has id ${pj.id}, expected ${plugin.id}`);
  if (pj.info?.version !== version) {
    throw new Error(`${plugin.dir}/dist/plugin.json has version ${pj.info?.version}, package.json ${version}: rebuild`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(pj.info?.updated ?? '')) {
    throw new Error(`${plugin.dir}/dist/plugin.json has no build date (info.updated = ${pj.info?.updated})`);
  }
  return pj;
}

function buildFrontends(opts) {
  for (const p of PLUGINS) {
    const dist = path.join(root, p.dir, 'dist', 'module.js');
    if (opts.reuseFrontend && existsSync(dist)) continue;
    log(`building the ${p.id} front end`);
    run('npm', ['run', p.frontendScript, '-w', p.dir], root);
  }
}

function buildBackend(opts) {
  const dir = path.join(root, 'datasource-plugin');
  const dist = path.join(dir, 'dist');
  // Old binaries of other platforms must not slip into a host-only package.
  if (existsSync(dist)) {
    for (const f of readdirSync(dist)) {
      if (f.startsWith('gpx_vsphere_') || f === 'go_plugin_build_manifest') rmSync(path.join(dist, f));
    }
  }
  // The SDK's standard build (Magefile.go): `mage` with no target builds every platform
  // (build.BuildAll), `build:backend` the host's; both write dist/go_plugin_build_manifest.
  const target = opts.host ? ['build:backend'] : [];
  log(`building the backend (${opts.host ? 'host platform' : BACKEND_PLATFORMS.map((p) => p.join('/')).join(', ')})`);
  run('go', ['tool', 'mage', '-v', ...target], dir);
}

function sign(stageDir) {
  const args = ['--no-install', '@grafana/sign-plugin', '--distDir', stageDir];
  if (process.env.GRAFANA_SIGNATURE_TYPE) args.push('--signatureType', process.env.GRAFANA_SIGNATURE_TYPE);
  if (process.env.GRAFANA_SIGN_ROOT_URLS) args.push('--rootUrls', process.env.GRAFANA_SIGN_ROOT_URLS);
  run('npx', args, root);
}

function zipDir(stageRoot, pluginId, zipFile) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const base = path.join(stageRoot, pluginId);
    zip.addEmptyDirectory(`${pluginId}/`, { mode: 0o40755 });
    for (const rel of listFiles(base)) {
      const full = path.join(base, rel);
      const st = statSync(full);
      zip.addFile(full, `${pluginId}/${rel}`, { mode: 0o100000 | (st.mode & 0o777), mtime: st.mtime });
    }
    zip.end();
    zip.outputStream.pipe(createWriteStream(zipFile)).on('close', resolve).on('error', reject);
  });
}

function writeChecksums(file) {
  const buf = readFileSync(file);
  for (const algo of ['sha1', 'md5']) {
    writeFileSync(`${file}.${algo}`, `${createHash(algo).update(buf).digest('hex')}\n`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.compat) {
    log('checking the front ends against the oldest Grafana they declare (levitate)');
    run(process.execPath, [path.join(root, 'scripts', 'package-compat.mjs')], root);
  }
  buildFrontends(opts);
  buildBackend(opts);

  const signing = Boolean(process.env.GRAFANA_ACCESS_POLICY_TOKEN);
  const stageRoot = path.join(opts.out, '.stage');
  rmSync(stageRoot, { recursive: true, force: true });
  mkdirSync(stageRoot, { recursive: true });

  // One release version for both plugins (CONTRIBUTING.md, "Release": `npm run release:version`).
  const versions = new Set(PLUGINS.map((p) => readJson(path.join(root, p.dir, 'package.json')).version));
  if (versions.size !== 1) {
    throw new Error(
      `the plugins' package.json versions differ (${[...versions].join(', ')}): run npm run release:version -- X.Y.Z`
    );
  }

  const made = [];
  for (const p of PLUGINS) {
    const version = readJson(path.join(root, p.dir, 'package.json')).version;
    const distDir = path.join(root, p.dir, 'dist');
    checkRelease(p, version, distDir);
    const stage = path.join(stageRoot, p.id);
    cpSync(distDir, stage, { recursive: true, filter: (src) => !isDevelopmentFile(path.relative(distDir, src)) });
    if (p.backend) {
      const platforms = opts.host
        ? [[process.platform === 'win32' ? 'windows' : process.platform, goArch()]]
        : BACKEND_PLATFORMS;
      for (const [os, arch] of platforms) {
        const bin = path.join(stage, binaryName(p.executable, os, arch));
        if (!existsSync(bin)) throw new Error(`backend binary ${path.basename(bin)} was not built`);
        chmodSync(bin, 0o755);
      }
      if (!existsSync(path.join(stage, 'go_plugin_build_manifest')))
        throw new Error('go_plugin_build_manifest missing');
    }
    if (signing) {
      log(`signing ${p.id}`);
      sign(stage);
    }
    const zipFile = path.join(opts.out, `${p.id}-${version}.zip`);
    rmSync(zipFile, { force: true });
    await zipDir(stageRoot, p.id, zipFile);
    writeChecksums(zipFile);
    made.push(path.relative(root, zipFile));
  }
  rmSync(stageRoot, { recursive: true, force: true });

  for (const f of made) log(`wrote ${f} (+ .sha1, .md5)`);
  if (!signing) {
    log('the packages are UNSIGNED (no GRAFANA_ACCESS_POLICY_TOKEN). Grafana loads them only when allowed:');
    log(`  [plugins] allow_loading_unsigned_plugins = ${PLUGINS.map((p) => p.id).join(',')}`);
    log(`  (or GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${PLUGINS.map((p) => p.id).join(',')})`);
  }
}

function goArch() {
  return { x64: 'amd64', arm64: 'arm64', arm: 'arm' }[process.arch] ?? process.arch;
}

main().catch((err) => {
  console.error(`package: ${err.message}`);
  process.exit(1);
});
