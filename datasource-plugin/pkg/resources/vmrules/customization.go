package vmrules

import (
	"encoding/json"
	"net/netip"
	"regexp"
)

// Guest customization with per-VM values (docs/contracts.md §3 "Guest customization"): the
// checks before vCenter is called, and the stored spec with this VM's host name and first NIC's
// IPv4 put in. vCenter's spec shape is `guest.CustomizationSpec` of VMware's bindings
// (vmware-vcenter, com.vmware.vcenter.guest_client, vSphere API 7.0.0.0).

// hostLabel is one DNS label (RFC 1123): letters, digits and hyphens, not starting or ending with
// a hyphen.
var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

// Host name limits: a DNS label, and Windows' NetBIOS computer name.
const (
	MaxHostName        = 63
	MaxWindowsHostName = 15
)

// ValidateHostName refuses a host name that is not one DNS label (Windows: at most 15 characters,
// the NetBIOS limit sysprep enforces).
func ValidateHostName(name string, windows bool) error {
	max := MaxHostName
	if windows {
		max = MaxWindowsHostName
	}
	switch {
	case name == "":
		return Invalid("host name must not be empty")
	case len(name) > max && windows:
		return Invalid("host name %q is %d characters long; Windows computer names have at most %d", name, len(name), max)
	case len(name) > max:
		return Invalid("host name %q is %d characters long; at most %d", name, len(name), max)
	case !hostLabel.MatchString(name):
		return Invalid("host name %q must hold only letters, digits and hyphens, and not start or end with a hyphen", name)
	}
	return nil
}

// StaticIPv4 is a fixed IPv4 setting for the first NIC.
type StaticIPv4 struct {
	Address string `json:"address"`
	Prefix  int    `json:"prefix"`
	Gateway string `json:"gateway"`
}

// ValidateStaticIPv4 refuses an address, prefix (1–32) or gateway that is not IPv4, a gateway
// outside the address's subnet, and an address or gateway that is the subnet's network or
// broadcast address (for prefixes up to /30).
func ValidateStaticIPv4(ip StaticIPv4) error {
	addr, err := netip.ParseAddr(ip.Address)
	if err != nil || !addr.Is4() {
		return Invalid("IP address %q is not an IPv4 address", ip.Address)
	}
	if ip.Prefix < 1 || ip.Prefix > 32 {
		return Invalid("prefix length %d is out of range: give 1 to 32", ip.Prefix)
	}
	gw, err := netip.ParseAddr(ip.Gateway)
	if err != nil || !gw.Is4() {
		return Invalid("gateway %q is not an IPv4 address", ip.Gateway)
	}
	subnet := netip.PrefixFrom(addr, ip.Prefix).Masked()
	if !subnet.Contains(gw) {
		return Invalid("gateway %s is not in the subnet %s of %s", ip.Gateway, subnet, ip.Address)
	}
	if gw == addr {
		return Invalid("gateway %s must not be the VM's own address", ip.Gateway)
	}
	if ip.Prefix <= 30 {
		network, broadcast := subnet.Addr(), lastOf(subnet)
		for _, a := range []netip.Addr{addr, gw} {
			if a == network || a == broadcast {
				return Invalid("%s is the network or broadcast address of %s", a, subnet)
			}
		}
	}
	return nil
}

func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << (32 - p.Bits())) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// IPv4Override is the first NIC's IPv4: DHCP, or Static.
type IPv4Override struct {
	DHCP   bool
	Static *StaticIPv4
}

// Overrides are the per-VM values put into a stored spec; empty parts keep the spec's.
type Overrides struct {
	HostName string
	IP       *IPv4Override
}

// Empty says whether there is nothing to put in.
func (o Overrides) Empty() bool { return o.HostName == "" && o.IP == nil }

// CheckOverrides validates the per-VM values for a guest of the family (WINDOWS, LINUX, …).
func CheckOverrides(o Overrides, guestFamily string) error {
	if o.HostName != "" {
		if err := ValidateHostName(o.HostName, guestFamily == "WINDOWS"); err != nil {
			return err
		}
	}
	if o.IP != nil && !o.IP.DHCP {
		if o.IP.Static == nil {
			return Invalid("ip must be \"dhcp\" or {address, prefix, gateway}")
		}
		return ValidateStaticIPv4(*o.IP.Static)
	}
	return nil
}

// CheckAdapterFor refuses an IPv4 setting for a guest without a network adapter (what names the
// VM or template): vCenter would refuse the spec only after the VM was created.
func CheckAdapterFor(o Overrides, what string, nics int) error {
	if o.IP != nil && nics == 0 {
		return Invalid("%s has no network adapter to take the IP settings: leave ip out or add a NIC first", what)
	}
	return nil
}

// ApplyOverrides returns the stored spec (`guest.CustomizationSpec` JSON) with the host name as a
// FIXED name (Linux: configuration_spec.linux_config.hostname; Windows:
// windows_config.sysprep.user_data.computer_name) and the first adapter's ipv4 replaced. Every
// other part is kept as vCenter stored it. A spec that cannot take the values is refused.
func ApplyOverrides(spec json.RawMessage, o Overrides) (json.RawMessage, error) {
	var s map[string]any
	if err := json.Unmarshal(spec, &s); err != nil || s == nil {
		return nil, Invalid("the stored customization spec cannot be read")
	}
	if o.HostName != "" {
		cfg, _ := s["configuration_spec"].(map[string]any)
		fixed := map[string]any{"type": "FIXED", "fixed_name": o.HostName}
		if linux, ok := cfg["linux_config"].(map[string]any); ok {
			linux["hostname"] = fixed
		} else if win, ok := cfg["windows_config"].(map[string]any); ok {
			sysprep, _ := win["sysprep"].(map[string]any)
			user, _ := sysprep["user_data"].(map[string]any)
			if user == nil {
				return nil, Invalid("the stored Windows spec uses a sysprep answer file; its computer name cannot be set here")
			}
			user["computer_name"] = fixed
		} else {
			return nil, Invalid("the stored spec has no Linux or Windows configuration to set the host name in")
		}
	}
	if o.IP != nil {
		ipv4 := map[string]any{"type": "DHCP"}
		if !o.IP.DHCP && o.IP.Static != nil {
			ipv4 = map[string]any{"type": "STATIC", "ip_address": o.IP.Static.Address, "prefix": o.IP.Static.Prefix, "gateways": []string{o.IP.Static.Gateway}}
		}
		ifaces, _ := s["interfaces"].([]any)
		if len(ifaces) == 0 {
			ifaces = []any{map[string]any{"adapter": map[string]any{}}}
		}
		first, _ := ifaces[0].(map[string]any)
		if first == nil {
			first = map[string]any{}
		}
		adapter, _ := first["adapter"].(map[string]any)
		if adapter == nil {
			adapter = map[string]any{}
		}
		adapter["ipv4"] = ipv4
		first["adapter"] = adapter
		ifaces[0] = first
		s["interfaces"] = ifaces
	}
	return json.Marshal(s)
}

// CheckCustomizable allows a customization only on a powered-off VM: vCenter applies it at the
// next power on and refuses running and suspended VMs.
func CheckCustomizable(name, powerState string) error {
	switch powerState {
	case "POWERED_OFF":
		return nil
	case "SUSPENDED":
		return Conflict("VM %s is suspended: power it off first (a customization applies to powered-off VMs only)", name)
	}
	return Conflict("VM %s is powered on: power it off first (a customization applies to powered-off VMs only)", name)
}
