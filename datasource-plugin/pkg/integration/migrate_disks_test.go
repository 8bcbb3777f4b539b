package integration

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// Per-disk placement of POST vms/{id}/migrate over gRPC (docs/contracts.md §3 "Clone and
// migrate"): `disks: {"<key>": {"datastore": id}}` becomes VMware's `RelocateSpec.disks`; unknown
// disk keys, unknown datastores and datastores of another datacenter are 400 before vCenter; the
// move is audited with its disks and shows in the VM detail and the migrate options.

// newTwoDCEnv is a data source on its own simulator with two datacenters (nine clusters).
func newTwoDCEnv(t *testing.T) *vmopsEnv {
	t.Helper()
	setup(t) // the plugin process
	s, err := harness.StartSimulator("--vms", "60", "--hosts", "9", "--clusters", "9", "--seed", "3")
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	t.Cleanup(s.Close)
	rel := &outageRelay{}
	rs := httptest.NewServer(rel)
	t.Cleanup(rs.Close)
	idMu.Lock()
	nextID++
	id := nextID
	idMu.Unlock()
	return &vmopsEnv{t: t, sim: s, rel: rel, inst: harness.NewInstance(id, s, rs.URL, "it-relay-token", nil)}
}

// diskCase is a VM with a disk, a datastore of its datacenter its host mounts where the disk fits,
// one its host does not mount, and a datastore of another datacenter.
type diskCase struct {
	vm, vmName, host, dc, disk, diskDS, target, targetName, unmounted, foreign string
}

func (e *vmopsEnv) diskCase() diskCase {
	e.t.Helper()
	_, pl := e.call(adminUser, http.MethodGet, "options/placement", nil)
	dsDC := map[string]string{}
	for _, d := range list(pl["datastores"]) {
		dsDC[d["id"].(string)] = d["datacenter"].(string)
	}
	for _, v := range e.items("vms") {
		o := e.options(adminUser, v["id"].(string))
		vm := o["vm"].(map[string]any)
		disks := list(vm["disks"])
		if len(disks) == 0 || v["powerState"] != "POWERED_ON" {
			continue
		}
		c := diskCase{vm: vm["id"].(string), vmName: vm["name"].(string), host: vm["host"].(string), dc: v["datacenter"].(string),
			disk: disks[0]["key"].(string), diskDS: disks[0]["datastore"].(string)}
		for _, d := range list(o["datastores"]) {
			mounted := false
			for _, h := range strs(d["hosts"]) {
				mounted = mounted || h == c.host
			}
			switch {
			case mounted && d["id"] != c.diskDS && d["fits"] == true && c.target == "":
				c.target, c.targetName = d["id"].(string), d["name"].(string)
			case !mounted && c.unmounted == "":
				c.unmounted = d["id"].(string)
			}
		}
		for id, dc := range dsDC {
			if dc != c.dc {
				c.foreign = id
			}
		}
		if c.target != "" && c.unmounted != "" && c.foreign != "" {
			return c
		}
	}
	e.t.Fatal("no running VM with a disk, a datastore to move it to, an unmounted one and a foreign one")
	return diskCase{}
}

func TestMigrateDisksValidationSendsNothing(t *testing.T) {
	e := newTwoDCEnv(t)
	c := e.diskCase()
	disks := func(key, ds string) map[string]any {
		return map[string]any{"disks": map[string]any{key: map[string]any{"datastore": ds}}}
	}
	tests := []struct {
		name string
		body any
		msg  string
	}{
		{"unknown disk key", disks("9999", c.target), `has no disk "9999"; its disks are ` + c.disk},
		{"unknown datastore", disks(c.disk, "datastore-99999"), `datastore "datastore-99999" for disk ` + c.disk + " does not exist"},
		{"datastore of another datacenter", disks(c.disk, c.foreign), "is in datacenter"},
		{"no datastore", disks(c.disk, ""), "disk " + c.disk + ": name the datastore it moves to"},
		{"unknown field in a disk", map[string]any{"disks": map[string]any{c.disk: map[string]any{"datastor": c.target}}}, "not valid JSON for this call"},
	}
	e.resetCalls()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+c.vm+"/migrate", tc.body)
			msg, _ := body["message"].(string)
			if status != 400 || !strings.Contains(msg, tc.msg) {
				t.Fatalf("%d %v, want 400 with %q", status, body, tc.msg)
			}
		})
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("refused per-disk migrations sent %d POSTs to vCenter", n)
	}
	evs := e.events("migrate")
	if len(evs) != len(tests) {
		t.Fatalf("want %d refusal events, got %d: %v", len(tests), len(evs), evs)
	}
	for _, ev := range evs {
		if ev["outcome"] != "refused" || param(ev, "auditPhase") != "outcome" || ev["error"] == "" {
			t.Fatalf("refusal event: %v", ev)
		}
	}
	if d, _ := param(evs[0], "disks").(map[string]any); d["9999"] == nil {
		t.Fatalf("the refusal's params lack the disks: %v", evs[0])
	}
	// vCenter's own refusal (a datastore the VM's host does not mount) comes back as its 400,
	// recorded as refused after the intent.
	status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+c.vm+"/migrate", disks(c.disk, c.unmounted))
	if msg, _ := body["message"].(string); status != 400 || !strings.Contains(msg, "not accessible from host") {
		t.Fatalf("unmounted datastore: %d %v", status, body)
	}
	if evs := e.events("migrate"); evs[len(evs)-1]["outcome"] != "refused" || param(evs[len(evs)-2], "auditPhase") != "intent" {
		t.Fatalf("vCenter's refusal audit: %v", evs[len(evs)-2:])
	}
}

func TestMigrateDisksEndToEnd(t *testing.T) {
	e := newTwoDCEnv(t)
	c := e.diskCase()
	e.resetCalls()
	req := map[string]any{"disks": map[string]any{c.disk: map[string]any{"datastore": c.target}}}
	status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+c.vm+"/migrate", req)
	if status != 200 || body["id"] != c.vm || body["host"] != c.host {
		t.Fatalf("per-disk migrate: %d %v", status, body)
	}
	moved := false
	for _, d := range list(body["disks"]) {
		if d["key"] == c.disk {
			moved = strings.HasPrefix(d["vmdkFile"].(string), "["+c.targetName+"]")
		}
	}
	if !moved {
		t.Fatalf("the answer's disk %s is not on %s: %v", c.disk, c.targetName, body["disks"])
	}
	if calls, _ := e.sim.Calls(); calls.Route("POST", "/api/vcenter/vm/") != 1 {
		t.Fatalf("want one relocate call, routes %v", calls.Routes)
	}
	// The options now place the disk on its new datastore.
	o := e.options(vmopsEditor, c.vm)
	for _, d := range list(o["vm"].(map[string]any)["disks"]) {
		if d["key"] == c.disk && d["datastore"] != c.target {
			t.Fatalf("options after the move: %v", d)
		}
	}
	if !strings.Contains(strings.Join(strs(o["vm"].(map[string]any)["datastores"]), ","), c.target) {
		t.Fatalf("options vm datastores: %v", o["vm"])
	}
	evs := e.events("migrate")
	if len(evs) != 2 || param(evs[0], "auditPhase") != "intent" || evs[1]["outcome"] != "success" || !sameOp(evs[0], evs[1]) {
		t.Fatalf("audit: %v", evs)
	}
	for _, ev := range evs {
		d, _ := param(ev, "disks").(map[string]any)
		if disk, _ := d[c.disk].(map[string]any); disk["datastore"] != c.target {
			t.Fatalf("audited disks: %v", ev["params"])
		}
		if param(ev, "toHost") != nil && param(ev, "toHost") != c.host {
			t.Fatalf("a disk move changed host: %v", ev["params"])
		}
	}
}
