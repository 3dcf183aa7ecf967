package jobs_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

func TestIncrementalRecomputesOnlyTouchedScopes(t *testing.T) {
	loc := jakarta(t)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, loc) // a Wednesday
		clk := testkit.NewClock(t0)
		sc := newScorer(st, clk, loc, session.NewMemory(nil))
		submit(t, st, "ktp", t0.Add(-2*time.Hour), 4)
		submit(t, st, "kk", t0.Add(-time.Hour), 3)
		submit(t, st, "nib", t0.Add(-time.Hour), 2)
		// Same quarter, earlier month: the incremental quarter and year sum
		// the stored October with the recomputed November.
		submit(t, st, "ktp", time.Date(2026, 10, 15, 9, 0, 0, 0, loc), 2)
		first := mustRun(t, "first run")(sc.Incremental(ctx))
		week := survey.PeriodOf(survey.PeriodWeek, t0, loc)
		before := snapshots(t, st, week)
		for _, k := range []string{"service/ktp", "service/kk", "service/nib", "opd/dukcapil", "opd/dpmptsp", "city/"} {
			if _, ok := before[k]; !ok {
				t.Fatalf("first run (%+v): no %s snapshot; have %v", first, k, before)
			}
		}

		clk.Set(t0.Add(15 * time.Minute))
		submit(t, st, "ktp", t0.Add(10*time.Minute), 1)
		second := mustRun(t, "second run")(sc.Incremental(ctx))
		if second.Touched != 1 || second.Skipped != "" {
			t.Fatalf("second run: %+v, want exactly the new response touched", second)
		}
		after := snapshots(t, st, week)
		for k, old := range before {
			changed := !after[k].ComputedAt.Equal(old.ComputedAt)
			want := k == "service/ktp" || k == "opd/dukcapil" || k == "city/"
			if changed != want {
				t.Errorf("%s: recomputed = %v, want %v", k, changed, want)
			}
		}
		if after["service/ktp"].N != 2 || math.Abs(*after["service/ktp"].Value-62.5) > 1e-9 {
			t.Errorf("ktp after the new answer: n %d value %v, want 2 and 62.5", after["service/ktp"].N, *after["service/ktp"].Value)
		}
		assertMatchesFull(t, st, sc, loc, t0)

		again := mustRun(t, "same slot again")(sc.Incremental(ctx))
		if again.Skipped == "" {
			t.Errorf("the same 15-minute slot ran twice: %+v", again)
		}
		clk.Set(t0.Add(30 * time.Minute))
		third := mustRun(t, "run with nothing new")(sc.Incremental(ctx))
		if third.Written != 0 || third.Skipped != "" {
			t.Errorf("run over unchanged data: %+v, want it to run and write nothing", third)
		}
		for k, r := range snapshots(t, st, week) {
			if !r.ComputedAt.Equal(after[k].ComputedAt) {
				t.Errorf("%s rewritten by a run over unchanged data", k)
			}
		}
	})
}

// assertMatchesFull checks that every stored snapshot of the periods of
// at equals a full recompute from scratch.
func assertMatchesFull(t *testing.T, st *storage.Store, sc *jobs.Scorer, loc *time.Location, at time.Time) {
	t.Helper()
	full, err := sc.Recomputer.Full(context.Background(), jobs.AllKinds(), at, at.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range full.Snapshots {
		got, ok := snapshots(t, st, want.Period)[string(want.Scope)+"/"+want.ScopeCode]
		if !ok {
			t.Errorf("%s %s/%s: not stored", want.Period.Key(), want.Scope, want.ScopeCode)
			continue
		}
		snap, err := got.Snapshot(loc)
		if err != nil || !scoring.SameFigure(snap, want, 1e-9) {
			t.Errorf("%s %s/%s: stored %+v, full recompute %+v (%v)", want.Period.Key(), want.Scope, want.ScopeCode, snap, want, err)
		}
	}
}

func TestLateAnswerRecomputesItsPeriod(t *testing.T) {
	loc := jakarta(t)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		sunday := time.Date(2026, 11, 29, 23, 45, 0, 0, loc)
		clk := testkit.NewClock(sunday)
		sc := newScorer(st, clk, loc, session.NewMemory(nil))
		submit(t, st, "ktp", sunday.Add(-time.Hour), 4)
		mustRun(t, "sunday run")(sc.Incremental(ctx))
		lastWeek := survey.PeriodOf(survey.PeriodWeek, sunday, loc)

		// Submitted at 23:55 but committed after the 00:00 run had read.
		clk.Set(sunday.Add(15 * time.Minute))
		mustRun(t, "midnight run")(sc.Incremental(ctx))
		submit(t, st, "ktp", sunday.Add(10*time.Minute), 2)
		clk.Set(sunday.Add(30 * time.Minute))
		res := mustRun(t, "monday run")(sc.Incremental(ctx))
		got := snapshots(t, st, lastWeek)["service/ktp"]
		if got.N != 2 || got.Value == nil || math.Abs(*got.Value-75) > 1e-9 {
			t.Fatalf("last week's ktp after the late answer (%+v): n %d, value %v; want 2 and 75", res, got.N, got.Value)
		}
		if cur := snapshots(t, st, lastWeek.Next()); len(cur) != 0 {
			t.Errorf("the current week got snapshots without answers: %v", cur)
		}

		// A straggler older than the lookback is left to the nightly run.
		submit(t, st, "kk", sunday.Add(-3*time.Hour), 1)
		clk.Set(sunday.Add(45 * time.Minute))
		mustRun(t, "next run")(sc.Incremental(ctx))
		if _, ok := snapshots(t, st, lastWeek)["service/kk"]; ok {
			t.Fatalf("an answer older than the watermark was picked up by the incremental run")
		}
		mustRun(t, "nightly")(sc.Full(ctx))
		if kk := snapshots(t, st, lastWeek)["service/kk"]; kk.N != 1 {
			t.Errorf("nightly full run: kk n = %d, want 1", kk.N)
		}
	})
}

func TestRacingSchedulersRunAPeriodOnce(t *testing.T) {
	loc := jakarta(t)
	for _, bk := range []struct {
		name    string
		backend func(testing.TB) storagetest.Backend
	}{{"sqlite", storagetest.SQLiteBackend}, {"mysql", storagetest.MySQLBackend}} {
		for _, tc := range []struct {
			name   string
			locker jobs.Locker
		}{{"shared lock", session.NewMemory(nil)}, {"lock store down", nil}} {
			t.Run(bk.name+"/"+tc.name, func(t *testing.T) {
				b := bk.backend(t)
				st1, st2 := b.MustOpen(t), b.Open(t, storage.Options{})
				t0 := time.Date(2026, 11, 25, 10, 0, 3, 0, loc)
				submit(t, st1, "ktp", t0.Add(-time.Hour), 3)
				// Replica clocks differ by a few seconds: same slot.
				scs := []*jobs.Scorer{newScorer(st1, testkit.NewClock(t0), loc, tc.locker), newScorer(st2, testkit.NewClock(t0.Add(-5*time.Second)), loc, tc.locker)}
				results := make([]jobs.RunResult, 2)
				var wg sync.WaitGroup
				for i, sc := range scs {
					wg.Go(func() { results[i] = mustRun(t, "racing run")(sc.Incremental(context.Background())) })
				}
				wg.Wait()
				ran := 0
				for _, r := range results {
					if r.Skipped == "" {
						ran++
					}
				}
				if ran != 1 || results[0].PeriodKey != results[1].PeriodKey {
					t.Fatalf("racing runs: %+v, want one run of one slot", results)
				}
				t.Logf("results: %+v", results)
			})
		}
	}
}
