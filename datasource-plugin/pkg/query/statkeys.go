package query

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/privatecloud/vsphere/pkg/models"
)

// StatKeyInfo describes a stat key we know (units from VMware's VCF Operations metric tables).
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

// describeStat names any stat key and gives it a Grafana unit: a catalogued key as catalogued;
// an instanced key (`net:4000|usage_average`) as its catalogued base key with the instance in the
// name ("Network Usage (4000)"); any other key under its own name with the unit its metric name
// implies (InferUnit). Keys outside the catalogue are passed to vROps as they are.
func describeStat(kind, key string) StatKeyInfo {
	if info, ok := statInfo(kind, key); ok {
		return info
	}
	base, instance := SplitInstance(key)
	if instance != "" {
		if info, ok := statInfo(kind, base); ok {
			info.Key, info.Name = key, fmt.Sprintf("%s (%s)", info.Name, instance)
			return info
		}
	}
	return StatKeyInfo{Key: key, Name: key, Unit: InferUnit(key)}
}

// SplitInstance splits an instanced key `group:instance|metric` into `group|metric` and the
// instance; a plain key comes back unchanged with an empty instance.
func SplitInstance(key string) (base, instance string) {
	bar := strings.IndexByte(key, '|')
	if bar < 0 {
		return key, ""
	}
	group := key[:bar]
	colon := strings.IndexByte(group, ':')
	if colon < 0 {
		return key, ""
	}
	return group[:colon] + key[bar:], group[colon+1:]
}

// unitRules map words of a vROps metric name to a Grafana unit, first match wins (units as the
// VCF metric tables give them: rates in KBps, latencies in ms, frequencies in MHz, sizes in KB).
var unitRules = []struct{ word, unit string }{
	{"pct", "percent"}, {"percent", "percent"}, {"ratio", "percent"},
	{"latency", "ms"}, {"readytime", "ms"}, {"_ms", "ms"},
	{"mhz", "rotmhz"},
	{"iops", "iops"}, {"commandsaveraged", "iops"}, {"numberreadaveraged", "iops"}, {"numberwriteaveraged", "iops"},
	{"bytesrx", "KBs"}, {"bytestx", "KBs"}, {"received", "KBs"}, {"transmitted", "KBs"}, {"read_average", "KBs"}, {"write_average", "KBs"},
	{"usage_average", "KBs"},
	{"_kb", "deckbytes"}, {"consumed", "deckbytes"}, {"granted", "deckbytes"}, {"swapped", "deckbytes"},
	{"_gb", "decgbytes"}, {"diskspace", "decgbytes"},
}

// InferUnit is the Grafana unit a stat key's metric name implies; "none" (a plain number) when it
// implies none. CPU and memory `usage_average` are percentages, network and disk ones rates.
func InferUnit(key string) string {
	base, _ := SplitInstance(key)
	lower := strings.ToLower(base)
	group := lower
	if bar := strings.IndexByte(lower, '|'); bar >= 0 {
		group = lower[:bar]
	}
	if (group == "cpu" || group == "mem") && strings.HasSuffix(lower, "|usage_average") {
		return "percent"
	}
	for _, r := range unitRules {
		if strings.Contains(lower, r.word) {
			return r.unit
		}
	}
	return "none"
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
