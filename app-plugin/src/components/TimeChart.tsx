import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { Series } from '../api/client';

const W = 600;
const H = 160;
const PAD = { l: 40, r: 8, t: 8, b: 20 };

/** Mean of the non-null values, undefined when there are none. */
export function rangeAverage(values: Array<number | null>): number | undefined {
  const v = values.filter((x): x is number => typeof x === 'number' && isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

/**
 * A small theme-aware line chart (SVG) of one hourly series. The app draws its own rather than a
 * Grafana panel so the VM page needs no dashboard and stays testable without a browser canvas.
 */
export function TimeChart({ series, title, max }: { series: Series; title: string; max?: number }) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const pts = series.times
    .map((t, i) => [t, series.values[i]] as const)
    .filter((p): p is readonly [number, number] => typeof p[1] === 'number');
  if (pts.length === 0) {
    return <p className={styles.muted}>No data in this range.</p>;
  }
  const t0 = pts[0][0];
  const t1 = pts[pts.length - 1][0];
  const top = max ?? Math.max(1, ...pts.map((p) => p[1]));
  const x = (t: number) => PAD.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - Math.min(v, top) / top) * (H - PAD.t - PAD.b);
  const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
  const unit = series.unit === 'percent' ? '%' : '';
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className={styles.svg}
      role="img"
      aria-label={`${title}: ${pts.length} hourly points from ${new Date(t0).toLocaleString()} to ${new Date(t1).toLocaleString()}`}
    >
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(top * f)} y2={y(top * f)} stroke={theme.colors.border.weak} />
          <text x={PAD.l - 4} y={y(top * f) + 4} textAnchor="end" fontSize={10} fill={theme.colors.text.secondary}>
            {Math.round(top * f)}
            {unit}
          </text>
        </g>
      ))}
      <path d={d} fill="none" stroke={theme.visualization.getColorByName('blue')} strokeWidth={1.5} />
      <text x={PAD.l} y={H - 4} fontSize={10} fill={theme.colors.text.secondary}>
        {new Date(t0).toLocaleString()}
      </text>
      <text x={W - PAD.r} y={H - 4} fontSize={10} textAnchor="end" fill={theme.colors.text.secondary}>
        {new Date(t1).toLocaleString()}
      </text>
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ width: '100%', height: 'auto', display: 'block' }),
  muted: css({ color: theme.colors.text.secondary }),
});
