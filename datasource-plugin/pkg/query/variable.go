package query

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
)

// variableQuery answers template variable queries: text = name, value = id. Chained variables
// work through the filter (e.g. hosts of the cluster chosen in $cluster).
func variableQuery(ctx context.Context, d *Deps, q *models.Query, _ backend.DataQuery) (backend.DataResponse, error) {
	if !models.ValidEntity(q.Entity, true) {
		return backend.DataResponse{}, fmt.Errorf("%w: variable entity %q is unknown: use datacenters, clusters, hosts, vms, datastores or networks", models.ErrInvalidInput, q.Entity)
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return backend.DataResponse{}, err
	}
	f, err := CompileFilter(s, q.Filter)
	if err != nil {
		return backend.DataResponse{}, err
	}
	inv := InventoryFrame(s, q.Entity, f)
	idF, _ := inv.FieldByName("id")
	nameF, _ := inv.FieldByName("name")
	texts := make([]string, 0, idF.Len())
	values := make([]string, 0, idF.Len())
	for i := 0; i < idF.Len(); i++ {
		texts = append(texts, nameF.At(i).(string))
		values = append(values, idF.At(i).(string))
	}
	fr := data.NewFrame(q.Entity, data.NewField("text", nil, texts), data.NewField("value", nil, values))
	fr.RefID = q.RefID
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable}
	return backend.DataResponse{Frames: data.Frames{fr}}, nil
}
