package vmrules

import "testing"

func TestValidateLibraryItemID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"6f0c7b8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", true},
		{"6F0C7B8E-1A2B-4C3D-8E9F-0A1B2C3D4E5F", true},
		{"vm-1001", false},
		{"6f0c7b8e-1a2b-4c3d-8e9f-0a1b2c3d4e5", false},
		{"../6f0c7b8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", false},
		{"", false},
	} {
		if err := ValidateLibraryItemID(tc.id); (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.id, err)
		}
	}
}

func TestCheckTemplateAndCustomization(t *testing.T) {
	checkRule(t, CheckTemplate("ubuntu", "vm-template"), "")
	checkRule(t, CheckTemplate("appliance", "ovf"), "library item appliance is not a VM template (its type is OVF)")
	for _, tc := range []struct {
		specOS, family, want string
	}{
		{"LINUX", "LINUX", ""},
		{"LINUX", "OTHER", ""},
		{"WINDOWS", "WINDOWS", ""},
		{"WINDOWS", "LINUX", "is for Windows guests; the template's guest OS is Guest"},
		{"LINUX", "WINDOWS", "is for Linux guests"},
		{"LINUX", "", ""},
	} {
		checkRule(t, CheckCustomizationFits("spec", tc.specOS, tc.family, "Guest"), tc.want)
	}
}
