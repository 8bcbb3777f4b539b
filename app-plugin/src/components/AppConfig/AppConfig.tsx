import React, { useState } from 'react';
import { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { Alert, Button, Checkbox, FieldSet, LinkButton, Stack, useStyles2 } from '@grafana/ui';
import { listDataSources, request } from '../../api/client';
import { DATASOURCE_TYPE } from '../../constants';
import { selectors } from '../../selectors';
import { AppSettings } from '../../types';
import { Empty } from '../Empty';
import { ErrorState } from '../ErrorState';
import { getStyles } from '../styles';
import { Loading } from '../Loading';
import { useAsync } from '../hooks';
import { notifyError, notifySuccess } from '../notify';

/** Props Grafana passes to the app's configuration page. */
export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/** Saves the app's settings; Grafana keeps them in the plugin settings of the org. */
export async function saveSettings(pluginId: string, data: Partial<PluginMeta<AppSettings>>): Promise<void> {
  await request('POST', `/api/plugins/${pluginId}/settings`, data);
}

/**
 * Configuration: which data sources (one per vCenter) the app manages. Saving also enables the
 * app; the page then reloads because Grafana caches the plugin's settings in the browser.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, id } = plugin.meta;
  const [chosen, setChosen] = useState<string[]>(jsonData?.datasources ?? []);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const list = useAsync(() => listDataSources(DATASOURCE_TYPE), []);

  const toggle = (uid: string) => setChosen((c) => (c.includes(uid) ? c.filter((u) => u !== uid) : [...c, uid]));

  const save = async (enable: boolean) => {
    if (enable && chosen.length === 0) {
      setError('Choose at least one vCenter data source.');
      return;
    }
    setError(undefined);
    setSaving(true);
    try {
      await saveSettings(id, {
        enabled: enable,
        pinned: enable ? true : pinned,
        jsonData: { ...jsonData, datasources: chosen },
      });
      notifySuccess('App settings saved');
      window.location.reload();
    } catch (e) {
      notifyError('Could not save the app settings', (e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  // Uids saved earlier whose data source is gone are still listed so they can be removed.
  const known = list.value ?? [];
  const missing = chosen.filter((u) => !known.some((d) => d.uid === u));

  return (
    <div data-testid={selectors.config.container}>
      <FieldSet label="vCenter data sources">
        <p className={styles.muted}>
          The app works on the vCenters behind these data sources. With several, every page shows a vCenter picker.
        </p>
        {list.error ? (
          <ErrorState title="Could not list the data sources" error={list.error} onRetry={list.reload} />
        ) : list.loading && !list.value ? (
          <Loading text="Loading data sources…" />
        ) : known.length === 0 && missing.length === 0 ? (
          <Empty message="No vSphere (PrivateCloud) data source exists yet">
            <LinkButton href={`/connections/datasources/new`} icon="plus">
              Add a data source
            </LinkButton>
          </Empty>
        ) : (
          <Stack direction="column" gap={1}>
            {known.map((d) => (
              <Checkbox
                key={d.uid}
                label={d.name}
                description={`uid ${d.uid}`}
                value={chosen.includes(d.uid)}
                onChange={() => toggle(d.uid)}
                data-testid={selectors.config.datasourceCheckbox(d.uid)}
              />
            ))}
            {missing.map((u) => (
              <Checkbox
                key={u}
                label={`${u} (not found)`}
                description="This data source no longer exists or you cannot see it"
                value
                onChange={() => toggle(u)}
                data-testid={selectors.config.datasourceCheckbox(u)}
              />
            ))}
          </Stack>
        )}
        {error && (
          <Alert severity="error" title="Nothing saved">
            {error}
          </Alert>
        )}
        <Stack direction="row" gap={1}>
          <Button
            onClick={() => save(true)}
            disabled={saving}
            icon={saving ? 'spinner' : undefined}
            data-testid={selectors.config.save}
          >
            {enabled ? 'Save' : 'Enable and save'}
          </Button>
          {enabled && (
            <Button variant="destructive" fill="outline" onClick={() => save(false)} disabled={saving}>
              Disable app
            </Button>
          )}
        </Stack>
      </FieldSet>
    </div>
  );
};

export default AppConfig;
