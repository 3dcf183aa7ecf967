package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// BenchmarkStatementShapes measures on MySQL what the shape of an answer's
// write costs, with 200 writers on the store's pool size (20), on the real
// tables: one autocommit INSERT (the bot benchmark's floor), the same
// INSERT inside BEGIN … COMMIT, and the whole transaction the store runs
// for an answer (record the update id, check and stamp the response,
// upsert the answer). Each reports writes/s. Run with
//
//	EGOVPULSE_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test' go test ./storage/ -run '^$' -bench StatementShapes -benchtime 10000x
func BenchmarkStatementShapes(b *testing.B) {
	if os.Getenv(storagetest.EnvMySQLDSN) == "" {
		b.Skipf("MySQL benchmark skipped: set %s", storagetest.EnvMySQLDSN)
	}
	be := storagetest.MySQLBackend(b)
	be.MustOpen(b) // the schema
	db := rawDB(b, be.DSN)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	ctx := context.Background()
	const writers = 200
	now := time.Now().UTC()
	responses := make([]int64, writers)
	for w := range responses {
		res, err := db.ExecContext(ctx, "INSERT INTO responses (respondent_key, survey_id, survey_version, service_code, period_key, status, started_at, updated_at, open_slot) VALUES (?, 'skm', '1', 'ktp', '2026-Q4', 'in_progress', ?, ?, '2026-Q4')",
			fmt.Sprintf("shape%027d", w), now, now)
		if err != nil {
			b.Fatal(err)
		}
		if responses[w], err = res.LastInsertId(); err != nil {
			b.Fatal(err)
		}
	}
	var updateID atomic.Int64
	insertUpdate := func(q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}) error {
		_, err := q.ExecContext(ctx, "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", updateID.Add(1), time.Now().UTC())
		return err
	}
	shapes := []struct {
		name  string
		write func(w, i int) error
	}{
		{"autocommit_insert", func(int, int) error { return insertUpdate(db) }},
		{"begin_insert_commit", func(int, int) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			if err := insertUpdate(tx); err != nil {
				return err
			}
			return tx.Commit()
		}},
		{"answer_transaction", func(w, i int) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			at := time.Now().UTC()
			if err := insertUpdate(tx); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE responses SET updated_at = ? WHERE id = ? AND status = 'in_progress'", at, responses[w]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO answers (response_id, question, element, value, score, skipped, answered_at, service_code) VALUES (?, ?, 'waktu', '3', 3, 0, ?, '') "+
				"ON DUPLICATE KEY UPDATE value = VALUES(value), score = VALUES(score), answered_at = VALUES(answered_at)", responses[w], fmt.Sprint("q", i), at); err != nil {
				return err
			}
			return tx.Commit()
		}},
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			per := max(b.N/writers, 1)
			start := time.Now()
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range per {
						if err := s.write(w, i); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(writers*per)/time.Since(start).Seconds(), "writes/s")
		})
	}
}
