#!/usr/bin/env node
// `npm start`: the PrivateCloud stack without Docker.
//
// Builds what is missing, then starts the vCenter/vROps simulator, the alert relay (SQLite), an
// in-process SMTP catcher with a small web page and JSON API to read the mails, and Grafana when a
// Grafana binary is on PATH or GRAFANA_HOME is set (with a generated grafana.ini that loads our two
// plugins from their dist/ folders and the repository's provisioning/). Without Grafana it says what
// to install and where the other parts listen. Ctrl-C or SIGTERM stops everything.
//
// Options: --rebuild (build every part even if built), --no-build, --no-grafana.
// Ports (env): GRAFANA_PORT 3000, SIM_PORT 8989, RELAY_PORT 3100, MAIL_UI_PORT 8025,
// SMTP_CATCHER_PORT 1025. Other settings come from .env (see .env.example).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The mail catcher's libraries come with `npm ci` (they are dependencies of the e2e workspace).
let simpleParser;
let SMTPServer;
try {
  ({ simpleParser } = await import('mailparser'));
  ({ SMTPServer } = await import('smtp-server'));
} catch {
  console.error('start: smtp-server / mailparser are not installed: run `npm ci` at the repository root first');
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
    // parts in order (Grafana first, the simulator last) instead of all of them racing.
    detached: true,
  });
  const entry = { name, child, logFile, exited: null };
  entry.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
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
  entry.exited.then(({ code, signal }) => {
    if (!stopping) {
      console.error(`start: ${name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${logFile}`);
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

async function startSimulator() {
  let resolveUrl;
  const urlPromise = new Promise((r) => (resolveUrl = r));
  const entry = startChild(
    'simulator',
    process.execPath,
    [
      'simulator/dist/cli.js',
      '--host',
      host,
      '--port',
      String(ports.simulator),
      '--vms',
      env('SIM_VMS', '40'),
      '--seed',
      env('SIM_SEED', '1'),
    ],
    { ...process.env },
    {
      onStdoutLine: (line) => {
        const m = /listening on (https?:\/\/\S+)/.exec(line);
        if (m) resolveUrl(m[1]);
      },
    }
  );
  const url = await Promise.race([
    urlPromise,
    entry.exited.then(() => Promise.reject(new Error(`the simulator stopped before listening; see ${entry.logFile}`))),
    new Promise((_, rej) => setTimeout(() => rej(new Error('the simulator did not start within 60s')), 60_000)),
  ]);
  return url.replace(/\/$/, '');
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
  const entry = startChild('relay', process.execPath, ['alert-relay/dist/main.js'], relayEnv);
  await Promise.race([
    waitForHttp(`${url}/readyz`, 'the relay'),
    entry.exited.then(() => Promise.reject(new Error(`the relay stopped while starting; see ${entry.logFile}`))),
  ]);
  return url;
}

// ---------------------------------------------------------------------------------------------
// SMTP catcher: stores every mail it receives (newest first, at most 500) and shows them.

const MAX_MAILS = 500;
const mails = [];
let mailSeq = 0;

function startSmtpCatcher() {
  const server = new SMTPServer({
    // A local catcher: accept any sender and any login, no TLS (nodemailer then sends in plain).
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'PrivateCloud mail catcher',
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        if (stream.sizeExceeded) return cb(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        const raw = Buffer.concat(chunks);
        try {
          const parsed = await simpleParser(raw);
          mails.unshift({
            id: String(++mailSeq),
            receivedAt: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom?.address ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: parsed.from?.text ?? '',
            to: parsed.to
              ? [parsed.to]
                  .flat()
                  .map((a) => a.text)
                  .join(', ')
              : '',
            subject: parsed.subject ?? '',
            date: parsed.date?.toISOString() ?? null,
            headers: Object.fromEntries(
              [...parsed.headers].map(([k, v]) => [k, typeof v === 'string' ? v : (v?.text ?? JSON.stringify(v))])
            ),
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            raw: raw.toString('utf8'),
          });
          if (mails.length > MAX_MAILS) mails.length = MAX_MAILS;
          cb();
        } catch (e) {
          cb(Object.assign(new Error(`Cannot parse message: ${e.message}`), { responseCode: 554 }));
        }
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports.smtp, host, () => {
      servers.push({ name: 'smtp catcher', close: () => new Promise((r) => server.close(r)) });
      resolve(server.server.address().port);
    });
  });
}

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const summary = (m) => ({
  id: m.id,
  receivedAt: m.receivedAt,
  from: m.from,
  to: m.to,
  envelope: m.envelope,
  subject: m.subject,
});

function mailUiHandler(req, res) {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  const json = (status, body) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
  const one = /^\/api\/messages\/([0-9]+)(\/raw)?$/.exec(url.pathname);
  if (req.method === 'GET' && url.pathname === '/api/messages') return json(200, mails.map(summary));
  if (req.method === 'DELETE' && url.pathname === '/api/messages') {
    mails.length = 0;
    return json(200, { deleted: true });
  }
  if (req.method === 'GET' && one) {
    const m = mails.find((x) => x.id === one[1]);
    if (!m) return json(404, { error: 'not_found', message: `No mail with id ${one[1]}.` });
    return one[2] ? send(200, 'message/rfc822', m.raw) : json(200, m);
  }
  const page = /^\/messages\/([0-9]+)$/.exec(url.pathname);
  if (req.method === 'GET' && page) {
    const m = mails.find((x) => x.id === page[1]);
    if (!m) return send(404, 'text/html; charset=utf-8', '<p>No such mail. <a href="/">Back</a></p>');
    // The HTML part is shown in a sandboxed frame without scripts.
    const htmlPart = m.html
      ? `<h2>HTML</h2><iframe sandbox="" style="width:100%;height:60vh;border:1px solid #ccc" srcdoc="${esc(m.html)}"></iframe>`
      : '';
    return send(
      200,
      'text/html; charset=utf-8',
      `<!doctype html><meta charset="utf-8"><title>${esc(m.subject)}</title><body style="font-family:sans-serif;margin:2em">
<p><a href="/">&larr; all mails</a> · <a href="/api/messages/${m.id}/raw">raw</a></p>
<h1>${esc(m.subject)}</h1><p><b>From</b> ${esc(m.from)}<br><b>To</b> ${esc(m.to)}<br><b>Received</b> ${esc(m.receivedAt)}</p>
${htmlPart}<h2>Text</h2><pre style="white-space:pre-wrap">${esc(m.text)}</pre></body>`
    );
  }
  if (req.method === 'GET' && url.pathname === '/') {
    const rows = mails
      .map(
        (m) =>
          `<tr><td>${esc(m.receivedAt)}</td><td>${esc(m.to)}</td><td><a href="/messages/${m.id}">${esc(m.subject || '(no subject)')}</a></td></tr>`
      )
      .join('');
    return send(
      200,
      'text/html; charset=utf-8',
      `<!doctype html><meta charset="utf-8"><title>PrivateCloud mails</title><meta http-equiv="refresh" content="10">
<body style="font-family:sans-serif;margin:2em"><h1>Mails caught (${mails.length})</h1>
<p>Everything the relay sends while <code>npm start</code> runs lands here (SMTP ${host}:${ports.smtp}). JSON: <a href="/api/messages">/api/messages</a></p>
<table cellpadding="6" style="border-collapse:collapse"><tr><th align="left">Received</th><th align="left">To</th><th align="left">Subject</th></tr>${rows}</table></body>`
    );
  }
  return json(404, { error: 'not_found', message: `No route ${req.method} ${url.pathname}.` });
}

function startMailUi() {
  const server = http.createServer(mailUiHandler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports.mailUi, host, () => {
      servers.push({ name: 'mail UI', close: () => new Promise((r) => server.close(r)) });
      resolve(server.address().port);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Grafana.

function writeGrafanaConfig(grafanaUrl) {
  const gDir = path.join(stateDir, 'grafana');
  const pluginsDir = path.join(gDir, 'plugins');
  rmSync(pluginsDir, { recursive: true, force: true });
  mkdirSync(pluginsDir, { recursive: true });
  // Grafana scans one plugins folder; link each plugin's dist/ into it under its id.
  symlinkSync(path.join(root, 'datasource-plugin', 'dist'), path.join(pluginsDir, 'privatecloud-vsphere-datasource'));
  symlinkSync(path.join(root, 'app-plugin', 'dist'), path.join(pluginsDir, 'privatecloud-vsphere-app'));
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
admin_password = ${env('GRAFANA_ADMIN_PASSWORD', 'admin')}

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

async function startGrafana(grafana, grafanaUrl, provisioningEnv) {
  const iniPath = writeGrafanaConfig(grafanaUrl);
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
      entry.child.kill('SIGKILL');
      await entry.exited;
    }
  }
  for (const s of servers.reverse()) await s.close();
  log('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
// Last resort if this script dies with children still running (e.g. an uncaught error).
process.on('exit', () => {
  for (const { child } of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
process.on('SIGTERM', () => void shutdown(0));

// ---------------------------------------------------------------------------------------------
// Main.

async function main() {
  const grafana = args.has('--no-grafana') ? null : findGrafana();
  buildIfNeeded('simulator', ['simulator/dist/cli.js']);
  buildIfNeeded('alert-relay', ['alert-relay/dist/main.js']);
  if (grafana) {
    buildIfNeeded('datasource-plugin', [
      'datasource-plugin/dist/module.js',
      'datasource-plugin/dist/plugin.json',
      'datasource-plugin/dist/gpx_vsphere_linux_amd64',
    ]);
    buildIfNeeded('app-plugin', ['app-plugin/dist/module.js', 'app-plugin/dist/plugin.json']);
  }

  // Secrets shared by Grafana and the relay: from .env, else fresh random ones for this run.
  const secrets = {
    webhook: env('RELAY_WEBHOOK_SECRET') || randomBytes(24).toString('hex'),
    internal: env('RELAY_INTERNAL_TOKEN') || randomBytes(24).toString('hex'),
    unsubscribe: env('RELAY_UNSUBSCRIBE_SECRET') || randomBytes(24).toString('hex'),
  };
  const grafanaUrl = env('GRAFANA_ROOT_URL', `http://localhost:${ports.grafana}`);

  const smtpPort = await startSmtpCatcher();
  ports.smtp = smtpPort;
  const mailUiPort = await startMailUi();
  ports.mailUi = mailUiPort;
  const simUrl = await startSimulator();
  const relayUrl = await startRelay(secrets, smtpPort, grafanaUrl);

  const urls = {
    grafana: null,
    mailUi: `http://${host}:${mailUiPort}`,
    smtp: `smtp://${host}:${smtpPort}`,
    simulator: simUrl,
    relay: relayUrl,
  };
  if (grafana) {
    await startGrafana(grafana, grafanaUrl, {
      PRIVATECLOUD_DASHBOARDS_DIR: path.join(root, 'provisioning', 'dashboards', 'privatecloud'),
      VCENTER_URL: env('VCENTER_URL', simUrl),
      VCENTER_USER: env('VCENTER_USER', 'administrator@vsphere.local'),
      VCENTER_PASSWORD: env('VCENTER_PASSWORD', 'VMware1!'),
      VROPS_URL: env('VROPS_URL', simUrl),
      VROPS_USER: env('VROPS_USER', 'administrator@vsphere.local'),
      VROPS_PASSWORD: env('VROPS_PASSWORD', 'VMware1!'),
      VROPS_AUTH_SOURCE: env('VROPS_AUTH_SOURCE'),
      VSPHERE_TLS_CA_CERT: env('VSPHERE_TLS_CA_CERT'),
      RELAY_INTERNAL_URL: relayUrl,
      RELAY_INTERNAL_TOKEN: secrets.internal,
      RELAY_WEBHOOK_URL: `${relayUrl}/webhook/grafana`,
      RELAY_WEBHOOK_SECRET: secrets.webhook,
    });
    urls.grafana = `http://localhost:${ports.grafana}`;
  }

  log('');
  log('PrivateCloud Monitor is running (Ctrl-C stops everything):');
  if (urls.grafana)
    log(
      `  Grafana        ${urls.grafana}   login ${env('GRAFANA_ADMIN_USER', 'admin')} / ${env('GRAFANA_ADMIN_PASSWORD') ? '(GRAFANA_ADMIN_PASSWORD)' : 'admin'}`
    );
  log(`  Mails          ${urls.mailUi}   (SMTP catcher on ${host}:${smtpPort})`);
  log(
    `  Simulator      ${urls.simulator}   (vCenter /api, vROps /suite-api; ${env('VCENTER_USER', 'administrator@vsphere.local')})`
  );
  log(`  Alert relay    ${urls.relay}   (webhook /webhook/grafana, API docs /docs)`);
  log(`  Logs           ${logDir}`);
  if (!grafana) {
    log('');
    log('Grafana was not started: no `grafana` or `grafana-server` on PATH and GRAFANA_HOME is not set.');
    log('To get the full stack, install Grafana 12.3 or newer (13.1 recommended), then run `npm start` again:');
    log("  - Debian/Ubuntu: add Grafana's APT repository (https://apt.grafana.com) and `apt-get install grafana`,");
    log('    which puts `grafana` on PATH; or');
    log('  - download the standalone Linux tarball from https://grafana.com/grafana/download, unpack it and');
    log('    set GRAFANA_HOME=/path/to/grafana-<version> (in .env or the shell); or');
    log('  - use Docker instead: `docker compose up --build`.');
    log('npm start then builds both plugins, points Grafana at their dist/ folders and at provisioning/.');
  }
  // One machine-readable line for scripts and tests.
  const pids = Object.fromEntries(children.map((c) => [c.name, c.child.pid]));
  log(`privatecloud-stack ready ${JSON.stringify({ ...urls, pids })}`);
}

main().catch((e) => {
  console.error(`start: ${e.message}`);
  void shutdown(1);
});
