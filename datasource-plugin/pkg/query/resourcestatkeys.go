package query

import (
	"context"
	"fmt"
	"sort"

	"github.com/privatecloud/vsphere/pkg/models"
)

// ResourceStatKeyLister is what the editor's stat key autocomplete needs from vROps.
type ResourceStatKeyLister interface {
	ResourceStatKeys(ctx context.Context, id string) ([]string, error)
}

// maxResourceStatKeys bounds one answer; a VM with many disks and NICs has a few hundred keys.
const maxResourceStatKeys = 5000

// ResourceStatKeys lists the stat keys one resource (name or id, of the given kind) has in vROps,
// instanced keys included, each described with a name and a Grafana unit (describeStat), sorted by
// key. It is the query editor's autocomplete (docs/contracts.md §3, `GET statkeys/{resource}`).
func ResourceStatKeys(ctx context.Context, d *Deps, kind, ref string) ([]StatKeyInfo, error) {
	lister, ok := d.Stats.(ResourceStatKeyLister)
	if d.Stats == nil || !ok {
		return nil, errNoVROps("list stat keys")
	}
	targets, missing, err := Resolve(ctx, d, kind, &models.ResourceSelection{Mode: models.SelectionIDs, IDs: models.StringList{ref}})
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		if missing.Reason != "" {
			return nil, fmt.Errorf("%w: %s %q has no stat keys: %s", models.ErrNotFound, kind, ref, missing.Reason)
		}
		return nil, fmt.Errorf("%w: vROps does not know %s %q (%v) yet, so it has no stat keys", models.ErrNotFound, kind, ref, missing.Names())
	}
	if len(targets) > 1 {
		return nil, fmt.Errorf("%w: %d %s resources are named %q: choose one by id", models.ErrInvalidInput, len(targets), kind, ref)
	}
	keys, err := lister.ResourceStatKeys(ctx, targets[0].VropsID)
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	if len(keys) > maxResourceStatKeys {
		keys = keys[:maxResourceStatKeys]
	}
	out := make([]StatKeyInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, describeStat(kind, k))
	}
	return out, nil
}
