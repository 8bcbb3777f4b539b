import React, { useEffect } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Checkbox, Combobox, Field, FieldSet, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { isUnsupported } from '../../api/errors';
import { placementOf } from '../../rules/provision';
import { selectors } from '../../selectors';
import { LibraryItem, OvfInfo, PlacementOptions } from '../../types';
import { ErrorState } from '../ErrorState';
import { formatBytes } from '../format';
import { useAsync } from '../hooks';
import { enumText } from '../labels';
import { Loading } from '../Loading';

/**
 * What an OVF package asks before it is deployed (vCenter's OVF `filter`, read through
 * `GET templates/{item}/ovf` for the chosen placement): its license agreements to accept and a
 * network of this vCenter for each of its networks.
 */
export function OvfFields({
  client,
  item,
  folder,
  compute,
  networks,
  acceptEula,
  mappings,
  onChange,
  onInfo,
  error,
}: {
  client: VsphereClient;
  item: LibraryItem;
  folder: string;
  compute: string;
  networks: PlacementOptions['networks'];
  acceptEula: boolean;
  mappings: Record<string, string>;
  onChange: (acceptEula: boolean, mappings: Record<string, string>) => void;
  /** The package's requirements once read (undefined while unknown or unavailable). */
  onInfo: (info: OvfInfo | undefined) => void;
  error?: string;
}) {
  const styles = useStyles2(getStyles);
  const info = useAsync(
    () => client.ovfInfo(item.id, placementOf({ folder, compute, datastore: '' })),
    [client, item.id, folder, compute]
  );
  useEffect(() => onInfo(info.value), [info.value, onInfo]);
  if (info.error) {
    return isUnsupported(info.error) ? (
      <div data-testid={selectors.newVm.unavailable}>
        <Alert severity="info" title="OVF packages cannot be deployed on this data source">
          Its backend does not read OVF deployment options yet (<code>GET templates/&#123;item&#125;/ovf</code>); VM
          templates can be deployed.
        </Alert>
      </div>
    ) : (
      <ErrorState title="Could not read the OVF package" error={info.error} onRetry={info.reload} />
    );
  }
  if (!info.value) {
    return <Loading text="Reading the OVF package…" />;
  }
  const o = info.value;
  // The EULA is checked first (rules/provision.ts validateOvf), so the networks' turn comes after it.
  const networkError = o.eulas.length === 0 || acceptEula ? error : undefined;
  return (
    <FieldSet label={`OVF package ${o.name}`}>
      {o.annotation && <p>{o.annotation}</p>}
      {o.sizeBytes !== undefined && <p>Download size {formatBytes(o.sizeBytes)}.</p>}
      {o.eulas.length > 0 && (
        <>
          {o.eulas.map((text, i) => (
            <pre key={i} className={styles.eula} tabIndex={0} aria-label={`License agreement ${i + 1}`}>
              {text}
            </pre>
          ))}
          <Field label="License agreements" invalid={!!error && !acceptEula} error={!acceptEula ? error : undefined}>
            <Checkbox
              data-testid={selectors.newVm.eula}
              label={`I accept the license agreement${o.eulas.length > 1 ? 's' : ''}`}
              value={acceptEula}
              onChange={(e) => onChange(e.currentTarget.checked, mappings)}
            />
          </Field>
        </>
      )}
      {o.networks.map((n) => (
        <div key={n} data-testid={selectors.newVm.ovfNetwork(n)}>
          <Field
            label={`Network for the package's “${n}”`}
            invalid={!!networkError && !mappings[n]}
            error={networkError && !mappings[n] ? networkError : undefined}
          >
            <Combobox
              aria-label={`Network for ${n}`}
              width={50}
              options={networks.map((x) => ({ label: x.name, value: x.id, description: enumText(x.type) }))}
              value={mappings[n] || null}
              placeholder="Choose a network"
              onChange={(opt) => onChange(acceptEula, { ...mappings, [n]: opt?.value ?? '' })}
            />
          </Field>
        </div>
      ))}
      {o.eulas.length === 0 && o.networks.length === 0 && <p>The package asks for nothing more.</p>}
    </FieldSet>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  eula: css({
    maxHeight: 160,
    overflow: 'auto',
    whiteSpace: 'pre-wrap',
    background: theme.colors.background.secondary,
    padding: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
});
