// The panel under the query editor: a time series or a table, from the returned frames.
import { applyFieldOverrides, DataFrame, FieldType, LoadingState, PanelData, TimeRange } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Alert, LegendDisplayMode, Table, TimeSeries } from '@grafana/ui';
import React, { useMemo } from 'react';

function isTimeSeries(f: DataFrame): boolean {
  return f.fields.some((x) => x.type === FieldType.time) && f.fields.some((x) => x.type === FieldType.number);
}

/** The panel under the query editor: a table or a time series, built from the returned frames. */
export function ResultPanel({ data, range }: { data: PanelData; range: TimeRange }) {
  const theme = config.theme2;
  const frames = useMemo(
    () =>
      applyFieldOverrides({
        data: data.series,
        fieldConfig: { defaults: {}, overrides: [] },
        replaceVariables: (v: string) => v,
        theme,
        timeZone: 'browser',
      }),
    [data.series, theme]
  );
  if (data.state === LoadingState.Loading) {
    return <div data-testid="host-panel-loading">Loading…</div>;
  }
  if (data.errors?.length) {
    return (
      <Alert severity="error" title="Query error" data-testid="host-panel-error">
        {data.errors.map((e) => e.message).join('\n')}
      </Alert>
    );
  }
  if (!frames.length) {
    return <div data-testid="host-panel-empty">No data</div>;
  }
  const series = frames.filter(isTimeSeries);
  if (series.length === frames.length) {
    return (
      <div data-testid="host-panel-timeseries" data-series={series.length}>
        <TimeSeries
          frames={series}
          width={1100}
          height={320}
          timeRange={range}
          timeZone="browser"
          legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
        />
      </div>
    );
  }
  return (
    <div data-testid="host-panel-table" data-rows={frames[0].length}>
      <Table data={frames[0]} width={1100} height={360} />
    </div>
  );
}
