import { css } from '@emotion/css';
import { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Field,
  FieldSet,
  Input,
  RadioButtonGroup,
  SecretInput,
  SecretTextArea,
  Switch,
  useStyles2,
} from '@grafana/ui';
import React, { ChangeEvent, FormEvent, useState } from 'react';

import { selectors } from '../selectors';
import {
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_ROLES,
  DEFAULT_TIMEOUT_SECONDS,
  MinimumRole,
  SecureKey,
  VmAction,
  VsphereOptions,
  VsphereSecureData,
} from '../types/config';
import { checkSeconds, checkUrl } from './validation';

/** labelled gives a settings control its id, test id and aria label from its selector. */
function labelled(sel: { testId: string; label: string }) {
  return { id: sel.testId, 'data-testid': sel.testId, 'aria-label': sel.label };
}

/** Props of the data source settings page. */
export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<VsphereOptions, VsphereSecureData>;

type UrlKey = 'vcenterUrl' | 'vropsUrl' | 'relayUrl';
type TextKey = 'vcenterUser' | 'vropsUser' | 'vropsAuthSource';
type SecondsKey = 'timeoutSeconds' | 'cacheTtlSeconds';

const ROLE_OPTIONS: Array<{ label: string; value: MinimumRole }> = [
  { label: 'Viewer', value: 'Viewer' },
  { label: 'Editor', value: 'Editor' },
  { label: 'Admin', value: 'Admin' },
];

const ACTIONS: Array<{ action: VmAction; label: string }> = [
  { action: 'create', label: 'Create VMs' },
  { action: 'edit', label: 'Edit CPU and memory' },
  { action: 'power', label: 'Power on / off / reset' },
  { action: 'delete', label: 'Delete VMs' },
];

/**
 * ConfigEditor is the data source settings page: vCenter and vROps endpoints and credentials,
 * TLS, timeouts, the alert relay and who may change VMs. Secrets go to secureJsonData only and
 * are shown as "configured" afterwards; "Save & test" runs the backend's health check, whose
 * messages Grafana shows under the form.
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const styles = useStyles2(getStyles);
  // A data source created through the API may come without jsonData.
  const jsonData: VsphereOptions = options.jsonData ?? {};
  const secureJsonFields = options.secureJsonFields ?? {};
  const secureJsonData = options.secureJsonData ?? {};

  // Drafts keep what a person typed while it is not valid yet; only valid values reach the options.
  const [urlDrafts, setUrlDrafts] = useState<Record<UrlKey, string>>({
    vcenterUrl: jsonData.vcenterUrl ?? '',
    vropsUrl: jsonData.vropsUrl ?? '',
    relayUrl: jsonData.relayUrl ?? '',
  });
  const [touched, setTouched] = useState<Partial<Record<UrlKey, boolean>>>({});
  const [secondsDrafts, setSecondsDrafts] = useState<Record<SecondsKey, string>>({
    timeoutSeconds: jsonData.timeoutSeconds === undefined ? '' : String(jsonData.timeoutSeconds),
    cacheTtlSeconds: jsonData.cacheTtlSeconds === undefined ? '' : String(jsonData.cacheTtlSeconds),
  });

  const setJson = (patch: Partial<VsphereOptions>) => {
    const next: VsphereOptions = { ...jsonData, ...patch };
    for (const k of Object.keys(patch) as Array<keyof VsphereOptions>) {
      if (patch[k] === undefined) {
        delete next[k];
      }
    }
    onOptionsChange({ ...options, jsonData: next });
  };

  const urlRequired = (key: UrlKey) => key === 'vcenterUrl';
  const urlError = (key: UrlKey) => {
    const msg = checkUrl(urlDrafts[key], urlRequired(key));
    // "Enter a URL." for an empty required field waits until the person has left the field.
    return urlDrafts[key].trim() === '' && !touched[key] ? undefined : msg;
  };
  const onUrl = (key: UrlKey) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setUrlDrafts((d) => ({ ...d, [key]: value }));
    const v = value.trim();
    if (checkUrl(v, false) === undefined) {
      setJson({ [key]: v === '' ? undefined : v });
    }
  };

  const onText = (key: TextKey) => (e: ChangeEvent<HTMLInputElement>) => {
    const v = e.currentTarget.value;
    setJson({ [key]: v === '' ? undefined : v });
  };

  const secondsLimits: Record<SecondsKey, [number, number]> = { timeoutSeconds: [1, 600], cacheTtlSeconds: [0, 86400] };
  const onSeconds = (key: SecondsKey) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setSecondsDrafts((d) => ({ ...d, [key]: value }));
    const [min, max] = secondsLimits[key];
    if (checkSeconds(value, min, max) === undefined) {
      setJson({ [key]: value.trim() === '' ? undefined : Number(value) });
    }
  };

  const onSecret = (key: SecureKey) => (e: FormEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: e.currentTarget.value } });
  };
  const onResetSecret = (key: SecureKey) => () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [key]: false },
      secureJsonData: { ...secureJsonData, [key]: '' },
    });
  };

  const roles = { ...DEFAULT_ROLES, ...jsonData.roles };
  const onRole = (action: VmAction) => (role: MinimumRole) => setJson({ roles: { ...roles, [action]: role } });

  const urlField = (key: UrlKey, sel: { testId: string; label: string }, description: string, placeholder: string) => {
    const error = urlError(key);
    return (
      <Field label={sel.label} description={description} invalid={!!error} error={error} required={urlRequired(key)}>
        <Input
          {...labelled(sel)}
          value={urlDrafts[key]}
          placeholder={placeholder}
          onChange={onUrl(key)}
          onBlur={() => setTouched((t) => ({ ...t, [key]: true }))}
          width={60}
        />
      </Field>
    );
  };

  const textField = (
    key: TextKey,
    sel: { testId: string; label: string },
    description: string | undefined,
    placeholder: string,
    width: number
  ) => (
    <Field label={sel.label} description={description}>
      <Input
        {...labelled(sel)}
        value={jsonData[key] ?? ''}
        placeholder={placeholder}
        onChange={onText(key)}
        width={width}
      />
    </Field>
  );

  const secretField = (
    key: Exclude<SecureKey, 'tlsCaCert'>,
    sel: { testId: string; label: string },
    description: string
  ) => (
    <Field label={sel.label} description={description}>
      <SecretInput
        {...labelled(sel)}
        isConfigured={!!secureJsonFields[key]}
        value={secureJsonData[key] ?? ''}
        onChange={onSecret(key)}
        onReset={onResetSecret(key)}
        width={60}
      />
    </Field>
  );

  const secondsField = (key: SecondsKey, sel: { testId: string; label: string }, description: string, def: number) => {
    const [min, max] = secondsLimits[key];
    const error = checkSeconds(secondsDrafts[key], min, max);
    return (
      <Field label={sel.label} description={description} invalid={!!error} error={error}>
        <Input
          {...labelled(sel)}
          inputMode="numeric"
          value={secondsDrafts[key]}
          placeholder={String(def)}
          onChange={onSeconds(key)}
          width={20}
        />
      </Field>
    );
  };

  return (
    <div className={styles.root}>
      <FieldSet label="vCenter">
        {urlField(
          'vcenterUrl',
          selectors.config.vcenterUrl,
          'Base URL of the vCenter Server; the REST API lives under /api.',
          'https://vcenter.example.com'
        )}
        {textField(
          'vcenterUser',
          selectors.config.vcenterUser,
          'A read-only account is enough unless VM actions are used.',
          'administrator@vsphere.local',
          60
        )}
        {secretField(
          'vcenterPassword',
          selectors.config.vcenterPassword,
          'Stored encrypted on the Grafana server; never sent back to the browser.'
        )}
      </FieldSet>

      <FieldSet label="vROps (Aria Operations)">
        {urlField(
          'vropsUrl',
          selectors.config.vropsUrl,
          'Base URL of vROps; the Suite API lives under /suite-api. Needed for metrics and alerts.',
          'https://vrops.example.com'
        )}
        {textField('vropsUser', selectors.config.vropsUser, undefined, 'admin', 60)}
        {secretField('vropsPassword', selectors.config.vropsPassword, 'Stored encrypted on the Grafana server.')}
        {textField(
          'vropsAuthSource',
          selectors.config.vropsAuthSource,
          "The vROps authentication source of the user: empty or 'local' for local users, else the LDAP / vIDM source name.",
          'local',
          40
        )}
      </FieldSet>

      <FieldSet label="TLS">
        <Field
          label={selectors.config.tlsCaCert.label}
          description="PEM certificate(s) of the CA that signed the vCenter, vROps and relay certificates. Stored encrypted."
        >
          <SecretTextArea
            {...labelled(selectors.config.tlsCaCert)}
            isConfigured={!!secureJsonFields.tlsCaCert}
            value={secureJsonData.tlsCaCert ?? ''}
            onChange={onSecret('tlsCaCert')}
            onReset={onResetSecret('tlsCaCert')}
            placeholder="-----BEGIN CERTIFICATE-----"
            rows={5}
            cols={64}
          />
        </Field>
        <Field
          label={selectors.config.tlsSkipVerify.label}
          description="Accept any certificate. Only for a lab: anyone on the network path can read the credentials."
        >
          <Switch
            {...labelled(selectors.config.tlsSkipVerify)}
            value={!!jsonData.tlsSkipVerify}
            onChange={(e) => setJson({ tlsSkipVerify: e.currentTarget.checked })}
          />
        </Field>
        {jsonData.tlsSkipVerify && (
          <Alert
            severity="warning"
            title={selectors.config.tlsSkipVerifyWarning.label}
            data-testid={selectors.config.tlsSkipVerifyWarning.testId}
          >
            Certificates of vCenter, vROps and the relay are not checked, so passwords can be intercepted. Add the CA
            certificate above instead.
          </Alert>
        )}
      </FieldSet>

      <FieldSet label="Limits">
        {secondsField(
          'timeoutSeconds',
          selectors.config.timeoutSeconds,
          'How long one vCenter or vROps request may take.',
          DEFAULT_TIMEOUT_SECONDS
        )}
        {secondsField(
          'cacheTtlSeconds',
          selectors.config.cacheTtlSeconds,
          'How long the backend reuses inventory (names, ids, placement). 0 turns caching off.',
          DEFAULT_CACHE_TTL_SECONDS
        )}
      </FieldSet>

      <FieldSet label="Alert relay">
        {urlField(
          'relayUrl',
          selectors.config.relayUrl,
          'The PrivateCloud alert relay: audit log of VM actions and e-mail subscriptions.',
          'http://alert-relay:8088'
        )}
        {secretField(
          'relayToken',
          selectors.config.relayToken,
          'The relay’s internal token (RELAY_INTERNAL_TOKEN). Stored encrypted.'
        )}
      </FieldSet>

      <FieldSet label="VM actions: minimum Grafana role">
        {ACTIONS.map(({ action, label }) => {
          const sel = selectors.config.role(action);
          return (
            <Field key={action} label={label} useFieldset>
              <RadioButtonGroup<MinimumRole>
                data-testid={sel.testId}
                aria-label={sel.label}
                options={ROLE_OPTIONS}
                value={roles[action]}
                onChange={onRole(action)}
              />
            </Field>
          );
        })}
      </FieldSet>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    maxWidth: theme.spacing(100),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
});
