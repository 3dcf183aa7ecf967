package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
)

// packedMaxElements bounds the packed query: 5^k must stay an exact
// integer in a float64.
const packedMaxElements = 20

// ResponseScores returns, ordered by response id, every response submitted
// in [from, to) with at least one answer to elements scored 1–4: per
// element the sum of those scores and their count, in the order of
// elements. services limits the services read (nil: all).
//
// When every element is one of the store's ScoreElements, it reads the
// per-response summaries that Submit writes (table response_scores, about
// one row per response): each row's element scores come packed as base-5
// digits, decoded here and checked against its score sum and count. A row
// that does not decode (an element answered twice, a non-integer score, a
// row written for other ScoreElements) is read again from the answers,
// per element. Otherwise the answers are aggregated in SQL, in one GROUP
// BY response_id pass over the covering index answers_response_score
// (packed the same way, per element if any response does not decode).
// Elements and services are query parameters, never SQL text.
func (s *Store) ResponseScores(ctx context.Context, from, to time.Time, elements, services []string) ([]scoring.ResponseScore, error) {
	if len(elements) == 0 || (services != nil && len(services) == 0) {
		return nil, nil
	}
	q := scoreQuery{from: from, to: to, elements: elements, services: services}
	if slot, ok := s.summary.slots(elements); ok {
		return s.summaryScores(ctx, q, slot)
	}
	if len(elements) <= packedMaxElements {
		out, ok, err := s.responseScores(ctx, q, true)
		if err != nil || ok {
			return out, err
		}
	}
	out, _, err := s.responseScores(ctx, q, false)
	return out, err
}

// scoreQuery selects the answers a score aggregation reads: submitted in
// [from, to), to elements, of services (nil: all), of the responses ids
// (nil: all).
type scoreQuery struct {
	from, to           time.Time
	elements, services []string
	ids                []int64
}

// responseScores aggregates the answers selected by q per response, in the
// packed (one packed sum per response) or the per-element form; ok is
// false when a packed row did not decode.
func (s *Store) responseScores(ctx context.Context, q scoreQuery, packed bool) (out []scoring.ResponseScore, ok bool, err error) {
	query, args := q.answersSQL(packed)
	rows, err := s.db.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, false, s.scrub(fmt.Errorf("response scores: %w", err))
	}
	defer rows.Close()
	var r scoring.ResponseScore
	var at any
	var sum, cnt float64
	nums := make([]sql.NullFloat64, 1)
	if !packed {
		nums = make([]sql.NullFloat64, 2*len(q.elements))
	}
	dest := []any{&r.ResponseID, &r.Service, &at, &sum, &cnt}
	for i := range nums {
		dest = append(dest, &nums[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, false, fmt.Errorf("response scores: %w", err)
		}
		row := scoring.ResponseScore{ResponseID: r.ResponseID, Service: r.Service, Elements: make([]scoring.ElementAgg, len(q.elements))}
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

// answersSQL is the per-response aggregation of the answers q selects:
// response id, service, submission time, SUM(score), COUNT(*), then the
// packed sum or, per element, the sum and count of its scores.
func (q scoreQuery) answersSQL(packed bool) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("SELECT response_id, MIN(service_code), MIN(submitted_at), SUM(score), COUNT(*)")
	if packed {
		b.WriteString(", " + packedSumSQL(len(q.elements)))
		for _, e := range q.elements {
			args = append(args, e)
		}
	} else {
		for _, e := range q.elements {
			b.WriteString(", SUM(CASE WHEN element = ? THEN score ELSE 0 END), SUM(CASE WHEN element = ? THEN 1 ELSE 0 END)")
			args = append(args, e, e)
		}
	}
	b.WriteString(" FROM answers WHERE element IN ? AND score >= 1 AND score <= 4 AND submitted_at >= ? AND submitted_at < ?")
	args = append(args, q.elements, utcMilli(q.from), utcMilli(q.to))
	if q.services != nil {
		b.WriteString(" AND service_code IN ?")
		args = append(args, q.services)
	}
	if q.ids != nil {
		b.WriteString(" AND response_id IN ?")
		args = append(args, q.ids)
	}
	return b.String() + " GROUP BY response_id", args
}

// packedSumSQL is the SQL of the packed sum of n elements, with one
// parameter per element: score × 5^i for the i-th element.
func packedSumSQL(n int) string {
	var b strings.Builder
	b.WriteString("SUM(score * CASE element")
	for i := range n {
		fmt.Fprintf(&b, " WHEN ? THEN %d", int64(math.Pow(5, float64(i))))
	}
	b.WriteString(" ELSE 0 END)")
	return b.String()
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
