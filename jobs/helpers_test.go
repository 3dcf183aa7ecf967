package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

func jakarta(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func testCatalog() *survey.Catalog {
	return &survey.Catalog{OPDs: []survey.OPD{
		{Code: "dukcapil", Services: []survey.Service{{Code: "ktp", OPDCode: "dukcapil"}, {Code: "kk", OPDCode: "dukcapil"}}},
		{Code: "dpmptsp", Services: []survey.Service{{Code: "nib", OPDCode: "dpmptsp"}}},
	}}
}

func newScorer(st *storage.Store, clk *testkit.Clock, loc *time.Location, locker jobs.Locker) *jobs.Scorer {
	return &jobs.Scorer{
		Store:      st,
		Recomputer: &scoring.Recomputer{Source: st, Catalog: testCatalog(), Location: loc},
		Locker:     locker,
		Now:        clk.Now,
	}
}

// submit stores one submitted SKM response with every element scored s.
func submit(tb testing.TB, st *storage.Store, service string, at time.Time, s float64) {
	tb.Helper()
	scores := map[string]float64{}
	for _, e := range scoring.UnsurKeys() {
		scores[e] = s
	}
	submitScores(tb, st, service, at, scores)
}

// snapshots reads the stored snapshots of a period by "scope/code".
func snapshots(tb testing.TB, st *storage.Store, p survey.Period) map[string]storage.ScoreSnapshot {
	tb.Helper()
	rows, err := st.Snapshots(context.Background(), scoring.IndexIKM, p)
	if err != nil {
		tb.Fatalf("Snapshots: %v", err)
	}
	out := map[string]storage.ScoreSnapshot{}
	for _, r := range rows {
		out[r.ScopeKind+"/"+r.ScopeCode] = r
	}
	return out
}

// mustRun returns a checker of a run's result: mustRun(t, "x")(sc.Incremental(ctx)).
func mustRun(tb testing.TB, what string) func(jobs.RunResult, error) jobs.RunResult {
	tb.Helper()
	return func(res jobs.RunResult, err error) jobs.RunResult {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
		return res
	}
}

// raceSchedulers starts the schedulers (replicas firing a job every
// second), waits until their job fired at least 6 times (at most 10 s)
// and shuts them down.
func raceSchedulers(t *testing.T, scheds []*jobs.Scheduler, fired *atomic.Int32) {
	t.Helper()
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
}
