package resources

import (
	"context"
	"sync"
	"time"
)

// templateCache keeps GET templates for a minute per data source (docs/contracts.md §3
// "Templates"): reading every library item is one call per item, and items do not change when a
// VM is deployed from them. `?refresh=true` reads again.
type templateCache struct {
	mu    sync.Mutex
	at    time.Time
	items []Template
}

// templateTTL is how long a read of the libraries is answered from the cache.
const templateTTL = time.Minute

// get answers the cached list while it is fresh, else reads it (one read at a time).
func (c *templateCache) get(ctx context.Context, refresh bool, read func(context.Context) ([]Template, error)) ([]Template, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !refresh && c.items != nil && time.Since(c.at) < templateTTL {
		return c.items, nil
	}
	items, err := read(ctx)
	if err != nil {
		return nil, err
	}
	c.items, c.at = items, time.Now()
	return items, nil
}
