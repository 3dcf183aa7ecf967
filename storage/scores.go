package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
		N: s.N, NRequired: s.NRequired, Status: string(s.Status), Category: string(s.Mutu),
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

// packedMaxElements bounds the packed query: 5^k must stay an exact
// integer in a float64.
const packedMaxElements = 20

// ResponseScores returns, ordered by response id, every response submitted
// in [from, to) with at least one answer to elements scored 1–4: per
// element the sum of those scores and their count, in the order of
// elements. services limits the services read (nil: all). The sums are
// made in SQL in one GROUP BY response_id pass over the covering index
// answers_response_score: each response's element scores come packed as
// base-5 digits (score × 5^i summed), decoded here and checked against
// SUM(score) and COUNT(*); if a response does not decode (an element
// answered twice, a non-integer score) a per-element query is used
// instead. Elements and services are query parameters, never SQL text.
func (s *Store) ResponseScores(ctx context.Context, from, to time.Time, elements, services []string) ([]scoring.ResponseScore, error) {
	if len(elements) == 0 || (services != nil && len(services) == 0) {
		return nil, nil
	}
	if len(elements) <= packedMaxElements {
		out, ok, err := s.responseScores(ctx, from, to, elements, services, true)
		if err != nil || ok {
			return out, err
		}
	}
	out, _, err := s.responseScores(ctx, from, to, elements, services, false)
	return out, err
}

// responseScores runs the packed (one packed sum per response) or the
// per-element form of the query; ok is false when a packed row did not
// decode.
func (s *Store) responseScores(ctx context.Context, from, to time.Time, elements, services []string, packed bool) (out []scoring.ResponseScore, ok bool, err error) {
	var q strings.Builder
	var args []any
	q.WriteString("SELECT response_id, MIN(service_code), MIN(submitted_at), SUM(score), COUNT(*)")
	if packed {
		q.WriteString(", SUM(score * CASE element")
		for i, e := range elements {
			fmt.Fprintf(&q, " WHEN ? THEN %d", int64(math.Pow(5, float64(i))))
			args = append(args, e)
		}
		q.WriteString(" ELSE 0 END)")
	} else {
		for _, e := range elements {
			q.WriteString(", SUM(CASE WHEN element = ? THEN score ELSE 0 END), SUM(CASE WHEN element = ? THEN 1 ELSE 0 END)")
			args = append(args, e, e)
		}
	}
	q.WriteString(" FROM answers WHERE element IN ? AND score >= 1 AND score <= 4 AND submitted_at >= ? AND submitted_at < ?")
	args = append(args, elements, utcMilli(from), utcMilli(to))
	if services != nil {
		q.WriteString(" AND service_code IN ?")
		args = append(args, services)
	}
	q.WriteString(" GROUP BY response_id")
	rows, err := s.db.WithContext(ctx).Raw(q.String(), args...).Rows()
	if err != nil {
		return nil, false, s.scrub(fmt.Errorf("response scores: %w", err))
	}
	defer rows.Close()
	var r scoring.ResponseScore
	var at any
	var sum, cnt float64
	nums := make([]sql.NullFloat64, 1)
	if !packed {
		nums = make([]sql.NullFloat64, 2*len(elements))
	}
	dest := []any{&r.ResponseID, &r.Service, &at, &sum, &cnt}
	for i := range nums {
		dest = append(dest, &nums[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, false, fmt.Errorf("response scores: %w", err)
		}
		row := scoring.ResponseScore{ResponseID: r.ResponseID, Service: r.Service, Elements: make([]scoring.ElementAgg, len(elements))}
		if row.SubmittedAt, err = asTime(at); err != nil {
			return nil, false, fmt.Errorf("response scores: response %d: %w", r.ResponseID, err)
		}
		if packed && !unpack(nums[0].Float64, sum, cnt, row.Elements) {
			return nil, false, nil
		}
		for i := range row.Elements {
			if !packed {
				row.Elements[i] = scoring.ElementAgg{Sum: nums[2*i].Float64, Count: int(nums[2*i+1].Float64)}
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, false, s.scrub(fmt.Errorf("response scores: %w", err))
	}
	slices.SortFunc(out, func(a, b scoring.ResponseScore) int { return cmp.Compare(a.ResponseID, b.ResponseID) })
	return out, true, nil
}

// unpack decodes base-5 packed element scores into els and reports whether
// they account exactly for the response's SUM(score) and COUNT(*).
func unpack(packed, sum, cnt float64, els []scoring.ElementAgg) bool {
	if packed != math.Trunc(packed) || packed < 0 {
		return false
	}
	v := int64(packed)
	total, n := 0, 0
	for i := range els {
		d := int(v % 5)
		v /= 5
		if d > 0 {
			els[i] = scoring.ElementAgg{Sum: float64(d), Count: 1}
			total += d
			n++
		}
	}
	return v == 0 && float64(total) == sum && float64(n) == cnt
}

// asTime reads a DATETIME column that the SQLite driver may hand back as
// text.
func asTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}, fmt.Errorf("unexpected time value %T", v)
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}

// ChangedSince lists, per service, the distinct submission times of
// answers to elements submitted strictly after t: what an incremental
// recompute must redo (every period containing one of these times).
func (s *Store) ChangedSince(ctx context.Context, t time.Time, elements []string) ([]scoring.Touch, error) {
	if len(elements) == 0 {
		return nil, nil
	}
	rows, err := s.db.WithContext(ctx).Raw("SELECT DISTINCT service_code, submitted_at FROM answers "+
		"WHERE element IN ? AND submitted_at > ?", elements, utcMilli(t)).Rows()
	if err != nil {
		return nil, s.scrub(fmt.Errorf("changed since %s: %w", t.Format(time.RFC3339), err))
	}
	defer rows.Close()
	var out []scoring.Touch
	for rows.Next() {
		var tc scoring.Touch
		var at any
		if err := rows.Scan(&tc.Service, &at); err != nil {
			return nil, fmt.Errorf("changed since: %w", err)
		}
		if tc.At, err = asTime(at); err != nil {
			return nil, fmt.Errorf("changed since: %w", err)
		}
		out = append(out, tc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.scrub(fmt.Errorf("changed since: %w", err))
	}
	return out, nil
}

// FirstSubmission returns the earliest submission time of an answer to
// elements; ErrNotFound when nothing was submitted.
func (s *Store) FirstSubmission(ctx context.Context, elements []string) (time.Time, error) {
	var rows []answerRow
	err := s.db.WithContext(ctx).Select("submitted_at").
		Where("element IN ? AND submitted_at IS NOT NULL", elements).
		Order("submitted_at").Limit(1).Find(&rows).Error
	if err != nil {
		return time.Time{}, s.scrub(fmt.Errorf("first submission: %w", err))
	}
	if len(rows) == 0 || rows[0].SubmittedAt == nil {
		return time.Time{}, fmt.Errorf("first submission: %w", ErrNotFound)
	}
	return rows[0].SubmittedAt.UTC(), nil
}

// StoredAggregates returns the aggregates kept in the service snapshots of
// one period that have a figure, by service code.
func (s *Store) StoredAggregates(ctx context.Context, index string, p survey.Period) (map[string]scoring.IKMAggregates, error) {
	var rows []ScoreSnapshot
	err := s.db.WithContext(ctx).Where("index_name = ? AND scope_kind = ? AND period_kind = ? AND period_start = ? AND value IS NOT NULL",
		index, scoring.ScopeService, p.Kind, utcMilli(p.Start)).Find(&rows).Error
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
	run.StartedAt, run.FinishedAt = utcMilli(run.StartedAt), utcMilli(run.FinishedAt)
	if run.Status == "" {
		run.Status = JobStatusOK
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		err := tx.db.Create(&run).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("%s %s: %w", run.Job, run.PeriodKey, ErrJobDone)
		}
		if err != nil {
			return fmt.Errorf("record job run %s %s: %w", run.Job, run.PeriodKey, err)
		}
		written, err = tx.writeSnapshots(res, run.StartedAt)
		return err
	})
	return written, err
}

// snapKey identifies a snapshot row.
type snapKey struct {
	index, scope, code, kind string
	start                    int64
}

func keyOf(r ScoreSnapshot) snapKey {
	return snapKey{r.IndexName, r.ScopeKind, r.ScopeCode, r.PeriodKind, r.PeriodStart.UnixMilli()}
}

// writeSnapshots upserts the changed snapshots of res and clears the stale
// ones of its complete periods; at is the run's start.
func (tx *Tx) writeSnapshots(res scoring.RecomputeResult, at time.Time) (int, error) {
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
		if old, ok := stored[k]; ok && (old.ComputedAt.After(at) || sameRow(old, snap)) {
			continue
		}
		changed = append(changed, row)
	}
	for _, p := range res.Complete {
		for k, old := range stored {
			if seen[k] || old.Value == nil || k.kind != string(p.Kind) || k.start != p.Start.UnixMilli() || old.ComputedAt.After(at) {
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

// sameRow reports whether a stored row carries the figures of snap.
func sameRow(old ScoreSnapshot, snap scoring.Snapshot) bool {
	o, err := old.Snapshot(snap.Period.Start.Location())
	return err == nil && scoring.SameFigure(o, snap, sameTolerance)
}

// storedFor reads the stored snapshots of every period res touches.
func (tx *Tx) storedFor(res scoring.RecomputeResult) (map[snapKey]ScoreSnapshot, error) {
	periods := append([]survey.Period{}, res.Complete...)
	for _, s := range res.Snapshots {
		periods = append(periods, s.Period)
	}
	out := map[snapKey]ScoreSnapshot{}
	if len(periods) == 0 {
		return out, nil
	}
	starts := map[survey.PeriodKind][]time.Time{} // exact periods, not a range: an
	var kinds []survey.PeriodKind                 // incremental run reads only its own
	for _, p := range periods {
		t := utcMilli(p.Start)
		if !slices.Contains(kinds, p.Kind) {
			kinds = append(kinds, p.Kind)
		}
		if !slices.ContainsFunc(starts[p.Kind], t.Equal) {
			starts[p.Kind] = append(starts[p.Kind], t)
		}
	}
	var cond []string
	args := []any{scoring.IndexIKM}
	for _, k := range kinds {
		cond = append(cond, "(period_kind = ? AND period_start IN ?)")
		args = append(args, k, starts[k])
	}
	var rows []ScoreSnapshot
	err := tx.db.Where("index_name = ? AND ("+strings.Join(cond, " OR ")+")", args...).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	for _, r := range rows {
		out[keyOf(r)] = r
	}
	return out, nil
}
