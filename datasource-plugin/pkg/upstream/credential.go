package upstream

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Credential is a login shared by every request of one client (a vCenter session id, a vROps
// token): created lazily, once for all concurrent callers (single-flight), and dropped only when
// the very value a caller saw rejected is still current, so a burst of 401s from one expiry gives
// one new login, not one per request.
type Credential struct {
	mu    sync.RWMutex
	value string
	sf    singleflight.Group
}

// Current is the value held now ("" when none).
func (c *Credential) Current() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.value
}

// Get returns the current value, or creates one with create. stale is the value the caller just
// saw rejected ("" for none). create runs detached from ctx's cancellation: a login shared by
// many callers must not fail because the first caller gave up.
func (c *Credential) Get(ctx context.Context, stale string, create func(context.Context) (string, error)) (string, error) {
	c.mu.Lock()
	if c.value != "" && c.value != stale {
		v := c.value
		c.mu.Unlock()
		return v, nil
	}
	if c.value == stale {
		c.value = ""
	}
	c.mu.Unlock()
	v, err, _ := c.sf.Do("login", func() (any, error) {
		if v := c.Current(); v != "" {
			return v, nil
		}
		v, err := create(context.WithoutCancel(ctx))
		if err != nil {
			return "", err
		}
		c.mu.Lock()
		c.value = v
		c.mu.Unlock()
		return v, nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// Take removes and returns the current value (for logging out).
func (c *Credential) Take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.value
	c.value = ""
	return v
}
