import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startSimulator } from '../src';
import { json, startSim } from './helpers';

describe('10,000 VMs', () => {
  it('starts with modest memory, keeps every host and cluster under the cap, and enforces the 4,000 limit', async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const sim = await startSim({ vms: 10_000 });
    try {
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      expect(sim.state.inventory.vms.size).toBe(10_000);
      expect(heapGrowthMb).toBeLessThan(200);
      expect(process.memoryUsage().rss / 1e6).toBeLessThan(1024);

      const all = await sim.vc('/vcenter/vm');
      expect(all.status).toBe(500);
      expect(await json(all)).toEqual({
        error_type: 'UNABLE_TO_ALLOCATE_RESOURCE',
        messages: [{ id: 'com.vmware.api.vcenter.vm.too_many_matches', default_message: 'Too many virtual machines. Add more filter criteria to reduce the number.', args: [] }],
      });
      const hosts = await json(await sim.vc('/vcenter/host'));
      expect(hosts.length).toBeGreaterThanOrEqual(200);
      const clusters = await json(await sim.vc('/vcenter/cluster'));
      let total = 0;
      for (const c of clusters) {
        const r = await sim.vc(`/vcenter/vm?clusters=${c.cluster}`);
        expect(r.status).toBe(200);
        total += (await json(r)).length;
      }
      expect(total).toBe(10_000);
      const page = await json(await sim.ops('/resources?resourceKind=VirtualMachine&pageSize=5000&page=1'));
      expect(page.pageInfo.totalCount).toBe(10_000);
      expect(page.resourceList).toHaveLength(5000);
    } finally {
      await sim.close();
    }
  });
});

describe('process and HTTPS', () => {
  it('CLI prints the listening line on stdout and serves on the chosen port', async () => {
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    expect(existsSync(cli)).toBe(true); // `npm run build` runs before the tests
    const child = spawn(process.execPath, [cli, '--port', '0', '--vms', '12', '--seed', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening on (https?:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`cli exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(`${url}/__sim/hot`);
      expect(r.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('CLI refuses bad flags with a clear message and exit status 2', async () => {
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, '--vms', 'lots'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--vms must be a whole number');
  });

  it('serves HTTPS with a self-signed certificate that verifies against its own PEM', async () => {
    const sim = await startSimulator({ https: true });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`${sim.url}/__sim/hot`, { ca: sim.cert }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(200);
      // Without the CA the connection is refused: verification is really on.
      await expect(fetch(`${sim.url}/__sim/hot`)).rejects.toThrow();
    } finally {
      await sim.close();
    }
  });
});
