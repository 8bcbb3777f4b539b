import React, { useState } from 'react';
import { RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { queryMetrics } from '../api/client';
import { selectors } from '../selectors';
import { ErrorState, getStyles, Loading } from './common';
import { useAsync } from './hooks';
import { rangeAverage, TimeChart } from './TimeChart';

/** Stat keys drawn on VM and host pages (vROps keys, contracts §2). */
export const USAGE_STATS = [
  { key: 'cpu|usage_average', title: 'CPU usage', id: 'cpu' },
  { key: 'mem|usage_average', title: 'Memory usage', id: 'mem' },
];

const ranges = [
  { label: '24 hours', value: 'now-24h' },
  { label: '7 days', value: 'now-7d' },
  { label: '30 days', value: 'now-30d' },
];

/** Hourly CPU and memory usage of one VM or host from a `metrics` query, with the range average. */
export function UsageCharts({ uid, kind, id }: { uid: string; kind: 'VirtualMachine' | 'HostSystem'; id: string }) {
  const styles = useStyles2(getStyles);
  const [from, setFrom] = useState('now-24h');
  const data = useAsync(
    () =>
      queryMetrics(
        uid,
        kind,
        [id],
        USAGE_STATS.map((s) => s.key),
        from,
        'now'
      ),
    [uid, kind, id, from]
  );
  return (
    <section className={styles.section} data-testid={selectors.vmDetail.charts} aria-label="Usage charts">
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <h3>Usage (hourly average)</h3>
        <RadioButtonGroup size="sm" options={ranges} value={from} onChange={setFrom} />
      </Stack>
      {data.error ? (
        <ErrorState title="Could not load usage metrics" error={data.error} onRetry={data.reload} />
      ) : !data.value ? (
        <Loading text="Loading metrics…" />
      ) : (
        <div className={styles.grid}>
          {USAGE_STATS.map((s) => {
            const series = data.value!.find((x) => x.stat === s.key) ?? data.value!.find((x) => x.name.includes(s.key));
            const avg = series ? rangeAverage(series.values) : undefined;
            return (
              <div key={s.key}>
                <Stack direction="row" justifyContent="space-between" alignItems="baseline">
                  <h4>{s.title}</h4>
                  <span>
                    <span className={styles.muted}>Range average </span>
                    <span className={styles.stat} data-testid={selectors.vmDetail.average(s.id)}>
                      {avg === undefined ? '—' : `${avg.toFixed(1)} %`}
                    </span>
                  </span>
                </Stack>
                {series ? (
                  <TimeChart series={series} title={s.title} max={100} />
                ) : (
                  <p className={styles.muted}>vROps returned no {s.title.toLowerCase()} for this range.</p>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
