// The Explore-like page: the plugin's QueryEditor, a Run button and one panel.
import { css } from '@emotion/css';
import {
  CoreApp,
  DataQueryResponse,
  DataSourceApi,
  dateTime,
  LoadingState,
  PanelData,
  TimeRange,
  toDataFrame,
} from '@grafana/data';
import { Alert, Button } from '@grafana/ui';
import React, { useEffect, useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { Page } from './Page';
import { hostData, loadDataSource } from './plugins';
import { ResultPanel } from './ResultPanel';

/** Explore-like page: the plugin's QueryEditor and a panel showing what the query returned. */
export function QueryPage({ uid, initial, from: rawFrom = 'now-6h' }: { uid: string; initial?: any; from?: string }) {
  const [ds, setDs] = useState<DataSourceApi>();
  const [error, setError] = useState<string>();
  const [query, setQuery] = useState<any>();
  const range = useMemo(() => {
    const to = dateTime();
    const m = /^now-(\d+)([mhd])$/.exec(rawFrom);
    const ms = m ? Number(m[1]) * { m: 60_000, h: 3600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : 6 * 3600_000;
    const from = dateTime(to.valueOf() - ms);
    return { from, to, raw: { from: m ? rawFrom : 'now-6h', to: 'now' } } as TimeRange;
  }, [rawFrom]);
  const [data, setData] = useState<PanelData>({ state: LoadingState.NotStarted, series: [], timeRange: range });
  useEffect(() => {
    loadDataSource(hostData().datasources.find((d) => d.uid === uid)!).then(
      (d) => {
        setDs(d);
        setQuery(
          initial ? { refId: 'A', ...initial } : { refId: 'A', ...(d.getDefaultQuery?.(CoreApp.Explore) ?? {}) }
        );
      },
      (e) => setError(String(e))
    );
  }, [uid]);
  // A query from the URL (Explore's `panes`) runs at once, as Explore does.
  useEffect(() => {
    if (ds && initial && query && data.state === LoadingState.NotStarted) {
      run(query);
    }
  }, [ds, query]);
  const run = async (q = query) => {
    if (!ds) {
      return;
    }
    if (ds.filterQuery && !ds.filterQuery(q)) {
      setData({ state: LoadingState.Done, series: [], timeRange: range });
      return;
    }
    setData({ state: LoadingState.Loading, series: [], timeRange: range });
    try {
      const res: DataQueryResponse = await lastValueFrom(
        ds.query({
          requestId: 'explore',
          app: CoreApp.Explore,
          targets: [q],
          range,
          interval: '5m',
          intervalMs: 300_000,
          maxDataPoints: 1000,
          scopedVars: {},
          timezone: 'browser',
          startTime: Date.now(),
        } as any) as any
      );
      setData({
        state: res.errors?.length || res.error ? LoadingState.Error : LoadingState.Done,
        series: res.data.map((f: any) => toDataFrame(f)),
        errors: res.errors ?? (res.error ? [res.error] : undefined),
        timeRange: range,
      });
    } catch (e: any) {
      setData({
        state: LoadingState.Error,
        series: [],
        errors: [{ message: e?.data?.message ?? e?.message ?? String(e) }],
        timeRange: range,
      });
    }
  };
  if (error) {
    return <Alert title={error} />;
  }
  if (!ds || !query) {
    return <Page title="Loading…">{null}</Page>;
  }
  const Editor = ds.components!.QueryEditor!;
  return (
    <Page title="Explore">
      <Editor
        datasource={ds}
        query={query}
        onChange={setQuery}
        onRunQuery={() => run()}
        range={range}
        data={data}
        app={CoreApp.Explore}
      />
      <div className={css({ margin: '12px 0' })}>
        <Button onClick={() => run()} data-testid="host-run-query">
          Run query
        </Button>
      </div>
      <ResultPanel data={data} range={range} />
    </Page>
  );
}
