package integration

// Query-level checks of the two-vCenter estate over gRPC, owned by the query package's work
// (docs/contracts.md §2): the VM inventory frame's guest OS and IP, and alerts that never show
// another vCenter's resources.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
)

func TestQfixVMInventoryFrameHasGuestOSAndIPFromVROps(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(2, nil)
	now := time.Now()
	r := queryOK(t, mvPlug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"})
	fr := r.Frames[0]
	idf, _ := fr.FieldByName("id")
	osf, _ := fr.FieldByName("guestOS")
	ipf, _ := fr.FieldByName("ip")
	if idf == nil || osf == nil || ipf == nil || idf.Len() != mvVMs {
		t.Fatalf("VM frame fields %v, %d rows", fr.Fields, fr.Rows())
	}
	if fr.Meta != nil && len(fr.Meta.Notices) > 0 {
		t.Fatalf("notices %v", fr.Meta.Notices)
	}
	// What vROps says for vCenter 2's resource of each VM (by its VCID and MoRef, never MoRef alone).
	vr := mvVROps()
	byPair := vropsResources(t, vr)
	var rids []string
	rowOf := map[string]int{}
	for i := 0; i < idf.Len(); i++ {
		rid := byPair[[2]string{mvVCs[1].InstanceUUID, idf.At(i).(string)}]
		if rid != "" {
			rids, rowOf[rid] = append(rids, rid), i
		}
	}
	props, err := vr.LatestProperties(context.Background(), rids[:min(len(rids), 1000)], []string{inventory.PropGuestFullName, inventory.PropGuestIP})
	if err != nil {
		t.Fatal(err)
	}
	checked, withIP := 0, 0
	for rid, p := range props {
		i := rowOf[rid]
		if want := p[inventory.PropGuestFullName]; want != "" {
			if got := osf.At(i).(string); got != want {
				t.Fatalf("%s: guest OS %q, vROps says %q", idf.At(i), got, want)
			}
			checked++
		}
		if got := ipf.At(i).(string); got != p[inventory.PropGuestIP] {
			t.Fatalf("%s: IP %q, vROps says %q", idf.At(i), got, p[inventory.PropGuestIP])
		} else if got != "" {
			withIP++
		}
	}
	if checked == 0 || withIP == 0 {
		t.Fatalf("%d guest names and %d IPs compared: the test proves nothing", checked, withIP)
	}
	for i := 0; i < osf.Len(); i++ {
		if os := osf.At(i).(string); os != "" && strings.Contains(os, "_") {
			t.Fatalf("%s: guest OS %q is an id, not a name", idf.At(i), os)
		}
	}
}

func TestQfixAlertsShowOnlyThisVCentersResources(t *testing.T) {
	mvSetup(t)
	// vROps has alerts on both vCenters' VMs, or this test proves nothing.
	vr := mvVROps()
	all, err := vr.QueryAlerts(context.Background(), []string{"INFORMATION", "WARNING", "IMMEDIATE", "CRITICAL"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vcOf := map[string]string{}
	res, err := vr.QueryResources(context.Background(), []string{"VirtualMachine", "HostSystem", "ClusterComputeResource", "Datastore"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res {
		vcOf[res[i].Identifier] = res[i].IdentifierValue("VMEntityVCID")
	}
	perVC := map[string]int{}
	for _, a := range all {
		perVC[vcOf[a.ResourceID]]++
	}
	if perVC[mvVCs[0].InstanceUUID] == 0 || perVC[mvVCs[1].InstanceUUID] == 0 {
		t.Fatalf("vROps alerts per vCenter %v: need alerts on both", perVC)
	}
	now := time.Now()
	for k := 1; k <= 2; k++ {
		t.Run(fmt.Sprintf("vCenter %d", k), func(t *testing.T) {
			inst := mvInstance(k, nil)
			own := map[string]bool{}
			for _, v := range mvVMsOf(t, inst) {
				own[v.name] = true
			}
			r := queryOK(t, mvPlug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "alerts", "minLevel": "INFO"})
			// Exactly the alerts on this vCenter's resources: none of the other vCenter's.
			want := map[string]bool{}
			for _, a := range all {
				if vcOf[a.ResourceID] == mvVCs[k-1].InstanceUUID {
					want[a.AlertID] = true
				}
			}
			idf, _ := r.Frames[0].FieldByName("alertId")
			names, _ := r.Frames[0].FieldByName("resourceName")
			vms := 0
			for i := 0; i < idf.Len(); i++ {
				if !want[idf.At(i).(string)] {
					t.Fatalf("vCenter %d shows alert %s on %q, not one of its resources'", k, idf.At(i), names.At(i))
				}
				if own[names.At(i).(string)] {
					vms++
				}
			}
			if idf.Len() != len(want) || vms == 0 {
				t.Fatalf("vCenter %d: %d alerts (%d on its VMs by name), vROps has %d on its resources", k, idf.Len(), vms, len(want))
			}
		})
	}
	// A data source whose vCenter vROps cannot identify shows no alert, and says why.
	u, _ := url.Parse(mvSim.URL)
	amb := mvInstance(2, map[string]any{"vcenterUrl": fmt.Sprintf("http://localhost:%s/vc/2", u.Port())})
	r := queryOne(t, mvPlug, amb, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "alerts", "minLevel": "INFO"})
	if r.Error != nil || r.Frames[0].Rows() != 0 || !strings.Contains(notices(r), "instance UUID") {
		t.Fatalf("unidentified vCenter: err %v, %d alerts, notices %q", r.Error, r.Frames[0].Rows(), notices(r))
	}
}
