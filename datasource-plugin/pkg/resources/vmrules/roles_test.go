package vmrules

import (
	"fmt"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

// callers are every kind of caller: no user, no role, an unknown role and the three Grafana roles.
var callers = []struct {
	name string
	c    *Caller
}{
	{"no user", nil},
	{"no role", &Caller{Login: "n"}},
	{"unknown role", &Caller{Login: "u", Role: "Superuser"}},
	{"Viewer", &Caller{Login: "v", Role: models.RoleViewer}},
	{"Editor", &Caller{Login: "e", Role: models.RoleEditor}},
	{"Admin", &Caller{Login: "a", Role: models.RoleAdmin}},
}

// TestAuthorizeEveryActionEveryRole spells out the whole matrix for the default roles and for a
// configured set, so a rule that lets one more role through (an Editor deleting under the
// defaults) fails here. Each string lists the callers allowed, in the order of callers.
func TestAuthorizeEveryActionEveryRole(t *testing.T) {
	configured := models.ActionRoles{Create: models.RoleEditor, Edit: models.RoleAdmin, Power: models.RoleViewer, Delete: models.RoleEditor,
		Clone: models.RoleEditor, Migrate: models.RoleAdmin}
	tests := []struct {
		roles models.ActionRoles
		want  map[Action]string // allowed callers: "-" refused, "+" allowed
	}{
		{models.DefaultActionRoles, map[Action]string{
			//            none norole unknown Viewer Editor Admin
			ActionCreate:  "-----+",
			ActionEdit:    "----++",
			ActionPower:   "----++",
			ActionDelete:  "-----+",
			ActionClone:   "-----+",
			ActionMigrate: "----++",
		}},
		{configured, map[Action]string{
			ActionCreate:  "----++",
			ActionEdit:    "-----+",
			ActionPower:   "---+++",
			ActionDelete:  "----++",
			ActionClone:   "----++",
			ActionMigrate: "-----+",
		}},
		// A broken configuration (empty role) refuses everyone instead of allowing everyone.
		{models.ActionRoles{}, map[Action]string{ActionCreate: "------", ActionEdit: "------", ActionPower: "------", ActionDelete: "------",
			ActionClone: "------", ActionMigrate: "------"}},
	}
	for _, tc := range tests {
		for _, a := range Actions {
			for i, c := range callers {
				t.Run(fmt.Sprintf("%+v/%s/%s", tc.roles, a, c.name), func(t *testing.T) {
					r := Authorize(a, c.c, tc.roles)
					allowed := tc.want[a][i] == '+'
					if allowed != (r == nil) {
						t.Fatalf("allowed=%v, refusal %+v", allowed, r)
					}
					if r == nil {
						return
					}
					wantStatus := 403
					if c.c == nil {
						wantStatus = 401
					}
					if r.Status != wantStatus {
						t.Fatalf("status %d, want %d", r.Status, wantStatus)
					}
				})
			}
		}
	}
}

func TestRefusalSaysWhatIsNeeded(t *testing.T) {
	r := Authorize(ActionDelete, &Caller{Login: "ed", Role: models.RoleEditor}, models.DefaultActionRoles)
	if r == nil || r.Code != "forbidden" || r.Reason != "deleting a VM needs the Admin role; ed is Editor" {
		t.Fatalf("%+v", r)
	}
	r = Authorize(ActionPower, &Caller{Login: "x"}, models.DefaultActionRoles)
	if r == nil || r.Reason != "powering a VM needs the Editor role; x is without a role" {
		t.Fatalf("%+v", r)
	}
	if r := Authorize(ActionCreate, nil, models.DefaultActionRoles); r == nil || r.Code != "unauthenticated" {
		t.Fatalf("%+v", r)
	}
}

func TestRequiredRoleOfUnknownActionIsAdmin(t *testing.T) {
	all := models.ActionRoles{Create: models.RoleViewer, Edit: models.RoleViewer, Power: models.RoleViewer, Delete: models.RoleViewer}
	if r := RequiredRole("format-disk", all); r != models.RoleAdmin {
		t.Fatalf("got %s", r)
	}
	if r := Authorize("format-disk", &Caller{Role: models.RoleEditor}, all); r == nil {
		t.Fatal("an unknown action must need Admin")
	}
}

func TestPermissions(t *testing.T) {
	p := Permissions(models.RoleEditor, models.DefaultActionRoles)
	want := map[Action]bool{ActionCreate: false, ActionEdit: true, ActionPower: true, ActionDelete: false}
	for a, w := range want {
		if p[a] != w {
			t.Fatalf("%s: %v", a, p[a])
		}
	}
}
