package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// ledger is a migrated store of one backend whose clock the test sets,
// with a way to read processed_updates as an operator would.
type ledger struct {
	t     *testing.T
	b     storagetest.Backend
	st    *storage.Store
	clock *testkit.Clock
}

func forEachLedger(t *testing.T, fn func(t *testing.T, l *ledger)) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			clk := testkit.NewClock(time.Now())
			st := b.Open(t, storage.Options{Now: clk.Now})
			if _, err := st.Migrate(context.Background()); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			fn(t, &ledger{t: t, b: b, st: st, clock: clk})
		})
	}
}

// applied records update id as processed at.
func (l *ledger) applied(id int64, at time.Time) {
	l.t.Helper()
	l.clock.Set(at)
	if err := l.st.ApplyUpdate(context.Background(), id, func(*storage.Tx) error { return nil }); err != nil {
		l.t.Fatalf("ApplyUpdate %d: %v", id, err)
	}
}

// ids lists the update ids still recorded.
func (l *ledger) ids() []int64 {
	l.t.Helper()
	var ids []int64
	if err := l.b.RawDB(l.t).Raw("SELECT update_id FROM processed_updates ORDER BY update_id").Scan(&ids).Error; err != nil {
		l.t.Fatalf("read processed_updates: %v", err)
	}
	return ids
}

func TestDailyPurgeDeletesIdsOlderThan8DaysOncePerDay(t *testing.T) {
	loc := jakarta(t)
	forEachLedger(t, func(t *testing.T, l *ledger) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 3, 30, 0, 0, loc)
		eight := 8 * 24 * time.Hour
		l.applied(1, now.Add(-30*24*time.Hour))
		l.applied(2, now.Add(-eight-time.Second))
		l.applied(3, now.Add(-eight-time.Millisecond))
		l.applied(4, now.Add(-eight+time.Hour)) // 7 days 23 h: kept
		l.applied(5, now.Add(-time.Minute))
		for id, at := range map[int64]time.Time{90: now.Add(-9 * 24 * time.Hour), 91: now.Add(-time.Hour)} {
			l.clock.Set(at)
			f := storage.UpdateFailure{UpdateID: id, ChatID: 7, UserID: 7, Update: []byte(`{"update_id":1}`), Error: "boom"}
			if _, _, err := l.st.RecordFailure(ctx, f, 5); err != nil {
				t.Fatal(err)
			}
		}
		clk := testkit.NewClock(now)
		p := &jobs.Purger{Store: l.st, Locker: session.NewMemory(clk.Now), Now: clk.Now, Location: loc, Batch: 2}

		res := mustPurge(t, "first run")(p.Daily(ctx))
		if res.Skipped != "" || res.Deleted != 3 || res.Batches != 2 || res.PeriodKey != "2026-11-27" {
			t.Fatalf("first run: %+v, want 3 rows deleted in 2 batches under 2026-11-27", res)
		}
		if got := l.ids(); !slices.Equal(got, []int64{4, 5}) {
			t.Fatalf("after the purge the ledger holds %v, want [4 5]", got)
		}
		if res.DeadLetters != 1 {
			t.Errorf("first run purged %d dead letters, want the one older than 8 days", res.DeadLetters)
		}
		var left []int64
		if err := l.b.RawDB(t).Raw("SELECT update_id FROM dead_letters").Scan(&left).Error; err != nil || !slices.Equal(left, []int64{91}) {
			t.Errorf("dead letters left %v, %v; want [91]", left, err)
		}

		// Later the same day (another replica, a restart): nothing runs,
		// even for an id that is due by now.
		l.applied(6, now.Add(-20*24*time.Hour))
		clk.Set(now.Add(20 * time.Hour))
		res = mustPurge(t, "second run")(p.Daily(ctx))
		if res.Skipped != "already ran" || res.Deleted != 0 {
			t.Fatalf("second run the same day: %+v, want skipped", res)
		}
		if got := l.ids(); !slices.Equal(got, []int64{4, 5, 6}) {
			t.Fatalf("the second run changed the ledger: %v", got)
		}

		clk.Set(now.Add(24 * time.Hour)) // the next day: 4 is now past 8 days too
		res = mustPurge(t, "next day")(p.Daily(ctx))
		if res.Skipped != "" || res.Deleted != 2 || res.PeriodKey != "2026-11-28" {
			t.Fatalf("next day: %+v, want 4 and 6 deleted under 2026-11-28", res)
		}
		if got := l.ids(); !slices.Equal(got, []int64{5}) {
			t.Fatalf("after the next day's purge the ledger holds %v, want [5]", got)
		}
	})
}

func TestPurgeSkipsWhileAnotherRunHoldsTheLock(t *testing.T) {
	loc := jakarta(t)
	forEachLedger(t, func(t *testing.T, l *ledger) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 3, 30, 0, 0, loc)
		l.applied(1, now.Add(-9*24*time.Hour))
		clk := testkit.NewClock(now)
		mem := session.NewMemory(clk.Now)
		unlock, err := mem.Lock(ctx, "job:"+jobs.JobPurgeUpdates+":2026-11-27", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		p := &jobs.Purger{Store: l.st, Locker: mem, Now: clk.Now, Location: loc, LockWait: 20 * time.Millisecond}
		res := mustPurge(t, "locked run")(p.Daily(ctx))
		if res.Skipped != "lock held by another run" || len(l.ids()) != 1 {
			t.Fatalf("run under another run's lock: %+v, ledger %v", res, l.ids())
		}
		unlock()
		if res := mustPurge(t, "run")(p.Daily(ctx)); res.Deleted != 1 {
			t.Fatalf("run after the lock was released: %+v", res)
		}
	})
}

func TestManualPurgeRunsAfterTheDailyOne(t *testing.T) {
	forEachLedger(t, func(t *testing.T, l *ledger) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		clk := testkit.NewClock(now)
		p := &jobs.Purger{Store: l.st, Now: clk.Now}
		mustPurge(t, "daily")(p.Daily(ctx))
		l.applied(1, now.Add(-9*24*time.Hour))
		res := mustPurge(t, "manual")(p.Manual(ctx))
		if res.Skipped != "" || res.Deleted != 1 || res.Job != jobs.JobPurgeManual {
			t.Fatalf("manual run after the daily one: %+v, want it to delete the due id", res)
		}
		if ok, err := l.st.JobRunExists(ctx, jobs.JobPurgeManual, res.PeriodKey); err != nil || !ok {
			t.Fatalf("the manual run left no job_runs row (%v)", err)
		}
	})
}

func TestSchedulerRunsThePurge(t *testing.T) {
	st := storagetest.SQLite(t)
	clk := testkit.NewClock(time.Date(2026, 11, 27, 3, 30, 0, 0, time.UTC))
	s, err := jobs.NewScheduler(nil, jobs.Schedule{}, time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddPurge(&jobs.Purger{Store: st, Now: clk.Now}, "not a spec"); err == nil || !strings.Contains(err.Error(), jobs.JobPurgeUpdates) {
		t.Fatalf("AddPurge with a bad spec: %v, want an error naming %s", err, jobs.JobPurgeUpdates)
	}
	if err := s.AddPurge(&jobs.Purger{Store: st, Now: clk.Now}, "* * * * * *"); err != nil {
		t.Fatal(err)
	}
	s.Start()
	ran := func() bool {
		ok, err := st.JobRunExists(context.Background(), jobs.JobPurgeUpdates, "2026-11-27")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	deadline := time.Now().Add(10 * time.Second)
	for !ran() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ran() {
		t.Fatal("the scheduled purge never ran")
	}
}

// mustPurge returns a checker of a purge's result.
func mustPurge(tb testing.TB, what string) func(jobs.PurgeResult, error) jobs.PurgeResult {
	tb.Helper()
	return func(res jobs.PurgeResult, err error) jobs.PurgeResult {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
		return res
	}
}
