// Package jobs runs egovpulse's periodic work on a cron schedule: the score
// recomputes (every 15 minutes for the periods that received answers,
// nightly for the full history), the daily purge of processed update ids
// past their retention, and any job built on Runner. Every run goes
// through Runner: it takes a lock keyed by job and slot and commits a
// job_runs row in the same transaction as its output (the purge, which
// deletes in batches and can safely run twice, records its row after the
// last batch), so replicas, restarts and skewed clocks never run one slot
// twice. The same functions back the `egovpulse score` and `egovpulse
// purge` commands.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Job names, as recorded in job_runs.
const (
	JobScoreIncremental = "score-incremental"
	JobScoreFull        = "score-full"
	JobScoreManual      = "score-manual"
)

// Defaults of Scorer.
const (
	DefaultLookback = 10 * time.Minute
	DefaultLockTTL  = 30 * time.Minute
	DefaultLockWait = 5 * time.Second
	DefaultSlot     = 15 * time.Minute
)

// Locker takes named, expiring locks; bot/session's Store implements it.
type Locker interface {
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
}

// AllKinds are the period kinds recomputed by default.
func AllKinds() []survey.PeriodKind {
	return []survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}
}

// Scorer recomputes and stores the score snapshots. It is what the cron
// jobs and the CLI call.
type Scorer struct {
	Store      *storage.Store
	Recomputer *scoring.Recomputer
	// Locker is nil for no lock: the job_runs row still lets only one run
	// per period commit (the lock only saves the duplicate work).
	Locker Locker
	Log    *slog.Logger
	Now    func() time.Time
	Kinds  []survey.PeriodKind // default AllKinds
	// Lookback is subtracted from the previous incremental run's start to
	// form the watermark, covering answers committed late (a submission
	// still in flight when the previous run read) and clocks skewed by up
	// to this much. Later stragglers wait for the nightly full run.
	Lookback time.Duration
	LockTTL  time.Duration // longer than any run
	LockWait time.Duration // how long to wait for a lock held elsewhere
	Slot     time.Duration // the incremental job's period, default 15 min
	// Counts, when set, is re-read at the start of each run and feeds the
	// Recomputer's Population and Counts (NewScorer wires it).
	Counts *ServiceCounts
}

// NewScorer builds the Scorer of a process: the unsur weights come from
// the latest "skm" survey definition of reg (none or empty: 1/9 each),
// service → OPD from cat, calendar periods in loc. locker may be nil.
func NewScorer(st *storage.Store, reg *survey.Registry, cat *survey.Catalog, loc *time.Location, locker Locker, log *slog.Logger) *Scorer {
	w := scoring.DefaultWeights()
	if reg != nil {
		if s, err := reg.Latest("skm"); err == nil && s != nil {
			w = scoring.WeightsFromMap(s.Weights)
		}
	}
	counts := NewServiceCounts(st)
	return &Scorer{Store: st, Locker: locker, Log: log, Counts: counts,
		Recomputer: &scoring.Recomputer{Source: st, Indices: st, Catalog: cat, Weights: w, Location: loc,
			Population: counts.Population, Counts: counts.Counts}}
}

// RunResult says what one run did.
type RunResult struct {
	Job       string        `json:"job"`
	PeriodKey string        `json:"period_key"`
	Skipped   string        `json:"skipped,omitempty"` // why nothing ran; "" when it ran
	Watermark time.Time     `json:"watermark,omitzero"`
	Touched   int           `json:"touched"`   // (service, submission time) pairs since the watermark
	Snapshots int           `json:"snapshots"` // snapshots computed
	Written   int           `json:"written"`   // snapshots changed in the database
	Duration  time.Duration `json:"duration"`
}

// SlotKey names the incremental slot of t: t rounded to the nearest slot
// boundary (cron fires on boundaries, so a clock skewed by less than half a
// slot still names the same slot).
func (s *Scorer) SlotKey(t time.Time) string {
	return t.Round(s.slot()).UTC().Format("2006-01-02T15:04Z")
}

// Incremental runs the incremental job for the slot of now: every period
// (of Kinds) containing an answer submitted since the watermark is
// recomputed for the touched services, their OPDs and the city.
func (s *Scorer) Incremental(ctx context.Context) (RunResult, error) {
	now := s.now()
	return s.run(ctx, JobScoreIncremental, s.SlotKey(now), true, s.incremental)
}

// incremental computes an incremental run: every period (of Kinds)
// containing an answer submitted since the watermark (the previous
// incremental run's start less Lookback), for the touched services, their
// OPDs and the city.
func (s *Scorer) incremental(ctx context.Context, res *RunResult) (scoring.RecomputeResult, error) {
	last, err := s.Store.LastJobRun(ctx, JobScoreIncremental)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		res.Watermark = time.Unix(0, 0).UTC() // never ran: everything
	case err != nil:
		return scoring.RecomputeResult{}, err
	default:
		res.Watermark = last.StartedAt.Add(-s.lookback())
	}
	touches, err := s.touchesSince(ctx, res.Watermark)
	if err != nil {
		return scoring.RecomputeResult{}, err
	}
	res.Touched = len(touches)
	return s.Recomputer.Incremental(ctx, s.kinds(), touches)
}

// Full runs the nightly job for the local day of now: every period from
// the first submission to now is recomputed.
func (s *Scorer) Full(ctx context.Context) (RunResult, error) {
	now := s.now()
	return s.FullFor(ctx, now.In(s.loc()).Format(time.DateOnly))
}

// FullFor runs the nightly job under the given day key (a missed night is
// caught up under its own key).
func (s *Scorer) FullFor(ctx context.Context, dayKey string) (RunResult, error) {
	return s.run(ctx, JobScoreFull, dayKey, true, func(ctx context.Context, _ *RunResult) (scoring.RecomputeResult, error) {
		first, err := s.firstSubmission(ctx)
		if errors.Is(err, storage.ErrNotFound) {
			return scoring.RecomputeResult{}, nil
		}
		if err != nil {
			return scoring.RecomputeResult{}, err
		}
		return s.Recomputer.Full(ctx, s.kinds(), first, s.now())
	})
}

// Recompute recomputes every period of kinds overlapping [from, to) now,
// as a manual run (its own job_runs row, never skipped). A zero from means
// from the first submission.
func (s *Scorer) Recompute(ctx context.Context, kinds []survey.PeriodKind, from, to time.Time) (RunResult, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return RunResult{}, fmt.Errorf("manual run id: %w", err)
	}
	key := s.now().UTC().Format("2006-01-02T15:04:05.000Z") + "-" + hex.EncodeToString(b[:])
	return s.run(ctx, JobScoreManual, key, false, func(ctx context.Context, _ *RunResult) (scoring.RecomputeResult, error) {
		if from.IsZero() {
			first, err := s.firstSubmission(ctx)
			if errors.Is(err, storage.ErrNotFound) {
				return scoring.RecomputeResult{}, nil
			}
			if err != nil {
				return scoring.RecomputeResult{}, err
			}
			from = first
		}
		return s.Recomputer.Full(ctx, kinds, from, to)
	})
}

// computeFunc computes a run's snapshots and fills the run's figures.
type computeFunc func(ctx context.Context, res *RunResult) (scoring.RecomputeResult, error)

// run executes one job run through the Runner: compute once the slot is
// claimed, then commit the snapshots with the job_runs row.
func (s *Scorer) run(ctx context.Context, job, key string, lock bool, compute computeFunc) (RunResult, error) {
	res := RunResult{Job: job, PeriodKey: key}
	var rec scoring.RecomputeResult
	var started time.Time
	out, err := s.runner().Run(ctx, Run{Job: job, Slot: key, NoLock: !lock,
		Prepare: func(ctx context.Context) error {
			started = s.now()
			if s.Counts != nil {
				if err := s.Counts.Refresh(ctx); err != nil {
					return fmt.Errorf("service counts: %w", err)
				}
			}
			var err error
			rec, err = compute(ctx, &res)
			res.Snapshots = len(rec.Snapshots)
			return err
		},
		Commit: func(_ context.Context, tx *storage.Tx) error {
			var err error
			res.Written, err = tx.WriteSnapshots(rec, started)
			return err
		},
		Details: func() any { res.Duration = s.now().Sub(started); return res },
	})
	if res.Skipped = out.Skipped; err != nil || res.Skipped != "" {
		res.Written = 0
		return res, err
	}
	s.logger().Info("job run", "job", job, "period", key, "touched", res.Touched,
		"snapshots", res.Snapshots, "written", res.Written, "duration", res.Duration)
	return res, nil
}

// runner is the Runner of the score jobs.
func (s *Scorer) runner() *Runner {
	return &Runner{Store: s.Store, Locker: s.Locker, Log: s.Log, Now: s.Now, LockTTL: s.LockTTL, LockWait: s.LockWait}
}

func (s *Scorer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Scorer) kinds() []survey.PeriodKind {
	if len(s.Kinds) == 0 {
		return AllKinds()
	}
	return s.Kinds
}

func (s *Scorer) lookback() time.Duration {
	if s.Lookback <= 0 {
		return DefaultLookback
	}
	return s.Lookback
}

func (s *Scorer) slot() time.Duration {
	if s.Slot <= 0 {
		return DefaultSlot
	}
	return s.Slot
}

func (s *Scorer) loc() *time.Location {
	if s.Recomputer.Location == nil {
		return time.UTC
	}
	return s.Recomputer.Location
}

func (s *Scorer) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// elements are the weighted element keys the recompute reads.
func (s *Scorer) elements() []string {
	w := s.Recomputer.Weights
	if len(w) == 0 {
		w = scoring.DefaultWeights()
	}
	keys := make([]string, len(w))
	for i, x := range w {
		keys[i] = x.Element
	}
	return keys
}

// touchesSince lists what was submitted after t: every response when the
// recompute covers every index, else the answers to the IKM elements.
func (s *Scorer) touchesSince(ctx context.Context, t time.Time) ([]scoring.Touch, error) {
	if s.Recomputer.Indices != nil {
		return s.Store.SubmittedSince(ctx, t)
	}
	return s.Store.ChangedSince(ctx, t, s.elements())
}

// firstSubmission is the earliest submission the recompute reads.
func (s *Scorer) firstSubmission(ctx context.Context) (time.Time, error) {
	if s.Recomputer.Indices != nil {
		return s.Store.FirstSummary(ctx)
	}
	return s.Store.FirstSubmission(ctx, s.elements())
}
