import React, { useState } from 'react';
import { LinkButton, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { metricsQuery, queryMetrics, Series } from '../api/client';
import { selectors } from '../selectors';
import { DataTable } from './DataTable';
import { ErrorState } from './ErrorState';
import { formatPercent } from './format';
import { useAsync } from './hooks';
import { exploreUrl, hourlyRows, rangeStats } from './hourly';
import { Loading } from './Loading';
import { getStyles } from './styles';
import { hourText, TimeChart } from './TimeChart';
import { USAGE_CRITICAL, USAGE_WARNING } from './thresholds';

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

const views = [
  { label: 'Chart', value: 'chart', icon: 'chart-line' },
  { label: 'Hourly table', value: 'table', icon: 'table' },
];

function find(series: Series[], key: string): Series | undefined {
  return series.find((x) => x.stat === key) ?? series.find((x) => x.name.includes(key));
}

/** The hour-by-hour table: hour, CPU %, memory %, then the range average, minimum and maximum. */
function HourlyTable({ cpu, mem }: { cpu?: Series; mem?: Series }) {
  const rows = hourlyRows(cpu, mem);
  const c = rangeStats(cpu?.values ?? []);
  const m = rangeStats(mem?.values ?? []);
  const summary = [
    { id: 'avg', label: 'Range average', cpu: c.avg, mem: m.avg },
    { id: 'min', label: 'Minimum', cpu: c.min, mem: m.min },
    { id: 'max', label: 'Maximum', cpu: c.max, mem: m.max },
  ];
  return (
    <Stack direction="column" gap={2}>
      <DataTable
        label="Range summary"
        testId={selectors.charts.summary}
        rows={summary}
        rowKey={(r) => r.id}
        columns={[
          { id: 'what', header: '', rowHeader: true, cell: (r) => r.label },
          { id: 'cpu', header: 'CPU %', numeric: true, cell: (r) => formatPercent(r.cpu) },
          { id: 'mem', header: 'Memory %', numeric: true, cell: (r) => formatPercent(r.mem) },
        ]}
      />
      <DataTable
        label="Hourly usage"
        testId={selectors.charts.table}
        rows={rows}
        rowKey={(r) => String(r.time)}
        columns={[
          { id: 'hour', header: 'Hour', cell: (r) => hourText(r.time) },
          { id: 'cpu', header: 'CPU %', numeric: true, cell: (r) => formatPercent(r.cpu) },
          { id: 'mem', header: 'Memory %', numeric: true, cell: (r) => formatPercent(r.mem) },
        ]}
      />
    </Stack>
  );
}

/**
 * Hourly CPU and memory usage of one VM or host from a `metrics` query: charts with tooltips and
 * the alert levels, or the same hours as a table; the range average; and the query in Explore.
 */
export function UsageCharts({ uid, kind, id }: { uid: string; kind: 'VirtualMachine' | 'HostSystem'; id: string }) {
  const styles = useStyles2(getStyles);
  const [from, setFrom] = useState('now-24h');
  const [view, setView] = useState('chart');
  const stats = USAGE_STATS.map((s) => s.key);
  const data = useAsync(() => queryMetrics(uid, kind, [id], stats, from, 'now'), [uid, kind, id, from]);
  return (
    <section className={styles.section} data-testid={selectors.vmDetail.charts} aria-label="Usage charts">
      <Stack direction="row" justifyContent="space-between" alignItems="center" wrap="wrap">
        <h3>Usage (hourly average)</h3>
        <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
          <RadioButtonGroup size="sm" options={views} value={view} onChange={setView} />
          <RadioButtonGroup size="sm" options={ranges} value={from} onChange={setFrom} />
          <LinkButton
            size="sm"
            variant="secondary"
            icon="compass"
            href={exploreUrl(metricsQuery(uid, kind, [id], stats), from)}
            data-testid={selectors.charts.explore}
          >
            Open in Explore
          </LinkButton>
        </Stack>
      </Stack>
      <p className={styles.muted}>
        Dashed lines: warning at {USAGE_WARNING} %, critical at {USAGE_CRITICAL} % (the alert rules&apos; levels).
      </p>
      {data.error ? (
        <ErrorState title="Could not load usage metrics" error={data.error} onRetry={data.reload} />
      ) : !data.value ? (
        <Loading text="Loading metrics…" />
      ) : view === 'table' ? (
        <HourlyTable cpu={find(data.value, USAGE_STATS[0].key)} mem={find(data.value, USAGE_STATS[1].key)} />
      ) : (
        <div className={styles.grid}>
          {USAGE_STATS.map((s) => {
            const series = find(data.value!, s.key);
            const avg = series ? rangeStats(series.values).avg : undefined;
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
