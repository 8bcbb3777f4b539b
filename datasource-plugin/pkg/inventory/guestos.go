package inventory

// GuestOS is one guest operating system: vCenter's guest_OS id and its name as the vSphere Client
// shows it (VMware: vSphere Web Services API, "VirtualMachineGuestOsIdentifier").
type GuestOS struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Family string `json:"family"`
}

// guestOSNames are the guest_OS ids the create form offers, with their display names.
var guestOSNames = map[string]GuestOS{
	"UBUNTU_64":           {"UBUNTU_64", "Ubuntu Linux (64-bit)", "LINUX"},
	"DEBIAN_12_64":        {"DEBIAN_12_64", "Debian GNU/Linux 12 (64-bit)", "LINUX"},
	"DEBIAN_11_64":        {"DEBIAN_11_64", "Debian GNU/Linux 11 (64-bit)", "LINUX"},
	"DEBIAN_10_64":        {"DEBIAN_10_64", "Debian GNU/Linux 10 (64-bit)", "LINUX"},
	"RHEL_9_64":           {"RHEL_9_64", "Red Hat Enterprise Linux 9 (64-bit)", "LINUX"},
	"RHEL_8_64":           {"RHEL_8_64", "Red Hat Enterprise Linux 8 (64-bit)", "LINUX"},
	"RHEL_7_64":           {"RHEL_7_64", "Red Hat Enterprise Linux 7 (64-bit)", "LINUX"},
	"CENTOS_8_64":         {"CENTOS_8_64", "CentOS 8 (64-bit)", "LINUX"},
	"CENTOS_7_64":         {"CENTOS_7_64", "CentOS 7 (64-bit)", "LINUX"},
	"ROCKYLINUX_64":       {"ROCKYLINUX_64", "Rocky Linux (64-bit)", "LINUX"},
	"ALMALINUX_64":        {"ALMALINUX_64", "AlmaLinux (64-bit)", "LINUX"},
	"SLES_15_64":          {"SLES_15_64", "SUSE Linux Enterprise 15 (64-bit)", "LINUX"},
	"VMWARE_PHOTON_64":    {"VMWARE_PHOTON_64", "VMware Photon OS (64-bit)", "LINUX"},
	"AMAZONLINUX2_64":     {"AMAZONLINUX2_64", "Amazon Linux 2 (64-bit)", "LINUX"},
	"OTHER_5X_LINUX_64":   {"OTHER_5X_LINUX_64", "Other 5.x Linux (64-bit)", "LINUX"},
	"OTHER_LINUX_64":      {"OTHER_LINUX_64", "Other Linux (64-bit)", "LINUX"},
	"FREEBSD_13_64":       {"FREEBSD_13_64", "FreeBSD 13 (64-bit)", "OTHER"},
	"WINDOWS_SERVER_2021": {"WINDOWS_SERVER_2021", "Microsoft Windows Server 2022 (64-bit)", "WINDOWS"},
	"WINDOWS_SERVER_2019": {"WINDOWS_SERVER_2019", "Microsoft Windows Server 2019 (64-bit)", "WINDOWS"},
	"WINDOWS_9_SERVER_64": {"WINDOWS_9_SERVER_64", "Microsoft Windows Server 2016 (64-bit)", "WINDOWS"},
	"WINDOWS_9_64":        {"WINDOWS_9_64", "Microsoft Windows 10 (64-bit)", "WINDOWS"},
	"WINDOWS_11_64":       {"WINDOWS_11_64", "Microsoft Windows 11 (64-bit)", "WINDOWS"},
	"OTHER_64":            {"OTHER_64", "Other (64-bit)", "OTHER"},
}

// createChoices is the order the create form lists them in.
var createChoices = []string{"UBUNTU_64", "DEBIAN_11_64", "DEBIAN_10_64", "RHEL_9_64", "RHEL_8_64", "RHEL_7_64", "CENTOS_8_64",
	"SLES_15_64", "VMWARE_PHOTON_64", "AMAZONLINUX2_64", "OTHER_5X_LINUX_64", "FREEBSD_13_64", "WINDOWS_SERVER_2021",
	"WINDOWS_SERVER_2019", "WINDOWS_9_SERVER_64", "WINDOWS_9_64", "OTHER_64"}

// GuestOSChoices are the create form's guest OS choices.
func GuestOSChoices() []GuestOS {
	out := make([]GuestOS, 0, len(createChoices))
	for _, id := range createChoices {
		out = append(out, guestOSNames[id])
	}
	return out
}

// GuestOSName is the display name of a guest_OS id; an id we have no name for is shown as is
// (vCenter knows ~210 ids, VMware Tools' own name wins whenever vROps or the guest reports one).
func GuestOSName(id string) string {
	if g, ok := guestOSNames[id]; ok {
		return g.Name
	}
	return id
}
