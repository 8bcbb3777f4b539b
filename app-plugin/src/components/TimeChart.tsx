import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import {
  applyFieldOverrides,
  createDataFrame,
  dateTime,
  FieldType,
  GrafanaTheme2,
  ThresholdsMode,
  TimeRange,
} from '@grafana/data';
import { GraphThresholdsStyleMode } from '@grafana/schema';
import { LegendDisplayMode, TimeSeries, TooltipPlugin2, useStyles2, useTheme2 } from '@grafana/ui';
import { Series } from '../api/client';
import { selectors } from '../selectors';
import { formatPercent } from './format';
import { USAGE_CRITICAL, USAGE_WARNING } from './thresholds';

/** Width of an element, following resizes (the chart needs a pixel width). */
function useWidth(fallback: number): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') {
      return;
    }
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) {
        setWidth(w);
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/**
 * One hourly series drawn with Grafana's own time-series graph (@grafana/ui `TimeSeries`, the
 * uPlot canvas the time-series panel uses), so it looks and reads like a Grafana panel in light
 * and dark themes without needing a dashboard.
 */
export function TimeChart({ series, title, max }: { series: Series; title: string; max?: number }) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const [ref, width] = useWidth(560);
  const points = series.values.filter((v) => v !== null).length;
  const frames = useMemo(() => {
    const frame = createDataFrame({
      name: title,
      fields: [
        { name: 'time', type: FieldType.time, values: series.times },
        {
          name: title,
          type: FieldType.number,
          values: series.values,
          config: {
            unit: series.unit ?? 'percent',
            min: 0,
            max,
            displayName: title,
            // Dashed lines at the alert rules' levels (80 % warning, 95 % critical).
            thresholds: {
              mode: ThresholdsMode.Absolute,
              steps: [
                { value: -Infinity, color: 'green' },
                { value: USAGE_WARNING, color: 'orange' },
                { value: USAGE_CRITICAL, color: 'red' },
              ],
            },
            custom: {
              fillOpacity: 15,
              lineWidth: 1,
              showPoints: 'never',
              spanNulls: true,
              thresholdsStyle: { mode: GraphThresholdsStyleMode.Dashed },
            },
          },
        },
      ],
    });
    return applyFieldOverrides({
      data: [frame],
      fieldConfig: { defaults: {}, overrides: [] },
      replaceVariables: (v: string) => v,
      theme,
      timeZone: 'browser',
    });
  }, [series, title, max, theme]);
  const range: TimeRange = useMemo(() => {
    const from = dateTime(series.times[0] ?? 0);
    const to = dateTime(series.times[series.times.length - 1] ?? 0);
    return { from, to, raw: { from, to } };
  }, [series.times]);

  if (points === 0) {
    return <p className={styles.muted}>No data in this range.</p>;
  }
  return (
    <div
      ref={ref}
      className={styles.chart}
      role="img"
      aria-label={`${title}: ${points} hourly points from ${range.from.toDate().toLocaleString()} to ${range.to
        .toDate()
        .toLocaleString()}`}
    >
      <TimeSeries
        frames={frames}
        width={width}
        height={200}
        timeRange={range}
        timeZone="browser"
        legend={{ showLegend: false, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
      >
        {(config) => (
          <TooltipPlugin2
            config={config}
            // TooltipHoverMode.xAll: the hovered hour, wherever the pointer is vertically.
            hoverMode={1 as never}
            render={(u, dataIdxs) => {
              const i = dataIdxs.find((x) => x !== null && x !== undefined);
              if (i === undefined || i === null) {
                return null;
              }
              const t = u.data[0][i];
              const v = u.data[1]?.[i];
              return (
                <div className={styles.tooltip} data-testid={selectors.charts.tooltip}>
                  <div className={styles.muted}>{hourText(t)}</div>
                  <div>
                    {title}: <strong>{typeof v === 'number' ? formatPercent(v) : 'no value'}</strong>
                  </div>
                </div>
              );
            }}
          />
        )}
      </TimeSeries>
    </div>
  );
}

/** "Tue 14:00–15:00" style label of an hourly point (local time). */
export function hourText(ms: number): string {
  const d = new Date(ms);
  const end = new Date(ms + 3600_000);
  const hm = (x: Date) => x.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `${d.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })} ${hm(d)}–${hm(end)}`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({ padding: theme.spacing(1), display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  chart: css({ width: '100%', minHeight: 200 }),
  muted: css({ color: theme.colors.text.secondary }),
});
