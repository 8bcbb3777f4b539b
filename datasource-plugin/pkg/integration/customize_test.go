package integration

import (
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Guest customization over gRPC (docs/contracts.md §3 "Guest customization"): PUT
// vms/{id}/customization per role, per validation error (nothing sent to vCenter), its audit, and
// the guest the simulator reports after the VM boots; deploy and clone with per-VM host name and
// IPv4.

// vc is a vCenter client on the test's simulator, to look at what the backend did.
func (e *vmopsEnv) vc() *vcenter.Client {
	return vcenter.NewWithHTTPClient(e.sim.URL, "administrator@vsphere.local", "VMware1!", http.DefaultClient)
}

// vmWith finds a VM in the given power state whose guest is (or is not) Windows and that has one NIC.
func (e *vmopsEnv) vmWith(power string, windows bool) (id, name string) {
	e.t.Helper()
	for _, v := range e.items("vms") {
		if v["powerState"] != power {
			continue
		}
		info, err := e.vc().GetVM(ctx(e.t), v["id"].(string))
		if err != nil || strings.HasPrefix(info.GuestOS, "WINDOWS") != windows {
			continue
		}
		if status, d := e.call(adminUser, http.MethodGet, "vms/"+v["id"].(string), nil); status == 200 {
			if nics, _ := d["nics"].([]any); len(nics) == 1 {
				return v["id"].(string), v["name"].(string)
			}
		}
	}
	e.t.Fatalf("no %s VM (Windows %v) with one NIC", power, windows)
	return "", ""
}

// guestAfterBoot powers the VM on (when it is not) and reads the guest's host name and address.
func (e *vmopsEnv) guestAfterBoot(id string) *vcenter.GuestIdentity {
	e.t.Helper()
	if status, body := e.call(adminUser, http.MethodPost, "vms/"+id+"/power", map[string]any{"action": "start"}); status != 200 && status != 409 {
		e.t.Fatalf("power on %s: %d %v", id, status, body)
	}
	g, err := e.vc().GuestIdentity(ctx(e.t), id)
	if err != nil {
		e.t.Fatalf("guest identity of %s: %v", id, err)
	}
	return g
}

// placementIn is the first placement option of a kind (options/placement "folders", "datastores",
// "networks") in the datacenter of the cluster; "" when there is none.
func (e *vmopsEnv) placementIn(cluster, kind string) string {
	e.t.Helper()
	_, pl := e.call(adminUser, http.MethodGet, "options/placement", nil)
	dc := ""
	for _, c := range pl["clusters"].([]any) {
		if c.(map[string]any)["id"] == cluster {
			dc, _ = c.(map[string]any)["datacenter"].(string)
		}
	}
	for _, o := range pl[kind].([]any) {
		if o := o.(map[string]any); o["datacenter"] == dc {
			return o["id"].(string)
		}
	}
	return ""
}

var staticWeb = map[string]any{"address": "10.50.0.17", "prefix": 16, "gateway": "10.50.0.1"}

func TestCustomizeVMRolesValidationAndAudit(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	off, offName := e.vmWith("POWERED_OFF", false)
	on, _ := e.vmWith("POWERED_ON", false)
	good := map[string]any{"spec": "linux-static-web", "hostName": "web-it-07", "ip": staticWeb}
	with := func(k string, v any) map[string]any { return withField(good, k, v) }
	e.resetCalls()
	for _, u := range []*backend.User{viewerUser, vmopsEditor} {
		e.expectAnswer(t, u, http.MethodPut, "vms/"+off+"/customization", good, 403, "customizing a VM's guest needs the Admin role")
	}
	tests := []struct {
		name, vm string
		body     map[string]any
		status   int
		msg      string
	}{
		{"running VM", on, good, 409, "power it off first"},
		{"Windows spec on Linux", off, map[string]any{"spec": "windows-domain"}, 400, "is for Windows guests; the VM's guest OS is"},
		{"unknown spec", off, with("spec", "nope"), 400, `customization spec "nope" does not exist`},
		{"no spec", off, with("spec", ""), 400, "customization.spec must name a stored customization spec"},
		{"host name with a dot", off, with("hostName", "web.lab"), 400, "only letters, digits and hyphens"},
		{"host name too long", off, with("hostName", strings.Repeat("w", 64)), 400, "at most 63"},
		{"gateway in another subnet", off, with("ip", map[string]any{"address": "10.50.0.17", "prefix": 24, "gateway": "10.50.1.1"}), 400, "is not in the subnet 10.50.0.0/24"},
		{"prefix out of range", off, with("ip", map[string]any{"address": "10.50.0.17", "prefix": 33, "gateway": "10.50.0.1"}), 400, "prefix length 33 is out of range"},
		{"ip neither dhcp nor static", off, with("ip", "static"), 400, `ip must be "dhcp"`},
		{"not a VM id", "VM_1", good, 400, "is not a VM id"},
		{"unknown VM", "vm-999999", good, 404, "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.expectAnswer(t, adminUser, http.MethodPut, "vms/"+tc.vm+"/customization", tc.body, tc.status, tc.msg)
		})
	}
	if c, _ := e.sim.Calls(); c.Route("PUT", "guest/customization") != 0 {
		t.Fatalf("refused customizations reached vCenter: %v", c.Routes)
	}
	if n := len(e.events("customize")); n != 2+len(tests) {
		t.Fatalf("want %d refusal events, got %d: %v", 2+len(tests), n, e.events("customize"))
	}
	status, body := e.call(adminUser, http.MethodPut, "vms/"+off+"/customization", good)
	if status != 200 || body["id"] != off || body["powerState"] != "POWERED_OFF" {
		t.Fatalf("Admin customize: %d %v", status, body)
	}
	if c, _ := e.sim.Calls(); c.Route("PUT", "guest/customization") != 1 {
		t.Fatalf("want one PUT to vCenter: %v", c.Routes)
	}
	evs := e.events("customize")
	intent, last := evs[len(evs)-2], evs[len(evs)-1]
	if param(intent, "auditPhase") != "intent" || last["outcome"] != "success" || !sameOp(intent, last) || param(last, "spec") != "linux-static-web" ||
		param(last, "hostName") != "web-it-07" || last["vm"].(map[string]any)["name"] != offName {
		t.Fatalf("customize audit: %v / %v", intent, last)
	}
	if ip, _ := param(last, "ip").(map[string]any); ip["address"] != "10.50.0.17" || ip["prefix"] != float64(16) {
		t.Fatalf("audited ip: %v", param(last, "ip"))
	}
	if g := e.guestAfterBoot(off); g.HostName != "web-it-07" || g.IPAddress != "10.50.0.17" {
		t.Fatalf("guest after boot: %+v", g)
	}
}

func TestDeployAndCloneWithPerVMCustomization(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	ids, _ := e.templateIDs()
	place := map[string]any{"folder": es.folder, "cluster": es.cluster}
	// Refusals before vCenter.
	e.resetCalls()
	for _, tc := range []struct {
		name, item string
		body       map[string]any
		msg        string
	}{
		{"Windows computer name over 15", ids["win2022-template"], map[string]any{"name": "win-it-01", "placement": place,
			"customization": map[string]any{"spec": "windows-domain", "hostName": "APP-SERVER-00001"}}, "Windows computer names have at most 15"},
		{"both spellings", ids["ubuntu-22.04-template"], map[string]any{"name": "web-it-20", "placement": place, "customizationSpec": "linux-dhcp",
			"customization": map[string]any{"spec": "linux-dhcp"}}, "give customization or customizationSpec, not both"},
		{"gateway outside", ids["ubuntu-22.04-template"], map[string]any{"name": "web-it-20", "placement": place,
			"customization": map[string]any{"spec": "linux-static-web", "ip": map[string]any{"address": "10.50.0.30", "prefix": 16, "gateway": "10.60.0.1"}}}, "is not in the subnet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := e.call(adminUser, http.MethodPost, "templates/"+tc.item+"/deploy", tc.body); status != 400 || !strings.Contains(body["message"].(string), tc.msg) {
				t.Fatalf("%d %v, want 400 with %q", status, body, tc.msg)
			}
		})
	}
	if c, _ := e.sim.Calls(); c.Route("POST", "library-items") != 0 || c.Route("PUT", "guest/customization") != 0 {
		t.Fatalf("refused deploys reached vCenter: %v", c.Routes)
	}
	// Deploy: created powered off, customized inline, then powered on.
	status, body := e.call(adminUser, http.MethodPost, "templates/"+ids["ubuntu-22.04-template"]+"/deploy", map[string]any{"name": "web-it-21", "placement": place, "powerOn": true,
		"customization": map[string]any{"spec": "linux-static-web", "hostName": "web-21", "ip": map[string]any{"address": "10.50.0.21", "prefix": 16, "gateway": "10.50.0.1"}}})
	id, _ := body["id"].(string)
	if status != 201 || id == "" || body["powerState"] != "POWERED_ON" {
		t.Fatalf("deploy with customization: %d %v", status, body)
	}
	if g, err := e.vc().GuestIdentity(ctx(t), id); err != nil || g.HostName != "web-21" || g.IPAddress != "10.50.0.21" {
		t.Fatalf("deployed guest: %+v %v", g, err)
	}
	if c, _ := e.sim.Calls(); c.Route("PUT", "guest/customization") != 1 || c.Route("POST", "/power") != 1 {
		t.Fatalf("want one customization and one power on: %v", c.Routes)
	}
	ev := e.events("clone")[len(e.events("clone"))-1]
	if ev["outcome"] != "success" || param(ev, "customizationSpec") != "linux-static-web" || param(ev, "customization").(map[string]any)["hostName"] != "web-21" {
		t.Fatalf("deploy audit: %v", ev)
	}
	// Clone of a Linux VM with DHCP and a new host name, left powered off.
	src, _ := e.vmWith("POWERED_OFF", false)
	status, body = e.call(adminUser, http.MethodPost, "vms/"+src+"/clone", map[string]any{"name": "web-it-22",
		"customization": map[string]any{"spec": "linux-static-web", "hostName": "web-22", "ip": "dhcp"}})
	cid, _ := body["id"].(string)
	if status != 201 || cid == "" || body["powerState"] != "POWERED_OFF" {
		t.Fatalf("clone with customization: %d %v", status, body)
	}
	if g := e.guestAfterBoot(cid); g.HostName != "web-22" || strings.HasPrefix(g.IPAddress, "10.50.") {
		t.Fatalf("cloned guest (DHCP, not the spec's static address): %+v", g)
	}
	// The older spelling still goes to vCenter by name, in the clone call itself.
	e.resetCalls()
	status, body = e.call(adminUser, http.MethodPost, "vms/"+src+"/clone", map[string]any{"name": "web-it-23", "customizationSpec": "linux-dhcp"})
	if c, _ := e.sim.Calls(); status != 201 || c.Route("PUT", "guest/customization") != 0 {
		t.Fatalf("clone with a spec by name: %d %v %v", status, body, c.Routes)
	}
}

// TestCustomizationFailingAfterTheCloneNamesTheVM: vCenter refuses the inline spec only once the
// copy exists (a VM without NICs cannot take the spec's adapter settings): the answer and the
// "failed" outcome name the new VM, which stays, powered off, in the inventory.
func TestCustomizationFailingAfterTheCloneNamesTheVM(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	place := map[string]any{"folder": e.placementIn(es.cluster, "folders"), "cluster": es.cluster, "datastore": e.placementIn(es.cluster, "datastores")}
	status, body := e.call(adminUser, http.MethodPost, "vms", map[string]any{"name": "nonic-it-01", "guestOS": "UBUNTU_64", "cpuCount": 1, "memoryMiB": 1024, "placement": place})
	src, _ := body["id"].(string)
	if status != 201 || src == "" {
		t.Fatalf("create without a NIC: %d %v", status, body)
	}
	// IP settings for a VM without a NIC are refused before vCenter is called.
	e.resetCalls()
	status, body = e.call(adminUser, http.MethodPost, "vms/"+src+"/clone", map[string]any{"name": "nonic-it-02",
		"customization": map[string]any{"spec": "linux-static-web", "ip": "dhcp"}})
	if msg, _ := body["message"].(string); status != 400 || !strings.Contains(msg, "VM nonic-it-01 has no network adapter to take the IP settings") || e.vcenterPosts() != 0 {
		t.Fatalf("ip for a VM without a NIC: %d %v (%d POSTs)", status, body, e.vcenterPosts())
	}
	// A host name alone passes the checks; the stored spec's adapter settings fail in vCenter.
	status, body = e.call(adminUser, http.MethodPost, "vms/"+src+"/clone", map[string]any{"name": "nonic-it-02", "powerOn": true,
		"customization": map[string]any{"spec": "linux-static-web", "hostName": "nonic-02"}})
	msg, _ := body["message"].(string)
	if status != 400 || !strings.Contains(msg, "was created powered off but its guest customization failed") || !strings.Contains(msg, "network adapters") {
		t.Fatalf("clone whose customization fails: %d %v", status, body)
	}
	evs := e.events("clone")
	last := evs[len(evs)-1]
	id, _ := last["vm"].(map[string]any)["id"].(string)
	if last["outcome"] != "failed" || !strings.HasPrefix(id, "vm-") || !strings.Contains(msg, "VM "+id+" ") {
		t.Fatalf("outcome: %v (answer %q)", last, msg)
	}
	if v := e.vm(id); v == nil || v["name"] != "nonic-it-02" || v["powerState"] != "POWERED_OFF" {
		t.Fatalf("the copy in the inventory: %v", v)
	}
}
