package vmrules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

func TestValidateHostName(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, tc := range []struct {
		name    string
		windows bool
		want    string
	}{
		{"web-01", false, ""},
		{"W", false, ""},
		{"9lives", false, ""},
		{long, false, ""},
		{long + "a", false, "64 characters long; at most 63"},
		{"", false, "must not be empty"},
		{"-web", false, "not start or end with a hyphen"},
		{"web-", false, "not start or end with a hyphen"},
		{"web_01", false, "only letters, digits and hyphens"},
		{"web.lab.local", false, "only letters, digits and hyphens"},
		{"wéb", false, "only letters, digits and hyphens"},
		{"APP-SERVER-0001", true, ""},
		{"APP-SERVER-00001", true, "16 characters long; Windows computer names have at most 15"},
		{"APP-SERVER-00001", false, ""},
	} {
		checkRule(t, ValidateHostName(tc.name, tc.windows), tc.want)
	}
}

func TestValidateStaticIPv4(t *testing.T) {
	for _, tc := range []struct {
		ip   StaticIPv4
		want string
	}{
		{StaticIPv4{"10.50.0.11", 16, "10.50.0.1"}, ""},
		{StaticIPv4{"192.168.1.10", 24, "192.168.1.254"}, ""},
		{StaticIPv4{"10.0.0.1", 32, "10.0.0.1"}, "must not be the VM's own address"},
		{StaticIPv4{"10.0.0.2", 31, "10.0.0.3"}, ""},
		{StaticIPv4{"10.50.0.11", 16, "10.51.0.1"}, "gateway 10.51.0.1 is not in the subnet 10.50.0.0/16 of 10.50.0.11"},
		{StaticIPv4{"10.50.0.11", 0, "10.50.0.1"}, "prefix length 0 is out of range"},
		{StaticIPv4{"10.50.0.11", 33, "10.50.0.1"}, "prefix length 33 is out of range"},
		{StaticIPv4{"10.50.0", 16, "10.50.0.1"}, `IP address "10.50.0" is not an IPv4 address`},
		{StaticIPv4{"fe80::1", 64, "fe80::2"}, "is not an IPv4 address"},
		{StaticIPv4{"10.50.0.11", 16, ""}, `gateway "" is not an IPv4 address`},
		{StaticIPv4{"192.168.1.0", 24, "192.168.1.1"}, "192.168.1.0 is the network or broadcast address of 192.168.1.0/24"},
		{StaticIPv4{"192.168.1.10", 24, "192.168.1.255"}, "is the network or broadcast address"},
	} {
		checkRule(t, ValidateStaticIPv4(tc.ip), tc.want)
	}
}

func TestCheckOverrides(t *testing.T) {
	for _, tc := range []struct {
		o      Overrides
		family string
		want   string
	}{
		{Overrides{}, "LINUX", ""},
		{Overrides{HostName: "web-01", IP: &IPv4Override{DHCP: true}}, "LINUX", ""},
		{Overrides{HostName: "a-very-long-windows-name"}, "WINDOWS", "at most 15"},
		{Overrides{HostName: "a-very-long-linux-name"}, "LINUX", ""},
		{Overrides{IP: &IPv4Override{}}, "LINUX", `ip must be "dhcp" or {address, prefix, gateway}`},
		{Overrides{IP: &IPv4Override{Static: &StaticIPv4{"10.0.0.5", 24, "10.0.1.1"}}}, "LINUX", "not in the subnet"},
	} {
		checkRule(t, CheckOverrides(tc.o, tc.family), tc.want)
	}
}

const linuxSpec = `{"configuration_spec":{"linux_config":{"hostname":{"type":"VIRTUAL_MACHINE"},"domain":"lab.local","time_zone":"Etc/UTC"}},
"global_DNS_settings":{"dns_servers":["10.0.0.53"]},"interfaces":[{"adapter":{"ipv4":{"type":"DHCP"}}},{"adapter":{"ipv4":{"type":"DHCP"}}}]}`

const windowsSpec = `{"configuration_spec":{"windows_config":{"reboot":"REBOOT","sysprep":{"user_data":{"computer_name":{"type":"VIRTUAL_MACHINE"},"full_name":"Ops","organization":"Lab","product_key":""}}}},
"global_DNS_settings":{},"interfaces":[]}`

func TestApplyOverrides(t *testing.T) {
	static := &IPv4Override{Static: &StaticIPv4{"10.50.0.11", 16, "10.50.0.1"}}
	for _, tc := range []struct {
		name, spec string
		o          Overrides
		want       []string // fragments of the result
		err        string
	}{
		{"Linux host name and static address, rest kept", linuxSpec, Overrides{HostName: "web-01", IP: static},
			[]string{`"hostname":{"fixed_name":"web-01","type":"FIXED"}`, `"domain":"lab.local"`, `"time_zone":"Etc/UTC"`, `"dns_servers":["10.0.0.53"]`,
				`"interfaces":[{"adapter":{"ipv4":{"gateways":["10.50.0.1"],"ip_address":"10.50.0.11","prefix":16,"type":"STATIC"}}},{"adapter":{"ipv4":{"type":"DHCP"}}}]`}, ""},
		{"host name only keeps the addresses", linuxSpec, Overrides{HostName: "web-02"},
			[]string{`"fixed_name":"web-02"`, `{"adapter":{"ipv4":{"type":"DHCP"}}},{"adapter":{"ipv4":{"type":"DHCP"}}}`}, ""},
		{"Windows computer name, DHCP on a spec without adapters", windowsSpec, Overrides{HostName: "APP-01", IP: &IPv4Override{DHCP: true}},
			[]string{`"computer_name":{"fixed_name":"APP-01","type":"FIXED"}`, `"full_name":"Ops"`, `"interfaces":[{"adapter":{"ipv4":{"type":"DHCP"}}}]`}, ""},
		{"sysprep answer file", `{"configuration_spec":{"windows_config":{"sysprep_xml":"<x/>"}},"interfaces":[]}`, Overrides{HostName: "APP-01"},
			nil, "uses a sysprep answer file"},
		{"no configuration", `{"interfaces":[]}`, Overrides{HostName: "web-01"}, nil, "no Linux or Windows configuration"},
		{"not JSON", `[`, Overrides{HostName: "web-01"}, nil, "cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ApplyOverrides(json.RawMessage(tc.spec), tc.o)
			if tc.err != "" {
				checkRule(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Fatalf("%s lacks %s", out, w)
				}
			}
		})
	}
}

func TestCustomizeNeedsTheCloneRole(t *testing.T) {
	roles := models.ActionRoles{Clone: models.RoleEditor, Create: models.RoleAdmin}
	if RequiredRole(ActionCustomize, roles) != models.RoleEditor {
		t.Fatalf("customize needs %s", RequiredRole(ActionCustomize, roles))
	}
	if r := Authorize(ActionCustomize, &Caller{Login: "v", Role: models.RoleViewer}, roles); r == nil || !strings.Contains(r.Reason, "customizing a VM's guest needs the Editor role") {
		t.Fatalf("Viewer: %+v", r)
	}
	checkRule(t, CheckCustomizationFitsVM("windows-domain", "WINDOWS", "LINUX", "Ubuntu Linux (64-bit)"), "the VM's guest OS is Ubuntu Linux (64-bit)")
}

func TestCheckCustomizable(t *testing.T) {
	for _, tc := range []struct{ state, want string }{
		{"POWERED_OFF", ""},
		{"POWERED_ON", "VM web-01 is powered on: power it off first"},
		{"SUSPENDED", "VM web-01 is suspended: power it off first"},
	} {
		err := CheckCustomizable("web-01", tc.state)
		if tc.want == "" {
			if err != nil {
				t.Fatalf("%s: %v", tc.state, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, models.ErrConflict) {
			t.Fatalf("%s: %v, want a conflict with %q", tc.state, err, tc.want)
		}
	}
}

func TestCheckAdapterFor(t *testing.T) {
	ip := &IPv4Override{DHCP: true}
	checkRule(t, CheckAdapterFor(Overrides{IP: ip}, "VM web-01", 1), "")
	checkRule(t, CheckAdapterFor(Overrides{HostName: "web-01"}, "VM web-01", 0), "")
	checkRule(t, CheckAdapterFor(Overrides{IP: ip}, "template ubuntu", 0), "template ubuntu has no network adapter to take the IP settings")
}
