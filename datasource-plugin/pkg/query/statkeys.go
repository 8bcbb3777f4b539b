package query

import (
	"fmt"
	"regexp"

	"github.com/privatecloud/vsphere/pkg/models"
)

// StatKeyInfo describes a stat key we know (units from the VCF metric tables, vrops-suite-api.md §4).
type StatKeyInfo struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
}

var vmKeys = []StatKeyInfo{
	{"cpu|usage_average", "CPU Usage", "percent", "Share of the VM's allocated CPU in use"},
	{"cpu|usagemhz_average", "CPU Usage (MHz)", "rotmhz", "CPU in use in MHz"},
	{"cpu|demandmhz", "CPU Demand", "rotmhz", "CPU demand in MHz without contention or limits"},
	{"cpu|readyPct", "CPU Ready", "percent", "Time ready to run but not scheduled (over 10% is trouble)"},
	{"mem|usage_average", "Memory Usage", "percent", "Share of configured memory in use"},
	{"mem|consumed_average", "Memory Consumed", "deckbytes", "Host memory consumed by the VM"},
	{"mem|guest_usage", "Guest Memory Usage", "deckbytes", "Memory used by the guest"},
	{"net|usage_average", "Network Usage", "KBs", "Network throughput"},
	{"disk|usage_average", "Disk Usage", "KBs", "Disk throughput"},
	{"diskspace|used", "Disk Space Used", "decgbytes", "Disk space used"},
	{"sys|poweredOn", "Powered On", "none", "1 when powered on, 0 when off"},
}

var hostKeys = []StatKeyInfo{
	{"cpu|usage_average", "CPU Usage", "percent", "Share of the host's CPU in use"},
	{"cpu|usagemhz_average", "CPU Usage (MHz)", "rotmhz", "CPU in use in MHz"},
	{"cpu|demandmhz", "CPU Demand", "rotmhz", "CPU demand in MHz"},
	{"cpu|capacity_provisioned", "CPU Capacity", "rotmhz", "CPU capacity in MHz (cores × core speed)"},
	{"mem|usage_average", "Memory Usage", "percent", "Share of the host's memory in use"},
	{"mem|host_usage", "Memory Used", "deckbytes", "Machine memory used"},
	{"mem|host_provisioned", "Memory Capacity", "deckbytes", "Machine memory of the host"},
	{"mem|consumed_average", "Memory Consumed", "deckbytes", "Memory consumed"},
	{"net|usage_average", "Network Usage", "KBs", "Network throughput"},
	{"summary|number_running_vms", "Running VMs", "none", "Powered-on VMs on the host"},
}

var clusterKeys = []StatKeyInfo{
	{"cpu|usage_average", "CPU Usage", "percent", "Share of the cluster's CPU in use"},
	{"cpu|usagemhz_average", "CPU Usage (MHz)", "rotmhz", "CPU in use in MHz"},
	{"mem|usage_average", "Memory Usage", "percent", "Share of the cluster's memory in use"},
	{"mem|consumed_average", "Memory Consumed", "deckbytes", "Memory consumed"},
}

var datastoreKeys = []StatKeyInfo{
	{"capacity|usedSpacePct", "Used Space", "percent", "Share of capacity used"},
	{"capacity|used_space", "Used Space (GB)", "decgbytes", "Space used"},
	{"capacity|total_capacity", "Capacity", "decgbytes", "Total capacity"},
	{"disk|usage_average", "Disk Usage", "KBs", "Throughput"},
}

// KnownStatKeys lists the stat keys we describe for a resource kind.
func KnownStatKeys(kind string) []StatKeyInfo {
	switch kind {
	case models.KindVM:
		return vmKeys
	case models.KindHost:
		return hostKeys
	case models.KindCluster:
		return clusterKeys
	case models.KindDatastore:
		return datastoreKeys
	}
	return nil
}

func statInfo(kind, key string) (StatKeyInfo, bool) {
	for _, k := range KnownStatKeys(kind) {
		if k.Key == key {
			return k, true
		}
	}
	return StatKeyInfo{Key: key, Name: key}, false
}

// statKeyPattern is the vROps key grammar: group[:instance]|metric[|metric…].
var statKeyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(:[^|\x00-\x1f]+)?(\|[^|\x00-\x1f]+)+$`)

func validateStatKeys(keys []string) error {
	if len(keys) == 0 {
		return fmt.Errorf("%w: choose at least one stat key, e.g. cpu|usage_average", models.ErrInvalidInput)
	}
	if len(keys) > 50 {
		return fmt.Errorf("%w: at most 50 stat keys per query, not %d", models.ErrInvalidInput, len(keys))
	}
	for _, k := range keys {
		if len(k) > 200 || !statKeyPattern.MatchString(k) {
			return fmt.Errorf("%w: %q is not a stat key: keys look like cpu|usage_average", models.ErrInvalidInput, k)
		}
	}
	return nil
}
