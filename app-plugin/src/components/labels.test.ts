import { cpuText, enumText, fromMiB, guestOsText, toMiB } from './labels';

describe('guestOsText', () => {
  it.each([
    ['UBUNTU_64', undefined, 'Ubuntu Linux (64-bit)'],
    ['RHEL_9_64', undefined, 'Red Hat Enterprise Linux 9 (64-bit)'],
    ['ORACLE_LINUX_9_64', undefined, 'Oracle Linux 9 (64-bit)'],
    ['SOLARIS_11', undefined, 'Solaris 11'],
    ['UBUNTU_64', { UBUNTU_64: 'Ubuntu from the backend' }, 'Ubuntu from the backend'],
    ['', undefined, '—'],
    [undefined, undefined, '—'],
  ])('%j → %j', (id, names, text) => {
    expect(guestOsText(id, names)).toBe(text);
  });
});

describe('enumText', () => {
  it.each([
    ['POWERED_ON', 'Powered on'],
    ['NOT_RESPONDING', 'Not responding'],
    ['CONNECTED', 'Connected'],
    ['success', 'Success'],
    [undefined, '—'],
  ])('%j → %j', (v, text) => expect(enumText(v)).toBe(text));
});

describe('cpuText', () => {
  it.each([
    [1, 1, '1 vCPU (1 socket × 1 core)'],
    [4, 2, '4 vCPUs (2 sockets × 2 cores)'],
    [8, undefined, '8 vCPUs (8 sockets × 1 core)'],
    [8, 8, '8 vCPUs (1 socket × 8 cores)'],
  ])('%i / %j', (n, cps, text) => expect(cpuText(n, cps)).toBe(text));
});

describe('memory units', () => {
  it.each([
    ['8', 'GiB', 8192],
    ['0.5', 'GiB', 512],
    ['1,5', 'GiB', 1536],
    ['4096', 'MiB', 4096],
    ['4096.5', 'MiB', undefined],
    ['0.0001', 'GiB', undefined],
    ['-1', 'GiB', undefined],
    ['', 'MiB', undefined],
    ['eight', 'GiB', undefined],
  ] as const)('%j %s → %j MiB', (amount, unit, mib) => expect(toMiB(amount, unit)).toBe(mib));
  it.each([
    [8192, { amount: '8', unit: 'GiB' }],
    [1536, { amount: '1.5', unit: 'GiB' }],
    [1000, { amount: '1000', unit: 'MiB' }],
    [4, { amount: '4', unit: 'MiB' }],
  ])('%i MiB shown as %j', (mib, shown) => expect(fromMiB(mib)).toEqual(shown));
});

describe('guestOsText: every known vCenter identifier', () => {
  it.each([
    ['RHEL_9_64', 'Red Hat Enterprise Linux 9 (64-bit)'],
    ['SLES_15_64', 'SUSE Linux Enterprise 15 (64-bit)'],
    ['FREEBSD_13_64', 'FreeBSD 13 (64-bit)'],
    ['UBUNTU', 'Ubuntu Linux (32-bit)'],
    ['DEBIAN_12_64', 'Debian GNU/Linux 12 (64-bit)'],
    ['DEBIAN_11_64', 'Debian GNU/Linux 11 (64-bit)'],
    ['DEBIAN_10_64', 'Debian GNU/Linux 10 (64-bit)'],
    ['RHEL_8_64', 'Red Hat Enterprise Linux 8 (64-bit)'],
    ['RHEL_7_64', 'Red Hat Enterprise Linux 7 (64-bit)'],
    ['CENTOS_8_64', 'CentOS 8 (64-bit)'],
    ['CENTOS_7_64', 'CentOS 7 (64-bit)'],
    ['ROCKYLINUX_64', 'Rocky Linux (64-bit)'],
    ['ALMALINUX_64', 'AlmaLinux (64-bit)'],
    ['SLES_15_64', 'SUSE Linux Enterprise 15 (64-bit)'],
    ['OTHER_LINUX_64', 'Other Linux (64-bit)'],
    ['OTHER_5X_LINUX_64', 'Other 5.x or later Linux (64-bit)'],
    ['WINDOWS_SERVER_2021', 'Microsoft Windows Server 2022 (64-bit)'],
    ['WINDOWS_SERVER_2019', 'Microsoft Windows Server 2019 (64-bit)'],
    ['WINDOWS_9_SERVER_64', 'Microsoft Windows Server 2016 (64-bit)'],
    ['WINDOWS_9_64', 'Microsoft Windows 10 (64-bit)'],
    ['WINDOWS_11_64', 'Microsoft Windows 11 (64-bit)'],
    ['FREEBSD_13_64', 'FreeBSD 13 (64-bit)'],
    ['OTHER_64', 'Other (64-bit)'],
    ['OTHER', 'Other (32-bit)'],
  ])('%s → %s', (id, text) => expect(guestOsText(id)).toBe(text));
});

describe('guestOsText: identifiers spelt out', () => {
  it.each([
    ['RHEL_10_64', 'Red Hat Enterprise Linux 10 (64-bit)'],
    ['SLES_16_64', 'SUSE Linux Enterprise 16 (64-bit)'],
    ['CENTOS_9_64', 'CentOS 9 (64-bit)'],
    ['FREEBSD_14_64', 'FreeBSD 14 (64-bit)'],
    ['PHOTON_64Guest', 'Photon (64-bit)'],
    ['MYGuestOS_64', 'Myguestos (64-bit)'],
    ['ORACLE__LINUX', 'Oracle Linux'],
    ['9X_64', '9x (64-bit)'],
    ['AB9_64', 'Ab9 (64-bit)'],
    ['_', '_'],
  ])('%s → %s', (id, text) => expect(guestOsText(id)).toBe(text));
});

describe('cpuText: missing or nonsensical cores per socket count as 1', () => {
  it.each([
    [2, 0, '2 vCPUs (2 sockets × 1 core)'],
    [2, -2, '2 vCPUs (2 sockets × 1 core)'],
    [3, 2, '3 vCPUs (2 sockets × 2 cores)'],
  ])('%i / %j', (n, cps, text) => expect(cpuText(n, cps)).toBe(text));
});

describe('memory units: edges', () => {
  it.each([
    [' 8 ', 'GiB', 8192],
    ['8x', 'GiB', undefined],
    ['x8', 'MiB', undefined],
    ['8e3', 'MiB', undefined],
    ['0x10', 'MiB', undefined],
  ] as const)('%j %s → %j MiB', (amount, unit, mib) => expect(toMiB(amount, unit)).toBe(mib));
  it.each([
    [512, { amount: '512', unit: 'MiB' }],
    [1024, { amount: '1', unit: 'GiB' }],
    [1025, { amount: '1025', unit: 'MiB' }],
    [1023, { amount: '1023', unit: 'MiB' }],
  ])('%i MiB shown as %j', (mib, shown) => expect(fromMiB(mib)).toEqual(shown));
});
