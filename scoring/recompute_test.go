package scoring_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// fakeSource serves responses from memory and stored aggregates from a map
// (period id → service → aggregates).
type fakeSource struct {
	rows   []scoring.ResponseScore
	stored map[string]map[string]scoring.IKMAggregates
	reads  int // answers read
}

func (f *fakeSource) ResponseScores(_ context.Context, from, to time.Time, elements, services []string) ([]scoring.ResponseScore, error) {
	var out []scoring.ResponseScore
	for _, r := range f.rows {
		if r.SubmittedAt.Before(from) || !r.SubmittedAt.Before(to) {
			continue
		}
		if services != nil && !contains(services, r.Service) {
			continue
		}
		out = append(out, r)
	}
	f.reads += len(out)
	return out, nil
}

func (f *fakeSource) StoredAggregates(_ context.Context, _ string, p survey.Period, _ []string) (map[string]scoring.IKMAggregates, error) {
	out := map[string]scoring.IKMAggregates{}
	for k, v := range f.stored[string(p.Kind)+"/"+p.Key()] {
		out[k] = v
	}
	return out, nil
}

func (f *fakeSource) StoredAggregatesIn(ctx context.Context, index string, kind survey.PeriodKind, from, to time.Time,
	services []string) (map[int64]map[string]scoring.IKMAggregates, error) {
	out := map[int64]map[string]scoring.IKMAggregates{}
	for p := survey.PeriodOf(kind, from, from.Location()); p.Start.Before(to); p = p.Next() {
		m, err := f.StoredAggregates(ctx, index, p, services)
		if err != nil {
			return nil, err
		}
		out[p.Start.UnixMilli()] = m
	}
	return out, nil
}

// store keeps a result's service aggregates, as storage would.
func (f *fakeSource) store(res scoring.RecomputeResult) {
	for _, s := range res.Snapshots {
		if s.Scope != scoring.ScopeService || !s.Valid {
			continue
		}
		id := string(s.Period.Kind) + "/" + s.Period.Key()
		if f.stored[id] == nil {
			f.stored[id] = map[string]scoring.IKMAggregates{}
		}
		f.stored[id][s.ScopeCode] = s.Details.Aggregates()
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// resp is a response answering all nine unsur with score s.
func resp(id int64, svc string, at time.Time, s float64) scoring.ResponseScore {
	els := make([]scoring.ElementAgg, 9)
	for i := range els {
		els[i] = scoring.ElementAgg{Sum: s, Count: 1}
	}
	return scoring.ResponseScore{ResponseID: id, Service: svc, SubmittedAt: at, Elements: els}
}

func catalog() *survey.Catalog {
	return &survey.Catalog{OPDs: []survey.OPD{
		{Code: "a", Services: []survey.Service{{Code: "a1"}, {Code: "a2"}}},
		{Code: "b", Services: []survey.Service{{Code: "b1"}}},
	}}
}

func bySnapshot(res scoring.RecomputeResult) map[string]scoring.Snapshot {
	out := map[string]scoring.Snapshot{}
	for _, s := range res.Snapshots {
		out[string(s.Period.Kind)+"/"+s.Period.Key()+"/"+string(s.Scope)+"/"+s.ScopeCode] = s
	}
	return out
}

func TestRecomputerFullScopes(t *testing.T) {
	loc := time.UTC
	day := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	src := &fakeSource{rows: []scoring.ResponseScore{
		resp(1, "a1", day, 4), resp(2, "a1", day, 3), resp(3, "a2", day, 2), resp(4, "b1", day, 1),
		resp(5, "zz", day, 4), // not in the catalog: its own figure, no OPD, not in the city
	}}
	rc := &scoring.Recomputer{Source: src, Catalog: catalog(), Location: loc}
	res, err := rc.Full(context.Background(), []survey.PeriodKind{survey.PeriodWeek}, day, day.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := bySnapshot(res)
	for _, tc := range []struct {
		key  string
		ikm  float64
		n    int
		mutu scoring.Mutu
	}{
		{"week/2026-W48/service/a1", 87.5, 2, scoring.MutuB},
		{"week/2026-W48/service/a2", 50, 1, scoring.MutuD},
		{"week/2026-W48/service/zz", 100, 1, scoring.MutuA},
		{"week/2026-W48/opd/a", 75, 3, scoring.MutuC},
		{"week/2026-W48/opd/b", 25, 1, scoring.MutuD},
		{"week/2026-W48/city/", 50, 4, scoring.MutuD}, // mean of 75 and 25; n pooled
	} {
		t.Run(tc.key, func(t *testing.T) {
			s, ok := got[tc.key]
			if !ok || !s.Valid || math.Abs(s.Value-tc.ikm) > 1e-9 || s.N != tc.n || s.Mutu != tc.mutu {
				t.Fatalf("%+v (found %v), want IKM %v n %d mutu %s", s, ok, tc.ikm, tc.n, tc.mutu)
			}
		})
	}
	city := got["week/2026-W48/city/"]
	if city.Details.City == nil || city.Details.City.OPDs != 2 || math.Abs(city.Details.City.PooledValue-62.5) > 1e-9 {
		t.Errorf("city details %+v, want 2 OPDs and pooled 62.5", city.Details.City)
	}
	if len(res.Snapshots) != 7 || len(res.Complete) != 1 { // 4 services, 2 OPDs, the city
		t.Errorf("%d snapshots over %d periods, want 7 over 1", len(res.Snapshots), len(res.Complete))
	}
}

func TestRecomputerIncrementalMatchesFull(t *testing.T) {
	loc := time.UTC
	oct := time.Date(2026, 10, 10, 8, 0, 0, 0, loc)
	nov := time.Date(2026, 11, 25, 8, 0, 0, 0, loc)
	src := &fakeSource{stored: map[string]map[string]scoring.IKMAggregates{},
		rows: []scoring.ResponseScore{resp(1, "a1", oct, 4), resp(2, "a2", oct, 3), resp(3, "b1", nov, 2)}}
	rc := &scoring.Recomputer{Source: src, Catalog: catalog(), Location: loc}
	ctx := context.Background()
	kinds := []survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}
	first, err := rc.Full(ctx, kinds, oct, nov.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	src.store(first)
	src.rows = append(src.rows, resp(4, "a1", nov, 1))
	src.reads = 0
	inc, err := rc.Incremental(ctx, kinds, []scoring.Touch{{Service: "a1", At: nov}})
	if err != nil {
		t.Fatal(err)
	}
	if src.reads != 1 {
		t.Errorf("incremental read %d responses, want only the touched service's November one", src.reads)
	}
	full, err := rc.Full(ctx, kinds, oct, nov.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want, got := bySnapshot(full), bySnapshot(inc)
	for _, key := range []string{"week/2026-W48/service/a1", "month/2026-11/service/a1", "quarter/2026-Q4/service/a1",
		"year/2026/service/a1", "quarter/2026-Q4/opd/a", "quarter/2026-Q4/city/", "year/2026/city/"} {
		if g, ok := got[key]; !ok || !scoring.SameFigure(g, want[key], 1e-12) {
			t.Errorf("%s: incremental %+v, full %+v", key, g, want[key])
		}
	}
	for key := range got {
		if strings.HasSuffix(key, "/service/a2") || strings.HasSuffix(key, "/service/b1") || strings.HasSuffix(key, "/opd/b") {
			t.Errorf("untouched scope %s recomputed", key)
		}
	}
}

func TestSameFigure(t *testing.T) {
	base := scoring.Snapshot{Valid: true, Value: 80, N: 3, Mutu: scoring.MutuB, HasCI: true, CILow: 70, CIHigh: 90,
		Details: scoring.SnapshotDetails{Elements: []scoring.ElementDetail{{Key: "waktu", Sum: 9, Count: 3}},
			Respondents: scoring.RespondentAgg{N: 3, SumY: 240, SumY2: 19300}}}
	for _, tc := range []struct {
		name   string
		change func(*scoring.Snapshot)
		same   bool
	}{
		{"identical", func(*scoring.Snapshot) {}, true},
		{"float noise", func(s *scoring.Snapshot) { s.Value += 1e-13 }, true},
		{"value", func(s *scoring.Snapshot) { s.Value += 1e-6 }, false},
		{"n", func(s *scoring.Snapshot) { s.N++ }, false},
		{"no figure", func(s *scoring.Snapshot) { s.Valid = false }, false},
		{"element count", func(s *scoring.Snapshot) {
			s.Details.Elements = []scoring.ElementDetail{{Key: "waktu", Sum: 9, Count: 4}}
		}, false},
		{"respondent sums", func(s *scoring.Snapshot) { s.Details.Respondents.SumY2++ }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.change(&o)
			if got := scoring.SameFigure(base, o, 1e-12); got != tc.same {
				t.Errorf("SameFigure = %v, want %v", got, tc.same)
			}
		})
	}
}

func TestPeriodsOverlappingRange(t *testing.T) {
	rc := &scoring.Recomputer{Location: time.UTC}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // a Thursday in ISO week 1
	ps := rc.Periods([]survey.PeriodKind{survey.PeriodWeek, survey.PeriodQuarter}, from, from.AddDate(0, 0, 14))
	var keys []string
	for _, p := range ps {
		keys = append(keys, p.Key())
	}
	if len(keys) != 4 || keys[0] != "2026-W01" || keys[2] != "2026-W03" || keys[3] != "2026-Q1" {
		t.Errorf("periods %v, want 2026-W01..W03 and 2026-Q1", keys)
	}
}
