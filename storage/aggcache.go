package storage

import (
	"maps"
	"slices"
	"sync"

	"github.com/kotasolok/egovpulse/scoring"
)

// aggCacheMax bounds the decoded aggregates kept: an incremental run reads
// about 2,000 stored index snapshots (every OPD's and the touched OPDs'
// services' of up to four periods); past the bound the cache starts over.
const aggCacheMax = 16384

// aggCache keeps the aggregates decoded from stored snapshot details, by
// the details text itself: an incremental run reads again, every 15
// minutes, the snapshots of the OPDs and services it did not touch, whose
// details have not changed, and decoding their JSON was most of its work.
// Keyed by the exact text, a hit is the aggregate that text encodes. Safe
// for concurrent use; the zero value is ready.
type aggCache struct {
	mu sync.Mutex
	m  map[string]*scoring.IndexAgg // nil: the details have no aggregate
}

// get returns the aggregate of details (nil when it has none), decoding it
// on a miss; the caller gets its own copy of the value and item lists.
func (c *aggCache) get(details string) (*scoring.IndexAgg, error) {
	c.mu.Lock()
	a, ok := c.m[details]
	c.mu.Unlock()
	if !ok {
		var err error
		if a, err = aggOf(details); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.m) >= aggCacheMax || c.m == nil {
			c.m = make(map[string]*scoring.IndexAgg, 1024)
		}
		c.m[details] = a
		c.mu.Unlock()
	}
	if a == nil {
		return nil, nil
	}
	out := *a
	out.Values, out.Counts, out.Items = slices.Clone(a.Values), slices.Clone(a.Counts), maps.Clone(a.Items)
	return &out, nil
}
