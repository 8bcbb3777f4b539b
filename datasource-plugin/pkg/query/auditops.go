package query

import (
	"fmt"
	"sort"
	"time"

	"github.com/privatecloud/vsphere/pkg/relay"
)

// OpAnnotation is one VM operation as an annotation: from its intent (or its only event) to its
// outcome.
type OpAnnotation struct {
	Time, TimeEnd     time.Time
	Title, Text, Tags string
}

// VMOperationAnnotations turns audit events into one annotation per VM operation
// (docs/contracts.md §2). Events of another data source are left out: several vCenters on one
// relay share VM ids (docs/contracts.md §3, Audit). The intent and the outcome of one change carry
// the same params.auditOperation; they become one annotation that starts at the intent and shows
// the outcome ("unknown" while only the intent is recorded: vCenter's answer is pending or was
// lost). Events without an operation key (refusals, events from older versions) stand alone.
// keep selects the VMs (nil keeps all). The result is sorted by start time.
func VMOperationAnnotations(events []relay.AuditEvent, datasourceUID string, keep func(vmID string) bool) []OpAnnotation {
	type op struct {
		intent, outcome *relay.AuditEvent
		start, end      time.Time
	}
	var ops []*op
	byKey := map[string]*op{}
	for i := range events {
		ev := &events[i]
		if datasourceUID != "" && ev.DatasourceUID != "" && ev.DatasourceUID != datasourceUID {
			continue
		}
		if keep != nil && !keep(ev.VM.ID) {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, ev.Time)
		if err != nil {
			continue
		}
		t = t.UTC()
		key, _ := ev.Params[relay.ParamOperation].(string)
		o := byKey[key]
		if key == "" || o == nil {
			o = &op{start: t, end: t}
			ops = append(ops, o)
			if key != "" {
				byKey[key] = o
			}
		}
		if t.Before(o.start) {
			o.start = t
		}
		if t.After(o.end) {
			o.end = t
		}
		if phase, _ := ev.Params[relay.ParamPhase].(string); phase == relay.PhaseIntent {
			o.intent = ev
		} else {
			o.outcome = ev
		}
	}
	out := make([]OpAnnotation, 0, len(ops))
	for _, o := range ops {
		ev, outcome := o.outcome, ""
		if ev != nil {
			outcome = ev.Outcome
		} else {
			ev, outcome = o.intent, "unknown"
		}
		action := ev.Action
		if a, ok := ev.Params["action"].(string); ok && a != "" {
			action += " " + a
		}
		text := fmt.Sprintf("%s by %s (%s)", ev.Action, ev.User.Login, ev.User.Role)
		switch {
		case ev.Error != "":
			text += ": " + ev.Error
		case o.outcome == nil:
			text += ": no outcome recorded yet (vCenter's answer is pending or was lost)"
		}
		out = append(out, OpAnnotation{Time: o.start, TimeEnd: o.end, Title: fmt.Sprintf("%s %s: %s", action, ev.VM.Name, outcome),
			Text: text, Tags: "vm-operation," + ev.Action + "," + outcome})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
