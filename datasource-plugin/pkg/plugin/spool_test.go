package plugin

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// TestSpoolDirectoryPerDataSource: with a spool directory each data source spools under its own
// owner-only subdirectory, and Dispose stops the delivery loop.
func TestSpoolDirectoryPerDataSource(t *testing.T) {
	dir := t.TempDir()
	raw := []byte(`{"vcenterUrl":"https://vc.example.com","vcenterUser":"u","relayUrl":"http://127.0.0.1:1","auditOutage":"spool","auditSpoolDir":"` + dir + `"}`)
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{UID: "vc/east..", JSONData: raw,
		DecryptedSecureJSONData: map[string]string{"vcenterPassword": "p", "relayToken": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	ds, ok := inst.(*Datasource)
	if !ok {
		t.Fatalf("instance %T: settings refused", inst)
	}
	defer ds.Dispose()
	fi, err := os.Stat(filepath.Join(dir, "vc_east__"))
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("spool directory: %v %v", fi, err)
	}
	if ds.stopSpool == nil {
		t.Fatal("no delivery loop")
	}
}
