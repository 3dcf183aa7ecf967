package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// summaryRows counts the response_scores rows of a response.
func summaryRows(tb testing.TB, st *storage.Store, id int64) int64 {
	tb.Helper()
	n, err := st.CountForTest(context.Background(), "response_scores", "response_id = ?", id)
	if err != nil {
		tb.Fatalf("count response_scores: %v", err)
	}
	return n
}

// unsurAnswer is the answer s to element e.
func unsurAnswer(e string, s float64) survey.Change {
	return survey.Change{Question: "q_" + e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(s), Score: score(s)}}
}

// startWith starts (or continues) the respondent's response and saves
// changes into it.
func startWith(tb testing.TB, st *storage.Store, key, service, period string, at time.Time, changes ...survey.Change) int64 {
	tb.Helper()
	r, err := st.StartResponse(context.Background(), storage.NewResponse{RespondentKey: key, SurveyID: "skm",
		SurveyVersion: "1", ServiceCode: service, PeriodKey: period, At: at})
	if err != nil {
		tb.Fatal(err)
	}
	save(tb, st, r.ID, at, changes...)
	return r.ID
}

func TestSubmitWritesScoreSummaryOnce(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		at := time.Date(2026, 11, 3, 4, 5, 6, 7e6, time.UTC)
		key, _, err := st.EnsureRespondent(ctx, 4242, 4242, "id", "public")
		if err != nil {
			t.Fatal(err)
		}
		ans := unsurAnswer
		start := func(service, period string, changes ...survey.Change) int64 {
			t.Helper()
			return startWith(t, st, key, service, period, at, changes...)
		}
		first := start("ktp", "p1", ans("persyaratan", 4), ans("waktu", 2), ans("biaya", 5), ans("profil.usia", 3))
		if err := st.Submit(ctx, first, at); err != nil {
			t.Fatal(err)
		}
		dup := start("ktp", "p1", ans("persyaratan", 1)) // same respondent, service and period: refused at submit
		none := start("kk", "p1", ans("profil.usia", 3)) // no unsur answered: a row (its facts)
		gone := start("kk", "p2", ans("sarana", 3))      // abandoned: no row
		rolled := start("nib", "p1", ans("sarana", 2))   // submitted in a rolled-back transaction: no row
		if dup == first {
			t.Fatalf("a new response was not started after submitting %d", first)
		}
		if err := st.Submit(ctx, first, at.Add(time.Hour)); !errors.Is(err, storage.ErrAlreadySubmitted) {
			t.Fatalf("second Submit: %v, want ErrAlreadySubmitted", err)
		}
		if err := st.Submit(ctx, dup, at); !errors.Is(err, storage.ErrAlreadySubmitted) {
			t.Fatalf("duplicate Submit: %v, want ErrAlreadySubmitted", err)
		}
		if err := st.Submit(ctx, none, at); err != nil {
			t.Fatal(err)
		}
		if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.Abandon(gone) }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := st.Tx(ctx, func(tx *storage.Tx) error { _ = tx.Submit(rolled, at); return boom }); !errors.Is(err, boom) {
			t.Fatalf("rolled-back submit: %v", err)
		}
		for _, tc := range []struct {
			name string
			id   int64
			want int64
		}{{"submitted", first, 1}, {"duplicate", dup, 0}, {"no unsur", none, 1}, {"abandoned", gone, 0}, {"rolled back", rolled, 0}} {
			t.Run(tc.name, func(t *testing.T) {
				if n := summaryRows(t, st, tc.id); n != tc.want {
					t.Errorf("response_scores rows: %d, want %d", n, tc.want)
				}
			})
		}
		got, err := st.ResponseScores(ctx, at, at.Add(2*time.Hour), scoring.UnsurKeys(), nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("ResponseScores: %+v, %v; want the one submitted response", got, err)
		}
		want := make([]scoring.ElementAgg, 9)
		want[0], want[2] = scoring.ElementAgg{Sum: 4, Count: 1}, scoring.ElementAgg{Sum: 2, Count: 1}
		if r := got[0]; r.ResponseID != first || r.Service != "ktp" || !r.SubmittedAt.Equal(at) || !slices.Equal(r.Elements, want) {
			t.Errorf("ResponseScores: %+v, want response %d of ktp at %v with %v", r, first, at, want)
		}
		if err := st.DeleteRespondent(ctx, key); err != nil {
			t.Fatal(err)
		}
		if n := summaryRows(t, st, first); n != 0 {
			t.Errorf("after DeleteRespondent: %d response_scores rows, want 0", n)
		}
	})
}

// TestResponseScoresSummariesMatchAnswers reads the same responses through
// the summaries, through the answers (a store whose ScoreElements do not
// cover the request), through summaries written for other ScoreElements,
// and after the migration's backfill: all must agree exactly.
func TestResponseScoresSummariesMatchAnswers(t *testing.T) {
	from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	fixtures := scGenerate(77, 120, from, 40*24*time.Hour)
	reversed := slices.Clone(scoring.UnsurKeys())
	slices.Reverse(reversed)
	requests := []struct {
		name     string
		elements []string
		services []string
	}{
		{"all unsur", scoring.UnsurKeys(), nil},
		{"reversed, two services", reversed, []string{"ktp", "nib"}},
		{"subset out of order", []string{"pengaduan", "waktu", "persyaratan"}, nil},
		{"one element", []string{"biaya"}, []string{"kk"}},
	}
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.MustOpen(t)
			other := b.Open(t, storage.Options{ScoreElements: reversed}) // same database, other layout
			answersOnly := b.Open(t, storage.Options{ScoreElements: []string{"profil.usia"}})
			scInsert(t, st, fixtures[:80])
			scInsert(t, other, fixtures[80:]) // their rows must be read from answers by st
			read := func(t *testing.T, s *storage.Store, elements, services []string) []scoring.ResponseScore {
				t.Helper()
				got, err := s.ResponseScores(ctx, from, from.Add(40*24*time.Hour), elements, services)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			want := map[string][]scoring.ResponseScore{}
			for _, rq := range requests {
				want[rq.name] = read(t, answersOnly, rq.elements, rq.services)
				if len(want[rq.name]) < 10 {
					t.Fatalf("%s: only %d responses from answers: fixture too thin", rq.name, len(want[rq.name]))
				}
			}
			compare := func(t *testing.T, s *storage.Store) {
				t.Helper()
				for _, rq := range requests {
					if got := read(t, s, rq.elements, rq.services); !equalScores(got, want[rq.name]) {
						t.Errorf("%s: %d responses from summaries, differing from the %d from answers", rq.name, len(got), len(want[rq.name]))
					}
				}
			}
			t.Run("summaries", func(t *testing.T) { compare(t, st) })
			t.Run("other layout", func(t *testing.T) { compare(t, other) })
			t.Run("backfill", func(t *testing.T) {
				if err := st.BackfillScoresForTest(ctx); err != nil {
					t.Fatal(err)
				}
				n, err := st.CountForTest(ctx, "response_scores", "layout = ?", st.ScoreLayoutForTest())
				if err != nil || n < int64(len(want["all unsur"])) {
					t.Fatalf("backfill wrote %d rows of the default layout, %v; want one per response (%d)", n, err, len(want["all unsur"]))
				}
				compare(t, st)
			})
		})
	}
}

func equalScores(a, b []scoring.ResponseScore) bool {
	return slices.EqualFunc(a, b, func(x, y scoring.ResponseScore) bool {
		return x.ResponseID == y.ResponseID && x.Service == y.Service && x.SubmittedAt.Equal(y.SubmittedAt) &&
			slices.Equal(x.Elements, y.Elements)
	})
}

func TestOpenRefusesUnpackableScoreElements(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("e%d", i)
	}
	for _, tc := range []struct {
		name     string
		elements []string
	}{{"empty", []string{}}, {"21 elements", many}, {"repeated", []string{"waktu", "waktu"}}, {"comma", []string{"a,b"}}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := storage.Open(context.Background(), storage.DriverSQLite, t.TempDir()+"/x.db", storage.Options{ScoreElements: tc.elements})
			if err == nil || !strings.Contains(err.Error(), "ScoreElements") {
				t.Fatalf("Open: %v, want an error about ScoreElements", err)
			}
		})
	}
}
