package vrops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

// relFake answers token acquisition and bulk relationships: every requested id gets one parent
// host named after the chunk, and the first chunk's answer has a second page.
type relFake struct {
	mu     sync.Mutex
	bodies []map[string]any
	pages  []string
	status int
}

func (f *relFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/suite-api/api/auth/token/acquire" {
		fmt.Fprint(w, `{"token":"t","validity":1}`)
		return
	}
	if r.URL.Path != "/suite-api/api/resources/bulk/relationships" || r.Method != http.MethodPost {
		w.WriteHeader(404)
		return
	}
	if r.Header.Get("Authorization") != "vRealizeOpsToken t" {
		w.WriteHeader(401)
		return
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"message":"Invalid input","httpStatusCode":400,"validationFailures":[{"failureMessage":"must be equal to one of the allowed values","violationPath":"body/relationshipType"}]}`)
		return
	}
	var b map[string]any
	_ = json.NewDecoder(r.Body).Decode(&b)
	f.mu.Lock()
	f.bodies = append(f.bodies, b)
	f.pages = append(f.pages, r.URL.Query().Get("page")+"/"+r.URL.Query().Get("pageSize"))
	n := len(f.bodies)
	f.mu.Unlock()
	ids := b["resourceIds"].([]any)
	page := r.URL.Query().Get("page")
	if n == 1 && page == "0" {
		// First chunk, first page: a parent named with id strings, more to come.
		fmt.Fprintf(w, `{"pageInfo":{"totalCount":5001,"page":0,"pageSize":5000},"relationshipType":"PARENT","resourcesRelations":[
			{"resource":{"identifier":"h1","resourceKey":{"name":"esx-01","adapterKindKey":"VMWARE","resourceKindKey":"HostSystem"}},"relatedResources":[%q,%q]}]}`, ids[0], ids[1])
		return
	}
	if n == 2 {
		// Second page of the first chunk: related resources as objects are accepted too.
		fmt.Fprintf(w, `{"pageInfo":{"totalCount":5001,"page":1,"pageSize":5000},"resourcesRelations":[
			{"resource":{"identifier":"dc1","resourceKey":{"name":"DC1","adapterKindKey":"VMWARE","resourceKindKey":"Datacenter"}},"relatedResources":[{"identifier":%q}]}]}`, ids[0])
		return
	}
	fmt.Fprintf(w, `{"pageInfo":{"totalCount":1,"page":0,"pageSize":5000},"resourcesRelations":[
		{"resource":{"identifier":"h%d","resourceKey":{"name":"esx","adapterKindKey":"VMWARE","resourceKindKey":"HostSystem"}},"relatedResources":[%q]}]}`, n, ids[len(ids)-1])
}

func TestBulkRelationshipsChunksAndPages(t *testing.T) {
	f := &relFake{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := NewWithHTTPClient(srv.URL, "admin", "pw", "", srv.Client())
	ids := make([]string, 2500)
	for i := range ids {
		ids[i] = fmt.Sprintf("ds-%04d", i)
	}
	rels, err := c.BulkRelationships(context.Background(), "PARENT", ids)
	if err != nil {
		t.Fatal(err)
	}
	// Chunks of 1000, 1000 and 500 ids; the first chunk has two pages.
	var sizes []int
	for _, b := range f.bodies {
		if b["relationshipType"] != "PARENT" {
			t.Fatalf("body %v", b)
		}
		sizes = append(sizes, len(b["resourceIds"].([]any)))
	}
	if fmt.Sprint(sizes) != "[1000 1000 1000 500]" || fmt.Sprint(f.pages) != "[0/5000 1/5000 0/5000 0/5000]" {
		t.Fatalf("chunk sizes %v, pages %v", sizes, f.pages)
	}
	if len(rels) != 4 {
		t.Fatalf("got %d relations: %+v", len(rels), rels)
	}
	if r := rels[0]; r.Resource.Identifier != "h1" || r.Resource.ResourceKey.ResourceKindKey != "HostSystem" || strings.Join(r.RelatedResources, ",") != "ds-0000,ds-0001" {
		t.Fatalf("first relation %+v", r)
	}
	if r := rels[1]; r.Resource.ResourceKey.ResourceKindKey != "Datacenter" || strings.Join(r.RelatedResources, ",") != "ds-0000" {
		t.Fatalf("object-shaped related resources: %+v", r)
	}
	if r := rels[3]; strings.Join(r.RelatedResources, ",") != "ds-2499" {
		t.Fatalf("last chunk relation %+v", r)
	}
	if _, err := c.BulkRelationships(context.Background(), "PARENT", nil); err != nil || len(f.bodies) != 4 {
		t.Fatalf("no ids must make no call: %v, %d calls", err, len(f.bodies))
	}
}

func TestBulkRelationshipsErrorIsTyped(t *testing.T) {
	f := &relFake{status: 400}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := NewWithHTTPClient(srv.URL, "admin", "pw", "", srv.Client())
	_, err := c.BulkRelationships(context.Background(), "SIBLING", []string{"x"})
	if !errors.Is(err, models.ErrInvalidInput) || !strings.Contains(err.Error(), "relationships query failed (HTTP 400)") || !strings.Contains(err.Error(), "allowed values") {
		t.Fatalf("err = %v", err)
	}
}
