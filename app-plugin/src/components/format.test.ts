import { formatBytes, formatMHz, formatMiB, formatPercent, formatTime, powerStateText } from './format';

describe('formatBytes', () => {
  it.each([
    [undefined, '—'],
    [NaN, '—'],
    [Infinity, '—'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [99.94 * 1024, '99.9 KiB'],
    [100 * 1024, '100 KiB'],
    [1023 * 1024, '1023 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [40 * 1024 ** 3, '40.0 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
    [3 * 1024 ** 5, '3.0 PiB'],
    [2048 * 1024 ** 5, '2048 PiB'],
    [-2048, '-2.0 KiB'],
  ])('%j → %j', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
  it('treats null like a missing value', () => expect(formatBytes(null as unknown as number)).toBe('—'));
});

describe('formatMiB', () => {
  it.each([
    [undefined, '—'],
    [512, '512 MiB'],
    [4096, '4.0 GiB'],
    [6128640, '5.8 TiB'],
  ])('%j → %j', (mib, text) => expect(formatMiB(mib)).toBe(text));
});

describe('formatMHz', () => {
  it.each([
    [undefined, '—'],
    [NaN, '—'],
    [999.4, '999 MHz'],
    [999.6, '1000 MHz'],
    [1000, '1.0 GHz'],
    [2450, '2.5 GHz'],
    [-1500, '-1.5 GHz'],
    [-999, '-999 MHz'],
  ])('%j → %j', (mhz, text) => expect(formatMHz(mhz)).toBe(text));
  it('treats null like a missing value', () => expect(formatMHz(null as unknown as number)).toBe('—'));
});

describe('formatPercent', () => {
  it.each([
    [undefined, '—'],
    [NaN, '—'],
    [Infinity, '—'],
    [0, '0.0 %'],
    [87.25, '87.3 %'],
  ])('%j → %j', (pct, text) => expect(formatPercent(pct)).toBe(text));
  it('treats null like a missing value', () => expect(formatPercent(null as unknown as number)).toBe('—'));
});

describe('formatTime', () => {
  it.each([
    [undefined, '—'],
    ['', '—'],
    ['not a date', 'not a date'],
    ['2026-11-26T10:00:00Z', new Date('2026-11-26T10:00:00Z').toLocaleString()],
  ])('%j → %j', (iso, text) => expect(formatTime(iso)).toBe(text));
});

describe('powerStateText', () => {
  it('puts every power state in words', () =>
    expect(powerStateText).toEqual({ POWERED_ON: 'Powered on', POWERED_OFF: 'Powered off', SUSPENDED: 'Suspended' }));
});
