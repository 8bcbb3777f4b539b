package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A vMotion shows in the data source's host-change annotations (issue 12 item 1): one made through
// POST vms/{id}/migrate at once and only once (the next rebuild finds the VM already there), and
// one made in vCenter directly when the next snapshot sees the VM on its new host.

// vcenterRelocate moves a VM with the simulator's vCenter REST API directly, as another client would.
func vcenterRelocate(t *testing.T, base, vm, host string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/session", nil)
	req.SetBasicAuth("administrator@vsphere.local", "VMware1!")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var token string
	err = json.NewDecoder(resp.Body).Decode(&token)
	resp.Body.Close()
	if err != nil || token == "" {
		t.Fatalf("vCenter session: %d %v", resp.StatusCode, err)
	}
	body, _ := json.Marshal(map[string]any{"placement": map[string]any{"host": host}})
	req, _ = http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/vcenter/vm/%s?action=relocate", base, vm), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("vmware-api-session-id", token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("direct relocate: HTTP %d", resp.StatusCode)
	}
}

// hostChangeRows are the host-change annotations of one VM: title, text and tags per row.
func (e *vmopsEnv) hostChangeRows(vm string, since time.Time) [][3]string {
	e.t.Helper()
	resp, err := plug.Query(ctx(e.t), e.inst, nil, since, time.Now().Add(time.Minute),
		map[string]any{"queryType": "annotations", "annotationKind": "hostChanges", "vms": []string{vm}})
	if err != nil {
		e.t.Fatal(err)
	}
	r := one(e.t, resp)
	if r.Error != nil {
		e.t.Fatal(r.Error)
	}
	titles, _ := r.Frames[0].FieldByName("title")
	texts, _ := r.Frames[0].FieldByName("text")
	tags, _ := r.Frames[0].FieldByName("tags")
	var out [][3]string
	for i := 0; i < tags.Len(); i++ {
		out = append(out, [3]string{titles.At(i).(string), texts.At(i).(string), tags.At(i).(string)})
	}
	return out
}

func TestVMotionInHostChangeAnnotations(t *testing.T) {
	e := newVMOpsEnv(t, map[string]any{"cacheTtlSeconds": 1})
	es := e.estate()
	since := time.Now().Add(-time.Minute)
	hostName := map[string]string{}
	for _, h := range e.items("hosts") {
		hostName[h["id"].(string)] = h["name"].(string)
	}
	// Through the resource API: annotated at once as a vMotion.
	if status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+es.vm+"/migrate", map[string]any{"host": es.otherHost}); status != 200 {
		t.Fatalf("migrate: %d %v", status, body)
	}
	want := [3]string{es.vmName + " moved to " + hostName[es.otherHost],
		fmt.Sprintf("%s moved from %s to %s (vmotion)", es.vmName, hostName[es.host], hostName[es.otherHost]), "host-change,vmotion"}
	if rows := e.hostChangeRows(es.vm, since); len(rows) != 1 || rows[0] != want {
		t.Fatalf("annotations after the migrate: %v, want [%v]", rows, want)
	}
	// After the next rebuild still once: the rebuild finds the VM where the cache already has it.
	time.Sleep(1100 * time.Millisecond)
	if v := e.vm(es.vm); v["host"] != es.otherHost {
		t.Fatalf("inventory after the rebuild: %v", v)
	}
	if rows := e.hostChangeRows(es.vm, since); len(rows) != 1 {
		t.Fatalf("annotations after the rebuild: %v", rows)
	}
	// Moved back in vCenter directly: the next snapshot sees it and annotates a vMotion.
	vcenterRelocate(t, e.sim.URL, es.vm, es.host)
	time.Sleep(1100 * time.Millisecond)
	if v := e.vm(es.vm); v["host"] != es.host {
		t.Fatalf("inventory after the direct relocate: %v", v)
	}
	rows := e.hostChangeRows(es.vm, since)
	back := [3]string{es.vmName + " moved to " + hostName[es.host],
		fmt.Sprintf("%s moved from %s to %s (vmotion)", es.vmName, hostName[es.otherHost], hostName[es.host]), "host-change,vmotion"}
	if len(rows) != 2 || rows[1] != back {
		t.Fatalf("annotations after the direct relocate: %v, want the second %v", rows, back)
	}
	if !strings.Contains(rows[0][2], "vmotion") {
		t.Fatalf("first row: %v", rows[0])
	}
}
