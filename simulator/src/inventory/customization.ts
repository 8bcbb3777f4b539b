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

/** specInfo renders `CustomizationSpecs.Info` (VMware's model: spec.configuration_spec union on OS). */
export function specInfo(s: CustomizationSpec) {
  const nic =
    s.ip.mode === 'DHCP'
      ? { ipv4: { type: 'DHCP' } }
      : { ipv4: { type: 'STATIC', ip_address: s.ip.address, prefix: s.ip.prefix, gateways: [s.ip.gateway] } };
  const configuration_spec =
    s.osType === 'LINUX'
      ? { linux_config: { hostname: { type: 'VIRTUAL_MACHINE' }, domain: s.domain, time_zone: 'Etc/UTC' } }
      : {
          windows_config: {
            reboot: 'REBOOT',
            sysprep: {
              gui_unattended: { auto_logon: false, auto_logon_count: 1, time_zone: 85 },
              user_data: { computer_name: { type: 'VIRTUAL_MACHINE' }, full_name: 'Operations', organization: 'Lab' },
              domain: { type: 'DOMAIN', domain: s.domain },
            },
          },
        };
  return {
    name: s.name,
    description: s.description,
    last_modified: '2025-01-01T00:00:00.000Z',
    spec: {
      configuration_spec,
      global_DNS_settings: { dns_servers: ['10.0.0.53'], dns_suffix_list: [s.domain] },
      interfaces: [{ adapter: nic }],
    },
  };
}

/** ipFromSpec is the guest address a spec gives the n-th VM it customizes (static specs count up). */
export function ipFromSpec(s: CustomizationSpec, n: number, dhcp: string): string {
  if (s.ip.mode === 'DHCP') return dhcp;
  const [a, b, c, d] = s.ip.address.split('.').map(Number);
  const v = ((a << 24) | (b << 16) | (c << 8) | d) + n;
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
