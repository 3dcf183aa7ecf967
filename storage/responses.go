package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kotasolok/egovpulse/survey"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxValueBytes is the longest answer value stored (MySQL TEXT); longer
// values are refused with ErrInvalidValue, never truncated.
const MaxValueBytes = 65535

// StartResponse starts a response, or returns the in-progress one of the
// same respondent, survey, service and period if there is one (also when
// two starts race).
func (tx *Tx) StartResponse(n NewResponse) (Response, error) {
	r, err := tx.openResponse(n)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return r, err
	}
	at := utcMilli(n.At)
	slot := n.PeriodKey
	if n.Audience == "" {
		n.Audience = string(survey.AudienceResident)
	}
	row := responseRow{Response: Response{
		RespondentKey: n.RespondentKey, SurveyID: n.SurveyID, SurveyVersion: n.SurveyVersion,
		ServiceCode: n.ServiceCode, OPDCode: n.OPDCode, Audience: n.Audience, PeriodKey: n.PeriodKey,
		Status: StatusInProgress, StartedAt: at, UpdatedAt: at, PlannedMissing: n.PlannedMissing,
	}, OpenSlot: &slot}
	err = tx.db.Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return tx.openResponse(n) // a concurrent start won
	}
	if err != nil {
		return Response{}, fmt.Errorf("start response: %w", err)
	}
	return row.Response, nil
}

// openResponse reads the in-progress response that n would start;
// ErrNotFound if none. It takes no lock: a locking read of a missing row
// would take a gap lock on MySQL and deadlock concurrent starts; the unique
// open_slot key arbitrates instead.
func (tx *Tx) openResponse(n NewResponse) (Response, error) {
	var r Response
	err := tx.db.Where("respondent_key = ? AND survey_id = ? AND service_code = ? AND open_slot = ?",
		n.RespondentKey, n.SurveyID, n.ServiceCode, n.PeriodKey).
		Take(&r).Error
	if err != nil {
		return Response{}, fmt.Errorf("start response: %w", notFound(err))
	}
	return r, nil
}

// StartResponse is Tx.StartResponse in its own transaction.
func (s *Store) StartResponse(ctx context.Context, n NewResponse) (Response, error) {
	return inTx(ctx, s, func(tx *Tx) (Response, error) { return tx.StartResponse(n) })
}

// InProgress lists the respondent's in-progress responses, oldest first:
// with Answers, what a lost session is rebuilt from.
func (tx *Tx) InProgress(key string) ([]Response, error) {
	out := []Response{}
	err := tx.db.Where("respondent_key = ? AND status = ?", key, StatusInProgress).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("in-progress responses: %w", err)
	}
	return out, nil
}

// InProgress lists the respondent's in-progress responses, oldest first.
func (s *Store) InProgress(ctx context.Context, key string) ([]Response, error) {
	return s.session(ctx).InProgress(key)
}

// Response returns one response; ErrNotFound if it does not exist.
func (tx *Tx) Response(responseID int64) (Response, error) {
	var r Response
	if err := tx.db.Where("id = ?", responseID).Take(&r).Error; err != nil {
		return Response{}, fmt.Errorf("response %d: %w", responseID, notFound(err))
	}
	return r, nil
}

// Answers returns a response's answers by question name; ErrNotFound if
// the response does not exist.
func (tx *Tx) Answers(responseID int64) (map[string]survey.Answer, error) {
	if _, err := tx.Response(responseID); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	out, err := tx.answers(responseID)
	if err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	return out, nil
}

// Answers returns a response's answers by question name.
func (s *Store) Answers(ctx context.Context, responseID int64) (map[string]survey.Answer, error) {
	return s.session(ctx).Answers(responseID)
}

// answers reads the answers of a response.
func (tx *Tx) answers(responseID int64) (map[string]survey.Answer, error) {
	var rows []answerRow
	if err := tx.db.Where("response_id = ?", responseID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read answers of response %d: %w", responseID, err)
	}
	out := make(map[string]survey.Answer, len(rows))
	for _, a := range rows {
		out[a.Question] = survey.Answer{Value: a.Value, Score: a.Score, Skipped: a.Skipped}
	}
	return out, nil
}

// lockResponse reads a response under a row lock.
func (tx *Tx) lockResponse(responseID int64) (Response, error) {
	var r Response
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", responseID).Take(&r).Error
	if err != nil {
		return Response{}, fmt.Errorf("response %d: %w", responseID, notFound(err))
	}
	return r, nil
}

// SaveChanges writes the engine's changes to an in-progress response:
// upserts (unique per response and question) and deletions. It is
// idempotent: applying the same changes twice leaves the same rows. When a
// question appears twice, the last change wins. Errors: ErrNotFound,
// ErrResponseClosed (submitted or abandoned), ErrInvalidValue (a value
// that is not UTF-8 or longer than MaxValueBytes; nothing is written).
func (tx *Tx) SaveChanges(responseID int64, changes []survey.Change, at time.Time) error {
	at = utcMilli(at)
	var deletes []string
	var upserts []answerRow
	for _, c := range lastChanges(changes) {
		if c.Deleted {
			deletes = append(deletes, c.Question)
			continue
		}
		if !utf8.ValidString(c.Answer.Value) || len(c.Answer.Value) > MaxValueBytes {
			return fmt.Errorf("save answer %q (%d bytes): %w", c.Question, len(c.Answer.Value), ErrInvalidValue)
		}
		upserts = append(upserts, answerRow{ResponseID: responseID, Question: c.Question, Element: c.Element,
			Value: c.Answer.Value, Score: c.Answer.Score, Skipped: c.Answer.Skipped,
			AnsweredAt: at})
	}
	if tx.s.batch {
		return tx.saveBatch(responseID, deletes, upserts, at)
	}
	// One statement checks the response is open, locks its row until the
	// end of the transaction (as Submit and Abandon do) and stamps it.
	// Plain SQL, as the ledger insert: the hot path of every answer.
	res := tx.db.Exec(stampOpen, at, responseID, StatusInProgress)
	if err := tx.checkOpen(responseID, res.RowsAffected, res.Error); err != nil {
		return err
	}
	if len(deletes) > 0 {
		err := tx.db.Where("response_id = ? AND question IN ?", responseID, deletes).Delete(&answerRow{}).Error
		if err != nil {
			return fmt.Errorf("save answers: delete: %w", err)
		}
	}
	if len(upserts) > 0 {
		if err := tx.upsertAnswers(upserts); err != nil {
			return fmt.Errorf("save answers: upsert: %w", err)
		}
	}
	return nil
}

// stampOpen checks a response is open, locks its row until the end of the
// transaction and stamps it.
const stampOpen = "UPDATE responses SET updated_at = ? WHERE id = ? AND status = ?"

// checkOpen turns stampOpen's result (rows matched, error) into the error
// of a response that is not open (ErrNotFound or ErrResponseClosed).
func (tx *Tx) checkOpen(responseID, rows int64, err error) error {
	if err != nil {
		return fmt.Errorf("save answers: %w", err)
	}
	if rows > 0 {
		return nil
	}
	r, err := tx.Response(responseID)
	if err != nil {
		return fmt.Errorf("save answers: %w", err)
	}
	return fmt.Errorf("save answers of response %d (%s): %w", responseID, r.Status, ErrResponseClosed)
}

// saveBatch is SaveChanges in one round trip (MySQL, see pipeline.go): the
// deletions, the upsert and, last, stampOpen, whose matched rows the
// statement's result reports. On a closed response the caller's
// transaction holds the writes until it rolls back on the error.
func (tx *Tx) saveBatch(responseID int64, deletes []string, upserts []answerRow, at time.Time) error {
	var q strings.Builder
	var args []any
	if len(deletes) > 0 {
		q.WriteString("DELETE FROM answers WHERE response_id = ? AND question IN (?" + strings.Repeat(", ?", len(deletes)-1) + "); ")
		args = append(args, responseID)
		for _, d := range deletes {
			args = append(args, d)
		}
	}
	if len(upserts) > 0 {
		args = upsertSQL(&q, args, upserts, true)
		q.WriteString("; ")
	}
	q.WriteString(stampOpen)
	args = append(args, at, responseID, StatusInProgress)
	if tx.conn == nil {
		res := tx.db.Exec(q.String(), args...)
		return tx.checkOpen(responseID, res.RowsAffected, res.Error)
	}
	// On the pinned connection GORM would only pass the statement on.
	rows, err := execRows(tx.db.Statement.Context, tx.conn, q.String(), args...)
	return tx.checkOpen(responseID, rows, err)
}

// upsertAnswers inserts answers, replacing a question's earlier answer, in
// one plain statement (unsubmitted: no service code or submitted time yet).
func (tx *Tx) upsertAnswers(rows []answerRow) error {
	var q strings.Builder
	args := upsertSQL(&q, make([]any, 0, 7*len(rows)), rows, tx.s.dialect == DriverMySQL)
	return tx.db.Exec(q.String(), args...).Error
}

// upsertSQL writes the upsert of rows to q and returns args with its
// arguments appended.
func upsertSQL(q *strings.Builder, args []any, rows []answerRow, mysql bool) []any {
	q.WriteString("INSERT INTO answers (response_id, question, element, value, score, skipped, answered_at, service_code) VALUES ")
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, '')")
		args = append(args, r.ResponseID, r.Question, r.Element, r.Value, r.Score, r.Skipped, r.AnsweredAt)
	}
	if mysql {
		q.WriteString(" ON DUPLICATE KEY UPDATE element = VALUES(element), value = VALUES(value), score = VALUES(score), skipped = VALUES(skipped), answered_at = VALUES(answered_at)")
	} else {
		q.WriteString(" ON CONFLICT (response_id, question) DO UPDATE SET element = excluded.element, value = excluded.value, score = excluded.score, skipped = excluded.skipped, answered_at = excluded.answered_at")
	}
	return args
}

// lastChanges keeps, for each question, only its last change, in order of
// first appearance.
func lastChanges(changes []survey.Change) []survey.Change {
	idx := make(map[string]int, len(changes))
	out := make([]survey.Change, 0, len(changes))
	for _, c := range changes {
		if i, ok := idx[c.Question]; ok {
			out[i] = c
			continue
		}
		idx[c.Question] = len(out)
		out = append(out, c)
	}
	return out
}

// Submit marks an in-progress response submitted at the given time, stamps
// its answers with it and writes its score summary (the response_scores row
// that ResponseScores reads; none if it has no 1–4 score to the store's
// ScoreElements), all in the caller's transaction. Errors: ErrNotFound; ErrAlreadySubmitted when
// this response, or another of the same respondent, survey, service and
// period, is already submitted; ErrResponseClosed when it was abandoned.
// On these errors nothing was written and the transaction stays usable
// (the check is made before writing, and both InnoDB and SQLite undo only
// the failing statement), so the caller may go on or roll back.
func (tx *Tx) Submit(responseID int64, at time.Time) error {
	r, err := tx.lockResponse(responseID)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	switch r.Status {
	case StatusSubmitted:
		return fmt.Errorf("submit response %d: %w", responseID, ErrAlreadySubmitted)
	case StatusAbandoned:
		return fmt.Errorf("submit response %d: %w", responseID, ErrResponseClosed)
	}
	taken, err := tx.HasSubmitted(r.RespondentKey, r.SurveyID, r.ServiceCode, r.PeriodKey)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if taken {
		return fmt.Errorf("submit response %d for %s %s: %w", responseID, r.ServiceCode, r.PeriodKey, ErrAlreadySubmitted)
	}
	at = utcMilli(at)
	err = tx.db.Model(&Response{}).Where("id = ?", responseID).Updates(map[string]any{
		"status": StatusSubmitted, "submitted_at": at, "updated_at": at,
		"submitted_slot": r.PeriodKey, "open_slot": nil,
	}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("submit response %d: %w", responseID, ErrAlreadySubmitted)
	}
	if err != nil {
		return fmt.Errorf("submit response %d: %w", responseID, err)
	}
	err = tx.db.Model(&answerRow{}).Where("response_id = ?", responseID).
		Updates(map[string]any{"submitted_at": at, "service_code": r.ServiceCode}).Error
	if err != nil {
		return fmt.Errorf("submit response %d: stamp answers: %w", responseID, err)
	}
	if err := tx.writeScoreSummary(r, at); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	return nil
}

// Submit is Tx.Submit in its own transaction.
func (s *Store) Submit(ctx context.Context, responseID int64, at time.Time) error {
	return s.Tx(ctx, func(tx *Tx) error { return tx.Submit(responseID, at) })
}

// Abandon marks an in-progress response abandoned (its answers stay for
// the completion-rate figures). Abandoning an abandoned response does
// nothing; ErrResponseClosed if it was submitted, ErrNotFound if unknown.
func (tx *Tx) Abandon(responseID int64) error {
	r, err := tx.lockResponse(responseID)
	if err != nil {
		return fmt.Errorf("abandon: %w", err)
	}
	switch r.Status {
	case StatusAbandoned:
		return nil
	case StatusSubmitted:
		return fmt.Errorf("abandon response %d: %w", responseID, ErrResponseClosed)
	}
	err = tx.db.Model(&Response{}).Where("id = ?", responseID).Updates(map[string]any{
		"status": StatusAbandoned, "updated_at": tx.now(), "open_slot": nil,
	}).Error
	if err != nil {
		return fmt.Errorf("abandon response %d: %w", responseID, err)
	}
	return nil
}

// HasSubmitted reports whether the respondent holds a submitted response
// for the survey, service and period.
func (tx *Tx) HasSubmitted(key, surveyID, serviceCode, periodKey string) (bool, error) {
	ok, err := tx.exists(&Response{}, "respondent_key = ? AND survey_id = ? AND service_code = ? AND submitted_slot = ?",
		key, surveyID, serviceCode, periodKey)
	if err != nil {
		return false, fmt.Errorf("has submitted: %w", err)
	}
	return ok, nil
}

// HasSubmitted reports whether the respondent holds a submitted response
// for the survey, service and period.
func (s *Store) HasSubmitted(ctx context.Context, key, surveyID, serviceCode, periodKey string) (bool, error) {
	return s.session(ctx).HasSubmitted(key, surveyID, serviceCode, periodKey)
}
