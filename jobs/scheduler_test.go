package jobs_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestPanickingJobDoesNotStopScheduler(t *testing.T) {
	s, err := jobs.NewScheduler(nil, jobs.Schedule{}, time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	var panics, ticks atomic.Int32
	for name, fn := range map[string]func(context.Context) error{
		"boom": func(context.Context) error { panics.Add(1); panic("boom") },
		"tick": func(context.Context) error { ticks.Add(1); return nil },
	} {
		if err := s.Add(name, "* * * * * *", fn); err != nil { // 6 fields: every second
			t.Fatal(err)
		}
	}
	s.Start()
	deadline := time.Now().Add(6 * time.Second)
	for (panics.Load() < 2 || ticks.Load() < 2) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if panics.Load() < 2 || ticks.Load() < 2 {
		t.Fatalf("after panics the scheduler ran boom %d and tick %d times, want both at least twice", panics.Load(), ticks.Load())
	}
}

func TestScheduleSpecs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sch     jobs.Schedule
		wantErr string
	}{
		{"defaults", jobs.Schedule{}, ""},
		{"five fields", jobs.Schedule{Incremental: "*/5 * * * *", Full: "30 1 * * *"}, ""},
		{"six fields", jobs.Schedule{Incremental: "0 */15 * * * *"}, ""},
		{"descriptor", jobs.Schedule{Full: "@daily"}, ""},
		{"bad incremental", jobs.Schedule{Incremental: "every 15"}, "score-incremental"},
		{"bad full", jobs.Schedule{Full: "0 25 * * *"}, "score-full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storagetest.SQLite(t)
			_, err := jobs.NewScheduler(newScorer(st, testkit.NewClock(time.Now()), time.UTC, nil), tc.sch, time.UTC, nil)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("NewScheduler: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("NewScheduler: %v, want an error naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestStartCatchesUpMissedNightlyOnce(t *testing.T) {
	loc := jakarta(t)
	st := storagetest.SQLite(t)
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, loc)
	submit(t, st, "ktp", now.Add(-24*time.Hour), 4)
	sc := newScorer(st, testkit.NewClock(now), loc, nil)
	for i := range 2 { // a second start (another replica, a restart) finds it done
		s, err := jobs.NewScheduler(sc, jobs.Schedule{}, loc, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if ok, err := st.JobRunExists(context.Background(), jobs.JobScoreFull, "2026-11-27"); err != nil || ok {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.JobRunExists(context.Background(), jobs.JobScoreFull, "2026-11-27"); err != nil || !ok {
			t.Fatalf("start %d: no catch-up run of the 02:00 job (%v)", i, err)
		}
	}
	res, err := sc.FullFor(context.Background(), "2026-11-27")
	if err != nil || res.Skipped == "" {
		t.Fatalf("the caught-up night ran again: %+v, %v", res, err)
	}
}

func TestNightlyOfACrashedHolderRunsOnceItsLockExpires(t *testing.T) {
	loc := jakarta(t)
	st := storagetest.SQLite(t)
	now := time.Date(2026, 11, 27, 2, 20, 0, 0, loc)
	submit(t, st, "ktp", now.Add(-24*time.Hour), 4)
	lockClock := testkit.NewClock(now)
	mem := session.NewMemory(lockClock.Now)
	// The replica that took the 02:00 lock crashed without releasing it.
	if _, err := mem.Lock(context.Background(), "job:"+jobs.JobScoreFull+":2026-11-27", 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	sc := newScorer(st, testkit.NewClock(now), loc, mem)
	sc.LockWait = 50 * time.Millisecond
	s, err := jobs.NewScheduler(sc, jobs.Schedule{Incremental: "* * * * * *"}, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	ran := func() bool {
		ok, err := st.JobRunExists(context.Background(), jobs.JobScoreFull, "2026-11-27")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	time.Sleep(1500 * time.Millisecond)
	if ran() {
		t.Fatal("the night ran while the crashed holder's lock was still valid")
	}
	lockClock.Set(now.Add(31 * time.Minute)) // the lock expires
	deadline := time.Now().Add(5 * time.Second)
	for !ran() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !ran() {
		t.Fatal("the crashed holder's night was never caught up")
	}
}
