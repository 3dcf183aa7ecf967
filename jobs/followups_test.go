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
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// submitScores stores one submitted SKM response scoring each unsur as
// given (every other unsur 4).
func submitScores(tb testing.TB, st *storage.Store, service string, at time.Time, scores map[string]float64) {
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
		v, ok := scores[e]
		if !ok {
			v = 4
		}
		changes = append(changes, survey.Change{Question: "q_" + e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(v), Score: &v}})
	}
	if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, at) }); err != nil {
		tb.Fatalf("SaveChanges: %v", err)
	}
	if err := st.Submit(ctx, r.ID, at); err != nil {
		tb.Fatalf("Submit: %v", err)
	}
}

func TestFollowUpsOpenForLowestUnsurInBandCOrD(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		loc := jakarta(t)
		q3 := time.Date(2026, 8, 10, 10, 0, 0, 0, loc)
		unsur := scoring.UnsurKeys()
		// ktp: 5 respondents, the third unsur at 2 (NRR 2 → 50, mutu D)
		// and the fifth at 3 (75, C): the lowest is the third.
		// kk: 5 respondents, every unsur 4: nothing to follow up.
		// nib: 4 respondents all at 1: suppressed, never decided on.
		for i := range 5 {
			submitScores(t, st, "ktp", q3.Add(time.Duration(i)*time.Hour), map[string]float64{unsur[2]: 2, unsur[4]: 3})
			submitScores(t, st, "kk", q3.Add(time.Duration(i)*time.Hour), nil)
			if i < 4 {
				submitScores(t, st, "nib", q3, map[string]float64{unsur[0]: 1, unsur[1]: 1})
			}
		}
		clk := testkit.NewClock(time.Date(2026, 10, 2, 4, 15, 0, 0, loc))
		sc := newScorer(st, clk, loc, nil)
		mustRun(t, "full recompute")(sc.Full(ctx))

		job := &jobs.FollowUps{Store: st, Catalog: testCatalog(), Location: loc}
		runner := &jobs.Runner{Store: st, Now: clk.Now}
		for i := range 2 {
			out, err := runner.Run(ctx, job.Run(clk.Now()))
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"", "already ran"}[i]; out.Skipped != want {
				t.Fatalf("run %d skipped %q; want %q", i+1, out.Skipped, want)
			}
		}
		items, err := st.FollowUps(ctx, storage.FollowUpFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 {
			t.Fatalf("follow-ups = %+v; want one, for ktp", items)
		}
		f := items[0]
		if f.ServiceCode != "ktp" || f.OPDCode != "dukcapil" || f.PeriodKey != "2026-Q3" || f.Element != unsur[2] ||
			f.Score != 50 || f.Mutu != "D" || f.Status != storage.FollowUpOpen {
			t.Errorf("follow-up = %+v; want ktp/dukcapil 2026-Q3 %s 50 D open", f, unsur[2])
		}
	})
}

func TestFollowUpUpdatesAndOverdue(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		loc := jakarta(t)
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			n, err := tx.AddFollowUps([]storage.FollowUp{{ServiceCode: "ktp", OPDCode: "dukcapil", PeriodKey: "2026-Q3", Element: "waktu", Score: 60, Mutu: "D"}})
			if err == nil && n != 1 {
				err = fmt.Errorf("added %d; want 1", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		items, _ := st.FollowUps(ctx, storage.FollowUpFilter{OpenOnly: true})
		if len(items) != 1 {
			t.Fatalf("open follow-ups = %d; want 1", len(items))
		}
		id := items[0].ID
		bad := []storage.FollowUpChange{
			{Status: ptr("finished")}, {Owner: ptr("  ")}, {Action: ptr(string(make([]byte, storage.MaxFollowUpAction+1)))},
		}
		for _, c := range bad {
			if _, err := st.UpdateFollowUp(ctx, id, c); err == nil {
				t.Errorf("UpdateFollowUp(%+v) accepted", c)
			}
		}
		due := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
		f, err := st.UpdateFollowUp(ctx, id, storage.FollowUpChange{Owner: ptr("Kabid Pelayanan"), Action: ptr("Tambah loket antrian"),
			DueDate: &due, Status: ptr(storage.FollowUpInProgress), By: 42})
		if err != nil {
			t.Fatal(err)
		}
		if f.Owner != "Kabid Pelayanan" || f.Action != "Tambah loket antrian" || f.Status != storage.FollowUpInProgress || f.UpdatedBy != 42 {
			t.Errorf("updated = %+v", f)
		}
		// Due on the 5th (WIB): not overdue late on the 5th, overdue on the 6th.
		if f.Overdue(time.Date(2026, 11, 5, 23, 0, 0, 0, loc), loc) || !f.Overdue(time.Date(2026, 11, 6, 0, 30, 0, 0, loc), loc) {
			t.Errorf("overdue around the due date is wrong (due %v)", f.DueDate)
		}
		f, _ = st.UpdateFollowUp(ctx, id, storage.FollowUpChange{Status: ptr(storage.FollowUpDone)})
		if f.Overdue(time.Date(2026, 12, 1, 0, 0, 0, 0, loc), loc) {
			t.Error("a done follow-up counts as overdue")
		}
		if _, err := st.UpdateFollowUp(ctx, id+100, storage.FollowUpChange{Status: ptr(storage.FollowUpDone)}); err == nil {
			t.Error("updating an unknown follow-up succeeded")
		}
	})
}

func ptr[T any](v T) *T { return &v }
