package inventory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
)

// TestDetailRefusesIDsThatAreNotMoRefs: the VM detail (resource API and vmDetail query) never
// sends ".." or other non-ids into vCenter's URL path.
func TestDetailRefusesIDsThatAreNotMoRefs(t *testing.T) {
	for _, id := range []string{"..", "vm-1/../x", "vm-1?x", "", "%2e%2e"} {
		if _, err := NewCache(nil, nil, time.Hour).Detail(context.Background(), nil, &Snapshot{}, id); !errors.Is(err, models.ErrInvalidInput) {
			t.Errorf("%q: %v", id, err)
		}
	}
}
