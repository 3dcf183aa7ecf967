package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// scFixture is one submitted (or not) SKM response of a test.
type scFixture struct {
	service   string
	at        time.Time
	answers   map[string]float64 // element → score; NaN: skipped
	submitted bool
}

func scCatalog() *survey.Catalog {
	return &survey.Catalog{OPDs: []survey.OPD{
		{Code: "dukcapil", Services: []survey.Service{{Code: "ktp", OPDCode: "dukcapil"}, {Code: "kk", OPDCode: "dukcapil"}}},
		{Code: "dpmptsp", Services: []survey.Service{{Code: "nib", OPDCode: "dpmptsp"}, {Code: "pbg", OPDCode: "dpmptsp"}}},
		{Code: "dinkes", Services: []survey.Service{{Code: "puskesmas", OPDCode: "dinkes"}}},
	}}
}

// scGenerate makes n random responses between from and from+span: random
// missing elements, some out-of-range or skipped scores, some responses
// never submitted and unrelated answers beside the SKM ones.
func scGenerate(seed uint64, n int, from time.Time, span time.Duration) []scFixture {
	rng := rand.New(rand.NewPCG(seed, 7))
	svcs := []string{"ktp", "kk", "nib", "pbg", "puskesmas"}
	out := make([]scFixture, n)
	for i := range out {
		f := scFixture{service: svcs[rng.IntN(len(svcs))], submitted: rng.IntN(10) > 0,
			at: from.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Millisecond), answers: map[string]float64{}}
		for _, e := range scoring.UnsurKeys() {
			switch r := rng.IntN(20); {
			case r == 0: // not answered
			case r == 1:
				f.answers[e] = math.NaN()
			case r == 2:
				f.answers[e] = float64(rng.IntN(2) * 5) // 0 or 5: out of range
			default:
				f.answers[e] = float64(1 + rng.IntN(4))
			}
		}
		out[i] = f
	}
	return out
}

// scInsert stores the fixtures through the response API.
func scInsert(tb testing.TB, st *storage.Store, fs []scFixture) {
	tb.Helper()
	ctx := context.Background()
	for i, f := range fs {
		r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: fmt.Sprintf("%032x", rand.Uint64()),
			SurveyID: "skm", SurveyVersion: "1", ServiceCode: f.service, PeriodKey: fmt.Sprintf("p%d", i), At: f.at})
		if err != nil {
			tb.Fatalf("StartResponse: %v", err)
		}
		changes := []survey.Change{{Question: "saran", Answer: survey.Answer{Value: "bagus"}},
			{Question: "usia", Element: "profil.usia", Answer: survey.Answer{Value: "2", Score: ptr(2)}}}
		for e, v := range f.answers {
			c := survey.Change{Question: "q_" + e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(v), Score: ptr(v)}}
			if math.IsNaN(v) {
				c.Answer = survey.Answer{Skipped: true}
			}
			changes = append(changes, c)
		}
		err = st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, f.at) })
		if err != nil {
			tb.Fatalf("SaveChanges: %v", err)
		}
		if f.submitted {
			if err := st.Submit(ctx, r.ID, f.at); err != nil {
				tb.Fatalf("Submit: %v", err)
			}
		}
	}
}

func ptr(f float64) *float64 { return &f }

// pureSnapshots computes, with the pure functions only, the IKM of every
// scope of one period from the fixtures.
func pureSnapshots(fs []scFixture, p survey.Period, cat *survey.Catalog, w scoring.Weights) map[string]scoring.IKMResult {
	bySvc := map[string][]scoring.Respondent{}
	for _, f := range fs {
		if !f.submitted || !p.Contains(f.at) {
			continue
		}
		r := scoring.Respondent{}
		for e, v := range f.answers {
			if !math.IsNaN(v) {
				r[e] = int(v)
			}
		}
		bySvc[f.service] = append(bySvc[f.service], r)
	}
	out := map[string]scoring.IKMResult{}
	var opds []scoring.IKMResult
	for _, o := range cat.OPDs {
		var all []scoring.Respondent
		for _, s := range o.Services {
			if rs := bySvc[s.Code]; len(rs) > 0 {
				out["service/"+s.Code] = scoring.IKMFromAnswers(rs, w, 0)
				all = append(all, rs...)
			}
		}
		if len(all) > 0 {
			res := scoring.IKMFromAnswers(all, w, 0)
			out["opd/"+o.Code] = res
			opds = append(opds, res)
		}
	}
	if city := scoring.CityIKM(opds); city.Valid {
		out["city/"] = scoring.IKMResult{Valid: true, Value: city.Value, N: city.N, Lowest: city.Pooled.Lowest}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

func TestSQLPathMatchesPureIKM(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 6, 20, 0, 0, 0, 0, loc)
	fixtures := scGenerate(42, 160, from, 120*24*time.Hour)
	unequal := scoring.Weights{{Element: "waktu", Value: 0.3}, {Element: "biaya", Value: 0.2},
		{Element: "persyaratan", Value: 0.25}, {Element: "pengaduan", Value: 0.25}}
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		scInsert(t, st, fixtures)
		for _, tc := range []struct {
			name string
			w    scoring.Weights
		}{{"equal weights", scoring.DefaultWeights()}, {"unequal weights", unequal}} {
			t.Run(tc.name, func(t *testing.T) {
				rc := &scoring.Recomputer{Source: st, Catalog: scCatalog(), Weights: tc.w, Location: loc}
				kinds := []survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}
				res, err := rc.Full(context.Background(), kinds, from, from.Add(120*24*time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				checkAgainstPure(t, res, fixtures, tc.w)
			})
		}
	})
}

// checkAgainstPure compares every snapshot of res, and the set of scopes,
// with the pure computation over the fixtures.
func checkAgainstPure(t *testing.T, res scoring.RecomputeResult, fixtures []scFixture, w scoring.Weights) {
	t.Helper()
	got := map[string]map[string]scoring.Snapshot{}
	for _, s := range res.Snapshots {
		id := string(s.Period.Kind) + "/" + s.Period.Key()
		if got[id] == nil {
			got[id] = map[string]scoring.Snapshot{}
		}
		got[id][string(s.Scope)+"/"+s.ScopeCode] = s
	}
	checked := 0
	for _, p := range res.Complete {
		id := string(p.Kind) + "/" + p.Key()
		want := pureSnapshots(fixtures, p, scCatalog(), w)
		if len(got[id]) != len(want) {
			t.Errorf("%s: %d snapshots, want %d", id, len(got[id]), len(want))
		}
		for scope, exp := range want {
			s, ok := got[id][scope]
			switch {
			case !ok:
				t.Errorf("%s %s: missing snapshot", id, scope)
			case !s.Valid || !near(s.Value, exp.Value) || s.N != exp.N:
				t.Errorf("%s %s: IKM %v (n %d, valid %v), pure %v (n %d)", id, scope, s.Value, s.N, s.Valid, exp.Value, exp.N)
			case s.Details.Lowest != exp.Lowest.Key:
				t.Errorf("%s %s: lowest %q, pure %q", id, scope, s.Details.Lowest, exp.Lowest.Key)
			case scope != "city/" && (s.HasCI != exp.HasCI || !near(s.CILow, exp.CILow) || !near(s.CIHigh, exp.CIHigh)):
				t.Errorf("%s %s: CI [%v, %v], pure [%v, %v]", id, scope, s.CILow, s.CIHigh, exp.CILow, exp.CIHigh)
			}
			for i, e := range exp.Elements {
				if scope != "city/" && (s.Details.Elements[i].Count != e.Count || !near(s.Details.Elements[i].NRR, e.NRR)) {
					t.Errorf("%s %s %s: NRR %v/%d, pure %v/%d", id, scope, e.Key,
						s.Details.Elements[i].NRR, s.Details.Elements[i].Count, e.NRR, e.Count)
				}
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d figures compared: fixture too thin", checked)
	}
}

func TestCommitScoresOncePerJobPeriodAndIdempotent(t *testing.T) {
	loc := time.UTC
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	fixtures := scGenerate(9, 40, from, 60*24*time.Hour)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		scInsert(t, st, fixtures)
		rc := &scoring.Recomputer{Source: st, Catalog: scCatalog(), Location: loc}
		kinds := []survey.PeriodKind{survey.PeriodMonth, survey.PeriodQuarter}
		res, err := rc.Full(ctx, kinds, from, from.Add(60*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		run := storage.JobRun{Job: "test", PeriodKey: "a", StartedAt: from, FinishedAt: from}
		n, err := st.CommitScores(ctx, run, res)
		if err != nil || n != len(res.Snapshots) || n == 0 {
			t.Fatalf("first commit: %d written of %d, %v", n, len(res.Snapshots), err)
		}
		if _, err := st.CommitScores(ctx, run, res); !errors.Is(err, storage.ErrJobDone) {
			t.Fatalf("same job and period again: %v, want ErrJobDone", err)
		}
		run.PeriodKey, run.StartedAt = "b", from.Add(time.Hour)
		if n, err := st.CommitScores(ctx, run, res); err != nil || n != 0 {
			t.Fatalf("recommit of unchanged figures: %d written, %v; want 0", n, err)
		}
		p := survey.PeriodOf(survey.PeriodQuarter, from, loc)
		rows, err := st.Snapshots(ctx, scoring.IndexIKM, p)
		if err != nil || len(rows) == 0 {
			t.Fatalf("Snapshots: %d rows, %v", len(rows), err)
		}
		for _, r := range rows {
			if !r.ComputedAt.Equal(from) {
				t.Errorf("%s/%s rewritten at %v", r.ScopeKind, r.ScopeCode, r.ComputedAt)
			}
			back, err := r.Snapshot(loc)
			if err != nil {
				t.Fatal(err)
			}
			if !hasSame(res.Snapshots, back) {
				t.Errorf("%s/%s does not read back as written", r.ScopeKind, r.ScopeCode)
			}
		}
	})
}

func hasSame(snaps []scoring.Snapshot, s scoring.Snapshot) bool {
	for _, x := range snaps {
		if x.Scope == s.Scope && x.ScopeCode == s.ScopeCode && x.Period == s.Period {
			return scoring.SameFigure(x, s, 0)
		}
	}
	return false
}

func TestStaleSnapshotsClearedOnFullRecompute(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		from := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
		p := survey.PeriodOf(survey.PeriodMonth, from, time.UTC)
		old := scoring.Snapshot{Index: scoring.IndexIKM, Scope: scoring.ScopeService, ScopeCode: "gone",
			Period: p, Valid: true, Value: 80, N: 3}
		_, err := st.CommitScores(ctx, storage.JobRun{Job: "test", PeriodKey: "1", StartedAt: from, FinishedAt: from},
			scoring.RecomputeResult{Snapshots: []scoring.Snapshot{old}})
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CommitScores(ctx, storage.JobRun{Job: "test", PeriodKey: "2", StartedAt: from.Add(time.Hour), FinishedAt: from},
			scoring.RecomputeResult{Complete: []survey.Period{p}})
		if err != nil || n != 1 {
			t.Fatalf("clearing commit: %d written, %v", n, err)
		}
		rows, err := st.Snapshots(ctx, scoring.IndexIKM, p)
		if err != nil || len(rows) != 1 || rows[0].Value != nil || rows[0].N != 0 {
			t.Fatalf("after a full recompute without data: %+v, %v; want one row with no figure", rows, err)
		}
	})
}

func TestResponseScoresFallsBackWhenPackingFails(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		at := time.Date(2026, 11, 2, 3, 4, 5, 6e6, time.UTC)
		insert := func(key string, changes ...survey.Change) {
			t.Helper()
			r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: key, SurveyID: "skm", SurveyVersion: "1",
				ServiceCode: "ktp", PeriodKey: "p", At: at})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, at) }); err != nil {
				t.Fatal(err)
			}
			if err := st.Submit(ctx, r.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		ans := func(q, e string, s float64) survey.Change {
			return survey.Change{Question: q, Element: e, Answer: survey.Answer{Value: fmt.Sprint(s), Score: ptr(s)}}
		}
		elements := []string{"persyaratan", "waktu", "biaya"}
		insert("a", ans("q1", "persyaratan", 3), ans("q2", "waktu", 4), ans("q3", "biaya", 9))
		for _, tc := range []struct {
			name string
			add  []survey.Change
			want [][]scoring.ElementAgg
		}{
			{"packed", nil, [][]scoring.ElementAgg{{{Sum: 3, Count: 1}, {Sum: 4, Count: 1}, {}}}},
			{"element answered twice", []survey.Change{ans("q1", "waktu", 3), ans("q2", "waktu", 4)},
				[][]scoring.ElementAgg{{{Sum: 3, Count: 1}, {Sum: 4, Count: 1}, {}}, {{}, {Sum: 7, Count: 2}, {}}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.add != nil {
					insert("b", tc.add...)
				}
				got, err := st.ResponseScores(ctx, at, at.Add(time.Second), elements, nil)
				if err != nil || len(got) != len(tc.want) {
					t.Fatalf("ResponseScores: %+v, %v; want %d rows", got, err, len(tc.want))
				}
				for i, w := range tc.want {
					if fmt.Sprint(got[i].Elements) != fmt.Sprint(w) || !got[i].SubmittedAt.Equal(at) || got[i].Service != "ktp" {
						t.Errorf("row %d: %+v, want elements %v at %v", i, got[i], w, at)
					}
				}
			})
		}
	})
}
