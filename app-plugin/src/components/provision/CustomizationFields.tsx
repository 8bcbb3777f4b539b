import React from 'react';
import { Combobox, Field, FieldSet, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { IpMode, ProvisionErrors, ProvisionForm } from '../../rules/provision';
import { selectors } from '../../selectors';
import { CustomizationSpecInfo } from '../../types';
import { enumText } from '../labels';

const IP_MODES: Array<{ label: string; value: IpMode; description: string }> = [
  { label: 'As the spec says', value: 'spec', description: 'The stored spec’s IPv4 settings' },
  { label: 'DHCP', value: 'dhcp', description: 'Each VM asks a DHCP server for its address' },
  { label: 'Static', value: 'static', description: 'Consecutive addresses, one per VM' },
];

/**
 * Guest customization: a stored spec for the guest's OS family (others are not offered: vCenter
 * refuses a Windows spec for Linux), the host name pattern and IPv4 settings per VM.
 */
export function CustomizationFields({
  specs,
  family,
  f,
  errors,
  onChange,
}: {
  specs: CustomizationSpecInfo[];
  /** `LINUX`, `WINDOWS`, or undefined when the guest's family is unknown (every spec offered). */
  family?: string;
  f: ProvisionForm;
  errors: ProvisionErrors;
  onChange: (patch: Partial<ProvisionForm>) => void;
}) {
  const fitting = specs.filter((s) => !family || s.osType === family);
  const ip = errors.ipFields ?? {};
  const many = Number(f.count) > 1;
  return (
    <FieldSet label="Guest customization">
      <div data-testid={selectors.newVm.spec}>
        <Field
          label="Customization spec"
          description={
            family
              ? `Stored specs for ${enumText(family)} guests (${fitting.length} of ${specs.length})`
              : 'The guest OS family is not known: vCenter checks that the spec fits'
          }
        >
          <Combobox
            aria-label="Customization spec"
            width={60}
            isClearable
            placeholder="No customization"
            options={fitting.map((s) => ({ label: s.name, value: s.name, description: s.description }))}
            value={f.spec || null}
            onChange={(o) => onChange({ spec: o?.value ?? '' })}
          />
        </Field>
      </div>
      {f.spec && (
        <>
          <Field
            label="Host name"
            description={
              many
                ? 'Empty = from each VM’s name; ## is the VM’s number (web-## → web-01, web-02, …)'
                : 'Empty = from the VM’s name'
            }
            invalid={!!errors.hostNamePattern}
            error={errors.hostNamePattern}
          >
            <Input
              width={40}
              value={f.hostNamePattern}
              placeholder="From the VM name"
              onChange={(e) => onChange({ hostNamePattern: e.currentTarget.value })}
              data-testid={selectors.newVm.hostName}
            />
          </Field>
          <Field label="IPv4 settings of the first network adapter">
            <RadioButtonGroup
              aria-label="IPv4 settings"
              data-testid={selectors.newVm.ipMode}
              options={IP_MODES}
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
                  data-testid={selectors.newVm.ipAddress}
                />
              </Field>
              <Field label="Prefix length" description="24 = 255.255.255.0" invalid={!!ip.prefix} error={ip.prefix}>
                <Input
                  width={10}
                  type="number"
                  value={f.ip.prefix}
                  onChange={(e) => onChange({ ip: { ...f.ip, prefix: e.currentTarget.value } })}
                  data-testid={selectors.newVm.ipPrefix}
                />
              </Field>
              <Field label="Gateway" invalid={!!ip.gateway} error={ip.gateway}>
                <Input
                  width={20}
                  value={f.ip.gateway}
                  placeholder="10.50.0.1"
                  onChange={(e) => onChange({ ip: { ...f.ip, gateway: e.currentTarget.value } })}
                  data-testid={selectors.newVm.ipGateway}
                />
              </Field>
            </Stack>
          )}
        </>
      )}
    </FieldSet>
  );
}
