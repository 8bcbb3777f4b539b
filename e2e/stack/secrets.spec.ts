// The stack's secrets (scripts/stack-secrets.mjs, run by compose's one-shot `secrets` service and by
// npm start) and the entrypoint that hands them to each container (scripts/stack-env.sh), run as
// compose runs them: node and sh on a folder standing in for the `secrets` volume.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack-files';

const cli = path.join(repoRoot, 'scripts', 'stack-secrets.mjs');
const entry = path.join(repoRoot, 'scripts', 'stack-env.sh');
const ALL = [
  'GRAFANA_ADMIN_PASSWORD',
  'RELAY_WEBHOOK_SECRET',
  'RELAY_INTERNAL_TOKEN',
  'RELAY_UNSUBSCRIBE_SECRET',
  'POSTGRES_PASSWORD',
  'SIM_CONTROL_TOKEN',
];

/** The environment compose gives the secrets service when .env sets nothing. */
const noSecrets = Object.fromEntries([...ALL, 'RELAY_DEMO_MODE'].map((k) => [k, '']));

function runCli(dir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, dir], {
    env: { ...process.env, ...noSecrets, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Runs a command through the entrypoint, as the container of `service` does. */
function inService(dir: string, service: string, script: string) {
  const r = spawnSync('sh', [entry, service, 'sh', '-c', script], {
    env: { PATH: process.env.PATH, PRIVATECLOUD_SECRETS_DIR: dir },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function envFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  );
}

let dir: string;
test.beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'stack-secrets-')), 'volume');
});
test.afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

test.describe('stack secrets', () => {
  test('first start generates every secret, shows only the Grafana login, once; later starts reuse them', () => {
    const first = runCli(dir);
    expect(first.code, first.out).toBe(0);
    const generated = envFile(path.join(dir, 'generated.env'));
    expect(Object.keys(generated).sort()).toEqual([...ALL].sort());
    for (const k of ALL.filter((k) => k.startsWith('RELAY_') || k === 'SIM_CONTROL_TOKEN')) {
      expect(generated[k].length, k).toBeGreaterThanOrEqual(32);
    }
    expect(generated.GRAFANA_ADMIN_PASSWORD.length).toBeGreaterThanOrEqual(12);
    expect(new Set(Object.values(generated)).size, 'all different').toBe(ALL.length);
    expect(first.out).toContain(`Grafana admin login (shown once): admin / ${generated.GRAFANA_ADMIN_PASSWORD}`);
    for (const k of ALL.filter((k) => k !== 'GRAFANA_ADMIN_PASSWORD')) {
      expect(first.out, `${k} is not printed`).not.toContain(generated[k]);
    }
    // The store is readable by its owner only; each service file only by that service's user.
    expect(statSync(path.join(dir, 'generated.env')).mode & 0o777).toBe(0o600);
    for (const f of ['grafana.env', 'relay.env', 'relay-ha.env', 'simulator.env', 'postgres-password']) {
      expect(statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o400);
    }
    expect(statSync(dir).mode & 0o777, 'the folder is not listable').toBe(0o711);

    const second = runCli(dir);
    expect(second.code, second.out).toBe(0);
    expect(envFile(path.join(dir, 'generated.env'))).toEqual(generated);
    expect(second.out).not.toContain('shown once');
    expect(second.out).not.toContain(generated.GRAFANA_ADMIN_PASSWORD);
  });

  test('each service gets exactly its secrets through the entrypoint', () => {
    expect(runCli(dir).code).toBe(0);
    const g = envFile(path.join(dir, 'generated.env'));
    const show = (service: string, names: string[]) =>
      inService(dir, service, names.map((n) => `echo "${n}=$${n}"`).join('; '));
    const names = ['GF_SECURITY_ADMIN_PASSWORD', 'DATABASE_URL', ...ALL];
    const got = (service: string) => envFile2(show(service, names).out);
    const envFile2 = (text: string) =>
      Object.fromEntries(
        text
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
      );
    expect(got('grafana')).toEqual({
      GF_SECURITY_ADMIN_PASSWORD: g.GRAFANA_ADMIN_PASSWORD,
      RELAY_WEBHOOK_SECRET: g.RELAY_WEBHOOK_SECRET,
      RELAY_INTERNAL_TOKEN: g.RELAY_INTERNAL_TOKEN,
      DATABASE_URL: '',
      GRAFANA_ADMIN_PASSWORD: '',
      RELAY_UNSUBSCRIBE_SECRET: '',
      POSTGRES_PASSWORD: '',
      SIM_CONTROL_TOKEN: '',
    });
    const relay = got('relay');
    expect(relay).toMatchObject({
      RELAY_WEBHOOK_SECRET: g.RELAY_WEBHOOK_SECRET,
      RELAY_INTERNAL_TOKEN: g.RELAY_INTERNAL_TOKEN,
      RELAY_UNSUBSCRIBE_SECRET: g.RELAY_UNSUBSCRIBE_SECRET,
      GF_SECURITY_ADMIN_PASSWORD: '',
      DATABASE_URL: '',
    });
    // The simulator gets its control token only.
    expect(got('simulator')).toMatchObject({
      SIM_CONTROL_TOKEN: g.SIM_CONTROL_TOKEN,
      RELAY_INTERNAL_TOKEN: '',
      GF_SECURITY_ADMIN_PASSWORD: '',
    });
    // The HA relays reach PostgreSQL with the generated password, which postgres reads from its file.
    expect(got('relay-ha').DATABASE_URL).toBe(`postgres://relay:${g.POSTGRES_PASSWORD}@postgres:5432/relay`);
    expect(readFileSync(path.join(dir, 'postgres-password'), 'utf8')).toBe(g.POSTGRES_PASSWORD);
    // The command runs with the service's arguments, and its exit status is the command's.
    expect(inService(dir, 'relay', 'exit 7').code).toBe(7);
  });

  test('the entrypoint refuses to run without its file or with a malformed one', () => {
    const missing = inService(dir, 'grafana', 'echo started');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('grafana.env');
    expect(missing.out).not.toContain('started');
    expect(runCli(dir).code).toBe(0);
    const bad = path.join(dir, 'broken.env');
    writeFileSync(bad, 'OK=1\nrm -rf /=x\n');
    const r = inService(dir, 'broken', 'echo started');
    expect(r.code).toBe(1);
    expect(r.err).toContain('not NAME=value');
    expect(r.out).not.toContain('started');
  });

  test('values from .env win, are not stored, and reach the services', () => {
    const token = 'f'.repeat(40);
    const r = runCli(dir, { RELAY_INTERNAL_TOKEN: token, GRAFANA_ADMIN_PASSWORD: 'a-long-enough-password' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('taken from .env: GRAFANA_ADMIN_PASSWORD, RELAY_INTERNAL_TOKEN');
    expect(r.out, 'a password from .env is not printed').not.toContain('a-long-enough-password');
    expect(envFile(path.join(dir, 'generated.env')).RELAY_INTERNAL_TOKEN).toBeUndefined();
    expect(inService(dir, 'relay', 'echo "$RELAY_INTERNAL_TOKEN"').out.trim()).toBe(token);
    expect(inService(dir, 'grafana', 'echo "$RELAY_INTERNAL_TOKEN $GF_SECURITY_ADMIN_PASSWORD"').out.trim()).toBe(
      `${token} a-long-enough-password`
    );
  });

  // Every secret × placeholder and length rules, with and without the relay's demo mode.
  const cases: Array<[string, string, boolean, boolean]> = [];
  for (const name of ALL) {
    const relaySide = name !== 'GRAFANA_ADMIN_PASSWORD';
    for (const v of ['change-me-x-0123456789012345678901234567890', 'admin', 'changeme', 'x'.repeat(11)]) {
      cases.push([name, v, false, false]);
      cases.push([name, v, true, relaySide]);
    }
  }
  cases.push(['RELAY_WEBHOOK_SECRET', 'x'.repeat(31), false, false]);
  cases.push(['RELAY_WEBHOOK_SECRET', 'x'.repeat(32), false, true]);
  cases.push(['GRAFANA_ADMIN_PASSWORD', 'x'.repeat(12), false, true]);
  cases.push(['POSTGRES_PASSWORD', 'x'.repeat(16), false, true]);
  for (const [name, value, demo, accepted] of cases) {
    test(`${name}=${value.slice(0, 12)}… (${value.length} chars)${demo ? ' in demo mode' : ''} is ${accepted ? 'accepted' : 'refused'}`, () => {
      expect(runCli(dir).code).toBe(0);
      const before = readFileSync(path.join(dir, 'relay.env'), 'utf8');
      const r = runCli(dir, { [name]: value, RELAY_DEMO_MODE: demo ? 'true' : '' });
      if (accepted) {
        expect(r.code, r.out).toBe(0);
        if (demo) {
          expect(readFileSync(path.join(dir, 'relay.env'), 'utf8')).toContain('RELAY_DEMO_MODE=true');
        }
      } else {
        expect(r.code).toBe(2);
        expect(r.out).toContain(`refusing to start:\n${name} `);
        expect(r.out, 'the value is not echoed').not.toContain(value);
        expect(readFileSync(path.join(dir, 'relay.env'), 'utf8'), 'nothing changed').toBe(before);
      }
    });
  }
});
