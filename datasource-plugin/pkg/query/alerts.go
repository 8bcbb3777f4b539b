package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// alertLevels orders vROps criticalities; the contract's INFO is vROps' INFORMATION.
var alertLevels = []string{"INFORMATION", "WARNING", "IMMEDIATE", "CRITICAL"}

func levelsFrom(min string) ([]string, error) {
	if min == "" || min == "INFO" {
		min = "INFORMATION"
	}
	for i, l := range alertLevels {
		if l == min {
			return alertLevels[i:], nil
		}
	}
	return nil, fmt.Errorf("%w: alert level %q is unknown: use INFO, WARNING, IMMEDIATE or CRITICAL", models.ErrInvalidInput, min)
}

func alertsQuery(ctx context.Context, d *Deps, q *models.Query, _ backend.DataQuery) (backend.DataResponse, error) {
	levels, err := levelsFrom(q.MinLevel)
	if err != nil {
		return backend.DataResponse{}, err
	}
	if err := q.ValidateSelection(false); err != nil {
		return backend.DataResponse{}, err
	}
	if d.Stats == nil {
		return backend.DataResponse{}, errNoVROps("see alerts")
	}
	var resourceIDs []string
	var missing Unmapped
	selected := q.Selection != nil && (len(q.Selection.IDs) > 0 || q.Selection.Regex != "" || q.Selection.Parent != "")
	if selected {
		kind := q.ResourceKind
		if kind == "" {
			kind = models.KindVM
		}
		targets, miss, err := Resolve(ctx, d, kind, q.Selection)
		if err != nil {
			return backend.DataResponse{}, err
		}
		missing = miss
		if len(targets) == 0 {
			return alertFrame(q.RefID, nil, nil, nil, missing.Notices()), nil
		}
		for _, t := range targets {
			resourceIDs = append(resourceIDs, t.VropsID)
		}
	}
	ids, err := d.Inventory.IDs(ctx)
	if err != nil {
		return backend.DataResponse{}, err
	}
	notices := missing.Notices()
	if !selected && len(ids.ToVrops) == 0 && ids.Notice != "" {
		// This vCenter cannot be identified among the several vROps monitors: every alert
		// could be another vCenter's, so none is shown.
		return alertFrame(q.RefID, nil, nil, nil, []data.Notice{{Severity: data.NoticeSeverityWarning, Text: ids.Notice}}), nil
	}
	alerts, err := d.Stats.QueryAlerts(ctx, levels, resourceIDs)
	if err != nil {
		return backend.DataResponse{}, err
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return backend.DataResponse{}, err
	}
	alerts, others := ownAlerts(alerts, ids)
	if !selected {
		if len(ids.Ambiguous) > 0 {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: ids.Notice})
		}
		if others > 0 {
			what := fmt.Sprintf("%d alerts", others)
			if others == 1 {
				what = "1 alert"
			}
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: "Not shown: " + what +
				" on resources that are not this vCenter's VMs, hosts, clusters or datastores (vROps monitors them; this data source cannot tell whose they are)"})
		}
	}
	sort.SliceStable(alerts, func(i, j int) bool { return alerts[i].StartTimeUTC > alerts[j].StartTimeUTC })
	resolve := func(vid string) (string, string) {
		m := ids.ToMoref[vid]
		return m, s.Name(m)
	}
	return alertFrame(q.RefID, alerts, resolve, nil, notices), nil
}

// ownAlerts keeps the alerts on this vCenter's mapped resources: one vROps monitors several
// vCenters, and only the id map's (VMEntityVCID, VMEntityObjectID) pairs say whose a resource is
// (docs/contracts.md §1). others counts the alerts left out.
func ownAlerts(alerts []vrops.Alert, ids *inventory.IDMap) (own []vrops.Alert, others int) {
	own = make([]vrops.Alert, 0, len(alerts))
	for _, a := range alerts {
		if ids.ToMoref[a.ResourceID] != "" {
			own = append(own, a)
		} else {
			others++
		}
	}
	return own, others
}

func alertFrame(refID string, alerts []vrops.Alert, resolve func(string) (string, string), _ any, notices []data.Notice) backend.DataResponse {
	var ids, res, names, levels, statuses, defs, impacts []string
	var starts, updates []time.Time
	for _, a := range alerts {
		moref, name := resolve(a.ResourceID)
		def := a.AlertDefinitionName
		if def == "" {
			def = a.AlertDefinitionID
		}
		ids, res, names = append(ids, a.AlertID), append(res, moref), append(names, name)
		levels, statuses, defs, impacts = append(levels, a.AlertLevel), append(statuses, a.Status), append(defs, def), append(impacts, a.AlertImpact)
		starts, updates = append(starts, time.UnixMilli(a.StartTimeUTC).UTC()), append(updates, time.UnixMilli(a.UpdateTimeUTC).UTC())
	}
	if starts == nil {
		starts, updates = []time.Time{}, []time.Time{}
	}
	fr := data.NewFrame("alerts",
		named(data.NewField("alertId", nil, nz(ids)), "Alert ID"), named(data.NewField("resource", nil, nz(res)), "Resource ID"),
		named(data.NewField("resourceName", nil, nz(names)), "Resource"), named(data.NewField("level", nil, nz(levels)), "Level"),
		named(data.NewField("status", nil, nz(statuses)), "Status"), named(data.NewField("alert", nil, nz(defs)), "Alert"),
		named(data.NewField("impact", nil, nz(impacts)), "Impact"), named(data.NewField("start", nil, starts), "Started"),
		named(data.NewField("updated", nil, updates), "Updated"))
	fr.RefID = refID
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable, Notices: notices}
	return backend.DataResponse{Frames: data.Frames{fr}}
}
