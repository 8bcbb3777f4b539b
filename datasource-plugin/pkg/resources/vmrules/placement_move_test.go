package vmrules

import (
	"testing"
)

func TestHostVerdict(t *testing.T) {
	est := estate
	est.Hosts = map[string]PlaceHost{}
	for k, v := range estate.Hosts {
		est.Hosts[k] = v
	}
	est.Hosts["host-5"] = PlaceHost{Place{"esx-05", "datacenter-1"}, "domain-c1", "CONNECTED"}
	est.Hosts["host-6"] = PlaceHost{Place{"esx-06", "datacenter-1"}, "domain-c1", ""}
	tests := []struct {
		host   string
		ok     bool
		reason string
	}{
		{"host-1", false, "current host"},
		{"host-5", true, ""},
		{"host-2", false, "disconnected"},
		{"host-3", false, "not responding"},
		{"host-6", false, "connection state unknown"},
		{"host-4", false, "in datacenter DC East; the VM is in DC West"},
		{"host-9", false, "not in this vCenter's inventory"},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			ok, reason := HostVerdict(vm1, tc.host, est)
			if ok != tc.ok || reason != tc.reason {
				t.Fatalf("HostVerdict(%s) = %v %q, want %v %q", tc.host, ok, reason, tc.ok, tc.reason)
			}
		})
	}
}

const gib = int64(1) << 30

var disks = []DiskPlace{{"2000", "datastore-1", 40 * gib}, {"2001", "datastore-3", 10 * gib}}

func TestSpaceNeededAndFit(t *testing.T) {
	tests := []struct {
		name   string
		ds     string
		free   int64
		need   int64
		fits   bool
		reason string
	}{
		{"all disks move", "datastore-9", 60 * gib, 50 * gib, true, ""},
		{"exactly enough", "datastore-9", 50 * gib, 50 * gib, true, ""},
		{"too small", "datastore-9", 49 * gib, 50 * gib, false, "needs 50 GiB free for the VM's disks; 49 GiB free"},
		{"disk already there needs nothing", "datastore-1", 10 * gib, 10 * gib, true, ""},
		{"half a GiB short", "datastore-1", 9*gib + gib/2, 10 * gib, false, "needs 10 GiB free for the VM's disks; 9.5 GiB free"},
		{"no free space, nothing to move", "", 0, 50 * gib, false, "needs 50 GiB free for the VM's disks; 0 B free"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := SpaceNeeded(disks, tc.ds); n != tc.need {
				t.Fatalf("SpaceNeeded = %d, want %d", n, tc.need)
			}
			fits, reason := DatastoreFit(disks, tc.ds, tc.free)
			if fits != tc.fits || reason != tc.reason {
				t.Fatalf("DatastoreFit = %v %q, want %v %q", fits, reason, tc.fits, tc.reason)
			}
		})
	}
	if fits, _ := DatastoreFit(nil, "datastore-1", 0); !fits {
		t.Fatal("a VM without disks fits anywhere")
	}
}

func TestBytesText(t *testing.T) {
	for b, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 40 * gib: "40 GiB", 3 * 1024 * gib: "3 TiB"} {
		if got := BytesText(b); got != want {
			t.Errorf("BytesText(%d) = %q, want %q", b, got, want)
		}
	}
}

func TestAfterMovePct(t *testing.T) {
	tests := []struct {
		name                  string
		hostPct, cap, vmUsage float64
		want                  float64
		ok                    bool
	}{
		{"CPU: 40 % of 20,000 MHz plus 2,000 MHz", 40, 20000, 2000, 50, true},
		{"memory: 50 % of 256 GiB plus 16 GiB", 50, 256 * float64(gib), 16 * float64(gib), 56.3, true},
		{"idle VM changes nothing", 12.5, 1000, 0, 12.5, true},
		{"overcommit shows above 100", 95, 1000, 200, 115, true},
		{"no capacity", 40, 0, 2000, 0, false},
		{"negative usage", 40, 1000, -1, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := AfterMovePct(tc.hostPct, tc.cap, tc.vmUsage)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("AfterMovePct = %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCheckDiskPlacement(t *testing.T) {
	tests := []struct {
		name string
		want map[string]string
		err  string
	}{
		{"none", nil, ""},
		{"one disk to a datastore of the datacenter", map[string]string{"2001": "datastore-1"}, ""},
		{"both disks", map[string]string{"2000": "datastore-1", "2001": "datastore-1"}, ""},
		{"unknown disk key", map[string]string{"2005": "datastore-1"}, `VM web-01 has no disk "2005"; its disks are 2000, 2001`},
		{"no datastore named", map[string]string{"2000": ""}, "disk 2000: name the datastore it moves to"},
		{"unknown datastore", map[string]string{"2000": "datastore-77"}, `datastore "datastore-77" for disk 2000 does not exist`},
		{"datastore of another datacenter", map[string]string{"2000": "datastore-2"}, "datastore vsan-c for disk 2000 is in datacenter DC East but the VM is in DC West"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, CheckDiskPlacement(vm1, disks, tc.want, estate), tc.err)
		})
	}
	checkRule(t, CheckDiskPlacement(vm1, nil, map[string]string{"2000": "datastore-1"}, estate), "it has no virtual disks")
}

func TestVmdkDatastoreName(t *testing.T) {
	for path, want := range map[string]string{
		"[vsan-a] web-01/web-01.vmdk": "vsan-a",
		"[nfs 01] a b/c.vmdk":         "nfs 01",
		"[] x.vmdk":                   "",
		"web-01.vmdk":                 "",
		"[unterminated web-01.vmdk":   "",
		"[ds-1] [odd] name/disk.vmdk": "ds-1",
		"":                            "",
	} {
		if got := VmdkDatastoreName(path); got != want {
			t.Errorf("VmdkDatastoreName(%q) = %q, want %q", path, got, want)
		}
	}
}
