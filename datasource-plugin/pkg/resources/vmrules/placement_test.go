package vmrules

import (
	"errors"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

// estate: datacenter-1 with cluster A (hosts 1 connected, 2 disconnected) and cluster B (host 3
// not responding only); datacenter-2 with cluster C (host 4).
var estate = Estate{
	Folders: map[string]Place{"group-v1": {"VMs", "datacenter-1"}, "group-v2": {"VMs DC2", "datacenter-2"}},
	Clusters: map[string]Place{"domain-c1": {"Cluster A", "datacenter-1"}, "domain-c2": {"Cluster B", "datacenter-1"},
		"domain-c3": {"Cluster C", "datacenter-2"}},
	Hosts: map[string]PlaceHost{
		"host-1": {Place{"esx-01", "datacenter-1"}, "domain-c1", "CONNECTED"},
		"host-2": {Place{"esx-02", "datacenter-1"}, "domain-c1", "DISCONNECTED"},
		"host-3": {Place{"esx-03", "datacenter-1"}, "domain-c2", "NOT_RESPONDING"},
		"host-4": {Place{"esx-04", "datacenter-2"}, "domain-c3", "CONNECTED"},
	},
	Datastores:  map[string]Place{"datastore-1": {"vsan-a", "datacenter-1"}, "datastore-2": {"vsan-c", "datacenter-2"}},
	Datacenters: map[string]string{"datacenter-1": "DC West", "datacenter-2": "DC East"},
}

var vm1 = VMPlace{ID: "vm-1", Name: "web-01", Host: "host-1", Datacenter: "datacenter-1"}

func TestCheckClonePlacement(t *testing.T) {
	tests := []struct {
		name string
		t    Target
		want string // "" = allowed, else a fragment of the refusal
	}{
		{"everything left to the source", Target{}, ""},
		{"full placement on a cluster", Target{Folder: "group-v1", Cluster: "domain-c1", Datastore: "datastore-1"}, ""},
		{"host in its cluster", Target{Cluster: "domain-c1", Host: "host-1"}, ""},
		{"unknown folder", Target{Folder: "group-v9"}, `folder "group-v9" is not a VM folder`},
		{"unknown cluster", Target{Cluster: "domain-c9"}, `cluster "domain-c9" does not exist`},
		{"unknown host", Target{Host: "host-9"}, `host "host-9" does not exist`},
		{"unknown datastore", Target{Datastore: "datastore-9"}, `datastore "datastore-9" does not exist`},
		{"host outside the cluster", Target{Cluster: "domain-c2", Host: "host-1"}, "host esx-01 is not in cluster Cluster B"},
		{"disconnected host", Target{Host: "host-2"}, "host esx-02 is disconnected: choose a connected host"},
		{"not responding host", Target{Host: "host-3"}, "host esx-03 is not responding"},
		{"cluster without connected host", Target{Cluster: "domain-c2"}, "cluster Cluster B has no connected host"},
		{"datastore of another datacenter", Target{Datastore: "datastore-2"}, "vsan-c is in datacenter DC East but the VM's placement is in DC West"},
		{"folder of another datacenter", Target{Folder: "group-v2", Cluster: "domain-c3", Datastore: "datastore-2"}, "VMs DC2 is in datacenter DC East"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckClonePlacement(vm1, tc.t, estate)
			checkRule(t, err, tc.want)
		})
	}
}

func TestCheckMigrate(t *testing.T) {
	tests := []struct {
		name string
		t    Target
		want string
	}{
		{"nothing named", Target{}, "choose a target host, cluster or datastore for VM web-01"},
		{"folder", Target{Folder: "group-v1", Host: "host-1"}, "does not move VMs between folders"},
		{"same host only", Target{Host: "host-1"}, "already runs on host esx-01"},
		{"same host, new datastore (Storage vMotion)", Target{Host: "host-1", Datastore: "datastore-1"}, ""},
		{"datastore only", Target{Datastore: "datastore-1"}, ""},
		{"cluster only (DRS picks the host)", Target{Cluster: "domain-c1"}, ""},
		{"disconnected host", Target{Host: "host-2"}, "host esx-02 is disconnected"},
		{"cluster without connected host", Target{Cluster: "domain-c2"}, "has no connected host"},
		{"host of another datacenter", Target{Host: "host-4"}, "esx-04 is in datacenter DC East"},
		{"unknown datastore", Target{Host: "host-1", Datastore: "ds-x"}, `datastore "ds-x" does not exist`},
		{"disks only (per-disk Storage vMotion)", Target{Disks: map[string]string{"2000": "datastore-1"}}, ""},
		{"same host with disk placement", Target{Host: "host-1", Disks: map[string]string{"2000": "datastore-1"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, CheckMigrate(vm1, tc.t, estate), tc.want)
		})
	}
}

func checkRule(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want a refusal with %q", err, want)
	}
	if !errors.Is(err, models.ErrInvalidInput) {
		t.Fatalf("%v is not invalid input (400)", err)
	}
}

func TestConnectedHostsOf(t *testing.T) {
	if got := ConnectedHostsOf("domain-c1", estate); len(got) != 1 || got[0] != "host-1" {
		t.Fatalf("connected hosts of cluster A: %v", got)
	}
	if got := ConnectedHostsOf("domain-c2", estate); len(got) != 0 {
		t.Fatalf("connected hosts of cluster B: %v", got)
	}
}
