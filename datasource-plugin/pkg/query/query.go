// Package query answers the data source's queries; one file per query type, each registered on
// the SDK's query-type mux. Every query type works without a signed-in user (alert evaluation).
package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/apierr"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// Stats is what metric queries need from vROps.
type Stats interface {
	QueryStats(ctx context.Context, q vrops.StatsQuery) ([]vrops.ResourceStats, error)
	QueryLatest(ctx context.Context, ids, keys []string) ([]vrops.ResourceStats, error)
	QueryAlerts(ctx context.Context, levels []string, resourceIDs []string) ([]vrops.Alert, error)
}

// Deps are the clients the queries use; Stats and Relay may be nil when not configured.
type Deps struct {
	Inventory *inventory.Cache
	VCenter   inventory.DetailReader
	Stats     Stats
	Relay     *relay.Client
	// VCenterName is the `vcenter` label value; empty means "derived from the vCenter URL".
	VCenterName string
	// Budget is each query's total time, retries included; 0 means QueryBudget.
	Budget time.Duration

	frames frameCache
}

// errNoVROps is the answer of a query or read that needs vROps where the data source has none;
// need completes "add its URL and credentials to …".
func errNoVROps(need string) error {
	return fmt.Errorf("%w: vROps is not configured for this data source: add its URL and credentials to %s", models.ErrNotConfigured, need)
}

// statsTarget checks the selection and stat keys of a metrics or latest query and answers the
// kind of resource it reads (VMs unless it says otherwise).
func statsTarget(q *models.Query) (string, error) {
	if err := q.ValidateSelection(true); err != nil {
		return "", err
	}
	if err := validateStatKeys(q.StatKeys); err != nil {
		return "", err
	}
	if q.ResourceKind == "" {
		return models.KindVM, nil
	}
	return q.ResourceKind, nil
}

// QueryBudget is the total time one query may take, every upstream call and retry included. It
// stays below Grafana's alert evaluation timeout (unified_alerting evaluation_timeout, default
// 30 s), so a slow vROps makes a rule answer with this query's error, not an evaluation timeout
// (docs/contracts.md §2).
const QueryBudget = 25 * time.Second

type handlerFunc func(ctx context.Context, d *Deps, q *models.Query, dq backend.DataQuery) (backend.DataResponse, error)

// NewMux registers every query type on an SDK query-type mux.
func NewMux(d *Deps) *datasource.QueryTypeMux {
	mux := datasource.NewQueryTypeMux()
	handlers := map[string]handlerFunc{
		models.QueryTypeInventory:   inventoryQuery,
		models.QueryTypeVMDetail:    vmDetailQuery,
		models.QueryTypeMetrics:     metricsQuery,
		models.QueryTypeLatest:      latestQuery,
		models.QueryTypeAlerts:      alertsQuery,
		models.QueryTypeVariable:    variableQuery,
		models.QueryTypeAnnotations: annotationsQuery,
	}
	for t, fn := range handlers {
		mux.HandleFunc(t, run(d, fn))
	}
	// Requests whose DataQuery.QueryType is empty (older clients put it only in the JSON) are
	// routed by the JSON's queryType; anything else is an unknown type.
	mux.HandleFunc("", func(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		ctx = backend.WithPluginContext(ctx, req.PluginContext)
		resp := backend.NewQueryDataResponse()
		for _, q := range req.Queries {
			qt := q.QueryType
			if qt == "" {
				if pq, err := models.ParseQuery(q.JSON); err == nil {
					qt = pq.QueryType
				}
			}
			if fn, ok := handlers[qt]; ok && q.QueryType == "" {
				resp.Responses[q.RefID] = runOne(ctx, d, fn, q)
				continue
			}
			resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourcePlugin,
				fmt.Sprintf("query type %q is unknown: use inventory, vmDetail, metrics, latest, alerts, variable or annotations", qt))
		}
		return resp, nil
	})
	return mux
}

// run answers each query separately so that one bad query fails only its own response, and
// turns a panic into that query's error instead of killing the plugin process.
func run(d *Deps, fn handlerFunc) backend.QueryDataHandlerFunc {
	return func(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		// The SDK's middleware puts the request's plugin context (data source uid, user) on ctx;
		// doing it here too makes a handler called without it (tests, other muxes) see the same.
		ctx = backend.WithPluginContext(ctx, req.PluginContext)
		resp := backend.NewQueryDataResponse()
		for _, dq := range req.Queries {
			resp.Responses[dq.RefID] = runOne(ctx, d, fn, dq)
		}
		return resp, nil
	}
}

func runOne(ctx context.Context, d *Deps, fn handlerFunc, dq backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		if r := recover(); r != nil {
			log.DefaultLogger.FromContext(ctx).Error("query panicked", "refId", dq.RefID, "panic", r, "stack", string(debug.Stack()))
			res = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, "internal error while answering this query")
		}
	}()
	q, err := models.ParseQuery(dq.JSON)
	if err != nil {
		return ErrorResponse(err)
	}
	budget := d.Budget
	if budget <= 0 {
		budget = QueryBudget
	}
	bctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	r, err := fn(bctx, d, q, dq)
	if err != nil {
		if errors.Is(bctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, fmt.Sprintf(
				"the query did not finish within its %s budget (retries included): vCenter or vROps answered too slowly; narrow the selection or the time range (last problem: %v)", budget, err))
		}
		return ErrorResponse(err)
	}
	return r
}

// ErrorResponse maps a typed error to a status and error source.
func ErrorResponse(err error) backend.DataResponse {
	status, src := Classify(err)
	return backend.ErrDataResponseWithSource(status, src, err.Error())
}

// Classify maps a typed error to a status and whether it is ours or upstream's (pkg/apierr).
func Classify(err error) (backend.Status, backend.ErrorSource) {
	c := apierr.Classify(err)
	return c.Query, c.Source
}

// HTTPStatus maps a typed error to an HTTP status for the resource API.
func HTTPStatus(err error) int {
	s, _ := Classify(err)
	return int(s)
}

func compileRegex(expr string) (*regexp.Regexp, error) {
	if len(expr) > 500 {
		return nil, fmt.Errorf("%w: the name regex is longer than 500 characters", models.ErrInvalidInput)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("%w: the name regex %q is not valid: %v", models.ErrInvalidInput, expr, err)
	}
	return re, nil
}
