package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
	"gorm.io/gorm/clause"
)

// errScoreElements: Options.ScoreElements cannot be packed.
var errScoreElements = errors.New("storage: invalid ScoreElements")

// summaryIDChunk bounds the response ids of one fallback query.
const summaryIDChunk = 500

// scoreLayout is the order of the elements packed into a response_scores
// row; id (the CRC-32 of the comma-joined keys) is stored in each row, so
// rows written for other elements are recognised and read from answers.
type scoreLayout struct {
	elements []string
	place    map[string]int
	id       int64
}

// newScoreLayout checks elements (1 to packedMaxElements distinct keys)
// and builds their layout.
func newScoreLayout(elements []string) (scoreLayout, error) {
	if len(elements) == 0 || len(elements) > packedMaxElements {
		return scoreLayout{}, fmt.Errorf("%w: %d elements, want 1 to %d", errScoreElements, len(elements), packedMaxElements)
	}
	l := scoreLayout{elements: slices.Clone(elements), place: make(map[string]int, len(elements))}
	for i, e := range elements {
		if _, dup := l.place[e]; dup || e == "" || strings.Contains(e, ",") {
			return scoreLayout{}, fmt.Errorf("%w: element %q empty, repeated or containing a comma", errScoreElements, e)
		}
		l.place[e] = i
	}
	l.id = int64(crc32.ChecksumIEEE([]byte(strings.Join(elements, ","))))
	return l, nil
}

// slots maps each requested element to its place in the layout; ok is
// false when one is not in it (the summaries cannot answer).
func (l scoreLayout) slots(elements []string) (slot []int, ok bool) {
	slot = make([]int, len(elements))
	for i, e := range elements {
		p, in := l.place[e]
		if !in {
			return nil, false
		}
		slot[i] = p
	}
	return slot, true
}

// responseSummary is a row of response_scores: the packed 1–4 scores of
// one submitted response to the layout's elements.
type responseSummary struct {
	ResponseID  int64     `gorm:"column:response_id;primaryKey;autoIncrement:false"`
	ServiceCode string    `gorm:"column:service_code"`
	SubmittedAt time.Time `gorm:"column:submitted_at"`
	Layout      int64     `gorm:"column:layout"`
	Packed      float64   `gorm:"column:packed"`
	ScoreSum    float64   `gorm:"column:score_sum"`
	ScoreCount  int       `gorm:"column:score_count"`
	SurveyID    string    `gorm:"column:survey_id"`
	Audience    string    `gorm:"column:audience"`
	OPDCode     string    `gorm:"column:opd_code"`
	Facts       *string   `gorm:"column:facts"` // nil: written before facts existed
}

// TableName is the GORM table of responseSummary.
func (responseSummary) TableName() string { return "response_scores" }

// writeScoreSummary writes (or rewrites) the summary row of a response
// being submitted at at, from its answers: the layout's elements with
// scores 1–4 packed by the rules of the answers aggregation, and the facts
// (the answers to the index items, scoring.FactKey). Every submitted
// response gets a row.
func (tx *Tx) writeScoreSummary(r Response, at time.Time) error {
	l := tx.s.summary
	var rows []answerRow
	err := tx.db.Select("question", "element", "value", "score", "skipped").
		Where("response_id = ?", r.ID).Order("id").Find(&rows).Error
	if err != nil {
		return fmt.Errorf("score summary of response %d: %w", r.ID, err)
	}
	row := responseSummary{ResponseID: r.ID, ServiceCode: r.ServiceCode, SubmittedAt: at, Layout: l.id,
		SurveyID: r.SurveyID, Audience: r.Audience, OPDCode: r.OPDCode}
	var facts scoring.Facts
	for _, a := range rows {
		if p, ok := l.place[a.Element]; ok && a.Score != nil && *a.Score >= 1 && *a.Score <= 4 {
			row.Packed += *a.Score * float64(pow5(p))
			row.ScoreSum += *a.Score
			row.ScoreCount++
		}
		if k, ok := scoring.FactKey(a.Question, a.Element, l.elements); ok {
			facts = append(facts, scoring.Fact{Element: k, Value: a.Value, Skipped: a.Skipped})
		}
	}
	enc := scoring.EncodeFacts(facts)
	row.Facts = &enc
	if row.Audience == "" {
		row.Audience = string(survey.AudienceResident)
	}
	err = tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "response_id"}}, UpdateAll: true}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("score summary of response %d: %w", r.ID, err)
	}
	return nil
}

// pow5 is 5^i.
func pow5(i int) int64 {
	p := int64(1)
	for range i {
		p *= 5
	}
	return p
}

// summaryScores answers q from response_scores; slot places q's elements
// in the store's layout. Rows that do not decode are read from answers.
func (s *Store) summaryScores(ctx context.Context, q scoreQuery, slot []int) ([]scoring.ResponseScore, error) {
	out, redo, err := s.readSummaries(ctx, q, slot)
	if err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(redo, summaryIDChunk) {
		q.ids = chunk
		more, _, err := s.responseScores(ctx, q, false)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	if len(redo) > 0 {
		slices.SortFunc(out, func(a, b scoring.ResponseScore) int { return cmp.Compare(a.ResponseID, b.ResponseID) })
	}
	return out, nil
}

// readSummaries reads the summary rows selected by q, sorted by response
// id; redo lists the responses whose row does not decode.
func (s *Store) readSummaries(ctx context.Context, q scoreQuery, slot []int) (out []scoring.ResponseScore, redo []int64, err error) {
	query := "SELECT response_id, service_code, submitted_at, layout, packed, score_sum, score_count FROM response_scores " +
		"WHERE submitted_at >= ? AND submitted_at < ?"
	args := []any{utcMilli(q.from), utcMilli(q.to)}
	if q.services != nil {
		query += " AND service_code IN ?"
		args = append(args, q.services)
	}
	rows, err := s.db.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, nil, s.scrub(fmt.Errorf("response scores: %w", err))
	}
	defer rows.Close()
	var r responseSummary
	var at any
	all := make([]scoring.ElementAgg, len(s.summary.elements))
	for rows.Next() {
		if err := rows.Scan(&r.ResponseID, &r.ServiceCode, &at, &r.Layout, &r.Packed, &r.ScoreSum, &r.ScoreCount); err != nil {
			return nil, nil, fmt.Errorf("response scores: %w", err)
		}
		clear(all)
		if r.Layout != s.summary.id || !unpack(r.Packed, r.ScoreSum, float64(r.ScoreCount), all) {
			redo = append(redo, r.ResponseID)
			continue
		}
		row := scoring.ResponseScore{ResponseID: r.ResponseID, Service: r.ServiceCode, Elements: make([]scoring.ElementAgg, len(slot))}
		answered := false
		for i, p := range slot {
			row.Elements[i] = all[p]
			answered = answered || all[p].Count > 0
		}
		if !answered {
			continue // answered none of the requested elements
		}
		if row.SubmittedAt, err = asTime(at); err != nil {
			return nil, nil, fmt.Errorf("response scores: response %d: %w", r.ResponseID, err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, s.scrub(fmt.Errorf("response scores: %w", err))
	}
	slices.SortFunc(out, func(a, b scoring.ResponseScore) int { return cmp.Compare(a.ResponseID, b.ResponseID) })
	return out, redo, nil
}
