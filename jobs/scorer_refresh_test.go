package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// TestRefreshCountsAnswersSinceTheSlotRan: within a slot the incremental
// job already ran, Refresh still brings in an answer submitted since, and
// the next slot's run does not miss it either.
func TestRefreshCountsAnswersSinceTheSlotRan(t *testing.T) {
	loc := jakarta(t)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
		clk := testkit.NewClock(t0)
		sc := newScorer(st, clk, loc, session.NewMemory(nil))
		submit(t, st, "ktp", t0.Add(-time.Hour), 4)
		mustRun(t, "the slot's run")(sc.Incremental(ctx))
		clk.Advance(time.Minute)
		submit(t, st, "ktp", clk.Now().Add(-time.Second), 2)
		if res := mustRun(t, "the slot again")(sc.Incremental(ctx)); res.Skipped == "" {
			t.Fatalf("the same slot ran twice: %+v", res)
		}
		week := survey.PeriodOf(survey.PeriodWeek, t0, loc)
		if n := snapshots(t, st, week)["service/ktp"].N; n != 1 {
			t.Fatalf("before the refresh ktp has n %d, want 1", n)
		}
		res := mustRun(t, "refresh")(sc.Refresh(ctx))
		if res.Skipped != "" || res.Touched != 1 {
			t.Errorf("refresh = %+v, want it run over the new answer", res)
		}
		if n := snapshots(t, st, week)["service/ktp"].N; n != 2 {
			t.Errorf("after the refresh ktp has n %d, want 2", n)
		}
		clk.Advance(15 * time.Minute)
		if res := mustRun(t, "the next slot")(sc.Incremental(ctx)); res.Skipped != "" {
			t.Errorf("the next slot was skipped after a refresh: %+v", res)
		}
	})
}
