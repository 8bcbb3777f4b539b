/** GuestOsInfo describes one vCenter `guest_OS` enum value the simulator knows. */
export interface GuestOsInfo {
  id: string;
  name: string;
  family: 'LINUX' | 'WINDOWS' | 'OTHER';
  /** vmsg id of the localizable full name, as `guest/identity` returns it. */
  labelId: string;
}

/**
 * GUEST_OS lists the guest_OS values accepted by create (a realistic subset of the 7.0.2 enum
 * plus the 8.x Windows ids). Vim-style ids such as `ubuntu64Guest` are rejected like vCenter does.
 */
export const GUEST_OS: readonly GuestOsInfo[] = [
  { id: 'UBUNTU_64', name: 'Ubuntu Linux (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.ubuntu64Guest.label' },
  { id: 'DEBIAN_11_64', name: 'Debian GNU/Linux 11 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.debian11_64Guest.label' },
  { id: 'DEBIAN_10_64', name: 'Debian GNU/Linux 10 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.debian10_64Guest.label' },
  { id: 'RHEL_9_64', name: 'Red Hat Enterprise Linux 9 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.rhel9_64Guest.label' },
  { id: 'RHEL_8_64', name: 'Red Hat Enterprise Linux 8 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.rhel8_64Guest.label' },
  { id: 'RHEL_7_64', name: 'Red Hat Enterprise Linux 7 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.rhel7_64Guest.label' },
  { id: 'CENTOS_8_64', name: 'CentOS 8 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.centos8_64Guest.label' },
  { id: 'SLES_15_64', name: 'SUSE Linux Enterprise 15 (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.sles15_64Guest.label' },
  { id: 'VMWARE_PHOTON_64', name: 'VMware Photon OS (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.vmwarePhoton64Guest.label' },
  { id: 'OTHER_5X_LINUX_64', name: 'Other 5.x Linux (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.other5xLinux64Guest.label' },
  { id: 'OTHER_LINUX_64', name: 'Other Linux (64-bit)', family: 'LINUX', labelId: 'vmsg.guestos.otherLinux64Guest.label' },
  { id: 'WINDOWS_SERVER_2019', name: 'Microsoft Windows Server 2019 (64-bit)', family: 'WINDOWS', labelId: 'vmsg.guestos.windows2019srv_64Guest.label' },
  { id: 'WINDOWS_SERVER_2021', name: 'Microsoft Windows Server 2022 (64-bit)', family: 'WINDOWS', labelId: 'vmsg.guestos.windows2019srvNext_64Guest.label' },
  { id: 'WINDOWS_9_SERVER_64', name: 'Microsoft Windows Server 2016 (64-bit)', family: 'WINDOWS', labelId: 'vmsg.guestos.windows9Server64Guest.label' },
  { id: 'WINDOWS_9_64', name: 'Microsoft Windows 10 (64-bit)', family: 'WINDOWS', labelId: 'vmsg.guestos.windows9_64Guest.label' },
  { id: 'WINDOWS_11_64', name: 'Microsoft Windows 11 (64-bit)', family: 'WINDOWS', labelId: 'vmsg.guestos.windows11_64Guest.label' },
  { id: 'FREEBSD_13_64', name: 'FreeBSD 13 (64-bit)', family: 'OTHER', labelId: 'vmsg.guestos.freebsd13_64Guest.label' },
  { id: 'OTHER_64', name: 'Other (64-bit)', family: 'OTHER', labelId: 'vmsg.guestos.other64Guest.label' },
];

/** GUEST_OS_BY_ID indexes GUEST_OS by id. */
export const GUEST_OS_BY_ID: ReadonlyMap<string, GuestOsInfo> = new Map(GUEST_OS.map((g) => [g.id, g]));
