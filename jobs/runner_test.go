package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
			raceSchedulers(t, scheds, &fired)
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

// TestFailedRunCommitsNothingAndRunsAgain: a job whose transaction fails
// leaves neither its output nor its job_runs row, so the slot runs again;
// the run that commits records its details.
func TestFailedRunCommitsNothingAndRunsAgain(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		r := &jobs.Runner{Store: st, Locker: session.NewMemory(nil)}
		var committed atomic.Int32
		failing := monthlyReminder(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), &committed)
		write := failing.Commit
		failing.Commit = func(ctx context.Context, tx *storage.Tx) error {
			if err := write(ctx, tx); err != nil {
				return err
			}
			return errors.New("disk full")
		}
		if _, err := r.Run(ctx, failing); err == nil || !strings.Contains(err.Error(), "reminder 2026-12: disk full") {
			t.Fatalf("failing run: %v, want the job, slot and cause", err)
		}
		if rows, _ := st.OutboxRows(ctx, ""); len(rows) != 0 {
			t.Fatalf("a failed run left %d outbox rows", len(rows))
		}
		ok := monthlyReminder(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), &committed)
		ok.Details = func() any { return map[string]int{"reminders": 50} }
		if out, err := r.Run(ctx, ok); err != nil || out.Skipped != "" {
			t.Fatalf("second run: %+v, %v", out, err)
		}
		last, err := st.LastJobRun(ctx, "reminder")
		if err != nil || last.PeriodKey != "2026-12" || last.Details != `{"reminders":50}` {
			t.Fatalf("job_runs row %+v, %v", last, err)
		}
		if out, err := r.Run(ctx, ok); err != nil || out.Skipped != "already ran" {
			t.Fatalf("third run: %+v, %v, want skipped", out, err)
		}
	})
}
