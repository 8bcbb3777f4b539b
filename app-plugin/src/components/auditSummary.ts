import { AuditEvent } from '../types';
import { formatMiB } from './format';
import { guestOsText } from './labels';

/** Words for the power actions as the audit log records them (`params.action`). */
export const powerActionText: Record<string, string> = {
  start: 'power on',
  stop: 'power off',
  shutdown: 'shut down the guest',
  reboot: 'restart the guest',
  reset: 'reset',
  suspend: 'suspend',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && isFinite(v) ? v : undefined);
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** "4 → 8 GiB" when the old value is known, "8 GiB" otherwise; same unit on both sides. */
function change(before: number | undefined, after: number, fmt: (n: number) => string): string {
  if (before === undefined) {
    return `→ ${fmt(after)}`;
  }
  const a = fmt(after);
  const b = fmt(before);
  // Dropping the `$` survives and is equivalent: formatted sizes have one space, before the unit.
  const unit = / (\w+)$/.exec(a)?.[1];
  const bare = unit && b.endsWith(` ${unit}`) ? b.slice(0, -unit.length - 1) : b;
  return `${bare} → ${a}`;
}

/**
 * One readable line for an audit event's parameters ("memory 4 → 8 GiB", "power off"). Old
 * values come from `params.before` (`{ cpuCount?, memoryMiB? }`) when the backend records them.
 */
export function auditSummary(e: Pick<AuditEvent, 'action' | 'params'>, osNames?: Record<string, string>): string {
  const p = (e.params ?? {}) as Record<string, unknown>;
  const before = (p.before ?? {}) as Record<string, unknown>;
  switch (e.action) {
    case 'power':
      return powerActionText[String(p.action)] ?? String(p.action ?? 'power');
    case 'updateHardware': {
      const parts: string[] = [];
      const cpu = num(p.cpuCount);
      const mem = num(p.memoryMiB);
      if (cpu !== undefined) {
        parts.push(`CPUs ${change(num(before.cpuCount), cpu, String)}`);
      }
      if (mem !== undefined) {
        parts.push(`memory ${change(num(before.memoryMiB), mem, formatMiB)}`);
      }
      return parts.join(', ') || 'no change recorded';
    }
    case 'create': {
      const parts: string[] = [];
      const cpu = num(p.cpuCount);
      const mem = num(p.memoryMiB);
      const disk = num(p.diskGiB);
      if (cpu !== undefined) {
        parts.push(plural(cpu, 'vCPU'));
      }
      if (mem !== undefined) {
        parts.push(`${formatMiB(mem)} memory`);
      }
      if (disk) {
        parts.push(`${disk} GiB disk`);
      }
      if (typeof p.guestOS === 'string' && p.guestOS) {
        parts.push(guestOsText(p.guestOS, osNames));
      }
      return parts.join(', ') || 'new VM';
    }
    case 'delete':
      return 'delete, confirmed by typing the name';
    case 'clone': {
      const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      const what = str(p.templateName)
        ? `deploy from ${str(p.templateName)}`
        : `${p.kind === 'instant' ? 'instant clone' : 'clone'} of ${str(p.sourceName) ?? 'another VM'}`;
      const c = customizationText(
        p.customization ?? (str(p.customizationSpec) ? { spec: p.customizationSpec } : undefined)
      );
      return [what, c && `customized: ${c}`].filter(Boolean).join(', ');
    }
    case 'migrate': {
      const to = [p.toHostName, p.hostName].find((v) => typeof v === 'string' && v);
      const parts = [to ? `move to host ${to}` : p.host ? 'move to another host' : ''];
      if (p.datastore || p.disks) {
        parts.push(p.datastoreName ? `disks to ${p.datastoreName}` : 'disks to another datastore');
      }
      return parts.filter(Boolean).join(', ') || 'move';
    }
    case 'customize':
      return `Customized guest: ${customizationText(p) ?? 'stored spec'}`;
    default:
      return '';
  }
}

/** "linux-static-web, host web-01, 10.50.0.11/16" from a customization (`{ spec, hostName?, ip? }`). */
export function customizationText(c: unknown): string | undefined {
  if (!c || typeof c !== 'object') {
    return undefined;
  }
  const o = c as { spec?: unknown; hostName?: unknown; ip?: unknown };
  if (typeof o.spec !== 'string' || !o.spec) {
    return undefined;
  }
  const parts = [o.spec];
  if (typeof o.hostName === 'string' && o.hostName) {
    parts.push(`host ${o.hostName}`);
  }
  if (o.ip === 'dhcp') {
    parts.push('DHCP');
  } else if (o.ip && typeof o.ip === 'object') {
    const ip = o.ip as { address?: unknown; prefix?: unknown };
    if (typeof ip.address === 'string') {
      parts.push(`${ip.address}${typeof ip.prefix === 'number' ? `/${ip.prefix}` : ''}`);
    }
  }
  return parts.join(', ');
}

/** The parameters as "key: value" lines for the expandable details (nested objects flattened). */
export function auditDetails(params: Record<string, unknown> | undefined, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(params ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      out.push(...auditDetails(v as Record<string, unknown>, key));
    } else if (v !== undefined && v !== null && v !== '' && v !== 0) {
      out.push([key, Array.isArray(v) ? v.join(', ') : String(v)]);
    }
  }
  return out;
}
