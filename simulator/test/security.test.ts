import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, isLoopback, validateOptions } from '../src/config';
import { startSimulator } from '../src';

const TOKEN = 'a-long-random-control-token-1234';

describe('/__sim control token', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('treats %s as loopback = %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
    if (loopback) expect(() => validateOptions({ host })).not.toThrow();
    else {
      expect(() => validateOptions({ host })).toThrow(ConfigError);
      expect(() => validateOptions({ host })).toThrow(/control token/);
      expect(validateOptions({ host, controlToken: TOKEN }).controlToken).toBe(TOKEN);
    }
  });

  it('refuses tokens shorter than 16 characters', () => {
    expect(() => validateOptions({ controlToken: 'short' })).toThrow(/at least 16/);
  });

  it('needs "Authorization: Bearer <token>" on every /__sim call when a token is set; VMware APIs are unaffected', async () => {
    const sim = await startSimulator({ vms: 5, controlToken: TOKEN });
    try {
      const none = await fetch(`${sim.url}/__sim/calls`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: string }).error).toBe('unauthorized');
      expect(
        (
          await fetch(`${sim.url}/__sim/reset`, {
            method: 'POST',
            headers: { authorization: 'Bearer wrong-token-wrong-token' },
          })
        ).status
      ).toBe(401);
      const vms = sim.state.inventory.vms.size;
      sim.state.inventory.removeVm([...sim.state.inventory.vms.values()][0]);
      const bad = await fetch(`${sim.url}/__sim/reset`, {
        method: 'POST',
        headers: { authorization: `Basic ${TOKEN}` },
      });
      expect(bad.status).toBe(401);
      expect(sim.state.inventory.vms.size).toBe(vms - 1); // refused: nothing changed
      const ok = await fetch(`${sim.url}/__sim/reset`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(ok.status).toBe(200);
      expect(sim.state.inventory.vms.size).toBe(vms);
      const login = await fetch(`${sim.url}/api/session`, {
        method: 'POST',
        headers: { authorization: 'Basic ' + Buffer.from('administrator@vsphere.local:VMware1!').toString('base64') },
      });
      expect(login.status).toBe(201);
    } finally {
      await sim.close();
    }
  });

  it('keeps /__sim open on loopback without a token (tests and the dev stack)', async () => {
    const sim = await startSimulator({ vms: 5 });
    try {
      expect((await fetch(`${sim.url}/__sim/calls`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('CLI refuses to listen on 0.0.0.0 without a token (exit 2, clear message) and starts with SIM_CONTROL_TOKEN', async () => {
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    expect(existsSync(cli)).toBe(true); // `npm run build` runs before the tests
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, '--host', '0.0.0.0', '--port', '0', '--vms', '3'], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (/listening on/.test(out)) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    const refused = await run({ SIM_CONTROL_TOKEN: '' });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('refusing to listen on 0.0.0.0 without a control token');
    const started = await run({ SIM_CONTROL_TOKEN: TOKEN });
    expect(started.out).toMatch(/privatecloud-sim listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(started.err).not.toContain(TOKEN); // the token is never logged
  });
});
