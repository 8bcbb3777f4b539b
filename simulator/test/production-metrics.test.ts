import { optionsFromCli } from '../src/config';
import { SAMPLE_MS } from '../src/metrics/series';
import { type Sim, json, post, startSim } from './helpers';

const DAY = 86_400_000;

describe('metrics shape "production"', () => {
  let sim: Sim;
  let ids: string[];
  beforeAll(async () => {
    sim = await startSim({ vms: 120, seed: 3, metricsShape: 'production' });
    const body = await json(await sim.ops('/resources?resourceKind=VirtualMachine&pageSize=1000'));
    ids = body.resourceList.map((r: any) => r.identifier);
  });
  afterAll(() => sim.close());

  const stats = async (keys: string[], extra: object = {}) => {
    const end = Date.now();
    const body = await json(
      await sim.ops('/resources/stats/query', post({ resourceId: ids, statKey: keys, begin: end - DAY, end, ...extra }))
    );
    return body.values as any[];
  };

  it('jitters timestamps seconds off the 5-minute grid and adds occasional extra samples', async () => {
    const values = await stats(['cpu|usage_average']);
    let extra = 0;
    for (const v of values) {
      for (const s of v['stat-list'].stat) {
        expect(s.timestamps.filter((t: number) => t % SAMPLE_MS < 5_000)).toEqual([]);
        const cycles = new Set(s.timestamps.map((t: number) => Math.floor(t / SAMPLE_MS)));
        extra += s.timestamps.length - cycles.size;
      }
    }
    expect(extra).toBeGreaterThan(0);
  });

  it('stores float32 values (12.600000381469727, not 12.6)', async () => {
    const values = await stats(['cpu|usage_average', 'mem|usage_average']);
    const data = values.flatMap((v) => v['stat-list'].stat.flatMap((s: any) => s.data as number[]));
    expect(data.length).toBeGreaterThan(1000);
    expect(data.filter((d) => Math.fround(d) !== d)).toEqual([]);
    expect(data.some((d) => String(d).length > 12)).toBe(true);
  });

  it('knows some VMs it has no stats for at all (listed as resources, empty stat list)', async () => {
    const values = await stats(['cpu|usage_average', 'sys|poweredOn']);
    const silent = values.filter((v) => v['stat-list'].stat.length === 0).map((v) => v.resourceId);
    expect(silent.length).toBeGreaterThan(0);
    expect(silent.length).toBeLessThan(ids.length / 5);
    const latest = await json(await sim.ops(`/resources/${silent[0]}/stats/latest`));
    expect(latest.values[0]['stat-list'].stat).toEqual([]);
    expect((await sim.ops(`/resources/${silent[0]}`)).status).toBe(200);
  });

  it('publishes instanced keys beside the plain ones, with data only where the instance exists', async () => {
    const inv = sim.state.inventory;
    const twoDisks = [...inv.vms.values()].find((v) => v.disks.length > 1 && v.powerState === 'POWERED_ON')!;
    const rid = inv.resourceIdOf(twoDisks.id);
    const keys = (await json(await sim.ops(`/resources/${rid}/statkeys`)))['stat-key'].map((k: any) => k.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'cpu|usage_average',
        'net|usage_average',
        'net:4000|usage_average',
        'virtualDisk:scsi0:0|totalReadLatency_average',
        'virtualDisk:scsi0:1|totalReadLatency_average',
      ])
    );
    const values = await stats(['virtualDisk:scsi0:1|totalReadLatency_average']);
    const withData = values.filter((v) => v['stat-list'].stat.length > 0).length;
    expect(withData).toBeGreaterThan(0);
    expect(withData).toBeLessThan(values.length); // VMs without a second disk have none
  });

  it('rolls hourly buckets up on the hour even though raw samples are off the grid', async () => {
    const values = await stats(['cpu|usage_average'], {
      rollUpType: 'AVG',
      intervalType: 'HOURS',
      intervalQuantifier: 1,
    });
    const s = values.find((v) => v['stat-list'].stat.length)!['stat-list'].stat[0];
    for (const t of s.timestamps) expect(t % 3_600_000).toBe(0);
    for (const d of s.data) expect(Math.fround(d)).toBe(d);
  });
});

describe('metrics shape "grid" (the programmatic default)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ vms: 20, seed: 3 });
  });
  afterAll(() => sim.close());

  it('keeps samples within 1.5 s of the grid, one per cycle, and no instanced keys', async () => {
    const inv = sim.state.inventory;
    const ids = [...inv.vms.keys()].map((m) => inv.resourceIdOf(m));
    const end = Date.now();
    const body = await json(
      await sim.ops(
        '/resources/stats/query',
        post({ resourceId: ids, statKey: ['cpu|usage_average'], begin: end - DAY, end })
      )
    );
    for (const v of body.values) {
      const s = v['stat-list'].stat[0];
      for (const t of s.timestamps) expect(t % SAMPLE_MS).toBeLessThan(1_500);
      expect(new Set(s.timestamps.map((t: number) => Math.floor(t / SAMPLE_MS))).size).toBe(s.timestamps.length);
    }
    const keys = (await json(await sim.ops(`/resources/${ids[0]}/statkeys`)))['stat-key'].map((k: any) => k.key);
    expect(keys.some((k: string) => k.includes(':'))).toBe(false);
  });
});

describe('the process default shape', () => {
  it('is production for the CLI unless a flag or SIM_METRICS_SHAPE says otherwise', () => {
    expect(optionsFromCli([], {}).metricsShape).toBe('production');
    expect(optionsFromCli(['--metrics-shape', 'grid'], {}).metricsShape).toBe('grid');
    expect(optionsFromCli([], { SIM_METRICS_SHAPE: 'grid' }).metricsShape).toBe('grid');
    expect(() => optionsFromCli(['--metrics-shape', 'square'], {})).toThrow(/metrics-shape must be one of/);
  });
});
