import { exploreUrl, hourlyRows, rangeStats } from './hourly';

describe('hourly usage', () => {
  it('computes the range average, minimum and maximum over the values it has', () => {
    expect(rangeStats([10, null, 30, 20])).toEqual({ avg: 20, min: 10, max: 30 });
    expect(rangeStats([null])).toEqual({});
  });

  it('joins CPU and memory by hour, newest first, with gaps where a series has no value', () => {
    const cpu = { name: 'cpu', times: [1000, 2000, 3000], values: [1, 2, null] };
    const mem = { name: 'mem', times: [2000, 3000, 4000], values: [20, 30, 40] };
    expect(hourlyRows(cpu, mem)).toEqual([
      { time: 4000, mem: 40 },
      { time: 3000, mem: 30 },
      { time: 2000, cpu: 2, mem: 20 },
      { time: 1000, cpu: 1 },
    ]);
  });

  it("builds Grafana Explore's panes URL with the same query and range", () => {
    const url = exploreUrl(
      { datasource: { uid: 'ds1' }, queryType: 'metrics', statKeys: ['cpu|usage_average'] },
      'now-7d'
    );
    const u = new URL(url, 'http://grafana');
    expect(u.pathname).toBe('/explore');
    expect(JSON.parse(u.searchParams.get('panes')!)).toEqual({
      a: {
        datasource: 'ds1',
        queries: [{ refId: 'A', datasource: { uid: 'ds1' }, queryType: 'metrics', statKeys: ['cpu|usage_average'] }],
        range: { from: 'now-7d', to: 'now' },
      },
    });
  });
});
