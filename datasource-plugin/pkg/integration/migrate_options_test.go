package integration

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// GET vms/{id}/migrate/options over gRPC against the simulator (docs/contracts.md §3 "Clone and
// migrate"): hosts with their compatibility in words, the datastores each host mounts, whether the
// VM's disks fit, and the usage before and after the move from vROps; without vROps the same
// lists without figures and a metricsError that says why.

func list(v any) []map[string]any {
	var out []map[string]any
	a, _ := v.([]any)
	for _, it := range a {
		out = append(out, it.(map[string]any))
	}
	return out
}

func strs(v any) []string {
	var out []string
	a, _ := v.([]any)
	for _, it := range a {
		out = append(out, it.(string))
	}
	return out
}

// vmDetailDisks are the VM's disks as the VM detail shows them, by key.
func (e *vmopsEnv) vmDetailDisks(id string) map[string]map[string]any {
	e.t.Helper()
	status, body := e.call(adminUser, http.MethodGet, "vms/"+id, nil)
	if status != 200 {
		e.t.Fatalf("vms/%s: %d %v", id, status, body)
	}
	out := map[string]map[string]any{}
	for _, d := range list(body["disks"]) {
		out[d["key"].(string)] = d
	}
	return out
}

func (e *vmopsEnv) options(user *backend.User, id string) map[string]any {
	e.t.Helper()
	status, body := e.call(user, http.MethodGet, "vms/"+id+"/migrate/options", nil)
	if status != 200 {
		e.t.Fatalf("migrate options: %d %v", status, body)
	}
	return body
}

// checkListsConsistent: the VM's disks match its detail, datastores and hosts are those of the
// VM's datacenter, the current host is not compatible, and fits says what the free space says.
func checkOptionLists(t *testing.T, e *vmopsEnv, es estate, o map[string]any) {
	t.Helper()
	vm := o["vm"].(map[string]any)
	if vm["id"] != es.vm || vm["name"] != es.vmName || vm["host"] != es.host || vm["hostName"] == "" || vm["cluster"] != es.cluster || vm["clusterName"] == "" {
		t.Fatalf("vm part: %v", vm)
	}
	detail := e.vmDetailDisks(es.vm)
	disks := list(vm["disks"])
	if len(disks) == 0 || len(disks) != len(detail) {
		t.Fatalf("disks %v, detail has %d", disks, len(detail))
	}
	dsByID := map[string]map[string]any{}
	for _, d := range list(o["datastores"]) {
		dsByID[d["id"].(string)] = d
	}
	var total float64
	for _, d := range disks {
		dd := detail[d["key"].(string)]
		ds := dsByID[d["datastore"].(string)]
		if dd == nil || ds == nil || d["capacityBytes"] != dd["capacityBytes"] || d["label"] != dd["label"] ||
			!strings.HasPrefix(dd["vmdkFile"].(string), "["+ds["name"].(string)+"]") {
			t.Fatalf("disk %v does not match the detail %v / datastore %v", d, dd, ds)
		}
		total += d["capacityBytes"].(float64)
	}
	if len(strs(vm["datastores"])) == 0 {
		t.Fatalf("vm datastores: %v", vm)
	}
	for _, ds := range dsByID {
		need := total
		for _, d := range disks {
			if d["datastore"] == ds["id"] {
				need -= d["capacityBytes"].(float64)
			}
		}
		fits := ds["freeBytes"].(float64) >= need
		if ds["fits"] != fits || (!fits && !strings.Contains(ds["reason"].(string), "free for the VM's disks")) || (fits && ds["reason"] != nil) {
			t.Fatalf("datastore %v: fits should be %v (needs %.0f)", ds, fits, need)
		}
	}
	hosts := list(o["hosts"])
	var current, compatible int
	for _, h := range hosts {
		switch {
		case h["id"] == es.host:
			current++
			if h["compatible"] != false || h["reason"] != "current host" {
				t.Fatalf("current host: %v", h)
			}
		case h["connectionState"] != "CONNECTED":
			if h["compatible"] != false || h["reason"] == "" {
				t.Fatalf("unconnected host: %v", h)
			}
		default:
			compatible++
			if h["compatible"] != true || h["reason"] != nil {
				t.Fatalf("connected host of the datacenter: %v", h)
			}
		}
		if h["name"] == "" || h["clusterName"] == "" {
			t.Fatalf("host without names: %v", h)
		}
	}
	if current != 1 || compatible == 0 {
		t.Fatalf("hosts: %d current, %d compatible: %v", current, compatible, hosts)
	}
	for _, h := range hosts {
		if h["id"] == es.foreignHost {
			// The small estate has one datacenter: the other cluster's hosts are listed too.
			if h["compatible"] != true {
				t.Fatalf("host of the other cluster: %v", h)
			}
		}
	}
}

func TestMigrateOptionsWithVROps(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	hostItems := map[string]map[string]any{}
	for _, h := range e.items("hosts") {
		hostItems[h["id"].(string)] = h
	}
	// Power the VM on so that it has a load to add.
	if status, body := e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/power", map[string]any{"action": "start"}); status != 200 && status != 409 {
		t.Fatalf("power on: %d %v", status, body)
	}
	o := e.options(vmopsEditor, es.vm)
	checkOptionLists(t, e, es, o)
	if o["metricsError"] != nil {
		t.Fatalf("metricsError with vROps up: %v", o["metricsError"])
	}
	vm := o["vm"].(map[string]any)
	mhz, _ := vm["cpuUsageMHz"].(float64)
	mem, _ := vm["memoryUsageBytes"].(float64)
	if mhz <= 0 || mem <= 0 {
		t.Fatalf("a running VM's load: %v", vm)
	}
	// Datastores: host lists from vROps; a host's datastores are the ones that list it.
	mountedBy := map[string][]string{}
	for _, ds := range list(o["datastores"]) {
		hs := strs(ds["hosts"])
		if len(hs) == 0 {
			t.Fatalf("datastore without hosts: %v", ds)
		}
		for _, h := range hs {
			mountedBy[h] = append(mountedBy[h], ds["id"].(string))
		}
	}
	for _, h := range list(o["hosts"]) {
		id := h["id"].(string)
		if got, want := strings.Join(strs(h["datastores"]), ","), strings.Join(mountedBy[id], ","); got != want || got == "" {
			t.Fatalf("host %s datastores %q, want %q", id, got, want)
		}
		if h["connectionState"] != "CONNECTED" {
			continue
		}
		cpu, _ := h["cpuUsagePct"].(float64)
		memPct, _ := h["memoryUsagePct"].(float64)
		item := hostItems[id]
		if h["cpuUsagePct"] == nil || h["memoryUsagePct"] == nil || cpu != item["cpuUsagePct"] || memPct != item["memoryUsagePct"] {
			t.Fatalf("host %s usage %v, host list says %v", id, h, item)
		}
		if id == es.host {
			if h["cpuAfterPct"] != nil || h["memoryAfterPct"] != nil {
				t.Fatalf("after-move figures on the current host: %v", h)
			}
			continue
		}
		capMHz := item["cpuCapacityMHz"].(float64)
		capBytes := item["memoryCapacityBytes"].(float64)
		wantCPU := math.Round((cpu*capMHz/100+mhz)/capMHz*1000) / 10
		wantMem := math.Round((memPct*capBytes/100+mem)/capBytes*1000) / 10
		if h["cpuAfterPct"] != wantCPU || h["memoryAfterPct"] != wantMem || wantCPU <= cpu {
			t.Fatalf("host %s after the move %v/%v, want %v/%v (%v)", id, h["cpuAfterPct"], h["memoryAfterPct"], wantCPU, wantMem, h)
		}
	}
	// A second call reuses the host usage and the host ⇄ datastore relations: only the VM's
	// own figures are read from vROps again.
	e.resetCalls()
	e.options(vmopsEditor, es.vm)
	c, err := e.sim.Calls()
	if err != nil {
		t.Fatal(err)
	}
	if n, rel := c.Route("POST", "stats/latest/query"), c.Route("relationships"); n != 1 || rel != 0 {
		t.Fatalf("second call: %d latest-values calls (want 1: the VM), %d relationship calls (want 0); %v", n, rel, c.Routes)
	}
}

func TestMigrateOptionsWithoutVROps(t *testing.T) {
	e := newVMOpsEnv(t, map[string]any{"vropsUrl": ""})
	es := e.estate()
	o := e.options(vmopsEditor, es.vm)
	checkOptionLists(t, e, es, o)
	if msg, _ := o["metricsError"].(string); !strings.Contains(msg, "vROps is not configured") {
		t.Fatalf("metricsError: %v", o["metricsError"])
	}
	checkNoFigures(t, o)
}

func TestMigrateOptionsDuringVROpsOutage(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	if err := e.sim.Control(http.MethodPut, "/__sim/faults", map[string]any{"outage": map[string]any{"api": "vrops", "seconds": 60}}, nil); err != nil {
		t.Fatal(err)
	}
	// A fresh instance: nothing of vROps is cached yet.
	e = e.fresh()
	o := e.options(vmopsEditor, es.vm)
	checkOptionLists(t, e, es, o)
	msg, _ := o["metricsError"].(string)
	if !strings.Contains(msg, "host usage is unavailable") || !strings.Contains(msg, "which hosts mount which datastores is unknown") {
		t.Fatalf("metricsError: %q", msg)
	}
	checkNoFigures(t, o)
}

func checkNoFigures(t *testing.T, o map[string]any) {
	t.Helper()
	vm := o["vm"].(map[string]any)
	if vm["cpuUsageMHz"] != nil || vm["memoryUsageBytes"] != nil {
		t.Fatalf("VM figures without vROps: %v", vm)
	}
	for _, h := range list(o["hosts"]) {
		for _, k := range []string{"cpuUsagePct", "memoryUsagePct", "cpuAfterPct", "memoryAfterPct", "datastores"} {
			if _, ok := h[k]; ok {
				t.Fatalf("host %s has %s without vROps", h["id"], k)
			}
		}
	}
	for _, ds := range list(o["datastores"]) {
		if _, ok := ds["hosts"]; ok {
			t.Fatalf("datastore %s has hosts without vROps", ds["id"])
		}
	}
}

func TestMigrateOptionsRolesAndErrors(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	path := "vms/" + es.vm + "/migrate/options"
	admins := newVMOpsEnv(t, map[string]any{"roles": map[string]any{"migrate": "Admin"}})
	tests := []struct {
		name   string
		env    *vmopsEnv
		user   *backend.User
		path   string
		status int
		msg    string
	}{
		{"Viewer", e, viewerUser, path, 403, "migrating a VM needs the Editor role; vera is Viewer"},
		{"no user", e, nil, path, 401, "signed-in Grafana user"},
		{"Editor", e, vmopsEditor, path, 200, ""},
		{"Admin", e, adminUser, path, 200, ""},
		{"bad VM id", e, adminUser, "vms/vm-1;x/migrate/options", 400, "is not a VM id"},
		{"unknown VM", e, adminUser, "vms/vm-999999/migrate/options", 404, "vm-999999 does not exist"},
		{"Editor when migrate needs Admin", admins, vmopsEditor, path, 403, "migrating a VM needs the Admin role"},
		{"Admin when migrate needs Admin", admins, adminUser, path, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tc.env.call(tc.user, http.MethodGet, tc.path, nil)
			msg, _ := body["message"].(string)
			if status != tc.status || !strings.Contains(msg, tc.msg) {
				t.Fatalf("%d %v, want %d with %q", status, body, tc.status, tc.msg)
			}
			if status == 200 && len(list(body["hosts"])) == 0 {
				t.Fatalf("no hosts: %v", body)
			}
		})
	}
	// A read: nothing is audited.
	if evs := e.events("migrate"); len(evs) != 0 {
		t.Fatalf("options were audited: %v", evs)
	}
}

// TestMigrateOptionsProductionShape: vCenter 2 of the two-vCenter simulator with production-shaped
// vROps data (off-grid, float32, instanced keys, some resources without stats): a running VM's
// load and the hosts' after-move figures are there; a VM vROps has no stats for gets a metricsError.
func TestMigrateOptionsProductionShape(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(2, nil)
	call := func(path string) map[string]any {
		t.Helper()
		status, raw, err := mvPlug.Call(ctx(t), inst, adminUser, http.MethodGet, path, nil)
		if err != nil || status != 200 {
			t.Fatalf("%s: %d %s %v", path, status, raw, err)
		}
		out := map[string]any{}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	vms := list(call("inventory/vms?pageSize=1000&sort=name")["items"])
	withFigures, without := 0, 0
	for _, v := range vms {
		if v["powerState"] != "POWERED_ON" || withFigures >= 3 {
			continue
		}
		o := call("vms/" + v["id"].(string) + "/migrate/options")
		vm := o["vm"].(map[string]any)
		if !strings.HasPrefix(vm["name"].(string), "vc2-") {
			t.Fatalf("options of another vCenter's VM: %v", vm)
		}
		if vm["cpuUsageMHz"] == nil {
			without++
			if msg, _ := o["metricsError"].(string); !strings.Contains(msg, vm["name"].(string)) {
				t.Fatalf("VM without figures and no metricsError naming it: %v", o)
			}
			continue
		}
		withFigures++
		after := 0
		for _, h := range list(o["hosts"]) {
			if h["compatible"] == true && h["cpuUsagePct"] != nil {
				if h["cpuAfterPct"] == nil || h["memoryAfterPct"] == nil || h["cpuAfterPct"].(float64) < h["cpuUsagePct"].(float64) {
					t.Fatalf("host %v", h)
				}
				after++
			}
		}
		if after == 0 {
			t.Fatalf("no compatible host with after-move figures: %v", o["hosts"])
		}
	}
	if withFigures == 0 {
		t.Fatalf("no running VM of vCenter 2 had figures (%d without)", without)
	}
}
