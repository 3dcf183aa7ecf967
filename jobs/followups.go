package jobs

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// JobFollowUps is the job that opens follow-up items, as recorded in
// job_runs; its slot is the quarter the items are for.
const JobFollowUps = "follow-ups"

// DefaultFollowUpSpec runs the follow-up job daily at 04:15 in the
// scheduler's time zone, after the nightly recompute: the first run in a
// new quarter opens the items of the quarter that ended, once.
const DefaultFollowUpSpec = "15 4 * * *"

// FollowUps opens follow-up items (INDICATORS.md §5): for the quarter
// before now's, every service whose lowest unsur is in band C or D gets
// one item, from the stored service snapshots of the IKM. Store, Catalog
// and Location are required.
type FollowUps struct {
	Store    *storage.Store
	Catalog  *survey.Catalog
	Location *time.Location
}

// Run is the job's run for now: the quarter that ended before now.
func (f *FollowUps) Run(now time.Time) Run {
	q := survey.PeriodOf(survey.PeriodQuarter, now, f.Location).Prev()
	var items []storage.FollowUp
	added := 0
	return Run{
		Job: JobFollowUps, Slot: q.Key(),
		Prepare: func(ctx context.Context) error {
			var err error
			items, err = f.needs(ctx, q)
			return err
		},
		Commit: func(_ context.Context, tx *storage.Tx) error {
			var err error
			added, err = tx.AddFollowUps(items)
			return err
		},
		Details: func() any { return map[string]int{"needed": len(items), "added": added} },
	}
}

// needs reads the quarter's service snapshots and picks the services
// that need a follow-up.
func (f *FollowUps) needs(ctx context.Context, q survey.Period) ([]storage.FollowUp, error) {
	byService, err := f.Store.ServiceIKM(ctx, q, f.Location)
	if err != nil {
		return nil, err
	}
	snaps := make([]scoring.Snapshot, 0, len(byService))
	for _, s := range byService {
		snaps = append(snaps, s)
	}
	slices.SortFunc(snaps, func(a, b scoring.Snapshot) int { return strings.Compare(a.ScopeCode, b.ScopeCode) })
	var out []storage.FollowUp
	for _, n := range scoring.FollowUpsDue(snaps) {
		opd := ""
		if svc, ok := f.Catalog.Service(n.Service); ok {
			opd = svc.OPDCode
		}
		out = append(out, storage.FollowUp{ServiceCode: n.Service, OPDCode: opd, PeriodKey: q.Key(),
			Element: n.Element, Score: n.Score, Mutu: string(n.Mutu)})
	}
	return out, nil
}
