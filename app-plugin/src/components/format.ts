import { PowerState } from '../types';

/** Bytes as a short human-readable size in binary units. */
export function formatBytes(bytes?: number): string {
  // Each `=== undefined` test here and below may be mutated to false and survive, equivalently:
  // isFinite(undefined) is false, so the value still reads "—".
  if (bytes === undefined || bytes === null || !isFinite(bytes)) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** MiB as a human-readable size. */
export function formatMiB(mib?: number): string {
  return mib === undefined ? '—' : formatBytes(mib * 1024 * 1024);
}

/** A frequency given in MHz, in GHz from 1 GHz up. */
export function formatMHz(mhz?: number): string {
  if (mhz === undefined || mhz === null || !isFinite(mhz)) {
    return '—';
  }
  return Math.abs(mhz) >= 1000 ? `${(mhz / 1000).toFixed(1)} GHz` : `${Math.round(mhz)} MHz`;
}

/** A percentage with one decimal. */
export function formatPercent(pct?: number): string {
  return pct === undefined || pct === null || !isFinite(pct) ? '—' : `${pct.toFixed(1)} %`;
}

/** A timestamp as local date and time. */
export function formatTime(iso?: string): string {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Words for a power state. */
export const powerStateText: Record<PowerState, string> = {
  POWERED_ON: 'Powered on',
  POWERED_OFF: 'Powered off',
  SUSPENDED: 'Suspended',
};
