// The host page: configures @grafana/runtime, loads plugin bundles through SystemJS and renders
// the pages a Grafana user would see for them (data source settings, a query editor with a
// panel, variable editors, the app plugin under /a/<id>/).
import { css } from '@emotion/css';
import {
  AppPlugin,
  applyFieldOverrides,
  CoreApp,
  DataFrame,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  DataSourcePlugin,
  dateTime,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  PanelData,
  PluginType,
  ThemeContext,
  TimeRange,
  toDataFrame,
} from '@grafana/data';
import { config, getAppEvents, locationService, PluginPage } from '@grafana/runtime';
import { Alert, Button, GlobalStyles, Table, TimeSeries, LegendDisplayMode } from '@grafana/ui';
import React, { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Router, Routes, useLocation } from 'react-router-dom';
import { lastValueFrom } from 'rxjs';

// @ts-expect-error resolved by host/build.ts to @grafana/runtime's own PluginPage module
import { setPluginPage } from 'grafana-runtime-internal:PluginPage';
import { registerExternals } from './externals';
import { initServices, templateSrv, HostVariable } from './services';

declare global {
  interface Window {
    System: any;
    __hostData: HostData;
    /** Set when the page has rendered its plugin; tests wait for it. */
    __hostReady?: boolean;
    __hostStart?: () => void;
  }
}

interface HostData {
  datasources: Array<DataSourceInstanceSettings & { secureJsonFields: Record<string, boolean>; version: number }>;
  plugins: Record<string, any>;
}

const hostData = window.__hostData;

/** Imports a plugin's module.js the way Grafana does: SystemJS, from /public/plugins/<id>/. */
async function importPlugin(id: string): Promise<any> {
  const meta = hostData.plugins[id];
  if (!meta) {
    throw new Error(`plugin ${id} is not installed in the host`);
  }
  const ns = await window.System.import(`/public/plugins/${id}/module.js`);
  const plugin = ns.plugin;
  if (!plugin) {
    throw new Error(`plugin ${id}: module.js exports no "plugin"`);
  }
  plugin.meta = { ...meta, ...plugin.meta, ...meta };
  return plugin;
}

async function loadDataSource(s: DataSourceInstanceSettings): Promise<DataSourceApi> {
  const plugin = (await importPlugin(s.type)) as DataSourcePlugin<any>;
  const instance = new plugin.DataSourceClass({ ...s, meta: plugin.meta });
  instance.components = plugin.components;
  return instance;
}

function Page({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className={css({ padding: 16, maxWidth: 1200 })}>
      <h1 data-testid="host-page-title">{title}</h1>
      {children}
    </div>
  );
}

/** Data source settings page: the plugin's ConfigEditor plus Grafana's "Save & test". */
function DataSourceSettingsPage({ uid }: { uid: string }) {
  const stored = hostData.datasources.find((d) => d.uid === uid)!;
  const [options, setOptions] = useState<any>({ ...stored, secureJsonData: {} });
  const [plugin, setPlugin] = useState<DataSourcePlugin<any>>();
  const [result, setResult] = useState<{ status: 'success' | 'error'; message: string; details?: any }>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    importPlugin(stored.type).then(setPlugin, (e) => setResult({ status: 'error', message: String(e) }));
  }, [stored.type]);
  if (!plugin) {
    return <Page title="Loading…">{result && <Alert title={result.message} />}</Page>;
  }
  const Editor = plugin.components.ConfigEditor!;
  const saveAndTest = async () => {
    setBusy(true);
    setResult(undefined);
    try {
      const saved = await fetch(`/api/datasources/uid/${uid}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(options),
      });
      const body = await saved.json();
      if (!saved.ok) {
        throw new Error(body.message ?? saved.statusText);
      }
      setOptions({ ...body.datasource, secureJsonData: {} });
      const ds = await loadDataSource({ ...body.datasource, meta: plugin.meta });
      const health = await ds.testDatasource();
      setResult({
        status: health.status === 'success' ? 'success' : 'error',
        message: health.message,
        details: health.details,
      });
    } catch (e: any) {
      setResult({ status: 'error', message: e?.message ?? String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={`Settings: ${stored.name}`}>
      <Editor options={options} onOptionsChange={setOptions} />
      <div className={css({ marginTop: 16 })}>
        {result && (
          <div>
            <Alert severity={result.status} title={result.message} data-testid={`data-testid Alert ${result.status}`}>
              {result.details?.message}
            </Alert>
          </div>
        )}
        <Button
          onClick={saveAndTest}
          disabled={busy}
          data-testid="data-testid Data source settings page Save and Test button"
        >
          Save &amp; test
        </Button>
      </div>
    </Page>
  );
}

function isTimeSeries(f: DataFrame): boolean {
  return f.fields.some((x) => x.type === FieldType.time) && f.fields.some((x) => x.type === FieldType.number);
}

/** The panel under the query editor: a table or a time series, built from the returned frames. */
function ResultPanel({ data, range }: { data: PanelData; range: TimeRange }) {
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

/** Explore-like page: the plugin's QueryEditor and a panel showing what the query returned. */
function QueryPage({ uid }: { uid: string }) {
  const [ds, setDs] = useState<DataSourceApi>();
  const [error, setError] = useState<string>();
  const [query, setQuery] = useState<any>();
  const range = useMemo(() => {
    const to = dateTime();
    const from = dateTime(to.valueOf() - 6 * 3600_000);
    return { from, to, raw: { from: 'now-6h', to: 'now' } } as TimeRange;
  }, []);
  const [data, setData] = useState<PanelData>({ state: LoadingState.NotStarted, series: [], timeRange: range });
  useEffect(() => {
    loadDataSource(hostData.datasources.find((d) => d.uid === uid)!).then(
      (d) => {
        setDs(d);
        setQuery({ refId: 'A', ...(d.getDefaultQuery?.(CoreApp.Explore) ?? {}) });
      },
      (e) => setError(String(e))
    );
  }, [uid]);
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

/** Two chained query variables, each with the plugin's variable editor and its options. */
function VariablesPage({ uid }: { uid: string }) {
  const [ds, setDs] = useState<DataSourceApi>();
  const [defs, setDefs] = useState<Record<string, any>>({
    cluster: { refId: 'cluster', queryType: 'variable', entity: 'clusters' },
    host: { refId: 'host', queryType: 'variable', entity: 'hosts', filter: { cluster: '$cluster' } },
  });
  const [, setTick] = useState(0);
  useEffect(() => templateSrv.onChange(() => setTick((t) => t + 1)), []);
  useEffect(() => {
    loadDataSource(hostData.datasources.find((d) => d.uid === uid)!).then(setDs);
  }, [uid]);
  const refresh = async (name: string, def = defs[name]) => {
    const res: DataQueryResponse = await lastValueFrom(
      (ds!.variables as any).query({ targets: [def], range: getDefaultTimeRange(), scopedVars: {} })
    );
    const frame = toDataFrame(res.data[0] ?? { fields: [] });
    const text = frame.fields.find((f) => f.name === 'text')?.values ?? [];
    const value = frame.fields.find((f) => f.name === 'value')?.values ?? text;
    const options = text.map((t: any, i: number) => ({ text: String(t), value: String(value[i]) }));
    const cur = templateSrv.variables.find((v) => v.name === name)?.current ?? [];
    const keep = cur.filter((c) => options.some((o) => o.value === c));
    templateSrv.set(name, { options, current: keep.length ? keep : options.length ? [options[0].value] : [] });
  };
  const refreshAll = async () => {
    for (const name of Object.keys(defs)) {
      await refresh(name);
    }
  };
  useEffect(() => {
    if (ds) {
      refreshAll();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ds]);
  if (!ds) {
    return <Page title="Loading…">{null}</Page>;
  }
  const Editor = (ds.variables as any).editor;
  return (
    <Page title="Variables">
      {Object.keys(defs).map((name) => {
        const v: HostVariable | undefined = templateSrv.variables.find((x) => x.name === name);
        return (
          <section key={name} data-testid={`host-variable-${name}`} className={css({ marginBottom: 24 })}>
            <h2>${name}</h2>
            <Editor
              datasource={ds}
              query={defs[name]}
              onChange={(q: any) => {
                // Editors may normalise the stored query on mount: only a real change refreshes.
                if (JSON.stringify(q) === JSON.stringify(defs[name])) {
                  return;
                }
                const next = { ...defs, [name]: q };
                setDefs(next);
                refresh(name, q);
              }}
            />
            <label>
              Value of ${name}{' '}
              <select
                data-testid={`host-variable-${name}-select`}
                value={v?.current[0] ?? ''}
                onChange={async (e) => {
                  templateSrv.set(name, { current: [e.target.value] });
                  // Variables that use this one refresh, as Grafana's dashboard does.
                  for (const other of Object.keys(defs)) {
                    if (other !== name && JSON.stringify(defs[other]).includes('$' + name)) {
                      await refresh(other);
                    }
                  }
                }}
              >
                {(v?.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.text}
                  </option>
                ))}
              </select>
            </label>
            <ul data-testid={`host-variable-${name}-options`}>
              {(v?.options ?? []).map((o) => (
                <li key={o.value} data-value={o.value}>
                  {o.text}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Page>
  );
}

/** A simple stand-in for Grafana's page chrome: title, subtitle, actions, then the page. */
function HostPluginPage(props: {
  pageNav?: { text?: string };
  subTitle?: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div>
      <div className={css({ display: 'flex', alignItems: 'center', gap: 16, marginBottom: 16 })}>
        {props.pageNav?.text && <h1 className={css({ margin: 0 })}>{props.pageNav.text}</h1>}
        <div className={css({ flex: 1 })}>{props.subTitle}</div>
        {props.actions}
      </div>
      {props.children}
    </div>
  );
}

/** Grafana's notification area: alerts published on the app event bus (AppEvents.alert*). */
function Notifications() {
  const [items, setItems] = useState<
    Array<{ id: number; severity: 'success' | 'error' | 'warning' | 'info'; title: string; text?: string }>
  >([]);
  useEffect(() => {
    let next = 1;
    const subs = (['success', 'error', 'warning', 'info'] as const).map((severity) =>
      getAppEvents()
        .getStream({ type: `alert-${severity}` } as any)
        .subscribe((e: any) => {
          const [title, text] = Array.isArray(e.payload) ? e.payload : [String(e.payload?.message ?? e.payload)];
          const id = next++;
          setItems((all) => [
            ...all,
            { id, severity, title: String(title), text: text === undefined ? undefined : String(text) },
          ]);
          setTimeout(() => setItems((all) => all.filter((x) => x.id !== id)), severity === 'error' ? 15_000 : 8_000);
        })
    );
    return () => subs.forEach((s) => s.unsubscribe());
  }, []);
  return (
    <div
      className={css({ position: 'fixed', top: 8, right: 8, width: 420, zIndex: 2000 })}
      data-testid="host-notifications"
    >
      {items.map((n) => (
        <Alert
          key={n.id}
          severity={n.severity}
          title={n.title}
          data-testid={`data-testid Alert ${n.severity}`}
          onRemove={() => setItems((all) => all.filter((x) => x.id !== n.id))}
        >
          {n.text}
        </Alert>
      ))}
    </div>
  );
}

/** An app's configuration page (/plugins/<id>), as Grafana's plugin details page shows it. */
function AppConfigPage({ id }: { id: string }) {
  const [plugin, setPlugin] = useState<AppPlugin>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    importPlugin(id).then(setPlugin, (e) => setError(String(e)));
  }, [id]);
  if (error) {
    return <Alert title={error} />;
  }
  if (!plugin) {
    return <div>Loading…</div>;
  }
  const page = plugin.configPages?.[0];
  if (!page) {
    return <Page title={plugin.meta.name}>This app has no configuration page.</Page>;
  }
  const Body = page.body;
  return (
    <Page title={`${plugin.meta.name}: ${page.title}`}>
      <Body plugin={plugin} query={{} as any} />
    </Page>
  );
}

/** The app plugin's root page, routed under /a/<id>/ like Grafana's AppRootPage. */
function AppRoot({ id }: { id: string }) {
  const [plugin, setPlugin] = useState<AppPlugin>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    importPlugin(id).then(setPlugin, (e) => setError(String(e)));
  }, [id]);
  if (error) {
    return <Alert title={error} data-testid="host-app-error" />;
  }
  if (!plugin) {
    return <div>Loading…</div>;
  }
  const Root = plugin.root!;
  return (
    <div className={css({ padding: 16 })}>
      <Root meta={plugin.meta} basename={`/a/${id}`} query={{} as any} path={`/a/${id}`} onNavChanged={() => {}} />
    </div>
  );
}

/**
 * A router over Grafana's locationService history (history v4, whose listeners get the location
 * itself rather than react-router v6's {action, location}).
 */
function HostRouter({ children }: { children: React.ReactNode }) {
  const history: any = locationService.getHistory();
  const [loc, setLoc] = useState(history.location);
  useEffect(() => history.listen((a: any) => setLoc(a?.location ?? a)), [history]);
  return (
    <Router location={loc} navigator={history}>
      {children}
    </Router>
  );
}

function HostApp() {
  const path = useLocation().pathname;
  useEffect(() => {
    window.__hostReady = true;
  }, []);
  let page: React.ReactNode;
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/connections\/datasources\/edit\/([^/]+)/))) {
    page = <DataSourceSettingsPage uid={m[1]} />;
  } else if ((m = path.match(/^\/explore\/([^/]+)/))) {
    page = <QueryPage uid={m[1]} />;
  } else if ((m = path.match(/^\/variables\/([^/]+)/))) {
    page = <VariablesPage uid={m[1]} />;
  } else if ((m = path.match(/^\/a\/([^/]+)/))) {
    // Grafana mounts an app under a splat route, so the app's own <Routes> are relative to /a/<id>/.
    page = (
      <Routes>
        <Route path={`/a/${m[1]}/*`} element={<AppRoot id={m[1]} />} />
      </Routes>
    );
  } else if ((m = path.match(/^\/plugins\/([^/]+)/))) {
    page = <AppConfigPage id={m[1]} />;
  } else {
    page = <Page title="Not found">{path}</Page>;
  }
  return (
    <>
      <Notifications />
      {page}
    </>
  );
}

// SystemJS is loaded after this bundle: its AMD `define` would otherwise make UMD packages
// such as lodash register themselves with it instead of returning their exports.
window.__hostStart = () => {
  registerExternals(window.System);
  setPluginPage(HostPluginPage as any);
  initServices(
    hostData.datasources.map((d) => ({ ...d, meta: hostData.plugins[d.type] })),
    loadDataSource
  );
  const theme = config.theme2;
  document.body.classList.add(theme.isDark ? 'theme-dark' : 'theme-light');
  createRoot(document.getElementById('reactRoot')!).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <HostRouter>
        <HostApp />
      </HostRouter>
    </ThemeContext.Provider>
  );
};

// Unused import guards keep the types honest without bundling twice.
void PluginType;
void PluginPage;
