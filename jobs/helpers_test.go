package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
	ctx := context.Background()
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		tb.Fatal(err)
	}
	r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: hex.EncodeToString(key[:]), SurveyID: "skm",
		SurveyVersion: "1", ServiceCode: service, PeriodKey: "x", At: at})
	if err != nil {
		tb.Fatalf("StartResponse: %v", err)
	}
	var changes []survey.Change
	for _, e := range scoring.UnsurKeys() {
		v := s
		changes = append(changes, survey.Change{Question: "q_" + e, Element: e,
			Answer: survey.Answer{Value: fmt.Sprint(v), Score: &v}})
	}
	if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, at) }); err != nil {
		tb.Fatalf("SaveChanges: %v", err)
	}
	if err := st.Submit(ctx, r.ID, at); err != nil {
		tb.Fatalf("Submit: %v", err)
	}
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
