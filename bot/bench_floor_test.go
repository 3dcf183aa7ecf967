package bot_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// benchFloor runs, at the same concurrency, what one answer minimally costs:
// the session-store operations a webhook answer makes (join the chat's
// waiting room, take the turn with the session, end it saving the session)
// and one autocommit INSERT; it returns answers/s.
func benchFloor(b *testing.B, back storagetest.Backend, sessions session.Store, residents, perResident int) float64 {
	db := benchOpen(b, back.DSN)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bench_floor (id BIGINT AUTO_INCREMENT PRIMARY KEY, response_id BIGINT NOT NULL, question VARCHAR(64) NOT NULL, value TEXT NOT NULL, answered_at DATETIME(3) NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	return benchTurns(b, sessions, residents, perResident, -1, 0, func(n, q int, _ int64) error {
		_, err := db.ExecContext(ctx, "INSERT INTO bench_floor (response_id, question, value, answered_at) VALUES (?, ?, ?, ?)", n, fmt.Sprint("q", q), "3", time.Now().UTC())
		return err
	})
}

// benchTxFloor is the floor of exactly-once storage, for comparison: the
// same session operations and, instead of one autocommit INSERT, the
// transaction the store runs for an answer (record the update id, check and
// stamp the response, upsert the answer, commit) in plain SQL on the real
// tables; it returns answers/s. What the pipeline costs beyond it is the
// bot's own work and the webhook and Bot API calls.
func benchTxFloor(b *testing.B, back storagetest.Backend, sessions session.Store, residents, perResident int) float64 {
	db := benchOpen(b, back.DSN)
	ctx := context.Background()
	now := time.Now().UTC()
	ids := make([]int64, residents)
	for n := range residents {
		res, err := db.ExecContext(ctx, "INSERT INTO responses (respondent_key, survey_id, survey_version, service_code, period_key, status, started_at, updated_at, open_slot) VALUES (?, 'skm', '1', 'ktp', '2026-Q4', 'in_progress', ?, ?, '2026-Q4')",
			fmt.Sprintf("txfloor%025d", n), now, now)
		if err != nil {
			b.Fatal(err)
		}
		if ids[n], err = res.LastInsertId(); err != nil {
			b.Fatal(err)
		}
	}
	return benchTurns(b, sessions, residents, perResident, -1_000_000, 1<<40, func(n, q int, updateID int64) error {
		return benchTxAnswer(ctx, db, updateID, ids[n], fmt.Sprint("q", q))
	})
}

// benchTurns has residents answer perResident times each at once, each
// answer in a chat turn as a webhook update takes it (join the waiting
// room, take the turn, run work, end the turn saving a session); chats are
// numbered down from chatBase, update ids up from idBase (both apart from
// the pipeline's). It returns answers/s.
func benchTurns(b *testing.B, sessions session.Store, residents, perResident int, chatBase, idBase int64, work func(n, q int, updateID int64) error) float64 {
	ctx := context.Background()
	data := []byte(fmt.Sprintf(`{"stage":"survey","survey":{"answers":{%q:%q}}}`, "usia", "61_plus"))
	var updateID atomic.Int64
	updateID.Store(idBase)
	start := time.Now()
	var wg sync.WaitGroup
	for n := range residents {
		wg.Go(func() {
			chat := chatBase - int64(n)
			for q := range perResident {
				id := updateID.Add(1)
				if err := sessions.Arrive(ctx, chat, id, time.Minute); err != nil {
					b.Error(err)
					return
				}
				t, _, ok, err := sessions.TryTurn(ctx, chat, id, 30*time.Second)
				if err != nil || !ok {
					b.Errorf("floor turn: ok %v, %v", ok, err)
					return
				}
				if err := work(n, q, id); err != nil {
					b.Error(err)
					return
				}
				save := session.Session{ChatID: chat, Version: t.Session.Version, Data: data}
				if _, err := sessions.EndTurn(ctx, t, &save, time.Hour); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(residents*perResident) / time.Since(start).Seconds()
}

// benchTxAnswer is the SQL of one answer's transaction.
func benchTxAnswer(ctx context.Context, db *sql.DB, updateID, responseID int64, question string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	at := time.Now().UTC()
	if _, err := tx.ExecContext(ctx, "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", updateID, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE responses SET updated_at = ? WHERE id = ? AND status = 'in_progress'", at, responseID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO answers (response_id, question, element, value, score, skipped, answered_at, service_code) VALUES (?, ?, 'waktu', '3', 3, 0, ?, '') "+
		"ON DUPLICATE KEY UPDATE element = VALUES(element), value = VALUES(value), score = VALUES(score), skipped = VALUES(skipped), answered_at = VALUES(answered_at)",
		responseID, question, at); err != nil {
		return err
	}
	return tx.Commit()
}
