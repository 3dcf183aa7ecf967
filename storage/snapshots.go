package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrJobDone: a job_runs row already exists for this job and period, so the
// run must not happen (or be committed) again.
var ErrJobDone = errors.New("storage: job already ran for this period")

// JobStatusOK is the status of a committed job run.
const JobStatusOK = "ok"

// sameTolerance is how close two stored figures must be to count as equal.
const sameTolerance = 1e-12

// ScoreSnapshot is a row of score_snapshots. Value, CILow and CIHigh are
// nil when there is no figure (never zero).
type ScoreSnapshot struct {
	ID          int64     `gorm:"column:id;primaryKey" json:"-"`
	IndexName   string    `gorm:"column:index_name" json:"index"`
	ScopeKind   string    `gorm:"column:scope_kind" json:"scope_kind"`
	ScopeCode   string    `gorm:"column:scope_code" json:"scope_code"`
	PeriodKind  string    `gorm:"column:period_kind" json:"period_kind"`
	PeriodStart time.Time `gorm:"column:period_start" json:"period_start"`
	PeriodKey   string    `gorm:"column:period_key" json:"period_key"`
	Value       *float64  `gorm:"column:value" json:"value"`
	N           int       `gorm:"column:n" json:"n"`
	NRequired   int       `gorm:"column:n_required" json:"n_required"`
	Status      string    `gorm:"column:status" json:"status"`
	CILow       *float64  `gorm:"column:ci_low" json:"ci_low"`
	CIHigh      *float64  `gorm:"column:ci_high" json:"ci_high"`
	Category    string    `gorm:"column:category" json:"category"`
	Uncertain   bool      `gorm:"column:uncertain" json:"uncertain"`
	Details     string    `gorm:"column:details" json:"-"`
	ComputedAt  time.Time `gorm:"column:computed_at" json:"computed_at"`
}

// TableName is the GORM table of ScoreSnapshot.
func (ScoreSnapshot) TableName() string { return "score_snapshots" }

// Snapshot converts the row back into a scoring snapshot (the period in
// loc); it fails only on unreadable details.
func (r ScoreSnapshot) Snapshot(loc *time.Location) (scoring.Snapshot, error) {
	s := scoring.Snapshot{
		Index: r.IndexName, Scope: scoring.ScopeKind(r.ScopeKind), ScopeCode: r.ScopeCode,
		Period: survey.PeriodOf(survey.PeriodKind(r.PeriodKind), r.PeriodStart, loc),
		Valid:  r.Value != nil, N: r.N, NRequired: r.NRequired, Status: scoring.Status(r.Status),
		HasCI: r.CILow != nil && r.CIHigh != nil, Mutu: scoring.Mutu(r.Category), Uncertain: r.Uncertain,
	}
	if r.IndexName != scoring.IndexIKM {
		s.Mutu, s.Band = scoring.MutuNone, r.Category
	}
	if r.Value != nil {
		s.Value = *r.Value
	}
	if s.HasCI {
		s.CILow, s.CIHigh = *r.CILow, *r.CIHigh
	}
	if r.Details != "" {
		if err := json.Unmarshal([]byte(r.Details), &s.Details); err != nil {
			return s, fmt.Errorf("snapshot %s %s/%s %s: details: %w", r.IndexName, r.ScopeKind, r.ScopeCode, r.PeriodKey, err)
		}
	}
	return s, nil
}

// snapshotRow converts a scoring snapshot into a row computed at at.
func snapshotRow(s scoring.Snapshot, at time.Time) (ScoreSnapshot, error) {
	details, err := json.Marshal(s.Details)
	if err != nil {
		return ScoreSnapshot{}, fmt.Errorf("snapshot details: %w", err)
	}
	r := ScoreSnapshot{
		IndexName: s.Index, ScopeKind: string(s.Scope), ScopeCode: s.ScopeCode,
		PeriodKind: string(s.Period.Kind), PeriodStart: utcMilli(s.Period.Start), PeriodKey: s.Period.Key(),
		N: s.N, NRequired: s.NRequired, Status: string(s.Status), Category: cmp.Or(string(s.Mutu), s.Band),
		Uncertain: s.Uncertain, Details: string(details), ComputedAt: at,
	}
	if s.Valid {
		v := s.Value
		r.Value = &v
	}
	if s.Valid && s.HasCI {
		lo, hi := s.CILow, s.CIHigh
		r.CILow, r.CIHigh = &lo, &hi
	}
	return r, nil
}

// JobRun is a row of job_runs: one committed run of a job for one period
// (a 15-minute slot, a day, a manual run's timestamp).
type JobRun struct {
	ID         int64     `gorm:"column:id;primaryKey" json:"-"`
	Job        string    `gorm:"column:job" json:"job"`
	PeriodKey  string    `gorm:"column:period_key" json:"period_key"`
	StartedAt  time.Time `gorm:"column:started_at" json:"started_at"`
	FinishedAt time.Time `gorm:"column:finished_at" json:"finished_at"`
	Status     string    `gorm:"column:status" json:"status"`
	Details    string    `gorm:"column:details" json:"details"`
}

// TableName is the GORM table of JobRun.
func (JobRun) TableName() string { return "job_runs" }

// StoredAggregates returns the aggregates kept in the service snapshots of
// one period that have a figure, by service code, of the services listed
// (nil: all).
func (s *Store) StoredAggregates(ctx context.Context, index string, p survey.Period, services []string) (map[string]scoring.IKMAggregates, error) {
	var rows []ScoreSnapshot
	q := s.db.WithContext(ctx).Where("index_name = ? AND scope_kind = ? AND period_kind = ? AND period_start = ? AND value IS NOT NULL",
		index, scoring.ScopeService, p.Kind, utcMilli(p.Start))
	if services != nil {
		q = q.Where("scope_code IN ?", services)
	}
	err := q.Find(&rows).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("stored aggregates %s: %w", p.Key(), err))
	}
	out := make(map[string]scoring.IKMAggregates, len(rows))
	for _, r := range rows {
		snap, err := r.Snapshot(p.Start.Location())
		if err != nil {
			return nil, err
		}
		out[r.ScopeCode] = snap.Details.Aggregates()
	}
	return out, nil
}

// StoredAggregatesIn returns the aggregates kept in the service snapshots
// with a figure of every period of one kind starting in [from, to), by
// period start (Unix milliseconds), then service code, of the services
// listed (nil: all), in one query.
func (s *Store) StoredAggregatesIn(ctx context.Context, index string, kind survey.PeriodKind, from, to time.Time,
	services []string) (map[int64]map[string]scoring.IKMAggregates, error) {
	var rows []ScoreSnapshot
	q := s.db.WithContext(ctx).Where("index_name = ? AND scope_kind = ? AND period_kind = ? AND period_start >= ? AND period_start < ? AND value IS NOT NULL",
		index, scoring.ScopeService, kind, utcMilli(from), utcMilli(to))
	if services != nil {
		q = q.Where("scope_code IN ?", services)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("stored aggregates %s %s to %s: %w", kind, from.Format(time.DateOnly), to.Format(time.DateOnly), err))
	}
	out := map[int64]map[string]scoring.IKMAggregates{}
	for _, r := range rows {
		snap, err := r.Snapshot(from.Location())
		if err != nil {
			return nil, err
		}
		start := r.PeriodStart.UnixMilli()
		if out[start] == nil {
			out[start] = map[string]scoring.IKMAggregates{}
		}
		out[start][r.ScopeCode] = snap.Details.Aggregates()
	}
	return out, nil
}

// Snapshots returns the stored snapshots of one index and period, city
// first, then OPDs and services by code.
func (s *Store) Snapshots(ctx context.Context, index string, p survey.Period) ([]ScoreSnapshot, error) {
	out := []ScoreSnapshot{}
	err := s.db.WithContext(ctx).Where("index_name = ? AND period_kind = ? AND period_start = ?", index, p.Kind, utcMilli(p.Start)).
		Order("scope_kind, scope_code").Find(&out).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("snapshots %s: %w", p.Key(), err))
	}
	return out, nil
}

// JobRunExists reports whether the job already ran for the period.
func (s *Store) JobRunExists(ctx context.Context, job, periodKey string) (bool, error) {
	ok, err := s.session(ctx).exists(&JobRun{}, "job = ? AND period_key = ?", job, periodKey)
	if err != nil {
		return false, s.scrub(fmt.Errorf("job run %s %s: %w", job, periodKey, err))
	}
	return ok, nil
}

// LastJobRun returns the latest successful run of a job (by start time);
// ErrNotFound if it never ran.
func (s *Store) LastJobRun(ctx context.Context, job string) (JobRun, error) {
	var r JobRun
	err := s.db.WithContext(ctx).Where("job = ? AND status = ?", job, JobStatusOK).
		Order("started_at DESC").Take(&r).Error
	if err != nil {
		return JobRun{}, s.scrub(fmt.Errorf("last run of %s: %w", job, notFound(err)))
	}
	return r, nil
}

// CommitScores writes, in ONE transaction, the job_runs row of run and the
// snapshots of res, so a run is committed at most once per job and period:
// it returns ErrJobDone, writing nothing, when the row exists. Snapshots
// whose figures equal the stored ones are not rewritten (a recompute over
// unchanged data changes nothing), nor are rows computed by a run that
// started later. In res.Complete periods, stored snapshots that res no
// longer has are set to "no figure". written counts the rows changed.
func (s *Store) CommitScores(ctx context.Context, run JobRun, res scoring.RecomputeResult) (written int, err error) {
	err = s.CommitJobRun(ctx, run, func(tx *Tx) error {
		written, err = tx.WriteSnapshots(res, utcMilli(run.StartedAt))
		return err
	})
	return written, err
}

// CommitJobRun inserts the job_runs row of run and runs fn in ONE
// transaction, so a job's output is committed at most once per job and
// period: it returns ErrJobDone, running nothing, when the row exists (on
// MySQL a concurrent insert of the same row waits for the first to end).
// fn may be nil; what a run did, known only at its end, goes into the
// row with Tx.SetJobRunDetails.
func (s *Store) CommitJobRun(ctx context.Context, run JobRun, fn func(tx *Tx) error) error {
	run.StartedAt, run.FinishedAt = utcMilli(run.StartedAt), utcMilli(run.FinishedAt)
	if run.Status == "" {
		run.Status = JobStatusOK
	}
	return s.Tx(ctx, func(tx *Tx) error {
		err := tx.db.Create(&run).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("%s %s: %w", run.Job, run.PeriodKey, ErrJobDone)
		}
		if err != nil {
			return fmt.Errorf("record job run %s %s: %w", run.Job, run.PeriodKey, err)
		}
		if fn == nil {
			return nil
		}
		return fn(tx)
	})
}

// SetJobRunDetails replaces the details of the job_runs row of job and
// period (inside the run's transaction: what the run did, known at its end).
func (tx *Tx) SetJobRunDetails(job, periodKey, details string) error {
	err := tx.db.Model(&JobRun{}).Where("job = ? AND period_key = ?", job, periodKey).
		Updates(map[string]any{"details": details, "finished_at": tx.now()}).Error
	if err != nil {
		return fmt.Errorf("job run details %s %s: %w", job, periodKey, err)
	}
	return nil
}

// snapKey identifies a snapshot row.
type snapKey struct {
	index, scope, code, kind string
	start                    int64
}

func keyOf(r ScoreSnapshot) snapKey {
	return snapKey{r.IndexName, r.ScopeKind, r.ScopeCode, r.PeriodKind, r.PeriodStart.UnixMilli()}
}

// WriteSnapshots upserts the changed snapshots of res and clears the stale
// ones of its complete periods; at is the run's start. It returns how many
// rows changed.
func (tx *Tx) WriteSnapshots(res scoring.RecomputeResult, at time.Time) (int, error) {
	at = utcMilli(at)
	stored, err := tx.storedFor(res)
	if err != nil {
		return 0, err
	}
	seen := make(map[snapKey]bool, len(res.Snapshots))
	var changed []ScoreSnapshot
	for _, snap := range res.Snapshots {
		row, err := snapshotRow(snap, at)
		if err != nil {
			return 0, err
		}
		k := keyOf(row)
		seen[k] = true
		if old, ok := stored[k]; ok && (old.ComputedAt.After(at) || sameColumns(old, row) || sameRow(old, snap)) {
			continue
		}
		changed = append(changed, row)
	}
	for _, p := range res.Complete {
		for k, old := range stored {
			if seen[k] || (old.Value == nil && old.Status != string(scoring.StatusSuppressed)) || k.kind != string(p.Kind) || k.start != p.Start.UnixMilli() || old.ComputedAt.After(at) {
				continue
			}
			changed = append(changed, ScoreSnapshot{IndexName: k.index, ScopeKind: k.scope, ScopeCode: k.code,
				PeriodKind: k.kind, PeriodStart: old.PeriodStart, PeriodKey: old.PeriodKey,
				Status: "", Details: `{"respondents":{"N":0,"SumY":0,"SumY2":0},"population":0,"error":"no responses"}`, ComputedAt: at})
		}
	}
	if len(changed) == 0 {
		return 0, nil
	}
	err = tx.db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "index_name"}, {Name: "scope_kind"}, {Name: "scope_code"},
			{Name: "period_kind"}, {Name: "period_start"}},
		DoUpdates: clause.AssignmentColumns([]string{"period_key", "value", "n", "n_required", "status",
			"ci_low", "ci_high", "category", "uncertain", "details", "computed_at"}),
	}).CreateInBatches(&changed, 500).Error
	if err != nil {
		return 0, fmt.Errorf("write snapshots: %w", err)
	}
	return len(changed), nil
}

// sameColumns reports whether a stored row has exactly the columns of a
// new one (its details byte for byte): the same figures, told without
// reading the details.
func sameColumns(old, row ScoreSnapshot) bool {
	eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return old.Details == row.Details && old.N == row.N && old.NRequired == row.NRequired && old.Status == row.Status &&
		old.Category == row.Category && old.Uncertain == row.Uncertain && old.PeriodKey == row.PeriodKey &&
		eq(old.Value, row.Value) && eq(old.CILow, row.CILow) && eq(old.CIHigh, row.CIHigh)
}

// sameRow reports whether a stored row carries the figures of snap. A row
// whose n, status or presence of a figure differ is told apart without
// reading its details (most rows an incremental run recomputes got a new
// respondent).
func sameRow(old ScoreSnapshot, snap scoring.Snapshot) bool {
	if old.N != snap.N || old.Status != string(snap.Status) || (old.Value != nil) != snap.Valid {
		return false
	}
	o, err := old.Snapshot(snap.Period.Start.Location())
	return err == nil && scoring.SameFigure(o, snap, sameTolerance)
}

// storedFor reads the stored snapshots of every period res touches.
func (tx *Tx) storedFor(res scoring.RecomputeResult) (map[snapKey]ScoreSnapshot, error) {
	out := map[snapKey]ScoreSnapshot{}
	starts := map[survey.PeriodKind][]time.Time{} // exact periods, not a range: an
	var kinds []survey.PeriodKind                 // incremental run reads only its own
	seen := map[string]bool{}
	addPeriod := func(p survey.Period) {
		if id := string(p.Kind) + p.Key(); !seen[id] {
			seen[id] = true
			if !slices.Contains(kinds, p.Kind) {
				kinds = append(kinds, p.Kind)
			}
			starts[p.Kind] = append(starts[p.Kind], utcMilli(p.Start))
		}
	}
	var codes, scopes []string // an incremental run: only the scopes it recomputed
	for _, p := range res.Complete {
		addPeriod(p)
	}
	for _, s := range res.Snapshots {
		addPeriod(s.Period)
		if len(res.Complete) == 0 && !slices.Contains(codes, s.ScopeCode) {
			codes = append(codes, s.ScopeCode)
		}
		if len(res.Complete) == 0 && !slices.Contains(scopes, string(s.Scope)) {
			scopes = append(scopes, string(s.Scope))
		}
	}
	if len(kinds) == 0 {
		return out, nil
	}
	var cond []string
	var args []any
	for _, k := range kinds {
		cond = append(cond, "(period_kind = ? AND period_start IN ?)")
		args = append(args, k, starts[k])
	}
	q := tx.db.Where(strings.Join(cond, " OR "), args...)
	if codes != nil { // the scope kinds too: a range of the period index
		q = q.Where("scope_kind IN ? AND scope_code IN ?", scopes, codes)
	}
	var rows []ScoreSnapshot
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	for _, r := range rows {
		out[keyOf(r)] = r
	}
	return out, nil
}
