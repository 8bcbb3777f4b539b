import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { applyFieldOverrides, createDataFrame, dateTime, FieldType, GrafanaTheme2, TimeRange } from '@grafana/data';
import { LegendDisplayMode, TimeSeries, useStyles2, useTheme2 } from '@grafana/ui';
import { Series } from '../api/client';

/** Mean of the non-null values, undefined when there are none. */
export function rangeAverage(values: Array<number | null>): number | undefined {
  const v = values.filter((x): x is number => typeof x === 'number' && isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

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
            custom: { fillOpacity: 15, lineWidth: 1, showPoints: 'never', spanNulls: true },
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
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  chart: css({ width: '100%', minHeight: 200 }),
  muted: css({ color: theme.colors.text.secondary }),
});
