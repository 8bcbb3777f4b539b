import React, { ReactNode } from 'react';
import { PluginPage } from '@grafana/runtime';
import { EmptyState, LinkButton, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { PLUGIN_ID } from '../constants';
import { selectors } from '../selectors';
import { useAppContext } from './AppContext';
import { getStyles } from './styles';
import { VcenterPicker } from './VcenterPicker';

/**
 * Page layout of every app page: Grafana's PluginPage, the vCenter picker, and a designed state when
 * the app does not manage any data source yet.
 */
export function AppPage({
  children,
  actions,
  subTitle,
}: {
  children: (client: VsphereClient) => ReactNode;
  actions?: ReactNode;
  subTitle?: string;
}) {
  const { client } = useAppContext();
  const styles = useStyles2(getStyles);
  return (
    <PluginPage actions={actions} subTitle={subTitle}>
      <div className={styles.page}>
        <VcenterPicker />
        {client ? (
          children(client)
        ) : (
          <div data-testid={selectors.states.notConfigured}>
            <EmptyState variant="call-to-action" message="No vCenter configured yet">
              <p>Choose the vCenter data sources this app manages on its configuration page.</p>
              <LinkButton href={`/plugins/${PLUGIN_ID}`} icon="cog">
                Open configuration
              </LinkButton>
            </EmptyState>
          </div>
        )}
      </div>
    </PluginPage>
  );
}
