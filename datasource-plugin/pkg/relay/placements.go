package relay

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Placement is where one VM runs now, as PUT /internal/placements takes it (docs/contracts.md §5).
type Placement struct {
	VMID    string `json:"vmId"`
	VM      string `json:"vm"`
	Host    string `json:"host"`
	Cluster string `json:"cluster"`
}

// PlacementBatch and PlacementBatchBytes bound one call: the relay takes at most 5,000 VMs and a
// 4 MiB body (docs/contracts.md §5); the byte bound leaves room for the envelope.
const (
	PlacementBatch      = 5000
	PlacementBatchBytes = 3 << 20
)

// PutPlacements stores the latest placements of VMs of one vCenter (`vcenter` as in the series
// labels), in calls within PlacementBatch VMs and PlacementBatchBytes; it stops at the first failure.
func (c *Client) PutPlacements(ctx context.Context, vcenter string, ps []Placement) error {
	for len(ps) > 0 {
		n, size := 0, 0
		for n < len(ps) && n < PlacementBatch {
			b, err := json.Marshal(ps[n])
			if err != nil {
				return err
			}
			if n > 0 && size+len(b)+1 > PlacementBatchBytes {
				break
			}
			size += len(b) + 1
			n++
		}
		body := struct {
			VCenter    string      `json:"vcenter"`
			Placements []Placement `json:"placements"`
		}{vcenter, ps[:n]}
		if err := c.do(ctx, http.MethodPut, "/internal/placements", nil, body, nil); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return nil
}

// placementTimeout bounds one push (all its batches).
const placementTimeout = 30 * time.Second

// PlacementPusher sends placements to the relay in the background, in the order offered, so
// that queries never wait for the relay and a failure only gets logged (best effort: the
// inventory sends what the relay did not confirm again with its next build).
type PlacementPusher struct {
	c       *Client
	vcenter string
	logf    func(msg string, args ...any)
	ch      chan placementPush
	stop    context.CancelFunc
	ctx     context.Context
	done    sync.WaitGroup
}

// NewPlacementPusher starts a pusher; logf receives failures ("msg", key/value pairs).
func NewPlacementPusher(c *Client, vcenter string, logf func(msg string, args ...any)) *PlacementPusher {
	ctx, cancel := context.WithCancel(context.Background())
	p := &PlacementPusher{c: c, vcenter: vcenter, logf: logf, ch: make(chan placementPush, 8), stop: cancel, ctx: ctx}
	p.done.Add(1)
	go p.run()
	return p
}

// placementPush is one offer: the placements and what to call once the relay stored them all.
type placementPush struct {
	ps     []Placement
	stored func()
}

// Offer queues placements without blocking; when the queue is full they are dropped and logged.
// stored (may be nil) is called once the relay has stored all of ps, and never otherwise.
func (p *PlacementPusher) Offer(ps []Placement, stored func()) {
	if len(ps) == 0 {
		return
	}
	select {
	case p.ch <- placementPush{ps, stored}:
	default:
		p.logf("VM placements not sent to the alert relay: too many pushes waiting", "vms", len(ps))
	}
}

// Close stops the pusher after the push under way; queued pushes are dropped.
func (p *PlacementPusher) Close() {
	p.stop()
	p.done.Wait()
}

func (p *PlacementPusher) run() {
	defer p.done.Done()
	for {
		select {
		case <-p.ctx.Done():
			return
		case push := <-p.ch:
			ctx, cancel := context.WithTimeout(p.ctx, placementTimeout)
			if err := p.c.PutPlacements(ctx, p.vcenter, push.ps); err != nil {
				p.logf("VM placements not sent to the alert relay; alert mails name the VM only until the next push", "vms", len(push.ps), "error", err)
			} else if push.stored != nil {
				push.stored()
			}
			cancel()
		}
	}
}
