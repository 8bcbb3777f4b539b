package models

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Query types; they mirror src/types/query.ts exactly (docs/contracts.md §2).
const (
	QueryTypeInventory   = "inventory"
	QueryTypeVMDetail    = "vmDetail"
	QueryTypeMetrics     = "metrics"
	QueryTypeLatest      = "latest"
	QueryTypeAlerts      = "alerts"
	QueryTypeVariable    = "variable"
	QueryTypeAnnotations = "annotations"
)

// Inventory entities.
const (
	EntityHosts         = "hosts"
	EntityClusters      = "clusters"
	EntityDatastores    = "datastores"
	EntityNetworks      = "networks"
	EntityDatacenters   = "datacenters"
	EntityFolders       = "folders"
	EntityResourcePools = "resourcePools"
	EntityVMs           = "vms"
)

// ValidEntity reports whether e is an inventory entity; variable queries exclude folders and pools.
func ValidEntity(e string, forVariable bool) bool {
	switch e {
	case EntityHosts, EntityClusters, EntityDatastores, EntityNetworks, EntityDatacenters, EntityVMs:
		return true
	case EntityFolders, EntityResourcePools:
		return !forVariable
	}
	return false
}

// StringList accepts a string or an array of strings (template variables may expand to either).
type StringList []string

// UnmarshalJSON accepts "a", ["a","b"] or null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		switch {
		case one == "":
			*l = nil
		case len(one) > 2 && one[0] == '{' && one[len(one)-1] == '}' && strings.Contains(one, ","):
			// Grafana's default format for a multi-value variable interpolated into a string: {a,b}.
			*l = StringList(strings.Split(one[1:len(one)-1], ","))
		default:
			*l = StringList{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings")
	}
	out := many[:0]
	for _, s := range many {
		if s != "" {
			out = append(out, s)
		}
	}
	*l = out
	return nil
}

// InventoryFilter narrows inventory and variable queries.
type InventoryFilter struct {
	Datacenter StringList `json:"datacenter,omitempty"`
	Cluster    StringList `json:"cluster,omitempty"`
	Host       StringList `json:"host,omitempty"`
	PowerState StringList `json:"powerState,omitempty"`
	NameRegex  string     `json:"nameRegex,omitempty"`
}

// Selection modes.
const (
	SelectionIDs   = "ids"
	SelectionRegex = "regex"
	SelectionUnder = "under"
)

// ResourceSelection picks resources for metrics, latest and alerts.
type ResourceSelection struct {
	Mode   string     `json:"mode"`
	IDs    StringList `json:"ids,omitempty"`
	Regex  string     `json:"regex,omitempty"`
	Parent string     `json:"parent,omitempty"`
}

// Resource kinds for metric queries.
const (
	KindVM        = "VirtualMachine"
	KindHost      = "HostSystem"
	KindCluster   = "ClusterComputeResource"
	KindDatastore = "Datastore"
)

// Query is the union of every query type's fields; each handler validates the fields it needs.
type Query struct {
	RefID     string `json:"refId"`
	QueryType string `json:"queryType"`

	Entity string          `json:"entity,omitempty"`
	Filter InventoryFilter `json:"filter,omitempty"`

	VMs StringList `json:"vms,omitempty"`

	ResourceKind string             `json:"resourceKind,omitempty"`
	Selection    *ResourceSelection `json:"selection,omitempty"`
	StatKeys     []string           `json:"statKeys,omitempty"`
	RollUp       string             `json:"rollUp,omitempty"`
	Interval     string             `json:"interval,omitempty"`

	MinLevel string `json:"minLevel,omitempty"`

	AnnotationKind string `json:"annotationKind,omitempty"`
}

// ParseQuery decodes a query's JSON and reports malformed input as ErrInvalidInput.
func ParseQuery(raw []byte) (*Query, error) {
	q := &Query{}
	if err := json.Unmarshal(raw, q); err != nil {
		return nil, fmt.Errorf("%w: the query is not valid JSON: %v", ErrInvalidInput, err)
	}
	return q, nil
}

// ValidateSelection checks a metrics/latest/alerts selection.
func (q *Query) ValidateSelection(required bool) error {
	s := q.Selection
	if s == nil {
		if required {
			return fmt.Errorf("%w: choose the resources to query (selection is empty)", ErrInvalidInput)
		}
		return nil
	}
	switch s.Mode {
	case SelectionIDs, "":
		if len(s.IDs) == 0 && required {
			return fmt.Errorf("%w: choose at least one resource by name or id", ErrInvalidInput)
		}
	case SelectionRegex:
		if strings.TrimSpace(s.Regex) == "" {
			return fmt.Errorf("%w: enter a name regex", ErrInvalidInput)
		}
	case SelectionUnder:
		if strings.TrimSpace(s.Parent) == "" {
			return fmt.Errorf("%w: choose the cluster, host or datacenter to take resources from", ErrInvalidInput)
		}
	default:
		return fmt.Errorf("%w: selection mode %q is unknown (use ids, regex or under)", ErrInvalidInput, s.Mode)
	}
	return nil
}

// ValidResourceKind reports whether k is a metrics resource kind.
func ValidResourceKind(k string) bool {
	switch k {
	case KindVM, KindHost, KindCluster, KindDatastore:
		return true
	}
	return false
}
