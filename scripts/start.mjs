#!/usr/bin/env node
// `npm start`: the PrivateCloud stack without Docker.
//
// Builds what is missing, then starts the vCenter/vROps simulator (two vCenters behind one vROps,
// production-shaped metrics), the alert relay (SQLite), the SMTP catcher with its web page and JSON
// API (scripts/support/mail-catcher.ts), and Grafana when a Grafana binary is on PATH or
// GRAFANA_HOME is set (with a generated grafana.ini, our two plugins installed from their release
// zips as users install them, and the repository's provisioning/). Without Grafana it says what to install, how to look
// at the plugins in the test host, and where the other parts listen. Everything listens on
// 127.0.0.1 only. Secrets come from .env or are generated once and kept in the state folder
// (scripts/stack-secrets.mjs). Ctrl-C or SIGTERM stops everything.
//
// Options: --rebuild (build every part even if built), --no-build, --no-grafana.
// Ports (env): GRAFANA_PORT 3000, SIM_PORT 8989, RELAY_PORT 3100, MAIL_UI_PORT 8025,
// SMTP_CATCHER_PORT 1025. Other settings come from .env (see .env.example).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPluginZip } from './install-plugin-zip.mjs';
import { resolveSecrets } from './stack-secrets.mjs';
import { startReaper } from './support/reaper.mjs';

// The shared test-support modules are TypeScript; tsx (installed by `npm ci`) loads them.
let startMailCatcher;
let startSimulatorProcess;
let relayEntry;
let relayEntryPath;
try {
  const { tsImport } = await import('tsx/esm/api');
  ({ relayEntry, relayEntryPath } = await tsImport('./support/relay.ts', import.meta.url));
  ({ startMailCatcher } = await tsImport('./support/mail-catcher.ts', import.meta.url));
  ({ startSimulator: startSimulatorProcess } = await tsImport('./support/simulator.ts', import.meta.url));
} catch (e) {
  console.error(`start: cannot load scripts/support (${e.message}): run \`npm ci\` at the repository root first`);
  process.exit(1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--rebuild', '--no-build', '--no-grafana'].includes(a)) {
    console.error(`start: unknown option ${a} (known: --rebuild, --no-build, --no-grafana)`);
    process.exit(2);
  }
}

// .env overrides nothing that is already in the environment (same rule as docker compose).
const envFile = path.join(root, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);
const env = (name, fallback = '') => (process.env[name] ?? '') || fallback;
const port = (name, fallback) => {
  const v = Number(env(name, String(fallback)));
  if (!Number.isInteger(v) || v < 0 || v > 65535) {
    console.error(`start: ${name} must be a port number, got "${process.env[name]}"`);
    process.exit(2);
  }
  return v;
};

const ports = {
  grafana: port('GRAFANA_PORT', 3000),
  simulator: port('SIM_PORT', 8989),
  relay: port('RELAY_PORT', 3100),
  mailUi: port('MAIL_UI_PORT', 8025),
  smtp: port('SMTP_CATCHER_PORT', 1025),
};
const host = '127.0.0.1';
// Runtime state (Grafana's database, the relay's SQLite file, logs) lives in an ignored folder.
const stateDir = path.resolve(
  env('PRIVATECLOUD_STATE_DIR', path.join(root, 'node_modules', '.cache', 'privatecloud-stack'))
);
const logDir = path.join(stateDir, 'logs');
mkdirSync(logDir, { recursive: true });

/** Children we started, in start order; stopped in reverse order. */
const children = [];
const servers = [];
let stopping = false;
// Each part has a process group of its own (see startChild); the reaper stops those groups should
// this script end without stopping them (SIGKILL, a crash), so no part outlives it.
const reaper = startReaper();

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Build what is needed.

function findGrafana() {
  const home = env('GRAFANA_HOME');
  if (home) {
    for (const [bin, sub] of [
      ['bin/grafana', ['server']],
      ['bin/grafana-server', []],
    ]) {
      const p = path.join(home, bin);
      if (existsSync(p)) return { bin: p, sub, home };
    }
    throw new Error(`GRAFANA_HOME=${home} has neither bin/grafana nor bin/grafana-server`);
  }
  for (const [name, sub] of [
    ['grafana', ['server']],
    ['grafana-server', []],
  ]) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) continue;
    const real = realpathSync(found);
    // Grafana needs its home (conf/defaults.ini, public/): next to bin/ for tarballs, or the
    // Debian/RPM package's /usr/share/grafana.
    const candidates = [path.dirname(path.dirname(real)), '/usr/share/grafana'];
    const homepath = candidates.find((c) => existsSync(path.join(c, 'conf', 'defaults.ini')));
    if (homepath) return { bin: real, sub, home: homepath };
  }
  return null;
}

function buildIfNeeded(workspace, outputs) {
  const missing = outputs.filter((o) => !existsSync(path.join(root, o)));
  if (args.has('--no-build')) {
    if (missing.length) throw new Error(`${missing.join(', ')} missing; run without --no-build (or npm run build)`);
    return;
  }
  if (!args.has('--rebuild') && missing.length === 0) return;
  log(`building ${workspace} ...`);
  const r = spawnSync('npm', ['run', 'build', '-w', workspace], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm run build -w ${workspace} failed`);
  const still = outputs.filter((o) => !existsSync(path.join(root, o)));
  if (still.length) throw new Error(`building ${workspace} did not produce ${still.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Child processes.

function startChild(name, cmd, argv, childEnv, { onStdoutLine } = {}) {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(cmd, argv, {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', onStdoutLine ? 'pipe' : fd, fd],
    // Own process group: Ctrl-C in the terminal reaches only this script, which then stops the
    // parts in order (Grafana first, the simulator last) instead of all of them racing. The
    // reaper stops the group if this script dies without doing so.
    detached: true,
  });
  reaper.watch(child.pid);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const entry = { name, child, logFile, exited };
  if (onStdoutLine) {
    let buf = '';
    child.stdout.on('data', (d) => {
      const text = d.toString();
      writeFileSync(logFile, text, { flag: 'a' });
      buf += text;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onStdoutLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
  return track(entry);
}

/** Stops everything when a part dies on its own; remembers the part for the ordered shutdown. */
function track(entry) {
  entry.exited.then(({ code, signal }) => {
    reaper.forget(entry.child.pid);
    if (!stopping) {
      console.error(
        `start: ${entry.name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${entry.logFile}`
      );
      void shutdown(1);
    }
  });
  children.push(entry);
  return entry;
}

async function waitForHttp(url, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000}s (${last})`);
}

/** The simulator's flags: two vCenters (/vc/1, /vc/2) behind one vROps, production-shaped metrics. */
const SIMULATOR_FLAGS = ['--vcenters', '2', '--metrics-shape', 'production'];

async function startSimulator() {
  const logFile = path.join(logDir, 'simulator.log');
  const fd = openSync(logFile, 'w');
  const sim = await startSimulatorProcess({
    host,
    port: ports.simulator,
    seed: Number(env('SIM_SEED', '1')),
    args: ['--vms', env('SIM_VMS', '40'), ...SIMULATOR_FLAGS],
    logFd: fd,
    // Own process group, like every part (see startChild), watched by the reaper from the start.
    detached: true,
    onSpawn: (child) => reaper.watch(child.pid),
  }).catch((e) => {
    throw new Error(`${e.message.replace(/: $/, '')}; see ${logFile}`);
  });
  track({ name: 'simulator', child: sim.child, logFile, exited: sim.exited });
  return sim.url;
}

async function startRelay(secrets, smtpPort, grafanaUrl) {
  const url = `http://${host}:${ports.relay}`;
  const relayEnv = {
    ...process.env,
    HOST: host,
    PORT: String(ports.relay),
    DATABASE_URL: env('RELAY_DATABASE_URL_LOCAL', `sqlite://${path.join(stateDir, 'relay.db')}`),
    RELAY_WEBHOOK_SECRET: secrets.webhook,
    RELAY_INTERNAL_TOKEN: secrets.internal,
    PUBLIC_URL: url,
    RELAY_UNSUBSCRIBE_SECRET: secrets.unsubscribe,
    GRAFANA_URL: grafanaUrl,
    SMTP_HOST: env('SMTP_HOST', host),
    SMTP_PORT: env('SMTP_HOST') ? env('SMTP_PORT', '587') : String(smtpPort),
    SMTP_SECURE: env('SMTP_SECURE', 'false'),
    MAIL_FROM: env('MAIL_FROM', 'PrivateCloud Monitor <alerts@privatecloud.local>'),
    LOG_LEVEL: env('LOG_LEVEL', 'info'),
  };
  const entry = startChild('relay', process.execPath, [relayEntry()], relayEnv);
  await Promise.race([
    waitForHttp(`${url}/readyz`, 'the relay'),
    entry.exited.then(() => Promise.reject(new Error(`the relay stopped while starting; see ${entry.logFile}`))),
  ]);
  return url;
}

// ---------------------------------------------------------------------------------------------
// Mail catcher (SMTP + page + JSON API), shared with the tests.

async function startCatcher() {
  const catcher = await startMailCatcher({
    host,
    smtpPort: ports.smtp,
    httpPort: ports.mailUi,
    title: 'Everything the relay sends while `npm start` runs lands here',
  });
  servers.push({ name: 'mail catcher', close: () => catcher.stop() });
  return catcher;
}

// ---------------------------------------------------------------------------------------------
// Grafana.

const PLUGIN_IDS = ['privatecloud-vsphere-datasource', 'privatecloud-vsphere-app'];

/**
 * Packages both plugins as release zips for this machine's platform (scripts/package.mjs --host)
 * into the state folder, so Grafana gets them the way users install them (README "Install into an
 * existing Grafana"), not the dist/ folders.
 */
function packagePlugins() {
  const out = path.join(stateDir, 'packages');
  log('packaging both plugins for this platform ...');
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'package.mjs'), '--host', '--reuse-frontend', '--no-compat', '--out', out],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }
  );
  if (r.status !== 0) throw new Error('node scripts/package.mjs --host failed');
  const version = JSON.parse(readFileSync(path.join(root, 'datasource-plugin', 'package.json'), 'utf8')).version;
  return PLUGIN_IDS.map((id) => ({ id, zip: path.join(out, `${id}-${version}.zip`) }));
}

async function writeGrafanaConfig(grafanaUrl, adminPassword, packages) {
  const gDir = path.join(stateDir, 'grafana');
  const pluginsDir = path.join(gDir, 'plugins');
  rmSync(pluginsDir, { recursive: true, force: true });
  mkdirSync(pluginsDir, { recursive: true });
  // Grafana scans one plugins folder: each package is unpacked into it under its id.
  for (const p of packages) await installPluginZip(p.zip, pluginsDir, p.id);
  const ini = `# Generated by scripts/start.mjs on every start; edit .env instead.
[paths]
data = ${path.join(gDir, 'data')}
logs = ${path.join(gDir, 'logs')}
plugins = ${pluginsDir}
provisioning = ${path.join(root, 'provisioning')}

[server]
http_addr = ${host}
http_port = ${ports.grafana}
root_url = ${grafanaUrl}

[security]
admin_user = ${env('GRAFANA_ADMIN_USER', 'admin')}
admin_password = ${adminPassword}

[plugins]
allow_loading_unsigned_plugins = privatecloud-vsphere-datasource,privatecloud-vsphere-app

[feature_toggles]
# The "Host not connected" alert rule uses a SQL expression (behind the sqlExpressions feature toggle).
enable = sqlExpressions

[analytics]
reporting_enabled = false
check_for_updates = false
check_for_plugin_updates = false

[news]
news_feed_enabled = false
`;
  const iniPath = path.join(gDir, 'grafana.ini');
  writeFileSync(iniPath, ini, { mode: 0o600 });
  return iniPath;
}

async function startGrafana(grafana, grafanaUrl, adminPassword, provisioningEnv, packages) {
  const iniPath = await writeGrafanaConfig(grafanaUrl, adminPassword, packages);
  const entry = startChild('grafana', grafana.bin, [...grafana.sub, '--homepath', grafana.home, '--config', iniPath], {
    ...process.env,
    ...provisioningEnv,
  });
  await Promise.race([
    waitForHttp(`http://${host}:${ports.grafana}/api/health`, 'Grafana', 120_000),
    entry.exited.then(() => Promise.reject(new Error(`Grafana stopped while starting; see ${entry.logFile}`))),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Stop.

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping ...');
  for (const entry of [...children].reverse()) {
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) continue;
    entry.child.kill('SIGTERM');
    const done = await Promise.race([
      entry.exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 10_000)),
    ]);
    if (!done) {
      console.error(`start: ${entry.name} did not stop within 10s; killing it`);
      killGroup(entry.child, 'SIGKILL');
      await entry.exited;
    }
  }
  for (const s of servers.reverse()) await s.close();
  reaper.done();
  log('stopped');
  process.exit(code);
}

/** Signals a part's whole process group (a part such as Grafana runs processes of its own). */
function killGroup(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
}

process.on('SIGINT', () => void shutdown(0));
// Last resort if this script ends with children still running (e.g. an uncaught error); a SIGKILL
// of this script runs no handler: the reaper covers that.
process.on('exit', () => {
  for (const { child } of children) {
    if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
  }
});
process.on('SIGTERM', () => void shutdown(0));

// ---------------------------------------------------------------------------------------------
// Main.

async function main() {
  const grafana = args.has('--no-grafana') ? null : findGrafana();
  buildIfNeeded('simulator', ['simulator/dist/cli.js']);
  buildIfNeeded('alert-relay', [path.relative(root, relayEntryPath())]);
  if (grafana) {
    buildIfNeeded('datasource-plugin', [
      'datasource-plugin/dist/module.js',
      'datasource-plugin/dist/plugin.json',
      'datasource-plugin/dist/gpx_vsphere_linux_amd64',
    ]);
    buildIfNeeded('app-plugin', ['app-plugin/dist/module.js', 'app-plugin/dist/plugin.json']);
  }
  const packages = grafana ? packagePlugins() : [];

  // Secrets: from .env (checked), else generated on the first start and kept in the state folder.
  let resolved;
  try {
    resolved = resolveSecrets(path.join(stateDir, 'secrets'), process.env);
  } catch (e) {
    console.error(`start: refusing to start:\n${e.message}`);
    process.exit(2);
  }
  const secrets = {
    webhook: resolved.values.RELAY_WEBHOOK_SECRET,
    internal: resolved.values.RELAY_INTERNAL_TOKEN,
    unsubscribe: resolved.values.RELAY_UNSUBSCRIBE_SECRET,
    adminPassword: resolved.values.GRAFANA_ADMIN_PASSWORD,
  };
  const grafanaUrl = env('GRAFANA_ROOT_URL', `http://localhost:${ports.grafana}`);

  const catcher = await startCatcher();
  const simUrl = await startSimulator();
  const relayUrl = await startRelay(secrets, catcher.smtpPort, grafanaUrl);

  const urls = {
    grafana: null,
    mailUi: catcher.url,
    smtp: `smtp://${host}:${catcher.smtpPort}`,
    simulator: simUrl,
    relay: relayUrl,
  };
  if (grafana) {
    await startGrafana(
      grafana,
      grafanaUrl,
      secrets.adminPassword,
      {
        PRIVATECLOUD_DASHBOARDS_DIR: path.join(root, 'provisioning', 'dashboards', 'privatecloud'),
        ...vcenterEnv(simUrl),
        VROPS_URL: env('VROPS_URL', simUrl),
        VROPS_USER: env('VROPS_USER', 'administrator@vsphere.local'),
        VROPS_PASSWORD: env('VROPS_PASSWORD', 'VMware1!'),
        VROPS_AUTH_SOURCE: env('VROPS_AUTH_SOURCE'),
        VSPHERE_TLS_CA_CERT: env('VSPHERE_TLS_CA_CERT'),
        RELAY_INTERNAL_URL: relayUrl,
        RELAY_INTERNAL_TOKEN: secrets.internal,
        RELAY_WEBHOOK_URL: `${relayUrl}/webhook/grafana`,
        RELAY_WEBHOOK_SECRET: secrets.webhook,
      },
      packages
    );
    urls.grafana = `http://localhost:${ports.grafana}`;
  }

  const secretsFile = path.relative(root, resolved.file);
  log('');
  log('PrivateCloud Monitor is running on 127.0.0.1 (Ctrl-C stops everything):');
  if (urls.grafana) {
    const user = env('GRAFANA_ADMIN_USER', 'admin');
    if (resolved.fromEnv.includes('GRAFANA_ADMIN_PASSWORD')) {
      log(`  Grafana        ${urls.grafana}   login ${user} / (GRAFANA_ADMIN_PASSWORD from .env)`);
    } else if (resolved.generated.includes('GRAFANA_ADMIN_PASSWORD')) {
      // Shown this once; it stays in the secrets file (and in Grafana's database).
      log(`  Grafana        ${urls.grafana}   login ${user} / ${secrets.adminPassword}   (generated now, shown once)`);
    } else {
      log(
        `  Grafana        ${urls.grafana}   login ${user} / the generated password (GRAFANA_ADMIN_PASSWORD in ${secretsFile})`
      );
    }
  }
  log(`  Mails          ${urls.mailUi}   (SMTP catcher on ${host}:${catcher.smtpPort})`);
  log(
    `  Simulator      ${urls.simulator}   (vCenters ${urls.simulator}/vc/1 and /vc/2, one vROps /suite-api; ${env('VCENTER_USER', 'administrator@vsphere.local')})`
  );
  log(`  Alert relay    ${urls.relay}   (webhook /webhook/grafana, API docs /docs)`);
  log(`  Secrets        ${secretsFile}${resolved.generated.length ? ' (generated now)' : ''}`);
  log(`  Logs           ${logDir}`);
  if (!grafana) {
    log('');
    log('Grafana was not started: no `grafana` or `grafana-server` on PATH and GRAFANA_HOME is not set.');
    log('To look at the plugins now, without Docker or Grafana: the browser test host serves both plugins');
    log('against this simulator and relay (build them once with `npm run build`), in a second terminal:');
    log(`  ${testHostCommand(simUrl, relayUrl, resolved)}`);
    log('and open the address it prints (every page works; it stands in for Grafana, see CONTRIBUTING.md).');
    log('');
    log('To get the full stack, install Grafana 12.3 or newer (13.1 recommended), then run `npm start` again:');
    log("  - Debian/Ubuntu: add Grafana's APT repository (https://apt.grafana.com) and `apt-get install grafana`,");
    log('    which puts `grafana` on PATH; or');
    log('  - download the standalone Linux tarball from https://grafana.com/grafana/download, unpack it and');
    log('    set GRAFANA_HOME=/path/to/grafana-<version> (in .env or the shell); or');
    log('  - use Docker instead: `docker compose up --build` (Grafana on http://127.0.0.1:3000).');
    log(
      'npm start then builds and packages both plugins, installs the zips into Grafana and points it at provisioning/.'
    );
  }
  // One machine-readable line for scripts and tests.
  const pids = Object.fromEntries(children.map((c) => [c.name, c.child.pid]));
  log(`privatecloud-stack ready ${JSON.stringify({ ...urls, secretsFile: resolved.file, pids })}`);
}

/**
 * The vCenter settings of the two provisioned data sources: the simulator's /vc/1 and /vc/2 unless
 * .env names real vCenters. With a real VCENTER_URL and no VCENTER2_URL the second stays empty
 * (its health check then says so; delete it from provisioning/datasources with one vCenter).
 */
function vcenterEnv(simUrl) {
  const real = env('VCENTER_URL') !== '';
  return {
    VCENTER_URL: env('VCENTER_URL', `${simUrl}/vc/1`),
    VCENTER_USER: env('VCENTER_USER', 'administrator@vsphere.local'),
    VCENTER_PASSWORD: env('VCENTER_PASSWORD', 'VMware1!'),
    VCENTER2_URL: env('VCENTER2_URL', real ? '' : `${simUrl}/vc/2`),
    VCENTER2_USER: env('VCENTER2_USER', env('VCENTER_USER', 'administrator@vsphere.local')),
    VCENTER2_PASSWORD: env('VCENTER2_PASSWORD', env('VCENTER_PASSWORD', 'VMware1!')),
  };
}

/**
 * The test host command (CONTRIBUTING.md) with the relay connected, so every page works. The
 * relay token is read from its file by the shell, never printed.
 */
function testHostCommand(simUrl, relayUrl, resolved) {
  const file = resolved.fromEnv.includes('RELAY_INTERNAL_TOKEN') ? '.env' : path.relative(root, resolved.file);
  return `npm run host -w e2e -- --sim ${simUrl} --relay ${relayUrl} --relay-token "$(sed -n 's/^RELAY_INTERNAL_TOKEN=//p' ${file})"`;
}

main().catch((e) => {
  console.error(`start: ${e.message}`);
  void shutdown(1);
});
