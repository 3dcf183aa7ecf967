package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// summaryColumns are the response_scores columns ResponseSummaries reads.
const summaryColumns = "SELECT response_id, service_code, submitted_at, layout, packed, score_sum, score_count, " +
	"survey_id, audience, opd_code, facts FROM response_scores WHERE submitted_at >= ? AND submitted_at < ?"

// ResponseSummaries returns the responses submitted in [from, to), sorted
// by id, with their scores to elements (1–4) and their facts, from
// response_scores: one row per response. A row whose packed scores do not
// decode for elements, or written before facts existed, is completed from
// its answers. services selects resident responses, opds officials' (nil
// both: every response; an empty list: none of that audience).
func (s *Store) ResponseSummaries(ctx context.Context, from, to time.Time, elements, services, opds []string) ([]scoring.ResponseSummary, error) {
	var out []scoring.ResponseSummary
	var slab []scoring.ElementAgg // the rows' Elements, allocated 1024 rows at a time
	err := s.EachResponseSummary(ctx, from, to, elements, services, opds, func(r *scoring.ResponseSummary) error {
		row := *r
		if len(slab) < len(elements) {
			slab = make([]scoring.ElementAgg, 1024*len(elements))
		}
		row.Elements, slab = slab[:len(elements):len(elements)], slab[len(elements):]
		copy(row.Elements, r.Elements)
		row.Facts = slices.Clone(r.Facts)
		out = append(out, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b scoring.ResponseSummary) int { return cmp.Compare(a.ResponseID, b.ResponseID) })
	return out, nil
}

// EachResponseSummary calls fn with each response ResponseSummaries
// returns, in no fixed order, as the rows arrive (a recompute sums them
// without holding them). The summary fn gets is valid during the call
// only: its Elements and Facts slices are reused (their strings are not).
// An error from fn stops the reading and is returned.
func (s *Store) EachResponseSummary(ctx context.Context, from, to time.Time, elements, services, opds []string,
	fn func(*scoring.ResponseSummary) error) error {
	var queries []string
	var args [][]any
	base := []any{utcMilli(from), utcMilli(to)}
	switch {
	case services == nil && opds == nil:
		queries, args = append(queries, summaryColumns), append(args, base)
	default:
		if len(services) > 0 {
			queries = append(queries, summaryColumns+" AND service_code IN ? AND audience <> 'official'")
			args = append(args, append(slices.Clone(base), services))
		}
		if len(opds) > 0 {
			queries = append(queries, summaryColumns+" AND opd_code IN ? AND audience = 'official'")
			args = append(args, append(slices.Clone(base), opds))
		}
	}
	slot, _ := s.summary.slots(elements) // nil: every row is read from its answers
	var redo []scoring.ResponseSummary   // copies of the rows to complete from their answers
	for i, q := range queries {
		err := s.scanSummaryRows(ctx, q, args[i], elements, slot, func(r *scoring.ResponseSummary, complete bool) error {
			if complete {
				return fn(r)
			}
			row := *r
			row.Elements, row.Facts = slices.Clone(r.Elements), nil
			redo = append(redo, row)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(redo) == 0 {
		return nil
	}
	pos := make([]int, len(redo))
	for i := range pos {
		pos[i] = i
	}
	if err := s.completeFromAnswers(ctx, redo, pos, elements); err != nil {
		return err
	}
	for i := range redo {
		if err := fn(&redo[i]); err != nil {
			return err
		}
	}
	return nil
}

// scanSummaryRows runs one summary query and calls fn with each row, one
// summary reused; complete is false for a row to complete from its
// answers.
func (s *Store) scanSummaryRows(ctx context.Context, q string, args []any, elements []string, slot []int,
	fn func(r *scoring.ResponseSummary, complete bool) error) error {
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return s.scrub(fmt.Errorf("response summaries: %w", err))
	}
	defer rows.Close()
	var r responseSummary
	var at any
	var service, surveyID, audience, opd sql.RawBytes // few distinct values: interned
	codes := map[string]string{}
	intern := func(b []byte) string {
		if c, ok := codes[string(b)]; ok {
			return c
		}
		c := string(b)
		codes[c] = c
		return c
	}
	all := make([]scoring.ElementAgg, len(s.summary.elements))
	row := scoring.ResponseSummary{ResponseScore: scoring.ResponseScore{Elements: make([]scoring.ElementAgg, len(elements))}}
	for rows.Next() {
		if err := rows.Scan(&r.ResponseID, &service, &at, &r.Layout, &r.Packed, &r.ScoreSum, &r.ScoreCount,
			&surveyID, &audience, &opd, &r.Facts); err != nil {
			return fmt.Errorf("response summaries: %w", err)
		}
		row.Survey, row.Official, row.OPD = intern(surveyID), string(audience) == string(survey.AudienceOfficial), intern(opd)
		row.ResponseID, row.Service = r.ResponseID, intern(service)
		if row.SubmittedAt, err = asTime(at); err != nil {
			return fmt.Errorf("response summaries: response %d: %w", r.ResponseID, err)
		}
		clear(all)
		clear(row.Elements)
		decoded := slot != nil && r.Layout == s.summary.id && unpack(r.Packed, r.ScoreSum, float64(r.ScoreCount), all)
		for i, p := range slot {
			row.Elements[i] = all[p]
		}
		row.Facts = row.Facts[:0]
		if r.Facts != nil {
			row.Facts = scoring.AppendFacts(row.Facts, *r.Facts)
		}
		if err := fn(&row, decoded && r.Facts != nil); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.scrub(fmt.Errorf("response summaries: %w", err))
	}
	return nil
}

// completeFromAnswers recomputes the scores and facts of the rows at the
// positions redo from their answers, in chunks of ids.
func (s *Store) completeFromAnswers(ctx context.Context, out []scoring.ResponseSummary, redo []int, elements []string) error {
	for chunk := range slices.Chunk(redo, summaryIDChunk) {
		pos := make(map[int64]int, len(chunk))
		ids := make([]int64, len(chunk))
		for i, j := range chunk {
			ids[i], pos[out[j].ResponseID] = out[j].ResponseID, j
			clear(out[j].Elements)
			out[j].Facts = nil
		}
		var rows []answerRow
		err := s.db.WithContext(ctx).Select("response_id", "question", "element", "value", "score", "skipped").
			Where("response_id IN ?", ids).Order("id").Find(&rows).Error
		if err != nil {
			return s.scrub(fmt.Errorf("response summaries: answers: %w", err))
		}
		for _, a := range rows {
			r := &out[pos[a.ResponseID]]
			if i := slices.Index(elements, a.Element); i >= 0 && a.Score != nil && *a.Score >= 1 && *a.Score <= 4 {
				r.Elements[i] = r.Elements[i].Add(scoring.ElementAgg{Sum: *a.Score, Count: 1})
			}
			if k, ok := scoring.FactKey(a.Question, a.Element, elements); ok {
				r.Facts = append(r.Facts, scoring.Fact{Element: k, Value: a.Value, Skipped: a.Skipped})
			}
		}
	}
	return nil
}

// UnsubmittedStarts returns the resident responses started in [from, to)
// and not submitted (in progress or abandoned), of services (nil: all).
func (s *Store) UnsubmittedStarts(ctx context.Context, from, to time.Time, services []string) ([]scoring.Start, error) {
	q := "SELECT service_code, started_at FROM responses WHERE status <> ? AND audience <> 'official' AND started_at >= ? AND started_at < ?"
	args := []any{StatusSubmitted, utcMilli(from), utcMilli(to)}
	if services != nil {
		q += " AND service_code IN ?"
		args = append(args, services)
	}
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, s.scrub(fmt.Errorf("unsubmitted responses: %w", err))
	}
	defer rows.Close()
	var out []scoring.Start
	for rows.Next() {
		var st scoring.Start
		var at any
		if err := rows.Scan(&st.Service, &at); err != nil {
			return nil, fmt.Errorf("unsubmitted responses: %w", err)
		}
		if st.At, err = asTime(at); err != nil {
			return nil, fmt.Errorf("unsubmitted responses: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, s.scrub(fmt.Errorf("unsubmitted responses: %w", err))
	}
	return out, nil
}

// StoredIndexAggs returns the aggregates kept in the stored snapshots of
// every index but the IKM for one period: of the listed services and of
// every OPD, by "service/<code>" or "opd/<code>", then index key.
func (s *Store) StoredIndexAggs(ctx context.Context, p survey.Period, services []string) (map[string]map[string]scoring.IndexAgg, error) {
	q := s.db.WithContext(ctx).Select("index_name", "scope_kind", "scope_code", "details").
		Where("period_kind = ? AND period_start = ? AND index_name <> ?", p.Kind, utcMilli(p.Start), scoring.IndexIKM)
	if len(services) > 0 {
		q = q.Where("(scope_kind = ? OR (scope_kind = ? AND scope_code IN ?))", scoring.ScopeOPD, scoring.ScopeService, services)
	} else {
		q = q.Where("scope_kind = ?", scoring.ScopeOPD)
	}
	var rows []ScoreSnapshot
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("stored index aggregates %s: %w", p.Key(), err))
	}
	out := map[string]map[string]scoring.IndexAgg{}
	for _, r := range rows {
		agg, err := s.aggs.get(r.Details)
		if err != nil {
			return nil, fmt.Errorf("snapshot %s %s/%s %s: details: %w", r.IndexName, r.ScopeKind, r.ScopeCode, p.Key(), err)
		}
		if agg == nil {
			continue // no figure any more
		}
		scope := r.ScopeKind + "/" + r.ScopeCode
		if out[scope] == nil {
			out[scope] = map[string]scoring.IndexAgg{}
		}
		out[scope][r.IndexName] = *agg
	}
	return out, nil
}

// aggKey opens the aggregate in a snapshot's details. The details are
// scoring.SnapshotDetails as encoding/json writes them: the aggregate is
// the only member named "agg" outside the aggregate itself (a quote inside
// a JSON string is escaped, so the first match is the member).
const aggKey = `"agg":`

// aggOf decodes only the aggregate of a snapshot's details (nil when it
// has none), not the rest of them.
func aggOf(details string) (*scoring.IndexAgg, error) {
	i := strings.Index(details, aggKey)
	if i < 0 {
		return nil, nil
	}
	var a *scoring.IndexAgg
	if err := json.NewDecoder(strings.NewReader(details[i+len(aggKey):])).Decode(&a); err != nil {
		return nil, err
	}
	return a, nil
}

// SubmittedSince lists the distinct (service or officials' OPD, survey,
// submission time) of the responses submitted strictly after t: what an
// incremental recompute must redo.
func (s *Store) SubmittedSince(ctx context.Context, t time.Time) ([]scoring.Touch, error) {
	rows, err := s.db.WithContext(ctx).Raw("SELECT DISTINCT service_code, opd_code, audience, survey_id, submitted_at FROM response_scores "+
		"WHERE submitted_at > ?", utcMilli(t)).Rows()
	if err != nil {
		return nil, s.scrub(fmt.Errorf("submitted since %s: %w", t.Format(time.RFC3339), err))
	}
	defer rows.Close()
	var out []scoring.Touch
	for rows.Next() {
		var tc scoring.Touch
		var audience string
		var at any
		if err := rows.Scan(&tc.Service, &tc.OPD, &audience, &tc.Survey, &at); err != nil {
			return nil, fmt.Errorf("submitted since: %w", err)
		}
		if tc.At, err = asTime(at); err != nil {
			return nil, fmt.Errorf("submitted since: %w", err)
		}
		tc.Official = audience == string(survey.AudienceOfficial)
		out = append(out, tc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.scrub(fmt.Errorf("submitted since: %w", err))
	}
	return out, nil
}

// FirstSummary returns the earliest submission time of any response;
// ErrNotFound when nothing was submitted.
func (s *Store) FirstSummary(ctx context.Context) (time.Time, error) {
	var rows []responseSummary
	err := s.db.WithContext(ctx).Select("submitted_at").Order("submitted_at").Limit(1).Find(&rows).Error
	if err != nil {
		return time.Time{}, s.scrub(fmt.Errorf("first submission: %w", err))
	}
	if len(rows) == 0 {
		return time.Time{}, fmt.Errorf("first submission: %w", ErrNotFound)
	}
	return rows[0].SubmittedAt.UTC(), nil
}

// PeriodSnapshots returns every stored snapshot of one period (every
// index, every scope), ordered by index, scope kind and code.
func (s *Store) PeriodSnapshots(ctx context.Context, p survey.Period) ([]ScoreSnapshot, error) {
	out := []ScoreSnapshot{}
	err := s.db.WithContext(ctx).Where("period_kind = ? AND period_start = ?", p.Kind, utcMilli(p.Start)).
		Order("index_name, scope_kind, scope_code").Find(&out).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("snapshots %s: %w", p.Key(), err))
	}
	return out, nil
}
