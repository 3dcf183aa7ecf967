package jobs

import (
	"context"
	"sync"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// countsSource is what ServiceCounts needs of the store.
type countsSource interface {
	ServiceCounts(ctx context.Context) ([]storage.ServiceCount, error)
}

// ServiceCounts serves the stored service counts to a recompute (the
// Recomputer's Population and Counts), read once per run by Refresh.
// Counts are kept per month or quarter: a quarter without its own count
// is the sum of its three months when all three are known, a year the
// sum of its four quarters when all four are known; weeks stay unknown.
type ServiceCounts struct {
	mu  sync.RWMutex
	src countsSource
	by  map[string]storage.ServiceCount // service + "/" + period key
}

// NewServiceCounts returns counts read from src (empty until Refresh).
func NewServiceCounts(src countsSource) *ServiceCounts {
	return &ServiceCounts{src: src, by: map[string]storage.ServiceCount{}}
}

// Refresh re-reads the stored counts.
func (c *ServiceCounts) Refresh(ctx context.Context) error {
	rows, err := c.src.ServiceCounts(ctx)
	if err != nil {
		return err
	}
	by := make(map[string]storage.ServiceCount, len(rows))
	for _, r := range rows {
		by[r.ServiceCode+"/"+r.PeriodKey] = r
	}
	c.mu.Lock()
	c.by = by
	c.mu.Unlock()
	return nil
}

// Population is the people a service served in p; 0 when unknown.
func (c *ServiceCounts) Population(service string, p survey.Period) int {
	_, total, _ := c.Counts(service, p)
	return total
}

// Counts returns the online and total counts of a service in p, ok false
// when unknown.
func (c *ServiceCounts) Counts(service string, p survey.Period) (online, total int, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	total, online, ok = c.lookup(service, p)
	return online, total, ok
}

func (c *ServiceCounts) lookup(service string, p survey.Period) (total, online int, ok bool) {
	if r, found := c.by[service+"/"+p.Key()]; found {
		return r.Total, r.Online, true
	}
	var part survey.PeriodKind
	switch p.Kind {
	case survey.PeriodQuarter:
		part = survey.PeriodMonth
	case survey.PeriodYear:
		part = survey.PeriodQuarter
	default:
		return 0, 0, false
	}
	for q := survey.PeriodOf(part, p.Start, p.Start.Location()); q.Start.Before(p.End); q = q.Next() {
		t, o, found := c.lookup(service, q)
		if !found {
			return 0, 0, false
		}
		total, online = total+t, online+o
	}
	return total, online, true
}
