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
