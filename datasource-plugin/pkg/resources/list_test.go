package resources

import (
	"net/url"
	"strings"
	"testing"
)

func ids(items []any) string {
	var out []string
	for _, it := range items {
		out = append(out, it.(string))
	}
	return strings.Join(out, ",")
}

func TestListEngineSortsNumbersAsNumbers(t *testing.T) {
	rows := []row{
		{id: "vm-3", name: "b", item: "vm-3", keys: map[string]sortKey{"memoryMiB": numKey(16384), "cpuCount": numKey(2)}},
		{id: "vm-1", name: "A", item: "vm-1", keys: map[string]sortKey{"memoryMiB": numKey(4096), "cpuCount": numKey(16)}},
		{id: "vm-2", name: "c", item: "vm-2", keys: map[string]sortKey{"memoryMiB": numKey(4096), "cpuCount": numKey(128)}},
	}
	tests := []struct{ query, want string }{
		{"sort=cpuCount", "vm-3,vm-1,vm-2"},
		{"sort=cpuCount&order=desc", "vm-2,vm-1,vm-3"},
		{"sort=memoryMiB", "vm-1,vm-2,vm-3"},            // tie broken by id
		{"sort=memoryMiB&order=desc", "vm-3,vm-1,vm-2"}, // the tie keeps id order
		{"", "vm-1,vm-3,vm-2"},                          // by name, any case
		{"sort=id&order=desc", "vm-3,vm-2,vm-1"},
		{"sort=name&pageSize=2&page=2", "vm-2"},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		lq, err := parseListQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		rs := append([]row(nil), rows...)
		sortRows(rs, lq)
		if got := ids(pageOf(rs, lq)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
		}
	}
}

func TestListQueryRefusesBadParameters(t *testing.T) {
	for _, q := range []string{"page=0", "pageSize=1001", "page=x", "order=up"} {
		v, _ := url.ParseQuery(q)
		if _, err := parseListQuery(v); err == nil {
			t.Errorf("%s accepted", q)
		}
	}
	if !sortable([]string{"cpuCount"}, "cpuCount") || sortable(nil, "cpuCount") || !sortable(nil, "id") {
		t.Fatal("sortable")
	}
}
