// The host page: configures @grafana/runtime, and routes to the pages a Grafana user would see for
// the plugins (one file each): data source settings, Explore, variables, the app and its
// configuration page.
import { ThemeContext } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Router, Routes, useLocation } from 'react-router-dom';

// @ts-expect-error resolved by host/build.ts to @grafana/runtime's own PluginPage module
import { setPluginPage } from 'grafana-runtime-internal:PluginPage';
import { AppConfigPage } from './AppConfigPage';
import { AppRoot } from './AppRoot';
import { DataSourceSettingsPage } from './DataSourceSettingsPage';
import { registerExternals } from './externals';
import { HostPluginPage } from './HostPluginPage';
import { Notifications } from './Notifications';
import { Page } from './Page';
import { hostData, loadDataSource } from './plugins';
import { QueryPage } from './QueryPage';
import { initServices } from './services';
import { VariablesPage } from './VariablesPage';

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

/** The first pane of Grafana's Explore URL state (`panes`), when it names a known data source. */
function explorePane(search: string): { datasource: string; queries?: any[]; range?: { from?: string } } | undefined {
  try {
    const panes = JSON.parse(new URLSearchParams(search).get('panes') ?? 'null');
    const pane = panes && (Object.values(panes)[0] as any);
    return pane && hostData().datasources.some((d) => d.uid === pane.datasource) ? pane : undefined;
  } catch {
    return undefined;
  }
}

function HostApp() {
  const { pathname: path, search } = useLocation();
  useEffect(() => {
    window.__hostReady = true;
  }, []);
  let page: React.ReactNode;
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/connections\/datasources\/edit\/([^/]+)/))) {
    page = <DataSourceSettingsPage uid={m[1]} />;
  } else if ((m = path.match(/^\/explore\/([^/]+)/))) {
    page = <QueryPage uid={m[1]} />;
  } else if (path === '/explore' && explorePane(search)) {
    // Grafana's Explore URL: /explore?panes={"a":{"datasource":uid,"queries":[...],"range":{...}}}
    const pane = explorePane(search)!;
    page = <QueryPage key={search} uid={pane.datasource} initial={pane.queries?.[0]} from={pane.range?.from} />;
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
    hostData().datasources.map((d) => ({ ...d, meta: hostData().plugins[d.type] })),
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
