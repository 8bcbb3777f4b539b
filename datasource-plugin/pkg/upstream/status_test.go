package upstream

import (
	"errors"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

func TestStatusKind(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{401, models.ErrBadCredentials},
		{403, models.ErrForbidden},
		{404, models.ErrNotFound},
		{400, models.ErrUpstream},
		{409, models.ErrUpstream},
		{500, models.ErrUpstream},
		{503, models.ErrUpstream},
	}
	for _, tc := range tests {
		if got := StatusKind(tc.status); !errors.Is(got, tc.want) {
			t.Errorf("StatusKind(%d) = %v, want %v", tc.status, got, tc.want)
		}
	}
}
