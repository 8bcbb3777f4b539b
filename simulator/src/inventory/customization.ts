/** CustomizationSpec is a stored guest customization spec (`/api/vcenter/guest/customization-specs`). */
export interface CustomizationSpec {
  name: string;
  description: string;
  osType: 'LINUX' | 'WINDOWS';
  /** Static IPv4 address for the first NIC, or DHCP. */
  ip: { mode: 'DHCP' } | { mode: 'STATIC'; address: string; prefix: number; gateway: string };
  domain: string;
}

/** CUSTOMIZATION_SPECS are the specs every simulated vCenter stores (Linux and Windows). */
export const CUSTOMIZATION_SPECS: readonly CustomizationSpec[] = [
  {
    name: 'linux-dhcp',
    description: 'Linux, host name from the VM name, DHCP',
    osType: 'LINUX',
    ip: { mode: 'DHCP' },
    domain: 'lab.local',
  },
  {
    name: 'linux-static-web',
    description: 'Linux web tier, fixed address in 10.50.0.0/16',
    osType: 'LINUX',
    ip: { mode: 'STATIC', address: '10.50.0.10', prefix: 16, gateway: '10.50.0.1' },
    domain: 'lab.local',
  },
  {
    name: 'windows-domain',
    description: 'Windows, joins LAB domain, DHCP',
    osType: 'WINDOWS',
    ip: { mode: 'DHCP' },
    domain: 'lab.local',
  },
];

/** specByName finds a stored spec. */
export function specByName(name: string): CustomizationSpec | undefined {
  return CUSTOMIZATION_SPECS.find((s) => s.name === name);
}

/** specBody renders a stored spec as VMware's `guest.CustomizationSpec` (configuration_spec union on OS). */
export function specBody(s: CustomizationSpec): InlineSpec {
  const nic: { ipv4: Ipv4 } =
    s.ip.mode === 'DHCP'
      ? { ipv4: { type: 'DHCP' } }
      : { ipv4: { type: 'STATIC', ip_address: s.ip.address, prefix: s.ip.prefix, gateways: [s.ip.gateway] } };
  const vmName: HostnameGenerator = { type: 'VIRTUAL_MACHINE' };
  const configuration_spec: InlineSpec['configuration_spec'] =
    s.osType === 'LINUX'
      ? { linux_config: { hostname: vmName, domain: s.domain, time_zone: 'Etc/UTC' } }
      : {
          windows_config: {
            reboot: 'REBOOT',
            sysprep: {
              gui_unattended: { auto_logon: false, auto_logon_count: 1, time_zone: 85 },
              user_data: {
                computer_name: vmName,
                full_name: 'Operations',
                organization: 'Lab',
                product_key: '',
              },
              domain: { type: 'DOMAIN', domain: s.domain },
            },
          },
        };
  return {
    configuration_spec,
    global_DNS_settings: { dns_servers: ['10.0.0.53'], dns_suffix_list: [s.domain] },
    interfaces: [{ adapter: nic }],
  };
}

/**
 * specInfo renders `CustomizationSpecs.Info` as VMware's bindings define it: `last_modified` and
 * `spec` (`CustomizationSpecs.Spec`: name, description, fingerprint and the spec itself).
 */
export function specInfo(s: CustomizationSpec) {
  return {
    last_modified: '2025-01-01T00:00:00.000Z',
    spec: { name: s.name, description: s.description, fingerprint: `fp-${s.name}`, spec: specBody(s) },
  };
}

/** HostnameGenerator is `guest.HostnameGenerator`. */
export interface HostnameGenerator {
  type: 'FIXED' | 'PREFIX' | 'VIRTUAL_MACHINE' | 'USER_INPUT_REQUIRED';
  fixed_name?: string;
  prefix?: string;
}

/** Ipv4 is `guest.Ipv4`. */
export interface Ipv4 {
  type: 'DHCP' | 'STATIC' | 'USER_INPUT_REQUIRED';
  ip_address?: string;
  prefix?: number;
  gateways?: string[];
}

/** InlineSpec is `guest.CustomizationSpec` as `PUT …/guest/customization` takes it inline (the honoured parts). */
export interface InlineSpec {
  configuration_spec: {
    linux_config?: { hostname: HostnameGenerator; domain: string; [k: string]: unknown };
    windows_config?: {
      sysprep?: { user_data: { computer_name: HostnameGenerator; [k: string]: unknown }; [k: string]: unknown };
      sysprep_xml?: string;
      [k: string]: unknown;
    };
    cloud_config?: unknown;
  };
  global_DNS_settings: { dns_servers?: string[]; dns_suffix_list?: string[] };
  interfaces: { mac_address?: string; adapter: { ipv4?: Ipv4; [k: string]: unknown } }[];
}

/** Customized is what an applied spec gives the guest: its host name and first NIC's IPv4 (undefined = DHCP). */
export interface Customized {
  hostName: string;
  ipv4?: string;
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * checkInlineSpec validates an inline `guest.CustomizationSpec` for a VM (vCenter answers
 * INVALID_ARGUMENT "if the customization settings in spec are not valid"): one configuration
 * for the guest's OS family, a host name vCenter can generate, no more adapter settings than the
 * VM has NICs, and complete static IPv4 settings. Pure: returns the problem in words, or what the
 * guest gets.
 */
export function checkInlineSpec(
  spec: InlineSpec,
  vm: { name: string; id: string; windows: boolean; nicCount: number }
): { error: string } | Customized {
  const cfg = spec.configuration_spec;
  const kinds = (['linux_config', 'windows_config', 'cloud_config'] as const).filter((k) => cfg[k] !== undefined);
  if (kinds.length !== 1)
    return { error: 'configuration_spec must hold exactly one of linux_config, windows_config or cloud_config.' };
  if (kinds[0] === 'cloud_config') return { error: 'cloud_config customization is not supported for this guest.' };
  if (kinds[0] === 'windows_config' && !vm.windows)
    return { error: `windows_config cannot customize the guest of '${vm.name}': it is not a Windows guest.` };
  if (kinds[0] === 'linux_config' && vm.windows)
    return { error: `linux_config cannot customize the guest of '${vm.name}': it is a Windows guest.` };
  let gen: HostnameGenerator | undefined;
  if (cfg.linux_config) {
    gen = cfg.linux_config.hostname;
    if (typeof cfg.linux_config.domain !== 'string' || !cfg.linux_config.domain)
      return { error: 'linux_config.domain is required.' };
  } else {
    const w = cfg.windows_config!;
    if (!w.sysprep && !w.sysprep_xml) return { error: 'windows_config needs sysprep or sysprep_xml.' };
    gen = w.sysprep?.user_data?.computer_name;
  }
  let hostName = vm.name;
  if (gen) {
    if (gen.type === 'FIXED') {
      if (!gen.fixed_name) return { error: 'hostname type FIXED needs fixed_name.' };
      hostName = gen.fixed_name;
    } else if (gen.type === 'PREFIX') {
      if (!gen.prefix) return { error: 'hostname type PREFIX needs prefix.' };
      hostName = `${gen.prefix}${vm.id.replace(/^vm-/, '')}`;
    } else if (gen.type === 'USER_INPUT_REQUIRED') {
      return { error: 'hostname type USER_INPUT_REQUIRED needs a value; give FIXED with fixed_name.' };
    }
  }
  const max = vm.windows ? 15 : 63;
  if (!LABEL.test(hostName) || hostName.length > max)
    return {
      error: `Host name '${hostName}' is not valid: letters, digits and hyphens, not starting or ending with a hyphen, at most ${max} characters.`,
    };
  if (spec.interfaces.length > vm.nicCount)
    return {
      error: `The number of network adapter settings in the customization specification: ${spec.interfaces.length} does not match the number of network adapters present in the virtual machine: ${vm.nicCount}.`,
    };
  let ipv4: string | undefined;
  for (const [n, i] of spec.interfaces.entries()) {
    const v4 = i.adapter.ipv4;
    if (!v4 || v4.type !== 'STATIC') continue;
    if (!v4.ip_address || !IPV4.test(v4.ip_address))
      return { error: `interfaces[${n}].adapter.ipv4.ip_address must be an IPv4 address.` };
    if (v4.prefix === undefined || v4.prefix < 1 || v4.prefix > 32)
      return { error: `interfaces[${n}].adapter.ipv4.prefix must be between 1 and 32.` };
    for (const g of v4.gateways ?? [])
      if (!IPV4.test(g)) return { error: `interfaces[${n}].adapter.ipv4.gateways holds '${g}', not an IPv4 address.` };
    if (n === 0) ipv4 = v4.ip_address;
  }
  return { hostName, ...(ipv4 ? { ipv4 } : {}) };
}

/** ipFromSpec is the guest address a spec gives the n-th VM it customizes (static specs count up). */
export function ipFromSpec(s: CustomizationSpec, n: number, dhcp: string): string {
  if (s.ip.mode === 'DHCP') return dhcp;
  const [a, b, c, d] = s.ip.address.split('.').map(Number);
  const v = ((a << 24) | (b << 16) | (c << 8) | d) + n;
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
