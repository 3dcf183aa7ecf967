package report

import (
	"context"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/storage"
)

// StoredFollowUps counts the follow-up items kept in the store (the
// tracker of INDICATORS.md §5): those of the city, an OPD or a service
// that are not done or dropped, and which of them are past their due date
// (a day in loc).
type StoredFollowUps struct {
	Store    *storage.Store
	Location *time.Location
}

// FollowUpCounts returns the open and the overdue items of scope at t.
func (f StoredFollowUps) FollowUpCounts(ctx context.Context, scope summary.Unit, at time.Time) (open, overdue int, err error) {
	filter := storage.FollowUpFilter{OpenOnly: true}
	if scope.Kind == scoring.ScopeOPD {
		filter.OPD = scope.Code
	}
	items, err := f.Store.FollowUps(ctx, filter)
	if err != nil {
		return 0, 0, err
	}
	for _, it := range items {
		if scope.Kind == scoring.ScopeService && it.ServiceCode != scope.Code {
			continue
		}
		open++
		if it.Overdue(at, f.Location) {
			overdue++
		}
	}
	return open, overdue, nil
}
