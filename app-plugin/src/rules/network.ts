/**
 * Guest network rules for customization: host names and IPv4 settings, checked as the backend
 * checks them before vCenter (docs/contracts.md §3 "Customization"): host name an RFC 1123 label
 * (Windows computer names at most 15 characters, VMware's `CustomizationSysprep` NetBIOS limit),
 * IPv4 address, prefix 1–32 and a gateway in the same subnet. Pure functions (network.test.ts).
 */

/** Longest host name label (RFC 1123). */
export const MAX_HOST_NAME = 63;
/** Longest Windows computer name (NetBIOS). */
export const MAX_WINDOWS_NAME = 15;

/** Checks a guest host name; `family` is the guest OS family (`LINUX`, `WINDOWS`). */
export function validateHostName(name: string, family?: string): string | undefined {
  if (name === '') {
    return 'Enter a host name.';
  }
  const max = family === 'WINDOWS' ? MAX_WINDOWS_NAME : MAX_HOST_NAME;
  if (name.length > max) {
    return `The host name ${name} has ${name.length} characters; ${family === 'WINDOWS' ? 'Windows allows' : 'a host name has'} at most ${max}.`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    return `The host name ${name} may only have letters, digits and hyphens.`;
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return `The host name ${name} must not start or end with a hyphen.`;
  }
  if (family === 'WINDOWS' && /^\d+$/.test(name)) {
    return `The computer name ${name} must not be only digits.`;
  }
  return undefined;
}

/**
 * A host name made from a VM name: lower case, every run of other characters becomes one hyphen,
 * no hyphen at the ends, cut to the family's limit ("Web 01 (blue)" → "web-01-blue").
 */
export function hostNameFromVmName(vmName: string, family?: string): string {
  const max = family === 'WINDOWS' ? MAX_WINDOWS_NAME : MAX_HOST_NAME;
  const s = vmName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '');
  return s.slice(0, max).replace(/-+$/, '');
}

/** An IPv4 address as a 32-bit number; undefined when it is not dotted-quad IPv4. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) {
    return undefined;
  }
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) {
    return undefined;
  }
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** A 32-bit number as a dotted-quad IPv4 address. */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** The network mask of a prefix length, as a 32-bit number. */
function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Static IPv4 settings as typed. */
export interface IpForm {
  address: string;
  prefix: string;
  gateway: string;
}

/** Field errors of static IPv4 settings. */
export type IpErrors = Partial<Record<keyof IpForm, string>>;

/**
 * Checks static IPv4 settings for `count` VMs that take consecutive addresses from `address`: all
 * of them must be host addresses of the subnet (not its network or broadcast address, except in
 * /31 and /32), and the gateway must be in the same subnet and not one of them.
 */
export function validateIpRange(f: IpForm, count: number): { errors: IpErrors; addresses?: string[] } {
  const e: IpErrors = {};
  const start = parseIpv4(f.address);
  if (start === undefined) {
    e.address = 'Enter an IPv4 address such as 10.50.0.11.';
  }
  const prefix = Number(f.prefix);
  if (!/^\d+$/.test(f.prefix.trim()) || prefix < 1 || prefix > 32) {
    e.prefix = 'Enter a prefix length from 1 to 32 (24 is 255.255.255.0).';
  }
  const gw = parseIpv4(f.gateway);
  if (gw === undefined) {
    e.gateway = 'Enter the gateway as an IPv4 address.';
  }
  if (start === undefined || e.prefix) {
    return { errors: e };
  }
  const m = mask(prefix);
  const network = (start & m) >>> 0;
  const broadcast = (network | (~m >>> 0)) >>> 0;
  // /31 and /32 have no network or broadcast address to avoid (RFC 3021).
  const first = prefix >= 31 ? network : network + 1;
  const last = prefix >= 31 ? broadcast : broadcast - 1;
  const end = start + count - 1;
  if (start < first) {
    e.address = `${formatIpv4(start)} is the network address of ${formatIpv4(network)}/${prefix}; start at ${formatIpv4(first)} or later.`;
  } else if (end > last) {
    e.address =
      count > 1
        ? `${count} addresses from ${formatIpv4(start)} go past ${formatIpv4(last)}, the last address of ${formatIpv4(network)}/${prefix}.`
        : `${formatIpv4(start)} is the broadcast address of ${formatIpv4(network)}/${prefix}.`;
  }
  if (gw !== undefined) {
    if ((gw & m) >>> 0 !== network) {
      e.gateway = `The gateway ${formatIpv4(gw)} is not in ${formatIpv4(network)}/${prefix}.`;
    } else if (gw >= start && gw <= end) {
      e.gateway = `The gateway ${formatIpv4(gw)} is one of the VMs' addresses.`;
    }
  }
  if (Object.keys(e).length) {
    return { errors: e };
  }
  return { errors: {}, addresses: Array.from({ length: count }, (_, i) => formatIpv4(start + i)) };
}
