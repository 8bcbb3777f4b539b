package query

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// One vROps monitoring two vCenters whose MoRefs collide (docs/contracts.md §1): the recorded
// fixture's vCenter (vc01.lab, VCID vc1UUID) plus a second one (vc02.lab) with its own vm-100 and
// vm-101, whose vROps resources carry other data. The data source's vCenter is vc01.lab.
const (
	vc1UUID = "c1818e61-0000-4000-8000-000000000001"
	vc2UUID = "c1818e61-0000-4000-8000-000000000002"
	// vc2's vm-100 and vm-101, and a second resource vc1 lists for vm-100 (ambiguous case).
	vc2VM100 = "eeeeeeee-0000-4000-8000-000000000100"
	vc2VM101 = "eeeeeeee-0000-4000-8000-000000000101"
	dupVM100 = "ffffffff-0000-4000-8000-000000000100"
)

// vc2CPU is vc2's CPU usage, a value vc1's VMs never have: a vc1 series showing it is wrong.
const vc2CPU = 66.5

func vmResource(id, name, moref, vcid string) map[string]any {
	ident := func(n, v string) map[string]any {
		return map[string]any{"identifierType": map[string]any{"name": n, "dataType": "STRING", "isPartOfUniqueness": true}, "value": v}
	}
	return map[string]any{"identifier": id, "resourceKey": map[string]any{"name": name, "adapterKindKey": "VMWARE", "resourceKindKey": "VirtualMachine",
		"resourceIdentifiers": []any{ident("VMEntityObjectID", moref), ident("VMEntityVCID", vcid), ident("VMEntityName", name)}}}
}

func adapterResource(id, vcurl, vcid string) map[string]any {
	ident := func(n, v string) map[string]any {
		return map[string]any{"identifierType": map[string]any{"name": n, "dataType": "STRING", "isPartOfUniqueness": true}, "value": v}
	}
	return map[string]any{"identifier": id, "resourceKey": map[string]any{"name": vcurl, "adapterKindKey": "VMWARE", "resourceKindKey": "VMwareAdapter Instance",
		"resourceIdentifiers": []any{ident("VCURL", vcurl), ident("VMEntityVCID", vcid)}}}
}

func statValues(id string, cpu float64) map[string]any {
	ts := []int64{1767225600000, 1767229200000, 1767232800000}
	return map[string]any{"resourceId": id, "stat-list": map[string]any{"stat": []any{
		map[string]any{"timestamps": ts, "statKey": map[string]any{"key": "cpu|usage_average"}, "intervalUnit": map[string]any{"quantifier": 1}, "rollUpType": "AVG", "data": []float64{cpu, cpu, cpu}}}}}
}

func latestValues(id string, cpu float64) map[string]any {
	return map[string]any{"resourceId": id, "stat-list": map[string]any{"stat": []any{
		map[string]any{"timestamps": []int64{1767232800000}, "statKey": map[string]any{"key": "cpu|usage_average"}, "data": []float64{cpu}}}}}
}

// editBody decodes an exchange's JSON body, lets fn change it and encodes it again.
func editBody(t *testing.T, e *replay.Exchange, fn func(b map[string]any)) {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(e.Body, &b); err != nil {
		t.Fatal(err)
	}
	fn(b)
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	e.Body = raw
}

func appendTo(b map[string]any, key string, items ...map[string]any) {
	list, _ := b[key].([]any)
	for _, it := range items {
		list = append(list, it)
	}
	b[key] = list
}

// newTwoVCFixture serves the recorded vc01.lab with a vROps that also monitors vc02.lab; url is
// this data source's vCenter URL as the id map compares it with the adapter instances' VCURL, and
// dup makes vROps list vc1's vm-100 twice.
func newTwoVCFixture(t *testing.T, url string, dup bool) *fixture {
	t.Helper()
	vc, vr := recordings(t)
	var out []replay.Exchange
	for _, e := range vr {
		switch e.Path {
		case "/suite-api/api/resources/query":
			e.Request = json.RawMessage(`{"adapterKind":["VMWARE"],"resourceKind":["VirtualMachine","HostSystem","ClusterComputeResource","Datastore"]}`)
			editBody(t, &e, func(b map[string]any) {
				appendTo(b, "resourceList", vmResource(vc2VM100, "vc2-app-01", "vm-100", vc2UUID), vmResource(vc2VM101, "vc2-app-02", "vm-101", vc2UUID))
				if dup {
					appendTo(b, "resourceList", vmResource(dupVM100, "web-01", "vm-100", vc1UUID))
				}
			})
			adapters := replay.Exchange{Method: "POST", Path: e.Path, Query: e.Query, Status: 200,
				Request: json.RawMessage(`{"adapterKind":["VMWARE"],"resourceKind":["VMwareAdapter Instance"]}`)}
			adapters.Body, _ = json.Marshal(map[string]any{"pageInfo": map[string]any{"totalCount": 2, "page": 0, "pageSize": 5000},
				"resourceList": []any{adapterResource("adapter-1", "vc01.lab", vc1UUID), adapterResource("adapter-2", "https://vc02.lab/", vc2UUID)}})
			out = append(out, adapters)
		case "/suite-api/api/resources/stats/query":
			editBody(t, &e, func(b map[string]any) {
				appendTo(b, "values", statValues(vc2VM100, vc2CPU), statValues(vc2VM101, vc2CPU), statValues(dupVM100, vc2CPU))
			})
		case "/suite-api/api/resources/stats/latest/query":
			editBody(t, &e, func(b map[string]any) {
				appendTo(b, "values", latestValues(vc2VM100, vc2CPU), latestValues(vc2VM101, vc2CPU), latestValues(dupVM100, vc2CPU))
			})
		case "/suite-api/api/alerts/query":
			editBody(t, &e, func(b map[string]any) {
				appendTo(b, "alerts", map[string]any{"alertId": "e2e2e2e2-0000-4000-8000-000000000001", "resourceId": vc2VM100, "alertLevel": "CRITICAL",
					"status": "ACTIVE", "startTimeUTC": 1767229200000, "updateTimeUTC": 1767232800000, "alertDefinitionName": "vc2 alert", "alertImpact": "HEALTH"})
			})
		}
		out = append(out, e)
	}
	srv := replay.New(vc, out)
	t.Cleanup(srv.Close)
	hc := &http.Client{Timeout: 5 * time.Second}
	vcc := vcenter.NewWithHTTPClient(srv.URL, "administrator@vsphere.local", "VMware1!", hc)
	vrc := vrops.NewWithHTTPClient(srv.URL, "admin", "VMware1!", "", hc)
	cache := inventory.NewCache(vcc, vrc, time.Minute)
	cache.SetIdentity(inventory.Identity{URL: url})
	return &fixture{srv: srv, deps: &Deps{Inventory: cache, VCenter: vcc, Stats: vrc, VCenterName: "vc01.lab"}}
}

// seriesValues maps each metrics frame's vm_id label to its non-null values.
func seriesValues(t *testing.T, dr backend.DataResponse) map[string][]float64 {
	t.Helper()
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	out := map[string][]float64{}
	for _, fr := range dr.Frames {
		v, _ := fr.FieldByName("value")
		if v == nil || v.Labels["vm_id"] == "" {
			continue
		}
		var vals []float64
		for i := 0; i < v.Len(); i++ {
			if p, ok := v.ConcreteAt(i); ok {
				vals = append(vals, p.(float64))
			}
		}
		out[v.Labels["vm_id"]] = vals
	}
	return out
}

func stringColumn(dr backend.DataResponse, frame int, name string) []string {
	f, _ := dr.Frames[frame].FieldByName(name)
	if f == nil {
		return nil
	}
	out := make([]string, 0, f.Len())
	for i := 0; i < f.Len(); i++ {
		out = append(out, f.At(i).(string))
	}
	return out
}

var vmMetrics = map[string]any{"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "ids", "ids": []string{"web-01", "db-01"}},
	"statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": "1h"}

var vmLatest = map[string]any{"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "ids", "ids": []string{"web-01", "db-01"}},
	"statKeys": []string{"cpu|usage_average"}}

func copyModel(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestTwoVCentersCollidingMoRefsGetOwnData(t *testing.T) {
	f := newTwoVCFixture(t, "https://VC01.lab/", false)
	got := seriesValues(t, f.run(t, "metrics", copyModel(vmMetrics)))
	want := map[string][]float64{"vm-100": {12.5, 18.25, 22}, "vm-101": {91, 95.5, 97.25}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("series %v, want vc01.lab's own %v (vc02.lab's VMs have %v)", got, want, vc2CPU)
	}
	lt := f.run(t, "latest", copyModel(vmLatest))
	if lt.Error != nil {
		t.Fatal(lt.Error)
	}
	vals, _ := lt.Frames[0].FieldByName("value")
	ids := stringColumn(lt, 0, "resource")
	for i := 0; i < vals.Len(); i++ {
		v, _ := vals.ConcreteAt(i)
		if v == vc2CPU {
			t.Fatalf("latest %s shows vc02.lab's value", ids[i])
		}
	}
	if !reflect.DeepEqual(ids, []string{"vm-101", "vm-100"}) {
		t.Fatalf("latest rows %v", ids)
	}
	al := f.run(t, "alerts", map[string]any{"minLevel": "WARNING"})
	if al.Error != nil {
		t.Fatal(al.Error)
	}
	if got := stringColumn(al, 0, "alertId"); !reflect.DeepEqual(got, []string{"e1e1e1e1-0000-4000-8000-000000000001", "e1e1e1e1-0000-4000-8000-000000000002"}) {
		t.Fatalf("alerts %v: vc02.lab's alert must not be shown", got)
	}
	if n := notices(al); !strings.Contains(n, "Not shown: 1 alert on resources that are not this vCenter's") {
		t.Fatalf("alert notices %q", n)
	}
	sel := f.run(t, "alerts", map[string]any{"minLevel": "WARNING", "selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}})
	if got := stringColumn(sel, 0, "resourceName"); strings.Contains(strings.Join(got, ","), "vc2") {
		t.Fatalf("alerts of web-01 show vc02.lab's: %v", got)
	}
	f.noUnmatched(t)
}

func TestTwoVCentersUnidentifiedReturnNothingWithNotice(t *testing.T) {
	f := newTwoVCFixture(t, "https://vc09.lab", false)
	const reason = "vROps monitors 2 vCenters and none of its adapter instances has this data source's vCenter URL"
	m := f.run(t, "metrics", copyModel(vmMetrics))
	if got := seriesValues(t, m); len(got) != 0 {
		t.Fatalf("series %v for an unidentified vCenter", got)
	}
	if n := notices(m); !strings.Contains(n, reason) || strings.Contains(n, "not known to vROps yet") {
		t.Fatalf("metrics notices %q", n)
	}
	lt := f.run(t, "latest", copyModel(vmLatest))
	if lt.Error != nil || lt.Frames[0].Rows() != 0 || !strings.Contains(notices(lt), reason) {
		t.Fatalf("latest: err %v, %d rows, notices %q", lt.Error, lt.Frames[0].Rows(), notices(lt))
	}
	for _, model := range []map[string]any{{"minLevel": "WARNING"}, {"minLevel": "WARNING", "selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}}} {
		al := f.run(t, "alerts", model)
		if al.Error != nil || al.Frames[0].Rows() != 0 || !strings.Contains(notices(al), reason) {
			t.Fatalf("alerts %v: err %v, %d rows, notices %q", model, al.Error, al.Frames[0].Rows(), notices(al))
		}
	}
	if n := f.srv.CallCount("POST /suite-api/api/alerts/query"); n != 0 {
		t.Fatalf("asked vROps for alerts %d times although none could be shown", n)
	}
}

func TestAmbiguousVMGetsNothingWithNotice(t *testing.T) {
	f := newTwoVCFixture(t, "https://vc01.lab", true)
	m := f.run(t, "metrics", copyModel(vmMetrics))
	if got := seriesValues(t, m); !reflect.DeepEqual(got, map[string][]float64{"vm-101": {91, 95.5, 97.25}}) {
		t.Fatalf("series %v: the ambiguous vm-100 must get none, db-01 its own", got)
	}
	n := notices(m)
	if !strings.Contains(n, "No vROps data for 1 objects that vROps lists more than once for this vCenter (vm-100)") || strings.Contains(n, "not known to vROps yet") {
		t.Fatalf("metrics notices %q", n)
	}
	if sev := m.Frames[0].Meta.Notices[0].Severity; sev != data.NoticeSeverityWarning {
		t.Fatalf("severity %v", sev)
	}
	lt := f.run(t, "latest", copyModel(vmLatest))
	if got := stringColumn(lt, 0, "resource"); !reflect.DeepEqual(got, []string{"vm-101"}) || !strings.Contains(notices(lt), "more than once") {
		t.Fatalf("latest rows %v, notices %q", got, notices(lt))
	}
	al := f.run(t, "alerts", map[string]any{"minLevel": "WARNING"})
	if !strings.Contains(notices(al), "more than once") {
		t.Fatalf("alerts notices %q", notices(al))
	}
}
