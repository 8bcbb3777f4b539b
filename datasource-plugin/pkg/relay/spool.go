package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Spool keeps audit events that could not be written to the relay, one file per event in a
// directory, until they are delivered (docs/contracts.md §3 "Audit"). A file is written to a
// temporary name, synced and renamed, so a crash leaves either the whole event or none; it is
// removed only after the relay has the event. Delivery is idempotent: before posting, the spool
// asks the relay whether an event with the same operation and phase is already stored (a post
// whose answer was lost), so each event is stored exactly once.
type Spool struct {
	dir string
	mu  sync.Mutex // file writes
	dmu sync.Mutex // one delivery at a time, so no event is posted twice concurrently
}

// OpenSpool opens (creating it, owner-only) the spool directory.
func OpenSpool(dir string) (*Spool, error) {
	if dir == "" {
		return nil, errors.New("the audit spool needs a directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("the audit spool directory %s cannot be created: %w", dir, err)
	}
	return &Spool{dir: dir}, nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Add stores one event durably.
func (s *Spool) Add(ev AuditEvent) error {
	key := ev.Key()
	if key == "" {
		return errors.New("an event without an operation key cannot be spooled")
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := strings.NewReplacer(":", "-", "/", "-").Replace(ev.Time + "_" + key)
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, name+".json")); err != nil {
		return err
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Pending lists the spooled events, oldest first.
func (s *Spool) Pending() ([]AuditEvent, []string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	evs := make([]AuditEvent, 0, len(names))
	paths := make([]string, 0, len(names))
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(s.dir, n))
		if err != nil {
			return nil, nil, err
		}
		var ev AuditEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, nil, fmt.Errorf("spooled audit event %s is unreadable: %w", n, err)
		}
		evs = append(evs, ev)
		paths = append(paths, filepath.Join(s.dir, n))
	}
	return evs, paths, nil
}

// Deliver sends the spooled events to the relay in order and removes each once the relay has it;
// it stops at the first failure (the rest stay for the next round) and returns how many it delivered.
func (s *Spool) Deliver(ctx context.Context, c *Client) (int, error) {
	if c == nil {
		return 0, nil
	}
	s.dmu.Lock()
	defer s.dmu.Unlock()
	evs, paths, err := s.Pending()
	if err != nil {
		return 0, err
	}
	n := 0
	for i, ev := range evs {
		stored, err := c.hasEvent(ctx, ev)
		if err != nil {
			return n, err
		}
		if !stored {
			if err := c.PostAudit(ctx, ev); err != nil {
				return n, err
			}
		}
		if err := os.Remove(paths[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

// hasEvent says whether the relay already stores an event with the same operation and phase.
func (c *Client) hasEvent(ctx context.Context, ev AuditEvent) (bool, error) {
	from, to := ev.Time, ev.Time
	if t, err := time.Parse(time.RFC3339Nano, ev.Time); err == nil {
		from, to = t.Add(-time.Second).UTC().Format(time.RFC3339), t.Add(time.Second).UTC().Format(time.RFC3339)
	}
	q := url.Values{"from": {from}, "to": {to}, "pageSize": {"500"}}
	if ev.VM.ID != "" {
		q.Set("vm", ev.VM.ID)
	} else if ev.User.Login != "" {
		q.Set("user", ev.User.Login)
	}
	p, err := c.ListAudit(ctx, q)
	if err != nil {
		return false, err
	}
	for i := range p.Items {
		if p.Items[i].Key() == ev.Key() {
			return true, nil
		}
	}
	return false, nil
}
