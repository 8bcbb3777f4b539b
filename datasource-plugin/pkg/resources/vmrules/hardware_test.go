package vmrules

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

func ptr[T any](v T) *T { return &v }

var powerStates = []string{"POWERED_OFF", "POWERED_ON", "SUSPENDED"}

// TestCPUChangeWholeSpace: grow/shrink/same × power state × CPU hot-add × hot-remove.
// A powered-off VM may change freely; otherwise growing needs hot-add and shrinking hot-remove.
func TestCPUChangeWholeSpace(t *testing.T) {
	// allowed[dir] for a VM that is not powered off, keyed by hot-add/hot-remove.
	onAllowed := map[[2]bool]map[string]bool{
		{false, false}: {"grow": false, "shrink": false, "same": true},
		{true, false}:  {"grow": true, "shrink": false, "same": true},
		{false, true}:  {"grow": false, "shrink": true, "same": true},
		{true, true}:   {"grow": true, "shrink": true, "same": true},
	}
	for _, ps := range powerStates {
		for flags, dirs := range onAllowed {
			for dir, allowedOn := range dirs {
				name := fmt.Sprintf("%s/hotAdd=%v/hotRemove=%v/%s", ps, flags[0], flags[1], dir)
				t.Run(name, func(t *testing.T) {
					h := Hardware{PowerState: ps, CPUCount: 4, CPUHotAdd: flags[0], CPUHotRemove: flags[1], MemoryMiB: 4096}
					n := map[string]int{"grow": 6, "shrink": 2, "same": 4}[dir]
					got, err := CheckChange("vm-1", h, Change{CPUCount: ptr(n)})
					allowed := ps == "POWERED_OFF" || allowedOn
					if allowed != (err == nil) {
						t.Fatalf("allowed=%v err=%v", allowed, err)
					}
					if err != nil {
						if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "power it off first") {
							t.Fatalf("refusal %v", err)
						}
						return
					}
					if dir == "same" && got.CPUCount != nil {
						t.Fatal("an unchanged count must not be sent to vCenter")
					}
					if dir != "same" && (got.CPUCount == nil || *got.CPUCount != n) {
						t.Fatalf("change %+v", got)
					}
				})
			}
		}
	}
}

// TestMemoryChangeWholeSpace: grow/shrink/same/over-limit × power state × memory hot-add.
// A powered-off VM may change freely; otherwise memory may only grow, with hot-add, up to its limit.
func TestMemoryChangeWholeSpace(t *testing.T) {
	onAllowed := map[bool]map[string]bool{
		false: {"grow": false, "shrink": false, "same": true, "overLimit": false},
		true:  {"grow": true, "shrink": false, "same": true, "overLimit": false},
	}
	for _, ps := range powerStates {
		for hot, dirs := range onAllowed {
			for dir, allowedOn := range dirs {
				t.Run(fmt.Sprintf("%s/hotAdd=%v/%s", ps, hot, dir), func(t *testing.T) {
					h := Hardware{PowerState: ps, CPUCount: 2, MemoryMiB: 4096, MemoryHotAdd: hot, MemoryHotAddLimit: 8192}
					m := map[string]int64{"grow": 8192, "shrink": 2048, "same": 4096, "overLimit": 8196}[dir]
					got, err := CheckChange("vm-1", h, Change{MemoryMiB: ptr(m)})
					allowed := ps == "POWERED_OFF" || allowedOn
					if allowed != (err == nil) {
						t.Fatalf("allowed=%v err=%v", allowed, err)
					}
					if err == nil && dir != "same" && (got.MemoryMiB == nil || *got.MemoryMiB != m) {
						t.Fatalf("change %+v", got)
					}
					if err != nil && !errors.Is(err, models.ErrConflict) {
						t.Fatalf("refusal is not a conflict: %v", err)
					}
				})
			}
		}
	}
}

func TestCheckChangeRanges(t *testing.T) {
	off := Hardware{PowerState: "POWERED_OFF", CPUCount: 2, MemoryMiB: 4096}
	tests := []struct {
		c    Change
		want string
	}{
		{Change{}, "give cpuCount and/or memoryMiB"},
		{Change{CPUCount: ptr(0)}, "out of range"},
		{Change{CPUCount: ptr(129)}, "out of range"},
		{Change{MemoryMiB: ptr(int64(0))}, "out of range"},
		{Change{MemoryMiB: ptr(int64(6128644))}, "out of range"},
		{Change{MemoryMiB: ptr(int64(4098))}, "multiple of 4"},
		{Change{CPUCount: ptr(1), MemoryMiB: ptr(int64(4))}, ""},
		{Change{CPUCount: ptr(128), MemoryMiB: ptr(int64(6128640))}, ""},
	}
	for _, tc := range tests {
		_, err := CheckChange("vm-1", off, tc.c)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, models.ErrInvalidInput)) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}

func TestLimitsOf(t *testing.T) {
	l := LimitsOf("vm-9", Hardware{PowerState: "POWERED_ON", CPUCount: 4, CPUHotAdd: true, MemoryMiB: 4096, MemoryHotAdd: true, MemoryHotAddLimit: 16384})
	if !l.CanChangeCPU || l.MinCPU != 4 || l.MaxCPU != MaxCPU || !l.CanChangeMemory || l.MinMemoryMiB != 4096 || l.MaxMemoryMiB != 16384 {
		t.Fatalf("%+v", l)
	}
	l = LimitsOf("vm-9", Hardware{PowerState: "POWERED_ON", CPUCount: 4, CPUHotRemove: true, MemoryMiB: 4096})
	if l.MinCPU != MinCPU || l.MaxCPU != 4 || l.CanChangeMemory || l.Reasons["memory"] != "VM vm-9 is powered on and memory hot-add is off: power it off first" {
		t.Fatalf("%+v", l)
	}
	l = LimitsOf("vm-9", Hardware{PowerState: "POWERED_OFF", CPUCount: 4, MemoryMiB: 4096})
	if !l.CanChangeCPU || !l.CanChangeMemory || l.MinMemoryMiB != MinMemoryMiB || l.MaxMemoryMiB != MaxMemoryMiB || len(l.Reasons) != 0 {
		t.Fatalf("%+v", l)
	}
}

func TestValidatePower(t *testing.T) {
	for _, a := range PowerActions {
		if err := ValidatePower(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"", "START", "destroy", "start "} {
		if err := ValidatePower(a); !errors.Is(err, models.ErrInvalidInput) {
			t.Errorf("%q accepted", a)
		}
	}
	if !IsGuestOperation("shutdown") || !IsGuestOperation("reboot") || IsGuestOperation("stop") || IsGuestOperation("reset") {
		t.Fatal("guest operations")
	}
}

// TestCheckDeleteWholeSpace: confirmation right/wrong × power state.
func TestCheckDeleteWholeSpace(t *testing.T) {
	for _, ps := range powerStates {
		for _, confirm := range []string{"db-01", "DB-01", "", "db-01 "} {
			err := CheckDelete("vm-1", "db-01", confirm, ps)
			switch {
			case confirm != "db-01":
				if !errors.Is(err, models.ErrInvalidInput) {
					t.Errorf("%s %q: %v", ps, confirm, err)
				}
			case ps == "POWERED_ON":
				if !errors.Is(err, models.ErrConflict) || err.Error() != "VM vm-1 is powered on: power it off first" {
					t.Errorf("%s: %v", ps, err)
				}
			default:
				if err != nil {
					t.Errorf("%s: %v", ps, err)
				}
			}
		}
	}
}
