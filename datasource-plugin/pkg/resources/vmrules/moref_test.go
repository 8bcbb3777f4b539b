package vmrules

import (
	"errors"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

func TestValidateMoRef(t *testing.T) {
	for _, ok := range []string{"vm-1", "vm-1001", "host-12", "domain-c7", "group-v4", "resgroup-v15", "dvportgroup-41", "datacenter-2"} {
		if err := ValidateMoRef("VM", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "..", "vm-..", "vm-1/../x", "vm-1?x=1", "vm-1%2F", "VM-1", "vm-", "-1", "vm 1", "vm-1\n", "vm-1-2", "vm-12345678901234", "../vm-1"} {
		if err := ValidateMoRef("VM", bad); !errors.Is(err, models.ErrInvalidInput) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestValidateMoRefShortensLongIDsInTheMessage(t *testing.T) {
	long := "vm-" + strings.Repeat("9", 60)
	err := ValidateMoRef("VM", long)
	if err == nil || !strings.Contains(err.Error(), `"vm-9999999999999999999999999999999999999…"`) {
		t.Fatalf("%v", err)
	}
}

func TestLimitConstants(t *testing.T) {
	// VMFS-6 maximum virtual disk size is 62 TB (VMware: Configuration Maximums).
	if MaxDiskGiB != 63488 || MaxCPU != 128 || MaxMemoryMiB != 6128640 || MaxNameLen != 80 {
		t.Fatal("contract limits changed")
	}
}
