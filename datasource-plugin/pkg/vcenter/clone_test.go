package vcenter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

// recordVC answers the session and one mutation, keeping what the mutation carried.
type recordVC struct {
	method, path, query string
	body                map[string]any
	status              int
	answer              string
}

func (v *recordVC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/api/session" {
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `"tok"`)
		return
	}
	v.method, v.path, v.query = r.Method, r.URL.Path, r.URL.RawQuery
	raw, _ := io.ReadAll(r.Body)
	v.body = map[string]any{}
	_ = json.Unmarshal(raw, &v.body)
	w.WriteHeader(v.status)
	_, _ = io.WriteString(w, v.answer)
}

func recordClient(t *testing.T, v *recordVC) *Client {
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
}

// TestCloneSendsVMwaresCloneSpec: POST /api/vcenter/vm?action=clone with VM.CloneSpec's field
// names (source, name, placement{…}, power_on) and the new id read from the JSON string answer.
func TestCloneSendsVMwaresCloneSpec(t *testing.T) {
	v := &recordVC{status: 200, answer: `"vm-2001"`}
	on := true
	id, err := recordClient(t, v).CloneVM(context.Background(), CloneSpec{Source: "vm-1001", Name: "web-02",
		Placement: &ClonePlacementSpec{Folder: "group-v3", Cluster: "domain-c7", Datastore: "datastore-11"}, PowerOn: &on})
	if err != nil || id != "vm-2001" {
		t.Fatalf("clone: %q %v", id, err)
	}
	pl, _ := v.body["placement"].(map[string]any)
	if v.method != http.MethodPost || v.path != "/api/vcenter/vm" || v.query != "action=clone" || v.body["source"] != "vm-1001" ||
		v.body["name"] != "web-02" || v.body["power_on"] != true || pl["folder"] != "group-v3" || pl["cluster"] != "domain-c7" ||
		pl["datastore"] != "datastore-11" || len(pl) != 3 {
		t.Fatalf("sent %s %s?%s %v", v.method, v.path, v.query, v.body)
	}
	// Without placement and power_on nothing extra is sent (vCenter then uses the source's).
	v2 := &recordVC{status: 201, answer: `"vm-2002"`}
	if _, err := recordClient(t, v2).CloneVM(context.Background(), CloneSpec{Source: "vm-1001", Name: "web-03"}); err != nil || len(v2.body) != 2 {
		t.Fatalf("minimal clone sent %v (%v)", v2.body, err)
	}
	// An answer without an id is "outcome unknown", not success.
	v3 := &recordVC{status: 200, answer: `{}`}
	if _, err := recordClient(t, v3).CloneVM(context.Background(), CloneSpec{Source: "vm-1001", Name: "web-04"}); !errors.Is(err, models.ErrOutcomeUnknown) {
		t.Fatalf("clone without id: %v", err)
	}
}

// TestRelocateSendsVMwaresRelocateSpec: POST /api/vcenter/vm/{vm}?action=relocate with
// VM.RelocateSpec's placement; vCenter's errors keep their class.
func TestRelocateSendsVMwaresRelocateSpec(t *testing.T) {
	v := &recordVC{status: 204}
	err := recordClient(t, v).RelocateVM(context.Background(), "vm-1001", RelocateSpec{Placement: &RelocatePlacementSpec{Host: "host-12", Datastore: "datastore-3"}})
	pl, _ := v.body["placement"].(map[string]any)
	if err != nil || v.path != "/api/vcenter/vm/vm-1001" || v.query != "action=relocate" || pl["host"] != "host-12" || pl["datastore"] != "datastore-3" || len(pl) != 2 {
		t.Fatalf("sent %s?%s %v (%v)", v.path, v.query, v.body, err)
	}
	bad := &recordVC{status: 400, answer: `{"error_type":"INVALID_ARGUMENT","messages":[{"id":"com.vmware.api.vcenter.vm.insufficient_disk_space","default_message":"Insufficient disk space on datastore 'ds'.","args":["ds"]}]}`}
	err = recordClient(t, bad).RelocateVM(context.Background(), "vm-1001", RelocateSpec{Placement: &RelocatePlacementSpec{Datastore: "datastore-3"}})
	if !errors.Is(err, models.ErrInvalidInput) {
		t.Fatalf("relocate error: %v", err)
	}
}
