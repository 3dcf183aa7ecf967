package storage

import (
	"context"
	"fmt"

	"github.com/kotasolok/egovpulse/survey"
)

// ScopeSnapshots returns the stored snapshots of one index and scope over
// the given periods (of one kind), in period order: a trend in one query.
func (s *Store) ScopeSnapshots(ctx context.Context, index, scopeKind, scopeCode string, periods []survey.Period) ([]ScoreSnapshot, error) {
	out := []ScoreSnapshot{}
	if len(periods) == 0 {
		return out, nil
	}
	starts := make([]any, len(periods))
	for i, p := range periods {
		starts[i] = utcMilli(p.Start)
	}
	err := s.db.WithContext(ctx).Where("index_name = ? AND scope_kind = ? AND scope_code = ? AND period_kind = ? AND period_start IN ?",
		index, scopeKind, scopeCode, periods[0].Kind, starts).Order("period_start").Find(&out).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("snapshots of %s %s/%s: %w", index, scopeKind, scopeCode, err))
	}
	return out, nil
}
