package query

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
)

// annotationsQuery answers VM operation annotations (this data source's events in the relay's
// audit log, one per operation with its outcome: VMOperationAnnotations) and VM host
// changes (moves this backend observed between inventory snapshots; the vCenter REST API has no
// event feed, so moves are detected by comparing each VM's host across refreshes).
func annotationsQuery(ctx context.Context, d *Deps, q *models.Query, dq backend.DataQuery) (backend.DataResponse, error) {
	var times []time.Time
	var titles, texts, tags []string
	var timeEnd *data.Field // vmOperations only: when the operation's outcome was recorded
	from, to := dq.TimeRange.From, dq.TimeRange.To
	var vmIDs map[string]bool
	if len(q.VMs) > 0 {
		s, err := snapshot(ctx, d)
		if err != nil {
			return backend.DataResponse{}, err
		}
		vms, unknown := s.ResolveVMs(q.VMs)
		vmIDs = map[string]bool{}
		for _, v := range vms {
			vmIDs[v.ID] = true
		}
		for _, u := range unknown { // a deleted VM still has audit history under its id
			vmIDs[u] = true
		}
	}
	switch q.AnnotationKind {
	case "vmOperations":
		if d.Relay == nil {
			return backend.DataResponse{}, fmt.Errorf("%w: VM operation annotations come from the alert relay's audit log: set the relay URL and token", models.ErrNotConfigured)
		}
		uid := ""
		if ds := backend.PluginConfigFromContext(ctx).DataSourceInstanceSettings; ds != nil {
			uid = ds.UID
		}
		var events []relay.AuditEvent
		for page := 1; page <= 20; page++ {
			qs := url.Values{"from": {from.UTC().Format(time.RFC3339)}, "to": {to.UTC().Format(time.RFC3339)}, "page": {strconv.Itoa(page)}, "pageSize": {"500"}}
			if uid != "" {
				// Only this data source's events: several vCenters on one relay share VM ids.
				qs.Set("datasourceUid", uid)
			}
			p, err := d.Relay.ListAudit(ctx, qs)
			if err != nil {
				return backend.DataResponse{}, err
			}
			events = append(events, p.Items...)
			if page*500 >= p.Total || len(p.Items) == 0 {
				break
			}
		}
		var keep func(string) bool
		if vmIDs != nil {
			keep = func(id string) bool { return vmIDs[id] }
		}
		ops := VMOperationAnnotations(events, uid, keep)
		ends := make([]time.Time, 0, len(ops))
		for _, o := range ops {
			times, ends = append(times, o.Time), append(ends, o.TimeEnd)
			titles, texts, tags = append(titles, o.Title), append(texts, o.Text), append(tags, o.Tags)
		}
		timeEnd = data.NewField("timeEnd", nil, ends)
	case "hostChanges":
		// Getting the snapshot first refreshes it when stale, which is when moves are detected.
		s, err := snapshot(ctx, d)
		if err != nil {
			return backend.DataResponse{}, err
		}
		for _, h := range d.Inventory.HostChanges("") {
			if h.Time.Before(from) || h.Time.After(to) || (vmIDs != nil && !vmIDs[h.VM]) {
				continue
			}
			times = append(times, h.Time)
			titles = append(titles, fmt.Sprintf("%s moved to %s", h.VMName, s.Name(h.ToHost)))
			texts = append(texts, fmt.Sprintf("%s moved from %s to %s (%s)", h.VMName, s.Name(h.FromHost), s.Name(h.ToHost), h.Kind))
			tags = append(tags, "host-change,"+h.Kind)
		}
	default:
		return backend.DataResponse{}, fmt.Errorf("%w: annotation kind %q is unknown: use vmOperations or hostChanges", models.ErrInvalidInput, q.AnnotationKind)
	}
	if times == nil {
		times = []time.Time{}
	}
	fr := data.NewFrame("annotations", data.NewField("time", nil, times))
	if timeEnd != nil {
		fr.Fields = append(fr.Fields, timeEnd)
	}
	fr.Fields = append(fr.Fields, data.NewField("title", nil, nz(titles)), data.NewField("text", nil, nz(texts)), data.NewField("tags", nil, nz(tags)))
	fr.RefID = q.RefID
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable}
	return backend.DataResponse{Frames: data.Frames{fr}}, nil
}
