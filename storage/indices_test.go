package storage_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// ixWant is one expected snapshot: hand-computed value (NaN: suppressed)
// and n, and the same figure from the pure functions.
type ixWant struct {
	scope, key string
	value      float64
	n          int
	band       string
	pure       float64
}

var sup = math.NaN()

// Hand computations (quarter 2026-Q4; a1 unless stated; see ixFixture):
//   - pemanfaatan: f = 1,3,5,2,4,5,3 → (f−1)/4×100 = 0,50,100,25,75,100,50 → 400/7.
//     OPD a adds R8 (f = 5 → 100): 500/8 = 62,5.
//   - awareness gap: 1 of 7 did not know (R4) → 100/7. Online choice: 5 online
//     (R1, R2, R5, R6, R7) of 6 aware → 500/6.
//   - dampak, per respondent over the items asked and answered (tt left out):
//     R1 (5,4,3) → 4 → 75; R2 (4,2) → 3 → 50; R5 (5,5,4,4,5) → 4,6 → 90;
//     R6 (2,3,1,4) → 2,5 → 37,5; R7 (5,4,3) → 4 → 75; mean 327,5/5 = 65,5 (Tinggi).
//     OPD a adds R8 (4 → 75): 402,5/6.
//   - efisiensi: R1 5 → 100; R2 4 → 75; R5 5 → 100; R6 (2,3) → 37,5; R7 3 → 50:
//     362,5/5 = 72,5. transparansi n = 4, integritas n = 3, kepercayaan n = 2:
//     suppressed.
//   - minutes saved: 4 values (R6 skipped): suppressed. rupiah: 0, 5000, 10000,
//     20000, 1000000 → p95 is the largest, winsorising changes nothing; median 10000.
//     visits 0,1,2,3,0,1,0 → 1.
//   - CSAT: 5 of 7 answer 4–5 → 500/7; OPD a adds R8's 1: 500/8. CES 7,5,4,6,6,7
//     (R4 skipped) → 35/6. NPS 10,8,5,9,10: 3 promoters, 1 detractor → 40.
//   - NKP: manfaat items waktu (5,3) 4, kemudahan (4,5) 4,5, informasi (4,2) 3 →
//     nk 11,5/3; biaya usaha (2,4) 3, kuota (3,5) 4, risiko (1,2) 1,5 → nb 8,5/3;
//     NKP 1 (Baik), n 5.
//   - completion: 12 submitted (7 digital, 5 skm) of 14 started → 1200/14; OPD a 13/15.
//   - vulnerable: S1 (60+) and S2 (disability) of 5 → 40.
//   - item non-response: pengaduan skipped by S3, sarana not answered by S4:
//     1 of 5 each; kepuasan.ces skipped 1 of 7 asked; menit_hemat 1 of 5 asked.
//   - officials of OPD a: SRIKANDI weekly (4–5) 3 of 5 → 60; SIPD rated by 4:
//     suppressed; porsi 80,50,100,20,70 → 64; kendala internet named by 3 of 5
//     → 60; hours 0,5 1,5 2 3 4 → median 2; asn.dampak n = 3: suppressed.
func ixWants() []ixWant {
	d := []map[string]int{
		{"hemat_waktu": 5, "transparansi": 4, "integritas": 3},
		{"hemat_biaya": 4, "kepercayaan": 2, "bermanfaat": scoring.DontKnow},
		{"kurang_kunjungan": 5, "kepastian_waktu": 5, "integritas": 4, "kepercayaan": 4, "bermanfaat": 5},
		{"hemat_waktu": 2, "kurang_kunjungan": 3, "transparansi": 1, "bermanfaat": 4},
		{"integritas": 5, "kepastian_waktu": 4, "hemat_biaya": 3},
	}
	dampak := scoring.IndeksDampak(d)
	nkp := scoring.NKP([]map[string]int{{"mw": 5, "bu": 2}, {"mk": 4, "bk": 3}, {"mw": 3, "mi": 4, "br": 1},
		{"mi": 2, "bu": 4, "bk": 5}, {"mk": 5, "br": 2}}, []string{"mw", "mk", "mi"}, []string{"bu", "bk", "br"})
	yes, no := scoring.ChannelAnswer{Aware: true, UsedOnline: true}, scoring.ChannelAnswer{Aware: true}
	ch := []scoring.ChannelAnswer{yes, yes, no, {}, yes, yes, yes}
	q := scoring.QuantifiedImpact([]float64{30, 60, 90, 15}, []float64{10000, 20000, 1000000, 0, 5000}, []float64{0, 1, 2, 3, 0, 1, 0})
	usage := scoring.InternalUsage([]map[string]int{{"srikandi": 5, "sipd": 2}, {"srikandi": 4, "sipd": 4},
		{"srikandi": 3, "sipd": 1}, {"srikandi": 1}, {"srikandi": 5, "sipd": 5}})
	kendala := scoring.RankObstacles([][]string{{"internet", "anggaran"}, {"internet"}, {"lainnya"}, {"perangkat", "internet"}, {"anggaran"}})
	vuln := scoring.VulnerableCoverage([]scoring.Vulnerability{{Aged60Plus: true}, {Disability: true}, {}, {}, {}})
	return []ixWant{
		{"service/a1", "pemanfaatan", 400.0 / 7, 7, "Sedang", scoring.IndeksPemanfaatan([]int{1, 3, 5, 2, 4, 5, 3}).Value},
		{"service/a1", "awareness_gap", 100.0 / 7, 7, "", scoring.OnlineChoice(ch).AwarenessGap.Value},
		{"service/a1", "online_choice", 500.0 / 6, 6, "", scoring.OnlineChoice(ch).OnlineChoice.Value},
		{"service/a1", "dampak", 65.5, 5, "Tinggi", dampak.Index.Value},
		{"service/a1", "dampak.efisiensi", 72.5, 5, "Tinggi", dampak.Efisiensi.Value},
		{"service/a1", "dampak.transparansi", sup, 4, "", sup},
		{"service/a1", "dampak.integritas", sup, 3, "", sup},
		{"service/a1", "dampak.kepercayaan", sup, 2, "", sup},
		{"service/a1", "dampak.menit_hemat", sup, 4, "", sup},
		{"service/a1", "dampak.rupiah_hemat", 10000, 5, "", q.RupiahSaved.Value},
		{"service/a1", "dampak.kunjungan", 1, 7, "", q.OfficeVisits.Value},
		{"service/a1", "csat", 500.0 / 7, 7, "", scoring.CSAT([]int{5, 4, 3, 2, 5, 4, 5}).Value},
		{"service/a1", "ces", 35.0 / 6, 6, "", scoring.CES([]int{7, 5, 4, 6, 6, 7}).Value},
		{"service/a1", "nps", 40, 5, "", scoring.NPS([]int{10, 8, 5, 9, 10}).Value},
		{"service/a1", "nkp", 1, 5, "Baik", nkp.Value},
		{"service/a1", "completion_rate", 1200.0 / 14, 14, "", scoring.CompletionRate(12, 14).Value},
		{"service/a1", "vulnerable_share", 40, 5, "", vuln.Value},
		{"service/a1", "item_nonresponse.pengaduan", 20, 5, "", scoring.ItemNonResponse(5, map[string]int{"pengaduan": 4}, []string{"pengaduan"})[0].Missing.Value},
		{"service/a1", "item_nonresponse.sarana", 20, 5, "", 20},
		{"service/a1", "item_nonresponse.waktu", 0, 5, "", 0},
		{"service/a1", "item_nonresponse.kepuasan.ces", 100.0 / 7, 7, "", 100.0 / 7},
		{"service/a1", "item_nonresponse.dampak.menit_hemat", 20, 5, "", 20},
		{"service/a1", "item_nonresponse.dampak.bermanfaat", sup, 3, "", sup},
		{"service/a2", "dampak", sup, 1, "", sup},
		{"opd/a", "pemanfaatan", 62.5, 8, "Tinggi", scoring.IndeksPemanfaatan([]int{1, 3, 5, 2, 4, 5, 3, 5}).Value},
		{"opd/a", "dampak", 402.5 / 6, 6, "Tinggi", scoring.IndeksDampak(append(d, map[string]int{"hemat_waktu": 4})).Index.Value},
		{"opd/a", "csat", 62.5, 8, "", scoring.CSAT([]int{5, 4, 3, 2, 5, 4, 5, 1}).Value},
		{"opd/a", "completion_rate", 1300.0 / 15, 15, "", scoring.CompletionRate(13, 15).Value},
		{"opd/a", "asn.weekly_use.srikandi", 60, 5, "", usage[0].Weekly.Value},
		{"opd/a", "asn.weekly_use.sipd", sup, 4, "", sup},
		{"opd/a", "asn.porsi_digital", 64, 5, "", scoring.DigitalWorkShare([]float64{80, 50, 100, 20, 70}).Value},
		{"opd/a", "asn.kendala", 60, 5, "", kendala[0].Share.Value},
		{"opd/a", "asn.jam_hemat", 2, 5, "", scoring.MedianOf([]float64{2, 1.5, 4, 0.5, 3}).Value},
		{"opd/a", "asn.dampak", sup, 3, "", sup},
		{"city/", "pemanfaatan", 62.5, 8, "Tinggi", 62.5},
		{"city/", "asn.porsi_digital", 64, 5, "", 64},
	}
}

func ixRecomputer(st *storage.Store, loc *time.Location) *scoring.Recomputer {
	return &scoring.Recomputer{Source: st, Indices: st, Catalog: ixCatalog(), Location: loc}
}

// ixCheck checks a snapshot against the hand value and the pure function.
func ixCheck(t *testing.T, got scoring.Snapshot, ok bool, w ixWant) {
	t.Helper()
	if !ok {
		t.Errorf("%s %s: no snapshot", w.scope, w.key)
		return
	}
	if math.IsNaN(w.value) {
		if got.Valid || got.Status != scoring.StatusSuppressed || got.N != w.n {
			t.Errorf("%s %s: valid %v value %v status %q n %d; want suppressed, n %d", w.scope, w.key, got.Valid, got.Value, got.Status, got.N, w.n)
		}
		return
	}
	if !got.Valid || math.Abs(got.Value-w.value) > 1e-9 || got.N != w.n || got.Band != w.band || math.Abs(w.pure-w.value) > 1e-9 {
		t.Errorf("%s %s: valid %v value %.12g n %d band %q; want %.12g n %d band %q (pure functions: %.12g)",
			w.scope, w.key, got.Valid, got.Value, got.N, got.Band, w.value, w.n, w.band, w.pure)
	}
}

func TestIndicesHandComputed(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, loc)
	q := survey.PeriodOf(survey.PeriodQuarter, at, loc)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		ixInsert(t, st, ixFixture, at)
		rc := ixRecomputer(st, loc)
		res, err := rc.Full(ctx, []survey.PeriodKind{survey.PeriodQuarter}, q.Start, q.End)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]scoring.Snapshot{}
		for _, s := range res.Snapshots {
			got[string(s.Scope)+"/"+s.ScopeCode+" "+s.Index] = s
			if s.Index != scoring.IndexNonResponse {
				continue
			}
			for el, f := range scoring.NonResponseOf(*s.Details.Agg) { // one snapshot, per element in its details
				e := scoring.Snapshot{Valid: f.N >= scoring.MinReportN, Value: f.Value, N: f.N}
				if !e.Valid {
					e.Status = scoring.StatusSuppressed
				}
				got[string(s.Scope)+"/"+s.ScopeCode+" item_nonresponse."+el] = e
			}
		}
		if r := got["service/a1 item_nonresponse"]; !r.Valid || r.Value != 20 || r.Details.Ranked[0].Key != "dampak.menit_hemat" {
			t.Errorf("item_nonresponse of a1: %+v, want the highest share 20 (dampak.menit_hemat first by key)", r)
		}
		for _, w := range ixWants() {
			s, ok := got[w.scope+" "+w.key]
			ixCheck(t, s, ok, w)
		}
		if _, ok := got["service/a1 digital_takeup"]; ok {
			t.Error("digital take-up stored while officials report no counts")
		}
		if r := got["opd/a asn.kendala"].Details.Ranked; len(r) != 4 || r[0].Key != "internet" || r[1].Key != "anggaran" || r[2].Key != "lainnya" {
			t.Errorf("kendala ranked %+v, want internet, anggaran, lainnya, perangkat", r)
		}
		// Stored: suppressed figures have no value.
		sc := &jobs.Scorer{Store: st, Recomputer: rc, Now: func() time.Time { return at.Add(time.Hour) }}
		if _, err := sc.Recompute(ctx, []survey.PeriodKind{survey.PeriodQuarter}, q.Start, q.End); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"dampak", "dampak.transparansi"} {
			rows, err := st.Snapshots(ctx, key, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.ScopeKind == "service" && r.ScopeCode == "a1" && (r.Value == nil) != (key == "dampak.transparansi") {
					t.Errorf("stored %s of a1: value %v status %q", key, r.Value, r.Status)
				}
			}
		}
	})
}

// TestIndicesIncrementalMatchesFull: after a full run, new submissions on
// some services and an OPD's officials are recomputed incrementally; every
// stored index figure of the touched periods equals a full recompute's.
func TestIndicesIncrementalMatchesFull(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, loc)
	later := at.AddDate(0, 0, 1)
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		ixInsert(t, st, ixFixture, at)
		ixInsert(t, st, []ixResponse{{"layanan-digital", "b1", true, "pemanfaatan.frekuensi=2 kepuasan.csat=5"},
			{"asn", "b", true, "asn.frekuensi.srikandi=5 asn.porsi_digital=10"}}, at) // OPD b: untouched later
		clk := at.Add(time.Hour)
		rc := ixRecomputer(st, loc)
		sc := &jobs.Scorer{Store: st, Recomputer: rc, Now: func() time.Time { return clk }}
		if _, err := sc.Recompute(ctx, jobs.AllKinds(), time.Time{}, clk); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.Incremental(ctx); err != nil {
			t.Fatal(err)
		}
		ixInsert(t, st, []ixResponse{ixFixture[0], ixFixture[9], ixFixture[15]}, later)
		clk = later.Add(time.Hour)
		run, err := sc.Incremental(ctx)
		if err != nil || run.Touched == 0 || run.Written == 0 {
			t.Fatalf("incremental: %+v, %v", run, err)
		}
		full, err := rc.Full(ctx, jobs.AllKinds(), at.AddDate(-1, 0, 0), clk)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, want := range full.Snapshots {
			if want.Index == scoring.IndexIKM || !want.Period.Contains(later) {
				continue
			}
			rows, err := st.Snapshots(ctx, want.Index, want.Period)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range rows {
				if r.ScopeKind != string(want.Scope) || r.ScopeCode != want.ScopeCode {
					continue
				}
				found = true
				got, err := r.Snapshot(loc)
				if err != nil || got.Valid != want.Valid || got.N != want.N || got.Status != want.Status || math.Abs(got.Value-want.Value) > 1e-9 {
					t.Errorf("%s %s %s/%s: stored valid %v %v n %d %q, full valid %v %v n %d %q", want.Period.Key(), want.Index, want.Scope,
						want.ScopeCode, got.Valid, got.Value, got.N, got.Status, want.Valid, want.Value, want.N, want.Status)
				}
			}
			if !found {
				t.Errorf("%s %s %s/%s: not stored", want.Period.Key(), want.Index, want.Scope, want.ScopeCode)
			}
			checked++
		}
		if checked < 100 {
			t.Errorf("only %d figures compared", checked)
		}
	})
}
