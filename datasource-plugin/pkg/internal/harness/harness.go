// Package harness starts the real simulator process and the built plugin binary the way Grafana
// does (hashicorp/go-plugin with the SDK's gRPC handshake) for integration tests and benchmarks.
// It is the Go side of the repository's test support (Node tooling: scripts/support/), and it
// refuses builds older than their sources (fresh.go).
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// PluginRoot is the datasource-plugin directory, found from this source file.
func PluginRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// BinaryPath is where `npm run build:backend` puts the plugin binary.
func BinaryPath() string { return filepath.Join(PluginRoot(), "dist", "gpx_vsphere_linux_amd64") }

// SimulatorCLI is the built simulator entry point.
func SimulatorCLI() string {
	return filepath.Join(PluginRoot(), "..", "simulator", "dist", "cli.js")
}

// Simulator is a running simulator process.
type Simulator struct {
	URL string
	cmd *exec.Cmd
}

var listening = regexp.MustCompile(`listening on (https?://\S+)`)

// StartSimulator runs `node simulator/dist/cli.js --port 0 args...` and waits for its listening line.
func StartSimulator(args ...string) (*Simulator, error) {
	cli := SimulatorCLI()
	if err := requireFresh(cli, simulatorSources, "npm run build -w simulator"); err != nil {
		return nil, fmt.Errorf("the simulator build: %w", err)
	}
	cmd := dieWithParent(exec.Command("node", append([]string{cli, "--port", "0"}, args...)...))
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the simulator with node: %w", err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-found:
		return &Simulator{URL: strings.TrimRight(u, "/"), cmd: cmd}, nil
	case <-time.After(120 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("the simulator did not print its listening line within 120 s")
	}
}

// Close stops the simulator.
func (s *Simulator) Close() {
	if s != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

// Control calls the simulator's /__sim control surface.
func (s *Simulator) Control(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s %s: HTTP %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// Calls is GET /__sim/calls.
type Calls struct {
	Total  int            `json:"total"`
	Routes map[string]int `json:"routes"`
}

// Calls reads the per-route counters.
func (s *Simulator) Calls() (Calls, error) {
	var c Calls
	err := s.Control(http.MethodGet, "/__sim/calls", nil, &c)
	return c, err
}

// Route returns the count of routes containing all the given fragments (e.g. "POST", "stats/query").
func (c Calls) Route(fragments ...string) int {
	n := 0
	for r, v := range c.Routes {
		ok := true
		for _, f := range fragments {
			if !strings.Contains(r, f) {
				ok = false
			}
		}
		if ok {
			n += v
		}
	}
	return n
}

// Plugin is the plugin binary running under go-plugin.
type Plugin struct {
	client      *goplugin.Client
	Data        grpcplugin.DataClient
	Diagnostics grpcplugin.DiagnosticsClient
	Resource    grpcplugin.ResourceClient
}

// StartPlugin launches the binary exactly as Grafana does.
func StartPlugin() (*Plugin, error) {
	bin := BinaryPath()
	if err := requireFresh(bin, binarySources, "npm run build:backend -w datasource-plugin"); err != nil {
		return nil, fmt.Errorf("the plugin binary: %w", err)
	}
	c := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd: dieWithParent(exec.Command(bin)),
		HandshakeConfig: goplugin.HandshakeConfig{ProtocolVersion: grpcplugin.ProtocolVersion,
			MagicCookieKey: grpcplugin.MagicCookieKey, MagicCookieValue: grpcplugin.MagicCookieValue},
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: {
			"data": &grpcplugin.DataGRPCPlugin{}, "diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{}, "resource": &grpcplugin.ResourceGRPCPlugin{}}},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Error}),
		Stderr:           io.Discard,
		SyncStdout:       io.Discard,
		SyncStderr:       io.Discard,
	})
	rpc, err := c.Client()
	if err != nil {
		c.Kill()
		return nil, fmt.Errorf("go-plugin handshake with %s failed: %w", bin, err)
	}
	p := &Plugin{client: c}
	for name, dst := range map[string]any{"data": &p.Data, "diagnostics": &p.Diagnostics, "resource": &p.Resource} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			c.Kill()
			return nil, fmt.Errorf("dispense %s: %w", name, err)
		}
		switch d := dst.(type) {
		case *grpcplugin.DataClient:
			*d = raw.(grpcplugin.DataClient)
		case *grpcplugin.DiagnosticsClient:
			*d = raw.(grpcplugin.DiagnosticsClient)
		case *grpcplugin.ResourceClient:
			*d = raw.(grpcplugin.ResourceClient)
		}
	}
	return p, nil
}

// Close kills the plugin process.
func (p *Plugin) Close() {
	if p != nil {
		p.client.Kill()
	}
}

// Instance is one data source configuration in the plugin.
type Instance struct {
	Settings backend.DataSourceInstanceSettings
}

// NewInstance builds settings pointing at the simulator for vCenter and vROps.
func NewInstance(id int64, sim *Simulator, relayURL, relayToken string, extra map[string]any) *Instance {
	j := map[string]any{"vcenterUrl": sim.URL, "vcenterUser": "administrator@vsphere.local", "vropsUrl": sim.URL,
		"vropsUser": "administrator@vsphere.local", "timeoutSeconds": 60, "cacheTtlSeconds": 300}
	if relayURL != "" {
		j["relayUrl"] = relayURL
	}
	for k, v := range extra {
		j[k] = v
	}
	raw, _ := json.Marshal(j)
	sec := map[string]string{"vcenterPassword": "VMware1!", "vropsPassword": "VMware1!"}
	if relayToken != "" {
		sec["relayToken"] = relayToken
	}
	return &Instance{Settings: backend.DataSourceInstanceSettings{ID: id, UID: fmt.Sprintf("ds-%d", id), Name: "vsphere",
		Type: "privatecloud-vsphere-datasource", JSONData: raw, DecryptedSecureJSONData: sec, Updated: time.Now()}}
}

func (i *Instance) pctx(user *backend.User) backend.PluginContext {
	s := i.Settings
	return backend.PluginContext{OrgID: 1, PluginID: "privatecloud-vsphere-datasource", User: user, DataSourceInstanceSettings: &s}
}

// Query runs QueryData over gRPC and decodes the Arrow frames.
func (p *Plugin) Query(ctx context.Context, inst *Instance, user *backend.User, from, to time.Time, queries ...map[string]any) (*backend.QueryDataResponse, error) {
	req := &backend.QueryDataRequest{PluginContext: inst.pctx(user)}
	for i, q := range queries {
		ref := fmt.Sprintf("Q%d", i)
		q["refId"] = ref
		raw, _ := json.Marshal(q)
		qt, _ := q["queryType"].(string)
		req.Queries = append(req.Queries, backend.DataQuery{RefID: ref, QueryType: qt, JSON: raw, Interval: time.Hour, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: from, To: to}})
	}
	resp, err := p.Data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		return nil, err
	}
	return backend.FromProto().QueryDataResponse(resp)
}

// Health runs CheckHealth over gRPC.
func (p *Plugin) Health(ctx context.Context, inst *Instance) (*backend.CheckHealthResult, error) {
	resp, err := p.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(inst.pctx(nil))})
	if err != nil {
		return nil, err
	}
	return backend.FromProto().CheckHealthResponse(resp), nil
}

// Resource calls CallResource over gRPC and collects the streamed answer.
func (p *Plugin) Call(ctx context.Context, inst *Instance, user *backend.User, method, path string, body any) (int, []byte, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	p2, q, _ := strings.Cut(path, "?")
	u := "/api/datasources/uid/" + inst.Settings.UID + "/resources/" + path
	_ = q
	stream, err := p.Resource.CallResource(ctx, backend.ToProto().CallResourceRequest(&backend.CallResourceRequest{
		PluginContext: inst.pctx(user), Path: p2, Method: method, URL: u, Body: raw}))
	if err != nil {
		return 0, nil, err
	}
	status := 0
	var out []byte
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, nil, err
		}
		if msg.Code != 0 {
			status = int(msg.Code)
		}
		out = append(out, msg.Body...)
	}
	return status, out, nil
}

// Pid is the plugin process id (for RSS measurements).
func (p *Plugin) Pid() int {
	if rc := p.client.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}
