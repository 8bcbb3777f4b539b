package integration

// Several vCenters behind one vROps (issue 13; docs/contracts.md §1 "Several vCenters", §2
// "Series identity", "Metrics frames"): the built plugin binary over gRPC against a simulator
// with two vCenters whose MoRefs collide and production-shaped vROps data.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

const mvVMs = 300

var (
	mvOnce sync.Once
	mvSim  *harness.Simulator
	mvPlug *harness.Plugin
	mvErr  error
	// mvVCs is GET /__sim/vcenters of the two-vCenter simulator.
	mvVCs []struct {
		Index        int    `json:"index"`
		BasePath     string `json:"basePath"`
		InstanceUUID string `json:"instanceUuid"`
		Name         string `json:"name"`
	}
)

// mvSetup starts (once) a simulator with two production-shaped vCenters and its own plugin process.
func mvSetup(t *testing.T) {
	t.Helper()
	mvOnce.Do(func() {
		mvSim, mvErr = harness.StartSimulator("--vcenters", "2", "--metrics-shape", "production", "--vms", fmt.Sprint(mvVMs), "--seed", "13")
		if mvErr != nil {
			return
		}
		if mvErr = mvSim.Control(http.MethodGet, "/__sim/vcenters", nil, &mvVCs); mvErr != nil {
			return
		}
		if len(mvVCs) != 2 || mvVCs[0].InstanceUUID == mvVCs[1].InstanceUUID {
			mvErr = fmt.Errorf("simulator vCenters: %+v", mvVCs)
			return
		}
		mvPlug, mvErr = harness.StartPlugin()
	})
	if mvErr != nil {
		t.Fatalf("two-vCenter setup failed: %v", mvErr)
	}
	if err := mvSim.Control(http.MethodPost, "/__sim/reset", nil, nil); err != nil {
		t.Fatalf("simulator reset: %v", err)
	}
}

// mvInstance is a fresh data source for vCenter k (1-based) of the simulator, sharing its vROps.
func mvInstance(k int, extra map[string]any) *harness.Instance {
	idMu.Lock()
	defer idMu.Unlock()
	nextID++
	j := map[string]any{"vcenterUrl": fmt.Sprintf("%s/vc/%d", mvSim.URL, k)}
	for key, v := range extra {
		j[key] = v
	}
	inst := harness.NewInstance(nextID, mvSim, "", "", j)
	inst.Settings.Name = fmt.Sprintf("vsphere-vc%d", k)
	return inst
}

// mvVROps reads the simulator's vROps directly, as the reference the plugin's answers are compared with.
func mvVROps() *vrops.Client {
	return vrops.NewWithHTTPClient(mvSim.URL, "administrator@vsphere.local", "VMware1!", "", &http.Client{Timeout: 60 * time.Second})
}

type vmRow struct{ id, name string }

// mvVMsOf lists the VMs of an instance through the inventory query.
func mvVMsOf(t *testing.T, inst *harness.Instance) []vmRow {
	t.Helper()
	now := time.Now()
	r := queryOne(t, mvPlug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"})
	if r.Error != nil {
		t.Fatalf("inventory: %v", r.Error)
	}
	ids, _ := r.Frames[0].FieldByName("id")
	names, _ := r.Frames[0].FieldByName("name")
	if ids == nil || names == nil {
		t.Fatalf("inventory frame without id/name: %v", r.Frames[0].Fields)
	}
	out := make([]vmRow, ids.Len())
	for i := range out {
		out[i] = vmRow{ids.At(i).(string), names.At(i).(string)}
	}
	return out
}

// series is one metric series of a plugin answer.
type series struct {
	labels data.Labels
	times  []time.Time
	vals   []*float64
}

func seriesOf(t *testing.T, r backend.DataResponse) []series {
	t.Helper()
	var out []series
	for _, fr := range r.Frames {
		tf, _ := fr.FieldByName("time")
		vf, _ := fr.FieldByName("value")
		if tf == nil || vf == nil {
			t.Fatalf("frame %q has no time/value fields", fr.Name)
		}
		if vf.Labels == nil { // the placeholder frame of an answer without series
			continue
		}
		s := series{labels: vf.Labels}
		for i := 0; i < tf.Len(); i++ {
			s.times = append(s.times, tf.At(i).(time.Time))
			s.vals = append(s.vals, vf.At(i).(*float64))
		}
		out = append(out, s)
	}
	return out
}

func notices(r backend.DataResponse) string {
	var b strings.Builder
	for _, fr := range r.Frames {
		if fr.Meta != nil {
			for _, n := range fr.Meta.Notices {
				b.WriteString(n.Text + "\n")
			}
		}
	}
	return b.String()
}

func metricsQ(ids []string, key, interval string) map[string]any {
	return map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "ids", "ids": ids},
		"statKeys": []string{key}, "rollUp": "AVG", "interval": interval}
}

// vropsResources maps (VMEntityVCID, MoRef) to the simulator's vROps VM resource id.
func vropsResources(t *testing.T, vr *vrops.Client) map[[2]string]string {
	t.Helper()
	res, err := vr.QueryResources(context.Background(), []string{"VirtualMachine"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]string{}
	for i := range res {
		out[[2]string{res[i].IdentifierValue("VMEntityVCID"), res[i].IdentifierValue("VMEntityObjectID")}] = res[i].Identifier
	}
	return out
}

// expected buckets what vROps returns for each resource id exactly as docs/contracts.md §2 says
// (one AVG value per hour, stamped at the hour): nil for a resource without samples.
func expected(t *testing.T, vr *vrops.Client, ids []string, key string, from, to time.Time) (map[string][]*float64, map[string][]int64) {
	t.Helper()
	return expectedAt(t, vr, ids, key, from, to, time.Hour)
}

// expectedAt is expected for hourly (HOURS) or 5-minute (MINUTES) buckets.
func expectedAt(t *testing.T, vr *vrops.Client, ids []string, key string, from, to time.Time, step time.Duration) (map[string][]*float64, map[string][]int64) {
	t.Helper()
	q := vrops.StatsQuery{ResourceID: ids, StatKey: []string{key}, Begin: from.UnixMilli(), End: to.UnixMilli(), RollUpType: "AVG", IntervalType: "HOURS", IntervalQuantifier: 1}
	if step != time.Hour {
		q.IntervalType, q.IntervalQuantifier = "MINUTES", int(step/time.Minute)
	}
	vals, err := vr.QueryStats(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	starts := query.BucketStarts(from, to, step)
	out, raw := map[string][]*float64{}, map[string][]int64{}
	for _, v := range vals {
		for _, s := range v.StatList.Stat {
			if s.StatKey.Key != key {
				continue
			}
			raw[v.ResourceID] = append(raw[v.ResourceID], s.Timestamps...)
			pts := query.Bucketize(s.Timestamps, s.Data, starts, step, "AVG")
			for _, p := range pts {
				if p != nil {
					out[v.ResourceID] = pts
					break
				}
			}
		}
	}
	return out, raw
}

func sameValues(a, b []*float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || (a[i] != nil && *a[i] != *b[i]) {
			return false
		}
	}
	return true
}

// Two data sources (vCenter 1 and vCenter 2, one shared vROps) ask for the same MoRefs: each VM's
// series is its own vROps resource's data (its VCID + MoRef), never the other vCenter's VM's.
func TestTwoVCentersEachVMGetsItsOwnVROpsData(t *testing.T) {
	mvSetup(t)
	insts := []*harness.Instance{mvInstance(1, nil), mvInstance(2, nil)}
	vms := [][]vmRow{mvVMsOf(t, insts[0]), mvVMsOf(t, insts[1])}
	names := []map[string]string{{}, {}}
	for k := range vms {
		if len(vms[k]) != mvVMs {
			t.Fatalf("vCenter %d inventory has %d VMs, want %d", k+1, len(vms[k]), mvVMs)
		}
		for _, v := range vms[k] {
			names[k][v.id] = v.name
			if strings.HasPrefix(v.name, "vc2-") != (k == 1) {
				t.Fatalf("vCenter %d lists %s (%s): the other vCenter's VM", k+1, v.name, v.id)
			}
		}
	}
	var common []string
	for _, v := range vms[0] {
		if _, ok := names[1][v.id]; ok && len(common) < 80 {
			common = append(common, v.id)
		}
	}
	if len(common) < 80 {
		t.Fatalf("only %d MoRefs collide between the vCenters", len(common))
	}

	vr := mvVROps()
	byPair := vropsResources(t, vr)
	to := time.Now().Truncate(time.Hour)
	from := to.Add(-24 * time.Hour)
	var resIDs []string
	for k := range insts {
		for _, id := range common {
			rid, ok := byPair[[2]string{mvVCs[k].InstanceUUID, id}]
			if !ok {
				t.Fatalf("vROps has no resource for vCenter %d %s", k+1, id)
			}
			resIDs = append(resIDs, rid)
		}
	}
	want, _ := expected(t, vr, resIDs, "cpu|usage_average", from, to)

	differs, emptySeen := 0, 0
	vcLabel := map[string]bool{}
	for k, inst := range insts {
		r := queryOne(t, mvPlug, inst, nil, from, to, metricsQ(common, "cpu|usage_average", "1h"))
		if r.Error != nil {
			t.Fatalf("vCenter %d metrics: %v", k+1, r.Error)
		}
		got := seriesOf(t, r)
		if len(got) != len(common) {
			t.Fatalf("vCenter %d: %d series for %d VMs", k+1, len(got), len(common))
		}
		for _, s := range got {
			id := s.labels["vm_id"]
			if s.labels["vcenter"] == "" {
				t.Fatalf("vCenter %d series without a vcenter label: %v", k+1, s.labels)
			}
			vcLabel[s.labels["vcenter"]] = true
			if s.labels["vm"] != names[k][id] || s.labels["host"] != "" || s.labels["cluster"] != "" {
				t.Fatalf("vCenter %d series labels %v: want the VM's own name %q and no placement", k+1, s.labels, names[k][id])
			}
			own := want[byPair[[2]string{mvVCs[k].InstanceUUID, id}]]
			other := want[byPair[[2]string{mvVCs[1-k].InstanceUUID, id}]]
			if own == nil {
				if len(s.vals) != 0 {
					t.Fatalf("vCenter %d %s: vROps has no samples for it, yet the series has %d points", k+1, id, len(s.vals))
				}
				emptySeen++
				continue
			}
			if !sameValues(s.vals, own) {
				t.Fatalf("vCenter %d %s (%s): series differs from its own vROps resource's data", k+1, id, s.labels["vm"])
			}
			if !sameValues(own, other) {
				differs++
			}
		}
		if emptySeen > 0 && !strings.Contains(notices(r), "no vROps data") {
			t.Fatalf("vCenter %d: empty series without a notice: %q", k+1, notices(r))
		}
	}
	if len(vcLabel) != 2 {
		t.Fatalf("the two data sources' series carry %d distinct vcenter labels, want 2: %v", len(vcLabel), vcLabel)
	}
	// The comparison must be able to fail: the colliding VMs' data really differ between vCenters.
	if differs < len(common) {
		t.Fatalf("only %d of %d compared series differ from the other vCenter's VM with the same MoRef", differs, 2*len(common))
	}
}

// vROps knows two vCenters and neither the setting nor an adapter instance's VCURL says which is
// this data source's: a notice and no data, never another vCenter's data. With the instance UUID
// set, the same data source gets its own VMs' data.
func TestAmbiguousVCenterGivesNoticeNotWrongData(t *testing.T) {
	mvSetup(t)
	u, err := url.Parse(mvSim.URL)
	if err != nil {
		t.Fatal(err)
	}
	// vROps stores the VCURLs with 127.0.0.1; "localhost" reaches the same vCenter but matches none.
	vcURL := fmt.Sprintf("http://localhost:%s/vc/2", u.Port())
	amb := mvInstance(2, map[string]any{"vcenterUrl": vcURL})
	vms := mvVMsOf(t, amb)
	ids := []string{vms[0].id, vms[1].id, vms[2].id}
	to := time.Now().Truncate(time.Hour)
	from := to.Add(-6 * time.Hour)
	r := queryOne(t, mvPlug, amb, nil, from, to, metricsQ(ids, "cpu|usage_average", "1h"))
	if r.Error != nil {
		t.Fatalf("ambiguous vCenter must not fail the query: %v", r.Error)
	}
	for _, s := range seriesOf(t, r) {
		if len(s.vals) != 0 {
			t.Fatalf("ambiguous vCenter returned data for %v", s.labels)
		}
	}
	if n := notices(r); !strings.Contains(n, "instance UUID") {
		t.Fatalf("no notice telling the user to set the vCenter instance UUID: %q", n)
	}

	// The latest table says the same and has no values.
	r = queryOne(t, mvPlug, amb, nil, from, to, map[string]any{"queryType": "latest", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": ids}, "statKeys": []string{"cpu|usage_average"}})
	if r.Error != nil || !strings.Contains(notices(r), "instance UUID") {
		t.Fatalf("latest with an ambiguous vCenter: %v, notices %q", r.Error, notices(r))
	}
	for _, fr := range r.Frames {
		if v, _ := fr.FieldByName("value"); v != nil {
			for i := 0; i < v.Len(); i++ {
				if p, _ := v.At(i).(*float64); p != nil {
					t.Fatalf("latest with an ambiguous vCenter returned a value in %q", fr.Name)
				}
			}
		}
	}

	set := mvInstance(2, map[string]any{"vcenterUrl": vcURL, "vcenterInstanceUuid": mvVCs[1].InstanceUUID})
	r = queryOK(t, mvPlug, set, nil, from, to, metricsQ(ids, "cpu|usage_average", "1h"))
	vr := mvVROps()
	byPair := vropsResources(t, vr)
	var rids []string
	for _, id := range ids {
		rids = append(rids, byPair[[2]string{mvVCs[1].InstanceUUID, id}])
	}
	want, _ := expected(t, vr, rids, "cpu|usage_average", from, to)
	got := seriesOf(t, r)
	withData := 0
	for _, s := range got {
		own := want[byPair[[2]string{mvVCs[1].InstanceUUID, s.labels["vm_id"]}]]
		if len(s.vals) > 0 {
			withData++
		}
		if own != nil && !sameValues(s.vals, own) || own == nil && len(s.vals) != 0 {
			t.Fatalf("with vcenterInstanceUuid set, %v is not vCenter 2's data", s.labels)
		}
	}
	if len(got) != len(ids) || withData == 0 {
		t.Fatalf("with vcenterInstanceUuid set: %d series, %d with data", len(got), withData)
	}
}

func labelSets(t *testing.T, r backend.DataResponse) []string {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("alert rule query: %v", r.Error)
	}
	var out []string
	for _, s := range seriesOf(t, r) {
		out = append(out, s.labels.String())
	}
	sort.Strings(out)
	return out
}

// The alert rule's query (provisioning/alerting/rules.yaml: every VM's CPU, 5-minute AVG) keeps the
// same label sets when DRS moves VMs between hosts while it is being evaluated and afterwards.
func TestDRSMoveKeepsAlertSeriesLabels(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(2, map[string]any{"cacheTtlSeconds": 1})
	rule := map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "regex", "regex": ".*"},
		"statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": "5m"}
	eval := func() backend.DataResponse {
		now := time.Now()
		return queryOne(t, mvPlug, inst, nil, now.Add(-10*time.Minute), now, rule)
	}
	before := labelSets(t, eval())
	if len(before) != mvVMs {
		t.Fatalf("%d series for %d VMs", len(before), mvVMs)
	}

	var drs struct {
		Events []struct {
			VM, FromHost, ToHost string
		} `json:"events"`
	}
	var during backend.DataResponse
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); during = eval() }()
	err := mvSim.Control(http.MethodPost, "/__sim/scenarios/drs?vcenter=2", map[string]any{"moves": 10}, &drs)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(drs.Events) == 0 {
		t.Fatal("the DRS scenario moved no VM")
	}
	time.Sleep(1100 * time.Millisecond) // past the 1 s inventory TTL: the next evaluation sees the moves
	after := eval()

	// The moves are visible to the plugin: the VM's host in the inventory changed.
	now := time.Now()
	fr := queryOK(t, mvPlug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"}).Frames[0]
	idf, _ := fr.FieldByName("id")
	hostf, _ := fr.FieldByName("host")
	if idf == nil || hostf == nil {
		t.Fatal("inventory frame without id/host")
	}
	moved := drs.Events[0]
	for i := 0; i < idf.Len(); i++ {
		if idf.At(i).(string) == moved.VM {
			if h := fmt.Sprint(hostf.At(i)); h != moved.ToHost && !strings.Contains(h, moved.ToHost) {
				t.Fatalf("%s: inventory host %q, DRS moved it to %q", moved.VM, h, moved.ToHost)
			}
		}
	}
	for name, got := range map[string][]string{"during": labelSets(t, during), "after": labelSets(t, after)} {
		if strings.Join(got, "\n") != strings.Join(before, "\n") {
			t.Fatalf("label sets %s the DRS move differ from before (%d vs %d series)", name, len(got), len(before))
		}
	}
}

// An instanced key that only some VMs publish (virtualDisk:scsi0:1 exists only on VMs with a
// second disk) gives empty series with a notice for the others: no error (NoData for alert rules).
func TestInstancedKeyWithPartialData(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(1, nil)
	var ids []string
	for _, v := range mvVMsOf(t, inst)[:60] {
		ids = append(ids, v.id)
	}
	key := "virtualDisk:scsi0:1|totalReadLatency_average"
	to := time.Now().Truncate(time.Hour)
	r := queryOne(t, mvPlug, inst, nil, to.Add(-3*time.Hour), to, metricsQ(ids, key, "1h"))
	if r.Error != nil {
		t.Fatalf("instanced key with partial data failed the query: %v (%v)", r.Error, r.Status)
	}
	got := seriesOf(t, r)
	if len(got) != len(ids) {
		t.Fatalf("%d series for %d VMs", len(got), len(ids))
	}
	full, empty := 0, 0
	for _, s := range got {
		if s.labels["stat"] != key {
			t.Fatalf("series labels %v", s.labels)
		}
		if len(s.vals) == 0 {
			empty++
		} else {
			full++
		}
	}
	if full == 0 || empty == 0 {
		t.Fatalf("want partial data: %d series with data, %d empty", full, empty)
	}
	if n := notices(r); !strings.Contains(n, fmt.Sprintf("%d of %d series have no vROps data", empty, len(ids))) {
		t.Fatalf("notice for the empty series missing: %q", n)
	}

	// A key no selected VM publishes: every series empty, a warning naming the key, still no error.
	r = queryOne(t, mvPlug, inst, nil, to.Add(-3*time.Hour), to, metricsQ(ids[:3], "virtualDisk:scsi0:9|totalReadLatency_average", "1h"))
	if r.Error != nil {
		t.Fatalf("unknown instanced key failed the query: %v", r.Error)
	}
	for _, s := range seriesOf(t, r) {
		if len(s.vals) != 0 {
			t.Fatalf("data for a key vROps does not have: %v", s.labels)
		}
	}
	if n := notices(r); !strings.Contains(n, "virtualDisk:scsi0:9|totalReadLatency_average") {
		t.Fatalf("no notice naming the key: %q", n)
	}
}

// Production vROps stamps samples seconds off the 5-minute grid and adds extra off-grid samples;
// 24 h hourly is still 24 points per VM, each on the hour, and 2 h at 5 minutes 24 points on the
// 5-minute marks: the same timestamps for every VM whatever the range's start, each point the AVG
// of that VM's vROps samples in the bucket.
func TestOffGridSamplesGiveAlignedPoints(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(2, nil)
	var ids []string
	for _, v := range mvVMsOf(t, inst)[:100] {
		ids = append(ids, v.id)
	}
	vr := mvVROps()
	byPair := vropsResources(t, vr)
	rids := map[string]string{}
	var ridList []string
	for _, id := range ids {
		rids[id] = byPair[[2]string{mvVCs[1].InstanceUUID, id}]
		ridList = append(ridList, rids[id])
	}
	now := time.Now() // deliberately not on the hour
	for _, c := range []struct {
		span, step time.Duration
		interval   string
	}{{24 * time.Hour, time.Hour, "1h"}, {2 * time.Hour, 5 * time.Minute, "5m"}} {
		from, to := now.Add(-c.span), now
		r := queryOK(t, mvPlug, inst, nil, from, to, metricsQ(ids, "cpu|usage_average", c.interval))
		want, raw := expectedAt(t, vr, ridList, "cpu|usage_average", from, to, c.step)
		var ref []time.Time
		withData := 0
		for _, s := range seriesOf(t, r) {
			if own := want[rids[s.labels["vm_id"]]]; !sameValues(s.vals, own) && !(own == nil && len(s.vals) == 0) {
				t.Fatalf("%s %s: values are not the AVG of its vROps samples per bucket", c.interval, s.labels["vm"])
			}
			if len(s.times) == 0 {
				continue
			}
			withData++
			if len(s.times) != 24 {
				t.Fatalf("%s: %d points for %s at %s, want 24", s.labels["vm"], len(s.times), c.span, c.interval)
			}
			for _, ts := range s.times {
				if ts.UnixMilli()%c.step.Milliseconds() != 0 {
					t.Fatalf("%s: point at %s is not on the %s boundary", s.labels["vm"], ts, c.interval)
				}
			}
			if ref == nil {
				ref = s.times
			} else if fmt.Sprint(ref) != fmt.Sprint(s.times) {
				t.Fatalf("%s: %s timestamps not aligned with the other VMs", s.labels["vm"], c.interval)
			}
		}
		if withData < len(ids)/2 {
			t.Fatalf("%s: only %d of %d VMs have data", c.interval, withData, len(ids))
		}
		if c.step != 5*time.Minute {
			continue
		}
		// The input really was production-shaped: vROps' own 5-minute answer has samples off the
		// 5-minute marks, and some resources more samples than others (extra off-grid samples).
		offGrid, counts := 0, map[int]bool{}
		for _, ts := range raw {
			counts[len(ts)] = true
			for _, ms := range ts {
				if ms%c.step.Milliseconds() != 0 {
					offGrid++
					break
				}
			}
		}
		if offGrid == 0 || len(counts) < 2 {
			t.Fatalf("the simulator's production shape gave %d resources with off-grid samples, %d distinct sample counts: the test proves nothing", offGrid, len(counts))
		}
	}
}

// inventory/vms of the second vCenter's data source lists its own VMs with guest OS and IP.
func TestSecondVCenterVMListHasGuestOSAndIP(t *testing.T) {
	mvSetup(t)
	inst := mvInstance(2, nil)
	status, raw, err := mvPlug.Call(ctx(t), inst, viewerUser, http.MethodGet, "inventory/vms", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("inventory/vms: %d %s %v", status, raw, err)
	}
	items, _ := decode(t, raw)["items"].([]any)
	if total, _ := decode(t, raw)["total"].(float64); int(total) != mvVMs || len(items) == 0 {
		t.Fatalf("total %v (page of %d), want %d VMs", total, len(items), mvVMs)
	}
	withIP := 0
	for _, it := range items {
		vm := it.(map[string]any)
		if name, _ := vm["name"].(string); !strings.HasPrefix(name, "vc2-") {
			t.Fatalf("vCenter 2 lists %v", vm["name"])
		}
		os, _ := vm["guestOS"].(string)
		if os == "" || strings.Contains(os, "_") || !strings.Contains(os, " ") {
			t.Fatalf("VM %v: guestOS %q is not a name people read", vm["id"], os)
		}
		if ip, _ := vm["ip"].(string); ip != "" {
			withIP++
		}
	}
	if withIP == 0 {
		t.Fatalf("no VM of %d has an IP", len(items))
	}
}
