/**
 * Words for what vCenter and vROps report as enums, so that people read "Powered on" and "Ubuntu
 * Linux (64-bit)" rather than POWERED_ON and UBUNTU_64. Pure functions (table tests in labels.test.ts).
 */

/**
 * Guest OS names for common vCenter `GuestOS` identifiers (VMware vSphere API, vim.vm.GuestOsDescriptor)
 * whose name is not the identifier spelt out (RHEL_9_64, CENTOS_8_64, SLES_15_64, FREEBSD_13_64,
 * OTHER_LINUX_64, OTHER_64 are spelt out by guestOsText below; labels.test.ts checks them).
 */
const GUEST_OS: Record<string, string> = {
  UBUNTU_64: 'Ubuntu Linux (64-bit)',
  UBUNTU: 'Ubuntu Linux (32-bit)',
  DEBIAN_12_64: 'Debian GNU/Linux 12 (64-bit)',
  DEBIAN_11_64: 'Debian GNU/Linux 11 (64-bit)',
  DEBIAN_10_64: 'Debian GNU/Linux 10 (64-bit)',
  ROCKYLINUX_64: 'Rocky Linux (64-bit)',
  ALMALINUX_64: 'AlmaLinux (64-bit)',
  OTHER_5X_LINUX_64: 'Other 5.x or later Linux (64-bit)',
  WINDOWS_SERVER_2021: 'Microsoft Windows Server 2022 (64-bit)',
  WINDOWS_SERVER_2019: 'Microsoft Windows Server 2019 (64-bit)',
  WINDOWS_9_SERVER_64: 'Microsoft Windows Server 2016 (64-bit)',
  WINDOWS_9_64: 'Microsoft Windows 10 (64-bit)',
  WINDOWS_11_64: 'Microsoft Windows 11 (64-bit)',
  OTHER: 'Other (32-bit)',
};

const WORDS: Record<string, string> = {
  RHEL: 'Red Hat Enterprise Linux',
  SLES: 'SUSE Linux Enterprise',
  CENTOS: 'CentOS',
  FREEBSD: 'FreeBSD',
};

/**
 * The guest OS in words: the backend's name when it sent one (`names`, from `options/guest-os`),
 * else a known name, else the identifier spelt out ("ORACLE_LINUX_9_64" → "Oracle Linux 9 (64-bit)").
 */
export function guestOsText(id: string | undefined, names?: Record<string, string>): string {
  if (!id) {
    return '—';
  }
  const known = names?.[id] ?? GUEST_OS[id];
  if (known) {
    return known;
  }
  const parts = id
    .replace(/Guest$/, '')
    .split('_')
    .filter(Boolean);
  let bits = '';
  if (parts.at(-1) === '64') {
    parts.pop();
    bits = ' (64-bit)';
  }
  // Mutating /^\d+$/ to /^\d$/ survives and is equivalent: digits have no case, so both branches agree.
  const words = parts.map((p) => WORDS[p] ?? (/^\d+$/.test(p) ? p : p.charAt(0) + p.slice(1).toLowerCase()));
  return words.join(' ') + bits || id;
}

/** An enum such as NOT_RESPONDING in words ("Not responding"); "—" when absent. */
export function enumText(v: string | undefined): string {
  if (!v) {
    return '—';
  }
  const s = v.replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "4 vCPUs (2 sockets × 2 cores)", "1 vCPU (1 socket × 1 core)". */
export function cpuText(count: number, coresPerSocket?: number): string {
  // `> 0` → `>= 0` survives and is equivalent: 0 is already falsy in `coresPerSocket &&`.
  const cps = coresPerSocket && coresPerSocket > 0 ? coresPerSocket : 1;
  const sockets = Math.max(1, Math.round(count / cps));
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(count, 'vCPU')} (${plural(sockets, 'socket')} × ${plural(cps, 'core')})`;
}

/** Memory entered in a unit, as MiB; undefined when it is not a whole number of MiB. */
export function toMiB(amount: string, unit: 'GiB' | 'MiB'): number | undefined {
  const t = amount.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) {
    return undefined;
  }
  const mib = unit === 'GiB' ? Number(t) * 1024 : Number(t);
  return Number.isInteger(mib) ? mib : undefined;
}

/** MiB shown in the unit a person would pick: GiB when it is a whole (or half) number of GiB. */
export function fromMiB(mib: number): { amount: string; unit: 'GiB' | 'MiB' } {
  return mib >= 1024 && (mib / 1024) % 0.5 === 0
    ? { amount: String(mib / 1024), unit: 'GiB' }
    : { amount: String(mib), unit: 'MiB' };
}
