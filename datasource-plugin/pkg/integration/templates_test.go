package integration

import (
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Templates over gRPC: the content library's VM templates and customization specs as people read
// them, and a deploy per role, per validation error (nothing sent to vCenter) and its audit.

func (e *vmopsEnv) templateIDs() (byName map[string]string, ovf string) {
	e.t.Helper()
	vc := vcenter.NewWithHTTPClient(e.sim.URL, "administrator@vsphere.local", "VMware1!", http.DefaultClient)
	libs, err := vc.ListLibraries(ctx(e.t))
	if err != nil || len(libs) == 0 {
		e.t.Fatalf("libraries: %v %v", libs, err)
	}
	items, err := vc.ListLibraryItems(ctx(e.t), libs[0])
	if err != nil {
		e.t.Fatal(err)
	}
	byName = map[string]string{}
	for _, id := range items {
		it, err := vc.GetLibraryItem(ctx(e.t), id)
		if err != nil {
			e.t.Fatal(err)
		}
		byName[it.Name] = id
		if it.Type == "ovf" {
			ovf = id
		}
	}
	return byName, ovf
}

func TestTemplatesAndCustomizationSpecs(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	status, raw, err := plug.Call(ctx(t), e.inst, viewerUser, http.MethodGet, "templates", nil)
	if err != nil || status != 200 {
		t.Fatalf("templates: %d %s %v", status, raw, err)
	}
	s := string(raw)
	// The three VM templates, not the OVF package, with the guest OS in words.
	for _, want := range []string{`"name":"rhel-9-template"`, `"name":"ubuntu-22.04-template"`, `"name":"win2022-template"`, `"guestName":"Ubuntu Linux (64-bit)"`,
		`"guestFamily":"WINDOWS"`, `"cpuCount":4`, `"memoryMiB":8192`, `"diskBytes":42949672960`, `"libraryName":"Templates"`} {
		if !strings.Contains(s, want) {
			t.Fatalf("templates lack %s: %s", want, s)
		}
	}
	// The OVF package too, marked as one, without hardware or guest (unknown before a deploy).
	if !strings.Contains(s, `"type":"ovf","name":"photon-5-appliance","description":"photon-5-appliance (OVF package)","library":`) ||
		!strings.Contains(s, `"libraryName":"Templates","sizeBytes":17179869184}`) || strings.Count(s, `"type":"vm-template"`) != 3 {
		t.Fatalf("templates lack the OVF package or the item types: %s", s)
	}
	status, raw, err = plug.Call(ctx(t), e.inst, viewerUser, http.MethodGet, "customization-specs", nil)
	if err != nil || status != 200 || !strings.Contains(string(raw), `{"name":"linux-dhcp","description":"Linux, host name from the VM name, DHCP","osType":"LINUX","osFamily":"Linux"}`) ||
		!strings.Contains(string(raw), `"osFamily":"Windows"`) {
		t.Fatalf("customization specs: %d %s %v", status, raw, err)
	}
}

func TestDeployTemplateRolesValidationAndAudit(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	ids, ovf := e.templateIDs()
	ubuntu := ids["ubuntu-22.04-template"]
	good := map[string]any{"name": "web-it-01", "placement": map[string]any{"folder": es.folder, "cluster": es.cluster}, "powerOn": true, "customizationSpec": "linux-static-web"}
	with := func(k string, v any) map[string]any { return withField(good, k, v) }
	e.resetCalls()
	for _, u := range []*backend.User{viewerUser, vmopsEditor} {
		e.expectAnswer(t, u, http.MethodPost, "templates/"+ubuntu+"/deploy", good, 403, "")
	}
	tests := []struct {
		name, item string
		body       map[string]any
		status     int
		msg        string
	}{
		{"bad item id", "vm-1001", good, 400, "is not a content library item id"},
		{"OVF package with a customization", ovf, good, 400, "an OVF package's guest is known only after the deploy"},
		{"unknown item", "00000000-0000-4000-8000-000000000000", good, 404, "does not exist"},
		{"Windows spec on Linux", ubuntu, with("customizationSpec", "windows-domain"), 400, "is for Windows guests; the template's guest OS is Ubuntu Linux (64-bit)"},
		{"unknown spec", ubuntu, with("customizationSpec", "nope"), 400, `customization spec "nope" does not exist`},
		{"no folder", ubuntu, with("placement", map[string]any{"cluster": es.cluster}), 400, "choose a VM folder and a cluster or host"},
		{"disconnected or unknown host", ubuntu, with("placement", map[string]any{"folder": es.folder, "host": "host-99999"}), 400, `host "host-99999" does not exist`},
		{"name taken", ubuntu, with("name", es.vmName), 409, "already exists"},
		{"bad name", ubuntu, with("name", "a%b"), 400, "must not contain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.expectAnswer(t, adminUser, http.MethodPost, "templates/"+tc.item+"/deploy", tc.body, tc.status, tc.msg)
		})
	}
	if c, _ := e.sim.Calls(); c.Route("POST", "library-items") != 0 {
		t.Fatalf("refused deploys reached vCenter: %v", c.Routes)
	}
	if n := len(e.events("clone")); n != 2+len(tests) {
		t.Fatalf("want %d refusal events, got %d", 2+len(tests), n)
	}
	status, body := e.call(adminUser, http.MethodPost, "templates/"+ubuntu+"/deploy", good)
	id, _ := body["id"].(string)
	if status != 201 || id == "" || body["name"] != "web-it-01" || body["powerState"] != "POWERED_ON" || body["cluster"] != es.cluster || body["cpuCount"] != float64(2) {
		t.Fatalf("Admin deploy: %d %v", status, body)
	}
	if v := e.vm(id); v == nil || v["host"] != body["host"] || v["host"] == "" {
		t.Fatalf("inventory after the deploy: %v", v)
	}
	evs := e.events("clone")
	last, intent := evs[len(evs)-1], evs[len(evs)-2]
	if param(intent, "auditPhase") != "intent" || last["outcome"] != "success" || !sameOp(intent, last) ||
		param(last, "template") != ubuntu || param(last, "templateName") != "ubuntu-22.04-template" || param(last, "customizationSpec") != "linux-static-web" {
		t.Fatalf("deploy audit: %v / %v", intent, last)
	}
	if v := last["vm"].(map[string]any); v["id"] != id || v["name"] != "web-it-01" {
		t.Fatalf("deploy outcome VM: %v", v)
	}
}
