// Two chained query variables, each with the plugin's variable editor and its options.
import { css } from '@emotion/css';
import { DataQueryResponse, DataSourceApi, getDefaultTimeRange, toDataFrame } from '@grafana/data';
import React, { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { Page } from './Page';
import { hostData, loadDataSource } from './plugins';
import { HostVariable, templateSrv } from './services';

/** Two chained query variables, each with the plugin's variable editor and its options. */
export function VariablesPage({ uid }: { uid: string }) {
  const [ds, setDs] = useState<DataSourceApi>();
  const [defs, setDefs] = useState<Record<string, any>>({
    cluster: { refId: 'cluster', queryType: 'variable', entity: 'clusters' },
    host: { refId: 'host', queryType: 'variable', entity: 'hosts', filter: { cluster: '$cluster' } },
  });
  const [, setTick] = useState(0);
  useEffect(() => templateSrv.onChange(() => setTick((t) => t + 1)), []);
  useEffect(() => {
    loadDataSource(hostData().datasources.find((d) => d.uid === uid)!).then(setDs);
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
