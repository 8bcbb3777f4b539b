// Package vmrules holds the VM rules of the resource API as pure functions (docs/contracts.md
// §3): who may do which VM action, which values are in range, and what a VM's power state and
// hot-add settings allow. Nothing here does I/O, so every rule has a table test over its inputs.
package vmrules

import (
	"fmt"
	"net/http"

	"github.com/privatecloud/vsphere/pkg/models"
)

// Action is a VM change, named as in audit events.
type Action string

// The VM actions of the resource API.
const (
	ActionCreate Action = "create"
	ActionEdit   Action = "updateHardware"
	ActionPower  Action = "power"
	ActionDelete Action = "delete"
	// ActionClone and ActionMigrate: clone a VM; move it to another host, cluster or datastore.
	ActionClone   Action = "clone"
	ActionMigrate Action = "migrate"
	// ActionCustomize applies a guest customization to a VM; it needs the clone role (vSphere's
	// "Virtual machine > Provisioning" privileges: Clone, Deploy template, Customize).
	ActionCustomize Action = "customize"
)

// Actions lists every VM action.
var Actions = []Action{ActionCreate, ActionEdit, ActionPower, ActionDelete, ActionClone, ActionMigrate}

// verb is how a refusal names the action.
var verb = map[Action]string{ActionCreate: "creating a VM", ActionEdit: "changing a VM's hardware", ActionPower: "powering a VM", ActionDelete: "deleting a VM",
	ActionClone: "cloning a VM", ActionMigrate: "migrating a VM", ActionCustomize: "customizing a VM's guest"}

// RequiredRole is the configured minimum role for an action; an unknown action needs Admin.
func RequiredRole(a Action, roles models.ActionRoles) models.Role {
	switch a {
	case ActionCreate:
		return roles.Create
	case ActionEdit:
		return roles.Edit
	case ActionPower:
		return roles.Power
	case ActionDelete:
		return roles.Delete
	case ActionClone, ActionCustomize:
		return roles.Clone
	case ActionMigrate:
		return roles.Migrate
	}
	return models.RoleAdmin
}

// Caller is the signed-in Grafana user; nil when Grafana itself sends the request.
type Caller struct {
	Login string
	Role  models.Role
}

// Refusal says why a request is refused and how the resource API answers it.
type Refusal struct {
	Status int
	Code   string
	Reason string
}

func (r *Refusal) Error() string { return r.Reason }

// Authorize decides whether the caller may do the action: VM changes always need a signed-in
// user whose role ranks at least the configured one (an empty or unknown role ranks below Viewer).
func Authorize(a Action, c *Caller, roles models.ActionRoles) *Refusal {
	if c == nil {
		return &Refusal{http.StatusUnauthorized, "unauthenticated", "VM changes need a signed-in Grafana user; requests Grafana starts itself may only read"}
	}
	need := RequiredRole(a, roles)
	if need.Rank() == 0 || c.Role.Rank() < need.Rank() {
		who := string(c.Role)
		if who == "" {
			who = "without a role"
		}
		return &Refusal{http.StatusForbidden, "forbidden", fmt.Sprintf("%s needs the %s role; %s is %s", verb[a], need, c.Login, who)}
	}
	return nil
}

// Permissions is what the caller may do, for the app to show only the buttons that work.
func Permissions(role models.Role, roles models.ActionRoles) map[Action]bool {
	out := map[Action]bool{}
	for _, a := range Actions {
		out[a] = Authorize(a, &Caller{Role: role}, roles) == nil
	}
	return out
}
