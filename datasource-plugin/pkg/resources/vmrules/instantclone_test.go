package vmrules

import (
	"errors"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

func TestCheckInstantCloneSource(t *testing.T) {
	for _, tc := range []struct{ state, want string }{
		{"POWERED_ON", ""},
		{"POWERED_OFF", "VM web-01 is powered off: an instant clone forks a running VM"},
		{"SUSPENDED", "VM web-01 is suspended"},
	} {
		err := CheckInstantCloneSource("web-01", tc.state)
		if tc.want == "" != (err == nil) || (err != nil && (!strings.Contains(err.Error(), tc.want) || !errors.Is(err, models.ErrConflict))) {
			t.Fatalf("%s: %v, want %q", tc.state, err, tc.want)
		}
	}
}

func TestCheckInstantClonePlacement(t *testing.T) {
	e := Estate{Folders: map[string]Place{"group-v1": {"VMs", "dc-1"}, "group-v9": {"Other VMs", "dc-2"}},
		Datastores:  map[string]Place{"datastore-1": {"ds1", "dc-1"}, "datastore-9": {"ds9", "dc-2"}},
		Datacenters: map[string]string{"dc-1": "East", "dc-2": "West"}}
	pools := map[string]Place{"resgroup-1": {"Resources", "dc-1"}}
	src := VMPlace{ID: "vm-1", Name: "web-01", Datacenter: "dc-1"}
	for _, tc := range []struct {
		folder, pool, ds, want string
	}{
		{"", "", "", ""},
		{"group-v1", "resgroup-1", "datastore-1", ""},
		{"group-v7", "", "", `VM folder "group-v7" does not exist`},
		{"", "resgroup-7", "", `resource pool "resgroup-7" does not exist`},
		{"", "", "datastore-7", `datastore "datastore-7" does not exist`},
		{"group-v9", "", "", "VM folder Other VMs is in datacenter West; VM web-01 is in East"},
		{"", "", "datastore-9", "datastore ds9 is in datacenter West"},
	} {
		checkRule(t, CheckInstantClonePlacement(src, tc.folder, tc.pool, tc.ds, e, pools), tc.want)
	}
}
