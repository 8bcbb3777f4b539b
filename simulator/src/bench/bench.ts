/**
 * Benchmark: requests/s of the simulator at 10,000 VMs for the calls other parts depend on.
 * The simulator runs as its own process (the real CLI) so the load generator does not share
 * its event loop. Run with `npm run bench -w simulator`; BENCH_SECONDS / BENCH_VMS override.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import path from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VMS = Number(process.env.BENCH_VMS ?? 10_000);
const AUTH = 'Basic ' + Buffer.from('administrator@vsphere.local:VMware1!').toString('base64');

async function startCli(): Promise<{ url: string; stop(): void; startupMs: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'cli.js'), '--port', '0', '--vms', String(VMS), '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url, startupMs: Date.now() - started, stop: () => child.kill('SIGTERM') };
}

interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

async function run(url: string, c: Case): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const r = await autocannon({
    url: url + c.path,
    method: c.method,
    headers: c.headers,
    body: c.body,
    connections: 8,
    duration: SECONDS,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main(): Promise<void> {
  const sim = await startCli();
  try {
    const session = JSON.parse(
      await (await fetch(`${sim.url}/api/session`, { method: 'POST', headers: { authorization: AUTH } })).text()
    ) as string;
    const tokenRes = await fetch(`${sim.url}/suite-api/api/auth/token/acquire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'administrator@vsphere.local', password: 'VMware1!' }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    const vc = { 'vmware-api-session-id': session };
    const ops = {
      authorization: `vRealizeOpsToken ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const hosts = (await (await fetch(`${sim.url}/api/vcenter/host`, { headers: vc })).json()) as { host: string }[];
    const clusters = (await (await fetch(`${sim.url}/api/vcenter/cluster`, { headers: vc })).json()) as {
      cluster: string;
    }[];
    const vmPage = (await (
      await fetch(`${sim.url}/suite-api/api/resources?resourceKind=VirtualMachine&pageSize=1000`, { headers: ops })
    ).json()) as { resourceList: { identifier: string }[] };
    const ids = vmPage.resourceList.map((r) => r.identifier);
    const end = Date.now();
    const cases: Case[] = [
      {
        name: `VM list, one host (~${Math.round(VMS / hosts.length)} VMs)`,
        method: 'GET',
        path: `/api/vcenter/vm?hosts=${hosts[0].host}`,
        headers: vc,
      },
      {
        name: `VM list, one cluster (~${Math.round(VMS / clusters.length)} VMs)`,
        method: 'GET',
        path: `/api/vcenter/vm?clusters=${clusters[0].cluster}`,
        headers: vc,
      },
      {
        name: 'bulk stats: 100 VMs x 2 keys x 1 h (5-min samples)',
        method: 'POST',
        path: '/suite-api/api/resources/stats/query',
        headers: ops,
        body: JSON.stringify({
          resourceId: ids.slice(0, 100),
          statKey: ['cpu|usage_average', 'mem|usage_average'],
          begin: end - 3600_000,
          end,
        }),
      },
      {
        name: 'bulk stats: 1000 VMs x 1 key x 24 h, hourly AVG',
        method: 'POST',
        path: '/suite-api/api/resources/stats/query',
        headers: ops,
        body: JSON.stringify({
          resourceId: ids,
          statKey: ['cpu|usage_average'],
          begin: end - 86_400_000,
          end,
          rollUpType: 'AVG',
          intervalType: 'HOURS',
          intervalQuantifier: 1,
        }),
      },
      {
        name: 'latest stats: 1000 VMs x 2 keys',
        method: 'POST',
        path: '/suite-api/api/resources/stats/latest/query',
        headers: ops,
        body: JSON.stringify({ resourceId: ids, statKey: ['cpu|usage_average', 'mem|usage_average'] }),
      },
    ];
    console.log(
      `privatecloud-sim benchmark: ${VMS} VMs, ${hosts.length} hosts, ${clusters.length} clusters; startup ${sim.startupMs} ms; ${SECONDS} s per case, 8 connections`
    );
    const results: { name: string; rps: number; p50: number; p99: number; errors: number }[] = [];
    for (const c of cases) {
      const r = await run(sim.url, c);
      results.push({ name: c.name, ...r });
      console.log(
        `  ${c.name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}`
      );
    }
    const base = results[0].rps;
    console.log('ratios to the per-host VM list (same run):');
    for (const r of results.slice(1)) console.log(`  ${r.name.padEnd(52)} ${(r.rps / base).toFixed(3)}x`);
    if (results.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    sim.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
