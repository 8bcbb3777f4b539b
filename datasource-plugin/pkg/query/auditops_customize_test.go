package query

import (
	"testing"

	"github.com/privatecloud/vsphere/pkg/relay"
)

// A guest customization (audit action "customize", docs/contracts.md §3 "Guest customization")
// is one VM-operation annotation like clone or migrate: its title names the verb and the VM, its
// tags the action, and the spec goes in no title as the action's `params.action` would.
func TestCustomizeBecomesOneAnnotation(t *testing.T) {
	ev := func(ts, phase, outcome string) relay.AuditEvent {
		return relay.AuditEvent{Time: ts, Action: "customize", VM: relay.AuditVM{ID: "vm-7", Name: "web-01"}, User: relay.AuditUser{Login: "ada", Role: "Admin"},
			Params: map[string]any{"spec": "linux-static-web", "hostName": "web-01", relay.ParamOperation: "op-7", relay.ParamPhase: phase}, Outcome: outcome}
	}
	got := VMOperationAnnotations([]relay.AuditEvent{ev("2026-01-01T00:00:00Z", relay.PhaseIntent, "unknown"), ev("2026-01-01T00:00:01Z", relay.PhaseOutcome, "success")}, "", nil)
	if len(got) != 1 || got[0].Title != "customize web-01: success" || got[0].Tags != "vm-operation,customize,success" || got[0].Text != "customize by ada (Admin)" ||
		got[0].TimeEnd.Sub(got[0].Time).Seconds() != 1 {
		t.Fatalf("annotations: %+v", got)
	}
}
