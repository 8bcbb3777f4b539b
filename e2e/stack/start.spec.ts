// `npm start` end to end: it starts the simulator (two vCenters, one vROps), the relay and the SMTP
// catcher, all on 127.0.0.1 only, with secrets it generates on the first start and keeps (and
// explains how to add Grafana, which is not installed here, and how to use the test host); a user
// registers for alert mail, a signed Grafana webhook arrives, the mail is read from the catcher's
// API; Ctrl-C stops everything. A second start reuses the secrets; a placeholder secret is refused.
import { expect, test } from '@playwright/test';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack-files';

test.setTimeout(180_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Mail = { id: string; subject: string; to: string[]; text: string; html: string; headers: Record<string, string> };

/**
 * The local addresses of the listening TCP sockets of a port (Linux /proc/net/tcp{,6}), e.g.
 * ['127.0.0.1']. Read from the kernel, so it shows what a LAN peer could reach.
 */
function listenAddresses(port: number): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') {
        continue; // not LISTEN
      }
      const [addrHex, portHex] = cols[1].split(':');
      if (parseInt(portHex, 16) !== port) {
        continue;
      }
      if (addrHex.length === 8) {
        out.push(
          (addrHex.match(/../g) as string[])
            .reverse()
            .map((b) => parseInt(b, 16))
            .join('.')
        );
      } else {
        out.push(
          addrHex === '0'.repeat(32)
            ? '::'
            : addrHex === '0000000000000000FFFF00000100007F'
              ? '::ffff:127.0.0.1'
              : `v6:${addrHex}`
        );
      }
    }
  }
  return out;
}

/** Runs `npm start` with the given environment and waits for its ready line. */
function startStack(env: Record<string, string>) {
  let out = '';
  const child: ChildProcess = spawn('npm', ['start', '--', '--no-build'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so Ctrl-C can be delivered to npm and the script as a terminal does.
    detached: true,
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal }))
  );
  const ready = () =>
    poll(
      'the ready line',
      async () => {
        const m = /privatecloud-stack ready (\{.*\})/.exec(out);
        if (child.exitCode !== null) {
          throw new Error(`npm start exited early:\n${out}`);
        }
        return m ? JSON.parse(m[1]) : undefined;
      },
      120_000
    );
  const kill = () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return { child, exited, ready, kill, out: () => out };
}

test('npm start runs the stack on loopback with generated secrets, delivers an alert mail, and Ctrl-C stops it all', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'privatecloud-start-'));
  const ports = {
    SIM_PORT: await freePort(),
    RELAY_PORT: await freePort(),
    MAIL_UI_PORT: await freePort(),
    SMTP_CATCHER_PORT: await freePort(),
    GRAFANA_PORT: await freePort(),
  };
  const baseEnv = {
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    // No .env values: npm start must generate every secret itself.
    RELAY_WEBHOOK_SECRET: '',
    RELAY_INTERNAL_TOKEN: '',
    RELAY_UNSUBSCRIBE_SECRET: '',
    GRAFANA_ADMIN_PASSWORD: '',
    RELAY_DEMO_MODE: '',
    VCENTER_URL: '',
    PRIVATECLOUD_STATE_DIR: stateDir,
    // No Grafana on this machine: make sure none is found through the environment either.
    GRAFANA_HOME: '',
    SMTP_HOST: '',
  };
  const stack = startStack(baseEnv);
  const { child, exited } = stack;

  try {
    const ready = await stack.ready();
    const out = stack.out;

    // The secrets: generated, at least 32 characters, in a file only this user can read.
    const secretsFile: string = ready.secretsFile;
    expect(secretsFile.startsWith(stateDir), secretsFile).toBe(true);
    expect(statSync(secretsFile).mode & 0o777, 'secrets file mode').toBe(0o600);
    const secrets = Object.fromEntries(
      readFileSync(secretsFile, 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    );
    for (const k of ['RELAY_WEBHOOK_SECRET', 'RELAY_INTERNAL_TOKEN', 'RELAY_UNSUBSCRIBE_SECRET']) {
      expect(secrets[k]?.length ?? 0, `${k} is generated, >= 32 characters`).toBeGreaterThanOrEqual(32);
      expect(secrets[k]).not.toMatch(/change-me/);
      expect(out(), `${k} is never printed`).not.toContain(secrets[k]);
    }
    expect(secrets.GRAFANA_ADMIN_PASSWORD?.length ?? 0).toBeGreaterThanOrEqual(12);
    expect(new Set(Object.values(secrets)).size, 'every secret is different').toBe(Object.keys(secrets).length);
    const secret = secrets.RELAY_WEBHOOK_SECRET;
    const token = secrets.RELAY_INTERNAL_TOKEN;

    // What the user is told.
    expect(ready.grafana).toBeNull();
    expect(out()).toContain('Grafana was not started');
    expect(out()).toMatch(/apt-get install grafana/);
    expect(out()).toContain('GRAFANA_HOME');
    expect(out()).toContain(`http://127.0.0.1:${ports.MAIL_UI_PORT}`);
    // How to look at the plugins without Docker or Grafana: the test host, with the relay connected
    // (its token read from the secrets file by the shell, not printed).
    const hostCmd = /^\s*(npm run host -w e2e -- .*)$/m.exec(out())?.[1];
    expect(hostCmd, out()).toBeTruthy();
    expect(hostCmd).toContain(`--sim ${ready.simulator}`);
    expect(hostCmd).toContain(`--relay ${ready.relay}`);
    expect(hostCmd).toContain('--relay-token');
    // The shell part of the command yields exactly the relay's token.
    const sub = /--relay-token "\$\((.*)\)"/.exec(hostCmd!)?.[1];
    expect(spawnSync('sh', ['-c', sub!], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim()).toBe(token);

    // Every part listens on 127.0.0.1 only (what the kernel says, for each port).
    for (const [name, port] of Object.entries(ports)) {
      if (name === 'GRAFANA_PORT') {
        continue;
      }
      expect(listenAddresses(port), `${name} ${port} listens on loopback only`).toEqual(['127.0.0.1']);
    }

    // The simulator runs two vCenters behind one vROps (the flags npm start passes).
    const vcenters = await (await fetch(`${ready.simulator}/__sim/vcenters`)).json();
    expect(vcenters.map((v: any) => v.basePath)).toEqual(['/vc/1', '/vc/2']);
    expect(out()).toContain(`${ready.simulator}/vc/1 and /vc/2`);

    // The parts answer where they say they are.
    expect(ready.simulator).toBe(`http://127.0.0.1:${ports.SIM_PORT}`);
    expect((await fetch(`${ready.simulator}/api/vcenter/vm`)).status, 'vCenter API needs a session').toBe(401);
    expect((await fetch(`${ready.relay}/readyz`)).ok).toBe(true);
    const page = await fetch(ready.mailUi);
    expect(page.headers.get('content-type')).toContain('text/html');

    // A user registers for alert mail through the relay's internal API (as the data source does).
    const put = await fetch(`${ready.relay}/internal/users/alice`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        login: 'alice',
        email: 'alice@example.com',
        name: 'Alice',
        minSeverity: 'warning',
        matchers: {},
        firing: true,
        resolved: true,
        digestMinutes: 0,
      }),
    });
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    const messages = async (): Promise<Mail[]> => {
      return (await fetch(`${ready.mailUi}/api/mails`)).json();
    };
    // Double opt-in: the confirmation mail comes first; its link confirms the address.
    const confirmation = await poll('the confirmation mail', async () =>
      (await messages()).find((m) => m.to.includes('alice@example.com'))
    );
    const link = /(https?:\/\/\S+\/confirm\?token=[^\s>)"]+)/.exec(confirmation.text)?.[1];
    expect(link, `a confirmation link in:\n${confirmation.text}`).toBeTruthy();
    expect(new URL(link!).origin, 'the link points at the relay').toBe(ready.relay);
    // The link opens a page with a button (so mail scanners do not confirm); the button POSTs.
    expect((await fetch(link!)).status).toBe(200);
    const confirmed = await fetch(link!, { method: 'POST' });
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);

    // Grafana's webhook, signed the way the provisioned contact point signs it.
    const body = JSON.stringify({
      receiver: 'PrivateCloud relay',
      status: 'firing',
      orgId: 1,
      version: '1',
      groupKey: '{}:{alertname="VM CPU critical", cluster="cluster-a"}',
      truncatedAlerts: 0,
      groupLabels: { alertname: 'VM CPU critical', cluster: 'cluster-a' },
      commonLabels: { alertname: 'VM CPU critical', severity: 'critical', cluster: 'cluster-a' },
      commonAnnotations: {},
      externalURL: 'http://localhost:3000/',
      title: '[FIRING:1] VM CPU critical',
      state: 'alerting',
      message: '',
      alerts: [
        {
          status: 'firing',
          labels: {
            alertname: 'VM CPU critical',
            severity: 'critical',
            vm: 'web-042',
            host: 'esx-03',
            cluster: 'cluster-a',
            datacenter: 'dc-1',
          },
          annotations: {
            summary: 'VM web-042: CPU at 97 % (critical above 95 %)',
            description: 'Virtual machine web-042 is very busy.',
          },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://localhost:3000/alerting/grafana/privatecloud-vm-cpu-critical/view',
          fingerprint: 'a1b2c3d4e5f60718',
          silenceURL: 'http://localhost:3000/alerting/silence/new',
          dashboardURL: 'http://localhost:3000/d/privatecloud-vm',
          panelURL: 'http://localhost:3000/d/privatecloud-vm?viewPanel=2',
          values: { B: 97.2, C: 1 },
          valueString: "[ var='B' labels={vm=web-042} value=97.2 ]",
        },
      ],
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex');
    const hook = await fetch(`${ready.relay}/webhook/grafana`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-grafana-alerting-signature': sig,
        'x-grafana-alerting-signature-timestamp': ts,
      },
      body,
    });
    expect(hook.status, await hook.clone().text()).toBeLessThan(300);
    // A forged signature is refused (so the accepted one was checked).
    const forged = await fetch(`${ready.relay}/webhook/grafana`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-grafana-alerting-signature': '0'.repeat(64),
        'x-grafana-alerting-signature-timestamp': ts,
      },
      body,
    });
    expect(forged.status).toBe(401);

    const alertMail = await poll('the alert mail', async () =>
      (await messages()).find((m) => m.to.includes('alice@example.com') && /web-042/.test(m.subject + m.text))
    );
    expect(alertMail.text + alertMail.html).toContain('web-042');
    // One mail by id, and its raw source.
    expect((await (await fetch(`${ready.mailUi}/api/mails/${alertMail.id}`)).json()).subject).toBe(alertMail.subject);
    expect(await (await fetch(`${ready.mailUi}/api/mails/${alertMail.id}/raw`)).text()).toContain('Subject:');
    // The page lists it too.
    const html = (t: string) =>
      t
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    expect(await (await fetch(ready.mailUi)).text()).toContain(
      `<a href="/messages/${alertMail.id}">${html(alertMail.subject)}</a>`
    );

    // Ctrl-C: SIGINT to the whole process group, as a terminal sends it.
    const firstOut = out();
    process.kill(-child.pid!, 'SIGINT');
    const ended = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(ended, out()).not.toBe('timeout');
    // npm waits for the script, then ends itself by the same signal (as a shell expects); the
    // script's own exit is clean: it printed "stopped" after stopping every part.
    const { code, signal } = ended as { code: number | null; signal: NodeJS.Signals | null };
    expect(code === 0 || signal === 'SIGINT', `npm ended with ${code ?? signal}`).toBe(true);
    await poll('the "stopped" line', async () => (out().includes('\nstopped') ? true : undefined), 5_000);
    expect(out(), 'no part died on its own').not.toContain('exited unexpectedly');
    for (const [name, pid] of Object.entries<number>(ready.pids)) {
      expect(alive(pid), `${name} (pid ${pid}) is gone`).toBe(false);
    }
    for (const [name, port] of Object.entries(ports)) {
      if (name !== 'GRAFANA_PORT') {
        expect(await portOpen(port), `${name} ${port} is closed`).toBe(false);
      }
    }

    // A second start keeps the secrets of the first (and says none was generated).
    const again = startStack(baseEnv);
    try {
      const ready2 = await again.ready();
      expect(ready2.secretsFile).toBe(secretsFile);
      expect(readFileSync(secretsFile, 'utf8')).toContain(`RELAY_INTERNAL_TOKEN=${token}`);
      expect(again.out()).not.toContain('(generated now)');
      expect(
        (await fetch(`${ready2.relay}/internal/users/alice`, { headers: { authorization: `Bearer ${token}` } })).status
      ).toBe(200);
      expect(firstOut).toContain('(generated now)');
    } finally {
      again.kill();
      await again.exited;
    }
  } finally {
    stack.kill();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('npm start killed outright (SIGKILL of its process group) leaves no part running', async () => {
  // What a CI timeout or a test's clean-up does: no handler of the script runs. Each part has a
  // process group of its own, so only the reaper (scripts/support/reaper.mjs) can stop them.
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'privatecloud-start-'));
  const ports = {
    SIM_PORT: await freePort(),
    RELAY_PORT: await freePort(),
    MAIL_UI_PORT: await freePort(),
    SMTP_CATCHER_PORT: await freePort(),
  };
  const stack = startStack({
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    PRIVATECLOUD_STATE_DIR: stateDir,
    RELAY_WEBHOOK_SECRET: '',
    RELAY_INTERNAL_TOKEN: '',
    RELAY_UNSUBSCRIBE_SECRET: '',
    GRAFANA_ADMIN_PASSWORD: '',
    RELAY_DEMO_MODE: '',
    GRAFANA_HOME: '',
    SMTP_HOST: '',
  });
  let pids: Record<string, number> = {};
  try {
    pids = (await stack.ready()).pids;
    expect(Object.keys(pids).sort()).toEqual(['relay', 'simulator']);
    for (const [name, pid] of Object.entries(pids)) {
      expect(alive(pid), `${name} runs`).toBe(true);
    }
    stack.kill();
    await stack.exited;
    // The parts get SIGTERM, then SIGKILL after 5 s: wait for that, not for ever.
    const left = await poll(
      'every part to be stopped',
      async () => (Object.values(pids).some(alive) ? undefined : []),
      20_000
    ).catch(() => Object.entries(pids).filter(([, pid]) => alive(pid)));
    expect(left, 'parts still running after npm start was killed').toEqual([]);
    for (const [name, port] of Object.entries(ports)) {
      expect(await portOpen(port), `${name} ${port} is closed`).toBe(false);
    }
  } finally {
    stack.kill();
    for (const pid of Object.values(pids)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('npm start refuses placeholder and short secrets from .env, and starts nothing', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'privatecloud-start-'));
  try {
    for (const [name, value] of [
      ['RELAY_WEBHOOK_SECRET', 'change-me-webhook-secret'],
      ['RELAY_INTERNAL_TOKEN', 'a'.repeat(31)],
      ['GRAFANA_ADMIN_PASSWORD', 'admin'],
    ]) {
      const stack = startStack({
        PRIVATECLOUD_STATE_DIR: stateDir,
        RELAY_DEMO_MODE: '',
        [name]: value,
        SIM_PORT: String(await freePort()),
      });
      const { code } = await stack.exited;
      expect(code, stack.out()).not.toBe(0);
      expect(stack.out()).toContain(`${name} `);
      expect(stack.out()).toContain('refusing to start');
      expect(stack.out(), 'nothing started').not.toContain('privatecloud-stack ready');
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('npm start runs Grafana on 127.0.0.1 with both vCenters, the relay secrets, and the generated admin password shown once', async () => {
  // Grafana is not installed here: a stand-in at GRAFANA_HOME/bin/grafana records how npm start
  // runs it (arguments, grafana.ini, environment) and answers /api/health on the ini's address.
  const home = mkdtempSync(path.join(os.tmpdir(), 'privatecloud-grafana-'));
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'privatecloud-start-'));
  const record = path.join(home, 'record.json');
  mkdirSync(path.join(home, 'bin'));
  writeFileSync(
    path.join(home, 'bin', 'grafana'),
    `#!${process.execPath}
const fs = require('node:fs');
const http = require('node:http');
const args = process.argv.slice(2);
const ini = fs.readFileSync(args[args.indexOf('--config') + 1], 'utf8');
const get = (k) => new RegExp('^' + k + ' = (.*)$', 'm').exec(ini)[1];
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, ini, env: process.env }));
http.createServer((_q, r) => r.end('{"database":"ok"}')).listen(Number(get('http_port')), get('http_addr'));
process.on('SIGTERM', () => process.exit(0));
`,
    { mode: 0o755 }
  );
  const grafanaPort = await freePort();
  const env = {
    SIM_PORT: String(await freePort()),
    RELAY_PORT: String(await freePort()),
    MAIL_UI_PORT: String(await freePort()),
    SMTP_CATCHER_PORT: String(await freePort()),
    GRAFANA_PORT: String(grafanaPort),
    GRAFANA_HOME: home,
    PRIVATECLOUD_STATE_DIR: stateDir,
    RELAY_WEBHOOK_SECRET: '',
    RELAY_INTERNAL_TOKEN: '',
    RELAY_UNSUBSCRIBE_SECRET: '',
    GRAFANA_ADMIN_PASSWORD: '',
    RELAY_DEMO_MODE: '',
    VCENTER_URL: '',
    VCENTER2_URL: '',
    VROPS_URL: '',
    SMTP_HOST: '',
  };
  const stop = async (s: ReturnType<typeof startStack>) => {
    process.kill(-s.child.pid!, 'SIGINT');
    await s.exited;
  };
  try {
    const first = startStack(env);
    let password = '';
    try {
      const ready = await first.ready();
      expect(ready.grafana).toBe(`http://localhost:${grafanaPort}`);
      const secrets = Object.fromEntries(
        readFileSync(ready.secretsFile, 'utf8')
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
      );
      password = secrets.GRAFANA_ADMIN_PASSWORD;
      expect(password.length).toBeGreaterThanOrEqual(12);
      // Shown once, on the line of Grafana's address.
      expect(first.out()).toMatch(
        new RegExp(
          `Grafana +http://localhost:${grafanaPort} +login admin / ${password} +\\(generated now, shown once\\)`
        )
      );
      expect(first.out()).not.toContain('admin / admin');
      const rec = JSON.parse(readFileSync(record, 'utf8'));
      expect(rec.ini).toMatch(/^http_addr = 127\.0\.0\.1$/m);
      expect(rec.ini).toContain(`admin_password = ${password}`);
      // Both plugins are installed from their release zips (scripts/package.mjs --host): real folders
      // with plugin.json, and the data source's backend for this platform executable.
      const pluginsDir = /^plugins = (.*)$/m.exec(rec.ini)![1];
      for (const id of ['privatecloud-vsphere-datasource', 'privatecloud-vsphere-app']) {
        expect(lstatSync(path.join(pluginsDir, id)).isSymbolicLink(), `${id} is a folder, not a link`).toBe(false);
        expect(JSON.parse(readFileSync(path.join(pluginsDir, id, 'plugin.json'), 'utf8')).id).toBe(id);
      }
      const backend = path.join(pluginsDir, 'privatecloud-vsphere-datasource', 'gpx_vsphere_linux_amd64');
      expect(statSync(backend).mode & 0o111, 'backend binary is executable').not.toBe(0);
      expect(existsSync(path.join(pluginsDir, 'privatecloud-vsphere-datasource', 'go_plugin_build_manifest'))).toBe(
        true
      );
      expect(listenAddresses(grafanaPort)).toEqual(['127.0.0.1']);
      // The provisioning's variables: two vCenters of the simulator, one vROps, the relay's secrets.
      expect(rec.env.VCENTER_URL).toBe(`${ready.simulator}/vc/1`);
      expect(rec.env.VCENTER2_URL).toBe(`${ready.simulator}/vc/2`);
      expect(rec.env.VROPS_URL).toBe(ready.simulator);
      expect(rec.env.RELAY_INTERNAL_URL).toBe(ready.relay);
      expect(rec.env.RELAY_INTERNAL_TOKEN).toBe(secrets.RELAY_INTERNAL_TOKEN);
      expect(rec.env.RELAY_WEBHOOK_SECRET).toBe(secrets.RELAY_WEBHOOK_SECRET);
      expect(rec.env.RELAY_WEBHOOK_URL).toBe(`${ready.relay}/webhook/grafana`);
      // Both vCenters answer where the data sources point (each a vCenter REST API: 401 without a session).
      for (const base of [rec.env.VCENTER_URL, rec.env.VCENTER2_URL]) {
        expect((await fetch(`${base}/api/vcenter/vm`)).status, base).toBe(401);
      }
    } finally {
      await stop(first);
    }
    // The second start reuses the password and does not print it again.
    const second = startStack(env);
    try {
      await second.ready();
      expect(second.out()).toContain('login admin / the generated password (GRAFANA_ADMIN_PASSWORD in ');
      expect(second.out()).not.toContain(password);
      expect(JSON.parse(readFileSync(record, 'utf8')).ini).toContain(`admin_password = ${password}`);
    } finally {
      await stop(second);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
});
