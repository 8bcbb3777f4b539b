import { formatIpv4, hostNameFromVmName, parseIpv4, validateHostName, validateIpRange } from './network';

describe('host names', () => {
  it.each([
    ['web-01', 'LINUX', undefined],
    ['a'.repeat(63), 'LINUX', undefined],
    ['a'.repeat(64), 'LINUX', 'The host name ' + 'a'.repeat(64) + ' has 64 characters; a host name has at most 63.'],
    ['WEB01-PROD-IIS15', 'WINDOWS', 'The host name WEB01-PROD-IIS15 has 16 characters; Windows allows at most 15.'],
    ['web01-prod-iis1', 'WINDOWS', undefined],
    ['', 'LINUX', 'Enter a host name.'],
    ['web_01', 'LINUX', 'The host name web_01 may only have letters, digits and hyphens.'],
    ['web.lab', undefined, 'The host name web.lab may only have letters, digits and hyphens.'],
    ['-web', 'LINUX', 'The host name -web must not start or end with a hyphen.'],
    ['web-', 'LINUX', 'The host name web- must not start or end with a hyphen.'],
    ['1234', 'WINDOWS', 'The computer name 1234 must not be only digits.'],
    ['1234', 'LINUX', undefined],
    ['12ab', 'WINDOWS', undefined],
  ])('%j (%s) → %j', (name, family, message) => {
    expect(validateHostName(name, family)).toBe(message);
  });

  it.each([
    ['web-01', 'LINUX', 'web-01'],
    ['Web 01 (blue)', 'LINUX', 'web-01-blue'],
    ['__db__', 'LINUX', 'db'],
    ['sql-server-prod-east-01', 'WINDOWS', 'sql-server-prod'],
    ['sql-server-pro-x', 'WINDOWS', 'sql-server-pro'],
    ['ü', 'LINUX', ''],
    ['a'.repeat(70), 'LINUX', 'a'.repeat(63)],
  ])('from the VM name %j (%s) → %j', (vm, family, host) => {
    expect(hostNameFromVmName(vm, family)).toBe(host);
  });
});

describe('IPv4', () => {
  it.each([
    ['10.50.0.11', 0x0a32000b],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    [' 192.168.1.1 ', 0xc0a80101],
    ['256.1.1.1', undefined],
    ['10.1.1', undefined],
    ['10.01.1.1', undefined],
    ['a.b.c.d', undefined],
    ['', undefined],
    ['x1.2.3.4', undefined],
    ['1.2.3.4x', undefined],
  ])('parses %j → %s', (s, n) => {
    expect(parseIpv4(s)).toBe(n);
  });
  it('formats back', () => {
    expect(formatIpv4(0x0a32000b)).toBe('10.50.0.11');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
  });

  const ok = { address: '10.50.0.11', prefix: '16', gateway: '10.50.0.1' };
  it.each([
    [ok, 3, { addresses: ['10.50.0.11', '10.50.0.12', '10.50.0.13'] }],
    [{ ...ok, address: '192.168.1.254', prefix: '24', gateway: '192.168.1.1' }, 1, { addresses: ['192.168.1.254'] }],
    [{ address: '10.0.0.255', prefix: '16', gateway: '10.0.0.1' }, 2, { addresses: ['10.0.0.255', '10.0.1.0'] }],
    [{ address: '10.0.0.0', prefix: '31', gateway: '10.0.0.1' }, 1, { addresses: ['10.0.0.0'] }],
    [
      { address: '192.168.1.253', prefix: '24', gateway: '192.168.1.1' },
      3,
      { address: '3 addresses from 192.168.1.253 go past 192.168.1.254, the last address of 192.168.1.0/24.' },
    ],
    [
      { address: '192.168.1.255', prefix: '24', gateway: '192.168.1.1' },
      1,
      { address: '192.168.1.255 is the broadcast address of 192.168.1.0/24.' },
    ],
    [
      { address: '192.168.1.0', prefix: '24', gateway: '192.168.1.1' },
      1,
      { address: '192.168.1.0 is the network address of 192.168.1.0/24; start at 192.168.1.1 or later.' },
    ],
    [{ ...ok, gateway: '10.51.0.1' }, 1, { gateway: 'The gateway 10.51.0.1 is not in 10.50.0.0/16.' }],
    [{ ...ok, gateway: '10.50.0.12' }, 3, { gateway: "The gateway 10.50.0.12 is one of the VMs' addresses." }],
    [{ ...ok, gateway: '10.50.0.14' }, 3, { addresses: ['10.50.0.11', '10.50.0.12', '10.50.0.13'] }],
    [
      { address: '10.0.0.1', prefix: '32', gateway: '10.0.0.1' },
      1,
      { gateway: "The gateway 10.0.0.1 is one of the VMs' addresses." },
    ],
    [
      { address: '10.0.0.1', prefix: '32', gateway: '10.0.0.2' },
      1,
      { gateway: 'The gateway 10.0.0.2 is not in 10.0.0.1/32.' },
    ],
    [{ address: '10.0.0.1', prefix: '31', gateway: '10.0.0.0' }, 1, { addresses: ['10.0.0.1'] }],
    [{ address: '10.0.0.1', prefix: '1', gateway: '10.0.0.0' }, 1, { addresses: ['10.0.0.1'] }],
    [{ address: '10.0.0.1', prefix: ' 8 ', gateway: '10.0.0.254' }, 2, { addresses: ['10.0.0.1', '10.0.0.2'] }],
    [{ ...ok, gateway: '10.50.0.11' }, 3, { gateway: "The gateway 10.50.0.11 is one of the VMs' addresses." }],
    [{ ...ok, gateway: '10.50.0.13' }, 3, { gateway: "The gateway 10.50.0.13 is one of the VMs' addresses." }],
    [{ ...ok, prefix: '16x' }, 1, { prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).' }],
    [{ ...ok, prefix: 'x16' }, 1, { prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).' }],
    [{ ...ok, prefix: '33' }, 1, { prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).' }],
    [{ ...ok, prefix: '0' }, 1, { prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).' }],
    [{ ...ok, prefix: '' }, 1, { prefix: 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).' }],
    [{ ...ok, address: '10.50.0' }, 1, { address: 'Enter an IPv4 address such as 10.50.0.11.' }],
    [{ ...ok, gateway: 'gw' }, 1, { gateway: 'Enter the gateway as an IPv4 address.' }],
  ])('%j × %i', (f, count, want) => {
    const r = validateIpRange(f, count);
    if ('addresses' in want) {
      expect(r).toEqual({ errors: {}, addresses: want.addresses });
    } else {
      expect(r.addresses).toBeUndefined();
      expect(r.errors).toEqual(want);
    }
  });
});
