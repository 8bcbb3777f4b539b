import React from 'react';
import { Combobox, ComboboxOption, Field, FieldSet, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { CustomizationErrors, CustomizationForm } from '../../rules/customize';
import { IpMode } from '../../rules/provision';
import { selectors } from '../../selectors';
import { CustomizationSpecInfo } from '../../types';
import { enumText } from '../labels';

function ipModes(many: boolean): Array<{ label: string; value: IpMode; description: string }> {
  return [
    { label: 'As the spec says', value: 'spec', description: 'The stored spec’s IPv4 settings' },
    {
      label: 'DHCP',
      value: 'dhcp',
      description: many ? 'Each VM asks a DHCP server for its address' : 'The guest asks a DHCP server for its address',
    },
    {
      label: 'Static',
      value: 'static',
      description: many ? 'Consecutive addresses, one per VM' : 'A fixed address, prefix and gateway',
    },
  ];
}

/** Test ids of the fields (New VM's by default; the VM page's dialog has its own). */
export type CustomizationFieldIds = Pick<
  typeof selectors.newVm,
  'spec' | 'hostName' | 'ipMode' | 'ipAddress' | 'ipPrefix' | 'ipGateway'
>;

/**
 * Guest customization: a stored spec for the guest's OS family (others are not offered: vCenter
 * refuses a Windows spec for Linux), the host name (pattern) and IPv4 settings per VM. Used by New
 * VM (clone, template) and by "Customize guest" on the VM page.
 */
export function CustomizationFields({
  specs,
  family,
  f,
  count = '1',
  errors,
  onChange,
  required = false,
  hostNameHint,
  ids = selectors.newVm,
}: {
  specs: CustomizationSpecInfo[];
  /** `LINUX`, `WINDOWS`, or undefined when the guest's family is unknown (every spec offered). */
  family?: string;
  f: CustomizationForm;
  /** How many VMs the values are for (New VM's count field). */
  count?: string;
  errors: CustomizationErrors;
  onChange: (patch: Partial<CustomizationForm>) => void;
  /** A spec must be chosen (no "No customization"); the other fields show before it is. */
  required?: boolean;
  /** Description of the host name field, instead of New VM's "Empty = from the VM's name". */
  hostNameHint?: string;
  ids?: CustomizationFieldIds;
}) {
  const fitting = specs.filter((s) => !family || s.osType === family);
  const ip = errors.ipFields ?? {};
  const many = Number(count) > 1;
  return (
    <FieldSet label="Guest customization">
      <div data-testid={ids.spec}>
        <Field
          label="Customization spec"
          description={
            family
              ? `Stored specs for ${enumText(family)} guests (${fitting.length} of ${specs.length})`
              : 'The guest OS family is not known: vCenter checks that the spec fits'
          }
          invalid={!!errors.spec}
          error={errors.spec}
        >
          <Combobox
            aria-label="Customization spec"
            width={60}
            isClearable={!required}
            placeholder={required ? 'Choose a spec' : 'No customization'}
            options={fitting.map((s) => ({ label: s.name, value: s.name, description: s.description }))}
            value={f.spec || null}
            onChange={(o: ComboboxOption<string> | null) => onChange({ spec: o?.value ?? '' })}
          />
        </Field>
      </div>
      {(f.spec || required) && (
        <>
          <Field
            label="Host name"
            description={
              hostNameHint ??
              (many
                ? 'Empty = from each VM’s name; ## is the VM’s number (web-## → web-01, web-02, …)'
                : 'Empty = from the VM’s name')
            }
            invalid={!!errors.hostNamePattern}
            error={errors.hostNamePattern}
          >
            <Input
              width={40}
              value={f.hostNamePattern}
              placeholder="From the VM name"
              onChange={(e) => onChange({ hostNamePattern: e.currentTarget.value })}
              data-testid={ids.hostName}
            />
          </Field>
          <Field label="IPv4 settings of the first network adapter">
            <RadioButtonGroup
              aria-label="IPv4 settings"
              data-testid={ids.ipMode}
              options={ipModes(many)}
              value={f.ipMode}
              onChange={(ipMode) => onChange({ ipMode })}
            />
          </Field>
          {f.ipMode === 'static' && (
            <Stack direction="row" gap={2} wrap="wrap">
              <Field
                label={many ? 'First address' : 'Address'}
                description={many ? 'The next VMs take the next addresses' : undefined}
                invalid={!!ip.address}
                error={ip.address}
              >
                <Input
                  width={20}
                  value={f.ip.address}
                  placeholder="10.50.0.11"
                  onChange={(e) => onChange({ ip: { ...f.ip, address: e.currentTarget.value } })}
                  data-testid={ids.ipAddress}
                />
              </Field>
              <Field label="Prefix length" description="24 = 255.255.255.0" invalid={!!ip.prefix} error={ip.prefix}>
                <Input
                  width={10}
                  type="number"
                  value={f.ip.prefix}
                  onChange={(e) => onChange({ ip: { ...f.ip, prefix: e.currentTarget.value } })}
                  data-testid={ids.ipPrefix}
                />
              </Field>
              <Field label="Gateway" invalid={!!ip.gateway} error={ip.gateway}>
                <Input
                  width={20}
                  value={f.ip.gateway}
                  placeholder="10.50.0.1"
                  onChange={(e) => onChange({ ip: { ...f.ip, gateway: e.currentTarget.value } })}
                  data-testid={ids.ipGateway}
                />
              </Field>
            </Stack>
          )}
        </>
      )}
    </FieldSet>
  );
}
