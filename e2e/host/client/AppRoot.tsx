// The app plugin's root page under /a/<id>/.
import { css } from '@emotion/css';
import { AppPlugin } from '@grafana/data';
import { Alert } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { importPlugin } from './plugins';

/** The app plugin's root page, routed under /a/<id>/ like Grafana's AppRootPage. */
export function AppRoot({ id }: { id: string }) {
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
