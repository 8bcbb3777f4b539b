import { type Sim, json, post, resourceIdOf, startSim } from './helpers';

async function snapshot(sim: Sim) {
  const vms = await json(await sim.vc('/vcenter/vm'));
  const hosts = await json(await sim.vc('/vcenter/host'));
  const ds = await json(await sim.vc('/vcenter/datastore'));
  const detail = await json(await sim.vc('/vcenter/vm/vm-1005'));
  const rids = await Promise.all(['vm-1001', 'vm-1002', 'vm-1003'].map((id) => resourceIdOf(sim, 'VirtualMachine', id)));
  // A fixed window in the past: values depend only on (seed, resource, key, time).
  const begin = Date.UTC(2026, 0, 10, 0, 0, 0);
  const stats = await json(await sim.ops('/resources/stats/query', post({ resourceId: rids, statKey: ['cpu|usage_average', 'mem|usage_average'], begin, end: begin + 6 * 3600_000 })));
  return { vms, hosts, ds, detail, rids, stats, vcid: sim.state.inventory.vcenterUuid };
}

describe('determinism', () => {
  it('gives the same inventory, ids and metric values for the same seed, and different ones for another seed', async () => {
    const a = await startSim({ seed: 7, vms: 200 });
    const b = await startSim({ seed: 7, vms: 200 });
    const c = await startSim({ seed: 8, vms: 200 });
    try {
      const [sa, sb, sc] = [await snapshot(a), await snapshot(b), await snapshot(c)];
      expect(sb).toEqual(sa);
      expect(sa.stats.values[0]['stat-list'].stat[0].data.length).toBe(72);
      expect(sc.vms).not.toEqual(sa.vms);
      expect(sc.stats).not.toEqual(sa.stats);
      expect(sc.vcid).not.toBe(sa.vcid);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('shows a daily shape: normal VMs are busier in the afternoon than at night', async () => {
    const sim = await startSim({ seed: 3, vms: 300 });
    try {
      const normal = [...sim.state.inventory.vms.values()].filter((v) => v.profile === 'normal' && v.powerState === 'POWERED_ON').slice(0, 40);
      const rids = await Promise.all(normal.map((v) => resourceIdOf(sim, 'VirtualMachine', v.id)));
      const day = Date.UTC(2026, 0, 12);
      const avg = async (fromHour: number) => {
        const r = await json(await sim.ops('/resources/stats/query', post({ resourceId: rids, statKey: ['cpu|usage_average'], begin: day + fromHour * 3600_000, end: day + (fromHour + 2) * 3600_000 })));
        const all = r.values.flatMap((v: any) => v['stat-list'].stat[0].data as number[]);
        return all.reduce((x: number, y: number) => x + y, 0) / all.length;
      };
      expect(await avg(14)).toBeGreaterThan((await avg(2)) * 1.3);
    } finally {
      await sim.close();
    }
  });
});
