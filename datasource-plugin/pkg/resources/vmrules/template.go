package vmrules

import (
	"regexp"
	"strings"
)

// uuidPattern is the shape of a content library or library item id (a UUID).
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidateLibraryItemID refuses a library item id that is not a UUID before it goes into
// vCenter's URL path.
func ValidateLibraryItemID(id string) error {
	if !uuidPattern.MatchString(id) {
		if len(id) > 40 {
			id = id[:40] + "…"
		}
		return Invalid("%q is not a content library item id (a UUID)", id)
	}
	return nil
}

// TemplateType is the content library item type of a VM template (`library.Item` type).
const TemplateType = "vm-template"

// CheckTemplate refuses a library item that is not a VM template (an OVF package, an ISO).
func CheckTemplate(name, itemType string) error {
	if itemType != TemplateType {
		return Invalid("library item %s is not a VM template (its type is %s)", name, strings.ToUpper(itemType))
	}
	return nil
}

// CheckCustomizationFits refuses a customization spec for another OS family than the guest's:
// vCenter applies Windows specs (sysprep) only to Windows guests and Linux specs only to others.
// specOS is the spec's os_type (LINUX, WINDOWS), guestFamily the guest OS family (WINDOWS, LINUX,
// OTHER…; "" when unknown, which is left to vCenter).
func CheckCustomizationFits(spec, specOS, guestFamily, guestName string) error {
	return checkFits(spec, specOS, guestFamily, guestName, "the template's")
}

// CheckCustomizationFitsVM is CheckCustomizationFits for an existing VM's guest.
func CheckCustomizationFitsVM(spec, specOS, guestFamily, guestName string) error {
	return checkFits(spec, specOS, guestFamily, guestName, "the VM's")
}

func checkFits(spec, specOS, guestFamily, guestName, whose string) error {
	if guestFamily == "" || specOS == "" {
		return nil
	}
	if (specOS == "WINDOWS") != (guestFamily == "WINDOWS") {
		return Invalid("customization spec %s is for %s guests; %s guest OS is %s", spec, osWord(specOS), whose, guestName)
	}
	return nil
}

func osWord(os string) string {
	if os == "WINDOWS" {
		return "Windows"
	}
	return "Linux"
}

// OVFType is the content library item type of an OVF package.
const OVFType = "ovf"
