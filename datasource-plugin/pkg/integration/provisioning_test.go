package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Instant clone, OVF packages, the templates cache and ?async=true deploys with guest
// customization over gRPC (docs/contracts.md §3 "Templates", "Guest customization", "Tasks").

func TestInstantCloneRolesValidationAndAudit(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	on, onName := e.vmWith("POWERED_ON", false)
	off, _ := e.vmWith("POWERED_OFF", false)
	good := map[string]any{"name": "ic-it-01"}
	e.resetCalls()
	for _, u := range []*backend.User{viewerUser, vmopsEditor} {
		e.expectAnswer(t, u, http.MethodPost, "vms/"+on+"/instant-clone", good, 403, "")
	}
	tests := []struct {
		name, vm string
		body     map[string]any
		status   int
		msg      string
	}{
		{"powered-off source", off, good, 409, "an instant clone forks a running VM; power it on first"},
		{"unknown folder", on, map[string]any{"name": "ic-it-01", "placement": map[string]any{"folder": "group-v99999"}}, 400, `VM folder "group-v99999" does not exist`},
		{"unknown resource pool", on, map[string]any{"name": "ic-it-01", "placement": map[string]any{"resourcePool": "resgroup-99999"}}, 400, `resource pool "resgroup-99999" does not exist`},
		{"unknown datastore", on, map[string]any{"name": "ic-it-01", "placement": map[string]any{"datastore": "datastore-99999"}}, 400, `datastore "datastore-99999" does not exist`},
		{"name taken", on, map[string]any{"name": es.vmName}, 409, "already exists"},
		{"bad name", on, map[string]any{"name": "a%b"}, 400, "must not contain"},
		{"unknown field", on, map[string]any{"name": "ic-it-01", "powerOn": true}, 400, "not valid JSON for this call"},
		{"unknown source", "vm-999999", good, 404, "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.expectAnswer(t, adminUser, http.MethodPost, "vms/"+tc.vm+"/instant-clone", tc.body, tc.status, tc.msg)
		})
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("refused instant clones sent %d POSTs to vCenter", n)
	}
	if n := len(e.events("clone")); n != 2+len(tests) {
		t.Fatalf("want %d refusal events, got %d", 2+len(tests), n)
	}
	src := e.vm(on)
	status, body := e.call(adminUser, http.MethodPost, "vms/"+on+"/instant-clone", map[string]any{"name": "ic-it-01", "placement": map[string]any{"folder": es.folder}})
	id, _ := body["id"].(string)
	if status != 201 || id == "" || body["name"] != "ic-it-01" || body["powerState"] != "POWERED_ON" || body["host"] != src["host"] {
		t.Fatalf("Admin instant clone: %d %v", status, body)
	}
	if v := e.vm(id); v == nil || v["host"] != src["host"] || v["powerState"] != "POWERED_ON" {
		t.Fatalf("inventory after the instant clone: %v", v)
	}
	evs := e.events("clone")
	intent, last := evs[len(evs)-2], evs[len(evs)-1]
	if param(intent, "auditPhase") != "intent" || last["outcome"] != "success" || !sameOp(intent, last) || param(last, "kind") != "instant" ||
		param(last, "source") != on || param(last, "sourceName") != onName || last["vm"].(map[string]any)["id"] != id {
		t.Fatalf("instant clone audit: %v / %v", intent, last)
	}
}

func TestOVFSummaryDeployAndTemplatesCache(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	ids, ovf := e.templateIDs()
	// The cache: a second read asks vCenter nothing, ?refresh=true reads again.
	list := func(path string) string {
		status, raw, err := plug.Call(ctx(t), e.inst, viewerUser, http.MethodGet, path, nil)
		if err != nil || status != 200 {
			t.Fatalf("%s: %d %s %v", path, status, raw, err)
		}
		return string(raw)
	}
	first := list("templates")
	e.resetCalls()
	if again := list("templates"); again != first {
		t.Fatalf("the cached list differs: %s / %s", first, again)
	}
	if c, _ := e.sim.Calls(); c.Route("/api/content/library") != 0 {
		t.Fatalf("a cached read asked vCenter: %v", c.Routes)
	}
	list("templates?refresh=true")
	if c, _ := e.sim.Calls(); c.Route("GET", "/api/content/library/item/") != 4 {
		t.Fatalf("a refresh did not read the items again: %v", c.Routes)
	}
	// What the package needs.
	status, body := e.call(viewerUser, http.MethodGet, "templates/"+ovf+"/ovf?cluster="+es.cluster, nil)
	eulas, _ := body["eulas"].([]any)
	nets, _ := body["networks"].([]any)
	if status != 200 || body["name"] != "photon-5-appliance" || len(eulas) != 1 || len(nets) != 1 || nets[0] != "VM Network" || body["sizeBytes"] != float64(16<<30) {
		t.Fatalf("OVF summary: %d %v", status, body)
	}
	if status, body := e.call(viewerUser, http.MethodGet, "templates/"+ids["ubuntu-22.04-template"]+"/ovf", nil); status != 400 || !strings.Contains(body["message"].(string), "is not an OVF package") {
		t.Fatalf("OVF summary of a VM template: %d %v", status, body)
	}
	// The network to map to: one of the cluster's datacenter.
	network := e.placementIn(es.cluster, "networks")
	if network == "" {
		t.Fatalf("no network in the datacenter of %s", es.cluster)
	}
	place := map[string]any{"folder": es.folder, "cluster": es.cluster}
	good := map[string]any{"name": "photon-it-01", "placement": place, "acceptEula": true, "networkMappings": map[string]any{"VM Network": network}, "powerOn": true}
	with := func(k string, v any) map[string]any { return withField(good, k, v) }
	e.resetCalls()
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		msg        string
	}{
		{"EULA not accepted", "templates/" + ovf + "/deploy", with("acceptEula", false), "accept it (acceptEula: true)"},
		{"unknown OVF network", "templates/" + ovf + "/deploy", with("networkMappings", map[string]any{"LAN": network}), `no network "LAN"; its networks: "VM Network"`},
		{"unknown target network", "templates/" + ovf + "/deploy", with("networkMappings", map[string]any{"VM Network": "network-99999"}), `network "network-99999" (for the OVF network "VM Network") does not exist`},
		{"as a task", "templates/" + ovf + "/deploy?async=true", good, "OVF packages deploy without ?async=true"},
		{"OVF fields on a VM template", "templates/" + ids["ubuntu-22.04-template"] + "/deploy", good, "acceptEula and networkMappings are for OVF packages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := e.call(adminUser, http.MethodPost, tc.path, tc.body); status != 400 || !strings.Contains(body["message"].(string), tc.msg) {
				t.Fatalf("%d %v, want 400 with %q", status, body, tc.msg)
			}
		})
	}
	if c, _ := e.sim.Calls(); c.Route("action=deploy") != 0 || c.Route("POST", "/api/vcenter/ovf/library-item/:item") > 3 {
		t.Fatalf("refused OVF deploys reached vCenter's deploy: %v", c.Routes)
	}
	status, body = e.call(adminUser, http.MethodPost, "templates/"+ovf+"/deploy", good)
	id, _ := body["id"].(string)
	if status != 201 || id == "" || body["name"] != "photon-it-01" || body["powerState"] != "POWERED_ON" || body["cluster"] != es.cluster {
		t.Fatalf("OVF deploy: %d %v", status, body)
	}
	if nics, _ := body["nics"].([]any); len(nics) != 1 || nics[0].(map[string]any)["network"] != network {
		t.Fatalf("OVF deploy network: %v", body["nics"])
	}
	ev := e.events("clone")[len(e.events("clone"))-1]
	if ev["outcome"] != "success" || param(ev, "kind") != "ovf" || param(ev, "templateName") != "photon-5-appliance" || param(ev, "acceptEula") != true {
		t.Fatalf("OVF deploy audit: %v", ev)
	}
}

func TestAsyncDeployWithCustomizationIsDoneOnlyWhenCustomizedAndRunning(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	ids, _ := e.templateIDs()
	status, body := e.call(adminUser, http.MethodPost, "templates/"+ids["ubuntu-22.04-template"]+"/deploy?async=true", map[string]any{"name": "web-it-31",
		"placement": map[string]any{"folder": es.folder, "cluster": es.cluster}, "powerOn": true,
		"customization": map[string]any{"spec": "linux-static-web", "hostName": "web-31", "ip": map[string]any{"address": "10.50.0.31", "prefix": 16, "gateway": "10.50.0.1"}}})
	task, _ := body["task"].(string)
	if status != 202 || task == "" {
		t.Fatalf("async deploy: %d %v", status, body)
	}
	// Poll like the app; every message on the way is vCenter's or one of the backend's steps.
	seen := map[string]bool{}
	var done map[string]any
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && done == nil; time.Sleep(100 * time.Millisecond) {
		_, st := e.call(viewerUser, http.MethodGet, "tasks/"+task, nil)
		if msg, _ := st["message"].(string); st["done"] != true {
			seen[msg] = true
		}
		if st["done"] == true {
			done = st
		}
	}
	id, _ := done["vm"].(string)
	if done["status"] != "SUCCEEDED" || id == "" {
		t.Fatalf("task: %v", done)
	}
	for m := range seen {
		if m != "Customizing guest" && m != "Powering on" && m != "Finishing" && !strings.Contains(m, "web-it-31") {
			t.Fatalf("unexpected task message %q", m)
		}
	}
	// Done means customized and running: the guest answers with its new name at once.
	g, err := e.vc().GuestIdentity(ctx(t), id)
	if err != nil || g.HostName != "web-31" || g.IPAddress != "10.50.0.31" {
		t.Fatalf("guest when the task is done: %+v %v", g, err)
	}
	ev := e.waitOutcome("clone", task)
	if ev["outcome"] != "success" || ev["vm"].(map[string]any)["id"] != id {
		t.Fatalf("outcome: %v", ev)
	}
	n := 0
	for _, ev := range e.events("clone") {
		if param(ev, "task") == task && param(ev, "auditPhase") == "outcome" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("want one outcome for the task, got %d", n)
	}
	if v := e.vm(id); v == nil || v["powerState"] != "POWERED_ON" {
		t.Fatalf("inventory after the task: %v", v)
	}
	// A clone as a task with per-VM values and no power on: customized, left powered off.
	src, _ := e.vmWith("POWERED_OFF", false)
	status, body = e.call(adminUser, http.MethodPost, "vms/"+src+"/clone?async=true", map[string]any{"name": "web-it-32",
		"customization": map[string]any{"spec": "linux-static-web", "hostName": "web-32", "ip": map[string]any{"address": "10.50.0.32", "prefix": 16, "gateway": "10.50.0.1"}}})
	task, _ = body["task"].(string)
	if status != 202 || task == "" {
		t.Fatalf("async clone: %d %v", status, body)
	}
	done = e.waitTask(task)
	cid, _ := done["vm"].(string)
	if done["status"] != "SUCCEEDED" || cid == "" {
		t.Fatalf("clone task: %v", done)
	}
	if ev := e.waitOutcome("clone", task); ev["outcome"] != "success" {
		t.Fatalf("clone outcome: %v", ev)
	}
	if v := e.vm(cid); v == nil || v["powerState"] != "POWERED_OFF" {
		t.Fatalf("inventory after the clone task: %v", v)
	}
	if g := e.guestAfterBoot(cid); g.HostName != "web-32" || g.IPAddress != "10.50.0.32" {
		t.Fatalf("cloned guest after boot: %+v", g)
	}
}
