package resources

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
)

// The list engine of `GET inventory/{entity}`: search, typed sort keys and paging over rows of
// any item type. Numbers sort as numbers and text case-insensitively; ties go by id.

// sortKey is one sortable value of a row.
type sortKey struct {
	text    string
	num     int64
	numeric bool
	// missing values (no usage figure) sort after all others in both directions.
	missing bool
}

// missingKey is a value that is not known; it sorts last.
var missingKey = sortKey{missing: true}

// textKey sorts case-insensitively.
func textKey(s string) sortKey { return sortKey{text: strings.ToLower(s)} }

// numKey sorts numerically.
func numKey(n int64) sortKey { return sortKey{num: n, numeric: true} }

func (k sortKey) compare(o sortKey) int {
	if k.numeric && o.numeric {
		return cmp.Compare(k.num, o.num)
	}
	return strings.Compare(k.text, o.text)
}

// row is one list item with its sort keys ("name" and "id" are always there).
type row struct {
	id, name string
	item     any
	keys     map[string]sortKey
}

// listQuery is the parsed paging, search and sort parameters.
type listQuery struct {
	page, size int
	search     string
	sortBy     string
	desc       bool
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, vmrules.Invalid("%s must be a number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func parseListQuery(q url.Values) (listQuery, error) {
	var lq listQuery
	var err error
	if lq.page, err = intParam(q, "page", 1, 1, 1_000_000); err != nil {
		return lq, err
	}
	if lq.size, err = intParam(q, "pageSize", 50, 1, 1000); err != nil {
		return lq, err
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		lq.desc = true
	default:
		return lq, vmrules.Invalid("order must be asc or desc")
	}
	lq.search = strings.ToLower(q.Get("search"))
	lq.sortBy = q.Get("sort")
	if lq.sortBy == "" {
		lq.sortBy = "name"
	}
	return lq, nil
}

// matches says whether a row passes the search (a substring of name or id, any case).
func (lq listQuery) matches(id, name string) bool {
	return lq.search == "" || strings.Contains(strings.ToLower(name), lq.search) || strings.Contains(strings.ToLower(id), lq.search)
}

// sortable lists the sort keys an entity offers besides name and id.
func sortable(keys []string, by string) bool {
	return by == "name" || by == "id" || slices.Contains(keys, by)
}

func (r row) key(by string) sortKey {
	switch by {
	case "name":
		return textKey(r.name)
	case "id":
		return sortKey{text: r.id}
	}
	return r.keys[by]
}

// sortRows orders rows by the query's key; equal keys keep id order, in both directions.
func sortRows(rows []row, lq listQuery) {
	slices.SortStableFunc(rows, func(a, b row) int {
		ka, kb := a.key(lq.sortBy), b.key(lq.sortBy)
		if ka.missing != kb.missing {
			if ka.missing {
				return 1
			}
			return -1
		}
		c := ka.compare(kb)
		if lq.desc {
			c = -c
		}
		if c == 0 {
			return strings.Compare(a.id, b.id)
		}
		return c
	})
}

// pageOf returns the items of the query's page.
func pageOf(rows []row, lq listQuery) []any {
	start := min((lq.page-1)*lq.size, len(rows))
	end := min(start+lq.size, len(rows))
	out := make([]any, 0, end-start)
	for _, r := range rows[start:end] {
		out = append(out, r.item)
	}
	return out
}
