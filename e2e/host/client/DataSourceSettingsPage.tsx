// The data source settings page: the plugin's ConfigEditor plus Grafana's "Save & test".
import { css } from '@emotion/css';
import { DataSourcePlugin } from '@grafana/data';
import { Alert, Button } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { Page } from './Page';
import { hostData, importPlugin, loadDataSource } from './plugins';

/** Data source settings page: the plugin's ConfigEditor plus Grafana's "Save & test". */
export function DataSourceSettingsPage({ uid }: { uid: string }) {
  const stored = hostData().datasources.find((d) => d.uid === uid)!;
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
