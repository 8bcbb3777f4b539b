// An app's configuration page (/plugins/<id>).
import { AppPlugin } from '@grafana/data';
import { Alert } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { Page } from './Page';
import { importPlugin } from './plugins';

/** An app's configuration page (/plugins/<id>), as Grafana's plugin details page shows it. */
export function AppConfigPage({ id }: { id: string }) {
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
