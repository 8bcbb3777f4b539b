// Package plugin adapts the SDK to the backend: instance factory, QueryData, CheckHealth,
// CallResource and Dispose — nothing else.
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/resources"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured data source instance (one vCenter + its vROps).
type Datasource struct {
	settings *models.Settings
	vc       *vcenter.Client
	vr       *vrops.Client
	relay    *relay.Client
	mux      *datasource.QueryTypeMux
	res      backend.CallResourceHandler
	// stopSpool ends the periodic delivery of spooled audit events (nil without a spool).
	stopSpool context.CancelFunc
	// placements sends VM placements to the relay for its mails (nil without a relay).
	placements *relay.PlacementPusher
}

// NewDatasource is the instance factory. Invalid settings still yield an instance, so that
// CheckHealth and every query can say what is wrong instead of a generic plugin failure.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	settings, err := models.LoadSettings(s)
	if err != nil {
		return &invalidDatasource{err: err}, nil
	}
	// Grafana's HTTP client options (proxy, secure socks proxy, middleware) for every upstream client.
	httpOpts, err := s.HTTPClientOptions(ctx)
	if err != nil {
		return &invalidDatasource{err: fmt.Errorf("%w: Grafana's HTTP client options: %v", models.ErrInvalidSettings, err)}, nil
	}
	settings.HTTPClientOptions = &httpOpts
	vc, err := vcenter.New(settings)
	if err != nil {
		return &invalidDatasource{err: err}, nil
	}
	vr, err := vrops.New(settings)
	if err != nil {
		return &invalidDatasource{err: err}, nil
	}
	rc, err := relay.New(settings)
	if err != nil {
		return &invalidDatasource{err: err}, nil
	}
	var stats query.Stats
	var idSource inventory.VROps
	if vr != nil {
		stats, idSource = vr, vr
	}
	cache := inventory.NewCache(vc, idSource, settings.CacheTTL())
	cache.SetIdentity(inventory.Identity{InstanceUUID: settings.VcenterInstanceUUID, URL: settings.VcenterURL})
	deps := &query.Deps{Inventory: cache, VCenter: vc, Stats: stats, Relay: rc}
	d := &Datasource{settings: settings, vc: vc, vr: vr, relay: rc, mux: query.NewMux(deps)}
	if rc != nil {
		d.placements = relay.NewPlacementPusher(rc, query.VCenterName(deps), log.DefaultLogger.Warn)
		cache.SetPlacementSink(placementSink(d.placements))
	}
	var spool *relay.Spool
	if settings.AuditSpoolDir != "" && rc != nil {
		// One directory per data source, so instances never deliver each other's events.
		spool, err = relay.OpenSpool(filepath.Join(settings.AuditSpoolDir, safeName(s.UID)))
		if err != nil {
			return &invalidDatasource{err: fmt.Errorf("%w: %v", models.ErrInvalidSettings, err)}, nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		d.stopSpool = cancel
		go deliverSpool(ctx, spool, rc)
	}
	d.res = httpadapter.New(resources.New(resources.Deps{Query: deps, VCenter: vc, VROps: vr, Relay: rc, Settings: settings, Spool: spool}))
	return d, nil
}

// placementSink hands the inventory's VM placements to the relay pusher (docs/contracts.md §5):
// after a snapshot build those the relay has not stored yet, and a VM that moved, so alert mails
// say where a VM runs; the pusher confirms to the inventory what the relay stored.
func placementSink(p *relay.PlacementPusher) inventory.PlacementSink {
	return func(ps []inventory.Placement, stored func()) {
		out := make([]relay.Placement, len(ps))
		for i, x := range ps {
			out[i] = relay.Placement{VMID: x.VMID, VM: x.VM, Host: x.Host, Cluster: x.Cluster}
		}
		p.Offer(out, stored)
	}
}

// spoolInterval is how often spooled audit events are offered to the relay again.
const spoolInterval = 30 * time.Second

// deliverSpool offers spooled audit events to the relay until ctx ends.
func deliverSpool(ctx context.Context, sp *relay.Spool, rc *relay.Client) {
	t := time.NewTicker(spoolInterval)
	defer t.Stop()
	for {
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		if n, err := sp.Deliver(dctx, rc); err != nil {
			log.DefaultLogger.Warn("spooled audit events not delivered yet", "delivered", n, "error", err, "spool", sp.Dir())
		} else if n > 0 {
			log.DefaultLogger.Info("spooled audit events delivered", "delivered", n)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// safeName keeps a data source uid usable as a directory name.
func safeName(uid string) string {
	out := []rune(uid)
	for i, r := range out {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			out[i] = '_'
		}
	}
	if len(out) == 0 {
		return "default"
	}
	return string(out)
}

// Dispose logs out of vCenter and releases the vROps token, so sessions do not leak against
// vCenter's per-user session cap when settings change.
func (d *Datasource) Dispose() {
	if d.stopSpool != nil {
		d.stopSpool()
	}
	if d.placements != nil {
		d.placements.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.vc.Close(ctx); err != nil {
		log.DefaultLogger.Warn("vCenter logout failed", "error", err)
	}
	if d.vr != nil {
		if err := d.vr.Close(ctx); err != nil {
			log.DefaultLogger.Warn("vROps token release failed", "error", err)
		}
	}
}

// QueryData dispatches on the query type.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	return d.mux.QueryData(ctx, req)
}

// CallResource serves the resource API.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.res.CallResource(ctx, req, sender)
}

// HealthDetails is the JSON detail of a health check.
type HealthDetails struct {
	VCenter ComponentHealth  `json:"vcenter"`
	VROps   *ComponentHealth `json:"vrops,omitempty"`
}

// ComponentHealth is the state of one upstream.
type ComponentHealth struct {
	OK      bool   `json:"ok"`
	Version string `json:"version,omitempty"`
	Problem string `json:"problem,omitempty"`
	Message string `json:"message"`
}

func problemOf(err error) string {
	switch {
	case errors.Is(err, models.ErrTLS):
		return "tls"
	case errors.Is(err, models.ErrBadCredentials):
		return "credentials"
	case errors.Is(err, models.ErrForbidden):
		return "privileges"
	case errors.Is(err, models.ErrUnreachable):
		return "unreachable"
	}
	return "error"
}

// CheckHealth checks vCenter login and vROps token separately and says which one failed and why.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	det := HealthDetails{}
	var vcMsg, vrMsg string
	if user, err := d.vc.CheckSession(ctx); err != nil {
		det.VCenter = ComponentHealth{Problem: problemOf(err), Message: err.Error()}
		vcMsg = "vCenter: " + err.Error()
	} else {
		ver := "unknown version"
		if v, err := d.vc.Version(ctx); err == nil && v.Version != "" {
			ver = v.Version
			if v.Build != "" {
				ver += " build " + v.Build
			}
		}
		det.VCenter = ComponentHealth{OK: true, Version: ver, Message: fmt.Sprintf("logged in as %s", user)}
		vcMsg = fmt.Sprintf("vCenter OK (%s, %s)", ver, user)
	}
	if d.vr != nil {
		v, err := d.vr.Version(ctx)
		if errors.Is(err, models.ErrNotFound) {
			// Older or trimmed Suite APIs lack /versions/current: the token alone proves access.
			v, err = &vrops.Version{ReleaseName: "unknown version"}, d.vr.Ping(ctx)
		}
		if err != nil {
			det.VROps = &ComponentHealth{Problem: problemOf(err), Message: err.Error()}
			vrMsg = "vROps: " + err.Error()
		} else {
			ver := v.ReleaseName
			if ver == "" {
				ver = fmt.Sprintf("%d.%d build %d", v.Major, v.Minor, v.BuildNumber)
			}
			det.VROps = &ComponentHealth{OK: true, Version: ver, Message: "token acquired"}
			vrMsg = fmt.Sprintf("vROps OK (%s)", ver)
		}
	} else {
		vrMsg = "vROps not configured (metric, latest and alert queries need it)"
	}
	body, _ := json.Marshal(det)
	status := backend.HealthStatusOk
	if !det.VCenter.OK || (det.VROps != nil && !det.VROps.OK) {
		status = backend.HealthStatusError
	}
	return &backend.CheckHealthResult{Status: status, Message: vcMsg + "; " + vrMsg, JSONDetails: body}, nil
}

// invalidDatasource answers everything with the settings problem.
type invalidDatasource struct{ err error }

// QueryData fails every query with the settings problem.
func (d *invalidDatasource) QueryData(_ context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourcePlugin, d.err.Error())
	}
	return resp, nil
}

// CheckHealth reports the settings problem.
func (d *invalidDatasource) CheckHealth(context.Context, *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.err.Error()}, nil
}

// CallResource answers 400 with the settings problem.
func (d *invalidDatasource) CallResource(_ context.Context, _ *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	body, _ := json.Marshal(map[string]string{"error": "bad_request", "message": d.err.Error()})
	return sender.Send(&backend.CallResourceResponse{Status: 400, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: body})
}
