import React, { ReactNode } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  BadgeColor,
  Button,
  ButtonProps,
  Combobox,
  EmptyState,
  Field,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import { ApiError, VsphereClient } from '../api/client';
import { PLUGIN_ID } from '../constants';
import { selectors } from '../selectors';
import { PowerState } from '../types';
import { useAppContext } from './AppContext';
import { powerStateText } from './format';

/** Loading state with a sentence saying what is loading. */
export function Loading({ text }: { text: string }) {
  return (
    <div data-testid={selectors.states.loading}>
      <LoadingPlaceholder text={text} />
    </div>
  );
}

/** Error state with the backend's message and a retry button. */
export function ErrorState({ title, error, onRetry }: { title: string; error: ApiError; onRetry?: () => void }) {
  return (
    <div data-testid={selectors.states.error}>
      <Alert severity="error" title={title} buttonContent={onRetry ? 'Retry' : undefined} onRemove={onRetry}>
        {error.message}
      </Alert>
    </div>
  );
}

/** Empty state with a message and an optional call to action. */
export function Empty({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div data-testid={selectors.states.empty}>
      <EmptyState variant="not-found" message={message}>
        {children}
      </EmptyState>
    </div>
  );
}

/** The vCenter picker; only shown when the app manages several data sources. */
export function VcenterPicker() {
  const { datasources, uid, setUid } = useAppContext();
  if (datasources.length < 2) {
    return null;
  }
  return (
    <Field label="vCenter" description="Data source of the vCenter to work on">
      <div data-testid={selectors.picker.vcenter}>
        <Combobox
          aria-label="vCenter"
          width={40}
          options={datasources.map((d) => ({ label: d.name, value: d.uid }))}
          value={uid}
          onChange={(o) => o && setUid(o.value)}
        />
      </div>
    </Field>
  );
}

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

const powerColors: Record<PowerState, BadgeColor> = {
  POWERED_ON: 'green',
  POWERED_OFF: 'red',
  SUSPENDED: 'orange',
};

/** Power state as a coloured badge with text (colour is never the only signal). */
export function PowerBadge({ state }: { state: PowerState }) {
  return (
    <span data-testid={selectors.power.badge}>
      <Badge
        color={powerColors[state] ?? 'blue'}
        text={powerStateText[state] ?? state}
        icon={state === 'POWERED_ON' ? 'play' : state === 'SUSPENDED' ? 'pause' : 'power'}
      />
    </span>
  );
}

/** A button that is disabled with the reason on hover (and for screen readers) when not allowed. */
export function GatedButton({ allowed, reason, ...props }: ButtonProps & { allowed: boolean; reason?: string }) {
  if (allowed) {
    return <Button {...props} />;
  }
  return (
    <Tooltip content={reason ?? 'Not allowed'}>
      {/* A disabled button gets no hover events, so the tooltip sits on a focusable wrapper. */}
      <span tabIndex={0} aria-label={`${props['aria-label'] ?? ''} (disabled: ${reason ?? 'not allowed'})`}>
        <Button {...props} disabled />
      </span>
    </Tooltip>
  );
}

/** Horizontal bar of buttons. */
export function Toolbar({ children }: { children: ReactNode }) {
  return (
    <Stack direction="row" gap={1} wrap="wrap" alignItems="center">
      {children}
    </Stack>
  );
}

/** Theme-aware styles shared by the pages' tables and sections. */
export const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'middle',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  sortButton: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: 'inherit',
    font: 'inherit',
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  section: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))',
    gap: theme.spacing(2),
  }),
  muted: css({ color: theme.colors.text.secondary }),
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  stat: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
});
