package vcenter

import (
	"encoding/json"
	"testing"
)

// TestRelocateSpecDisksShape: per-disk placement is `VM.RelocateSpec.disks`, a map of disk key to
// `VM.DiskRelocateSpec{datastore}` (VMware's vmware-vcenter bindings, vSphere API 7.0.0.0); both
// parts are left out when empty.
func TestRelocateSpecDisksShape(t *testing.T) {
	tests := []struct {
		name string
		spec RelocateSpec
		want string
	}{
		{"disks only", RelocateSpec{Disks: map[string]DiskRelocateSpec{"2000": {Datastore: "datastore-3"}}}, `{"disks":{"2000":{"datastore":"datastore-3"}}}`},
		{"placement and disks", RelocateSpec{Placement: &RelocatePlacementSpec{Host: "host-12"}, Disks: map[string]DiskRelocateSpec{"2001": {Datastore: "datastore-4"}}},
			`{"placement":{"host":"host-12"},"disks":{"2001":{"datastore":"datastore-4"}}}`},
		{"placement only", RelocateSpec{Placement: &RelocatePlacementSpec{Datastore: "datastore-3"}}, `{"placement":{"datastore":"datastore-3"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.spec)
			if err != nil || string(raw) != tc.want {
				t.Fatalf("got %s %v, want %s", raw, err, tc.want)
			}
		})
	}
}
