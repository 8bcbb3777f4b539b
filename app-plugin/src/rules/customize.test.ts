import { customizeBlocked, CustomizationForm, planCustomization } from './customize';

const vm = { name: 'web-42', powerState: 'POWERED_OFF', hostName: 'web-42', ip: '10.1.2.42' };
const base: CustomizationForm = {
  spec: 'linux-static-web',
  hostNamePattern: 'app-07',
  ipMode: 'spec',
  ip: { address: '', prefix: '24', gateway: '' },
};
const ip = { address: '10.50.0.21', prefix: '16', gateway: '10.50.0.1' };

describe('customizeBlocked', () => {
  it.each([
    ['POWERED_OFF', undefined],
    ['POWERED_ON', 'Power off the VM first'],
    ['SUSPENDED', 'Power off the VM first'],
  ])('%s → %j', (state, reason) => {
    expect(customizeBlocked(state)).toBe(reason);
  });
});

describe('planCustomization', () => {
  it.each([
    [
      'the spec’s own IPv4',
      base,
      { spec: 'linux-static-web', hostName: 'app-07' },
      'web-42 gets the spec linux-static-web at its next power-on: host name app-07 (now web-42), IPv4 as the spec linux-static-web says (now 10.1.2.42).',
    ],
    [
      'DHCP',
      { ...base, ipMode: 'dhcp' as const, hostNamePattern: ' app-07 ' },
      { spec: 'linux-static-web', hostName: 'app-07', ip: 'dhcp' },
      'web-42 gets the spec linux-static-web at its next power-on: host name app-07 (now web-42), IPv4 from DHCP (now 10.1.2.42).',
    ],
    [
      'static',
      { ...base, ipMode: 'static' as const, ip: { address: ' 10.50.0.21', prefix: '16', gateway: '10.50.0.1 ' } },
      { spec: 'linux-static-web', hostName: 'app-07', ip: { address: '10.50.0.21', prefix: 16, gateway: '10.50.0.1' } },
      'web-42 gets the spec linux-static-web at its next power-on: host name app-07 (now web-42), IPv4 10.50.0.21/16 via 10.50.0.1 (now 10.1.2.42).',
    ],
  ])('%s: body and summary', (_, f, body, summary) => {
    expect(planCustomization(f, vm)).toEqual({ errors: {}, body, summary });
  });

  it('leaves out what the guest did not report', () => {
    expect(planCustomization(base, { name: 'db', powerState: 'POWERED_OFF' }, 'LINUX').summary).toBe(
      'db gets the spec linux-static-web at its next power-on: host name app-07, IPv4 as the spec linux-static-web says.'
    );
  });

  it.each([
    ['no spec', { ...base, spec: '' }, undefined, { spec: 'Choose a customization spec.' }],
    ['no host name', { ...base, hostNamePattern: '  ' }, 'LINUX', { hostNamePattern: 'Enter a host name.' }],
    [
      'a Windows name too long',
      { ...base, hostNamePattern: 'sql-server-prod-1' },
      'WINDOWS',
      { hostNamePattern: 'The host name sql-server-prod-1 has 17 characters; Windows allows at most 15.' },
    ],
    ['the same name is fine for Linux', { ...base, hostNamePattern: 'sql-server-prod-1' }, 'LINUX', undefined],
    [
      'a dot in the host name',
      { ...base, hostNamePattern: 'app.lab' },
      undefined,
      { hostNamePattern: 'The host name app.lab may only have letters, digits and hyphens.' },
    ],
    [
      'gateway outside the subnet',
      { ...base, ipMode: 'static' as const, ip: { ...ip, prefix: '24', gateway: '10.50.1.1' } },
      'LINUX',
      { ipFields: { gateway: 'The gateway 10.50.1.1 is not in 10.50.0.0/24.' } },
    ],
    [
      'broadcast address',
      { ...base, ipMode: 'static' as const, ip: { ...ip, address: '10.50.255.255' } },
      'LINUX',
      { ipFields: { address: '10.50.255.255 is the broadcast address of 10.50.0.0/16.' } },
    ],
    [
      'every IPv4 field empty',
      { ...base, ipMode: 'static' as const, ip: { address: '', prefix: '', gateway: '' } },
      'LINUX',
      {
        ipFields: {
          address: 'Enter an IPv4 address such as 10.50.0.11.',
          prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).',
          gateway: 'Enter the gateway as an IPv4 address.',
        },
      },
    ],
    [
      'bad static fields are ignored with DHCP',
      { ...base, ipMode: 'dhcp' as const, ip: { address: 'x', prefix: '99', gateway: '' } },
      'LINUX',
      undefined,
    ],
  ])('%s', (_, f, family, errors) => {
    const r = planCustomization(f, vm, family);
    expect(r.errors).toEqual(errors ?? {});
    expect(r.body === undefined).toBe(errors !== undefined);
    expect(r.summary === undefined).toBe(errors !== undefined);
  });
});
