package jobs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestThreeRacingSchedulersRunAJobSlotOnce: three schedulers (replicas,
// each with its own database connection and lock client) fire the same
// monthly job every second; its output (one outbox row per recipient) and
// its job_runs row are committed once.
func TestThreeRacingSchedulersRunAJobSlotOnce(t *testing.T) {
	for _, bk := range []struct {
		name    string
		backend func(testing.TB) storagetest.Backend
		lockers func(t *testing.T) [3]jobs.Locker
	}{
		{"sqlite/memory lock", storagetest.SQLiteBackend, func(*testing.T) [3]jobs.Locker {
			m := session.NewMemory(nil)
			return [3]jobs.Locker{m, m, m}
		}},
		{"sqlite/no lock", storagetest.SQLiteBackend, func(*testing.T) [3]jobs.Locker { return [3]jobs.Locker{} }},
		{"mysql/redis", storagetest.MySQLBackend, func(t *testing.T) [3]jobs.Locker {
			p := sessiontest.Prefix(t)
			return [3]jobs.Locker{sessiontest.RedisAt(t, p), sessiontest.RedisAt(t, p), sessiontest.RedisAt(t, p)}
		}},
	} {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.backend(t)
			first := b.MustOpen(t)
			lockers := bk.lockers(t)
			clk := testkit.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			var fired, committed atomic.Int32
			scheds := make([]*jobs.Scheduler, 3)
			for i := range scheds {
				st := first
				if i > 0 {
					st = b.Open(t, storage.Options{})
				}
				r := &jobs.Runner{Store: st, Locker: lockers[i], Now: clk.Now, LockWait: 100 * time.Millisecond}
				s, err := jobs.NewScheduler(nil, jobs.Schedule{}, time.UTC, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.AddJob(r, "reminder", "* * * * * *", func(now time.Time) jobs.Run {
					fired.Add(1)
					return monthlyReminder(now, &committed)
				}); err != nil {
					t.Fatal(err)
				}
				scheds[i] = s
			}
			for _, s := range scheds {
				s.Start()
			}
			deadline := time.Now().Add(10 * time.Second)
			for fired.Load() < 6 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			for _, s := range scheds {
				if err := s.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := first.OutboxRows(context.Background(), "reminder")
			if err != nil {
				t.Fatal(err)
			}
			if fired.Load() < 6 || committed.Load() != 1 || len(rows) != 50 {
				t.Fatalf("%d firings, %d commits, %d outbox rows; want at least 6 firings, 1 commit, 50 rows",
					fired.Load(), committed.Load(), len(rows))
			}
		})
	}
}

// monthlyReminder is a job as one file would define it: one reminder per
// official for the month of now, written with the job_runs row.
func monthlyReminder(now time.Time, committed *atomic.Int32) jobs.Run {
	slot := now.Format("2006-01")
	return jobs.Run{Job: "reminder", Slot: slot,
		Commit: func(_ context.Context, tx *storage.Tx) error {
			for i := range 50 {
				if _, err := tx.EnqueueOutbox(int64(9000+i), "reminder", slot, fmt.Sprintf(`{"method":"sendMessage","chat_id":%d,"text":"Pengingat"}`, 9000+i)); err != nil {
					return err
				}
			}
			committed.Add(1) // the job_runs row is inserted first: a run that lost the slot never gets here
			return nil
		}}
}
