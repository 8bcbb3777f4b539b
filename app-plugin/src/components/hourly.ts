import { Series } from '../api/client';

/** Average, minimum and maximum of the non-null values; undefined fields when there are none. */
export function rangeStats(values: Array<number | null>): { avg?: number; min?: number; max?: number } {
  const v = values.filter((x): x is number => typeof x === 'number' && isFinite(x));
  if (!v.length) {
    return {};
  }
  return { avg: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
}

/** One hour of the hourly table. */
export interface HourRow {
  time: number;
  cpu?: number;
  mem?: number;
}

/** CPU and memory series joined by timestamp, newest hour first (what a person looks for first). */
export function hourlyRows(cpu?: Series, mem?: Series): HourRow[] {
  const rows = new Map<number, HourRow>();
  const add = (s: Series | undefined, key: 'cpu' | 'mem') =>
    s?.times.forEach((t, i) => {
      const v = s.values[i];
      const row = rows.get(t) ?? { time: t };
      if (v !== null && v !== undefined && isFinite(v)) {
        row[key] = v;
      }
      rows.set(t, row);
    });
  add(cpu, 'cpu');
  add(mem, 'mem');
  return [...rows.values()].sort((a, b) => b.time - a.time);
}

/**
 * Grafana Explore's URL for the same `metrics` query (Explore's `panes` URL state, Grafana 10+):
 * the data source, the query and the time range.
 */
export function exploreUrl(query: Record<string, unknown> & { datasource: { uid: string } }, from: string, to = 'now') {
  const panes = { a: { datasource: query.datasource.uid, queries: [{ refId: 'A', ...query }], range: { from, to } } };
  return `/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
