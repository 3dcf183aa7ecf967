package scoring

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// memIndexSource serves summaries from memory (the Go side of a full
// recompute, without a database).
type memIndexSource struct {
	rows   []ResponseSummary
	starts []Start
}

func (m memIndexSource) EachResponseSummary(_ context.Context, _, _ time.Time, _, _, _ []string, fn func(*ResponseSummary) error) error {
	for i := range m.rows {
		if err := fn(&m.rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m memIndexSource) UnsubmittedStarts(context.Context, time.Time, time.Time, []string) ([]Start, error) {
	return m.starts, nil
}

func (memIndexSource) StoredIndexAggs(context.Context, survey.Period, []string) (map[string]map[string]IndexAgg, error) {
	return nil, nil
}

// memSummaries makes a year of visits like the storage benchmark's: skm
// for each, layanan-digital for half, asn for one in 20.
func memSummaries(cat *survey.Catalog, from time.Time, visits int) []ResponseSummary {
	rng := rand.New(rand.NewPCG(1, 2))
	svcs := cat.Services()
	var out []ResponseSummary
	for i := range visits {
		at := from.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		svc := svcs[rng.IntN(len(svcs))].Code
		skm := ResponseSummary{Survey: SurveySKM, ResponseScore: ResponseScore{ResponseID: int64(len(out)), Service: svc, SubmittedAt: at,
			Elements: make([]ElementAgg, 9)}, Facts: Facts{{Element: ElemProfilUsia, Value: "26_35"}, {Element: ElemProfilDisabil, Value: "tidak"}}}
		for j := range skm.Elements {
			skm.Elements[j] = ElementAgg{Sum: float64(1 + rng.IntN(4)), Count: 1}
		}
		out = append(out, skm)
		if i%2 == 0 {
			fs := Facts{{Element: ElemFrekuensi, Value: strconv.Itoa(1 + rng.IntN(5))}, {Element: ElemTahuOnline, Value: "ya"},
				{Element: ElemKanal, Value: "online"}, {Element: ElemMenitHemat, Value: strconv.Itoa(rng.IntN(240))},
				{Element: ElemRupiahHemat, Value: strconv.Itoa(rng.IntN(50) * 5000)}, {Element: ElemKunjungan, Value: "1"},
				{Element: ElemCSAT, Value: "4"}, {Element: ElemCES, Value: "6"}, {Element: ElemNPS, Value: "9"},
				{Element: "nkp.manfaat.waktu", Value: "4"}, {Element: "nkp.biaya.usaha", Value: "2"}}
			for _, j := range rng.Perm(8)[:4] {
				fs = append(fs, Fact{Element: PrefixDampak + ImpactItems()[j], Value: strconv.Itoa(1 + rng.IntN(5))})
			}
			out = append(out, ResponseSummary{Survey: "layanan-digital", Facts: fs,
				ResponseScore: ResponseScore{ResponseID: int64(len(out)), Service: svc, SubmittedAt: at, Elements: make([]ElementAgg, 9)}})
		}
		if i%20 == 0 {
			o := cat.OPDs[rng.IntN(len(cat.OPDs))].Code
			out = append(out, ResponseSummary{Survey: "asn", Official: true, OPD: o, Facts: Facts{
				{Element: PrefixASNFrek + "srikandi", Value: "5"}, {Element: ElemASNPorsi, Value: "60"},
				{Element: ElemASNKendala, Value: "internet anggaran"}, {Element: ElemASNJamHemat, Value: "2"}},
				ResponseScore: ResponseScore{ResponseID: int64(len(out)), SubmittedAt: at, Elements: make([]ElementAgg, 9)}})
		}
	}
	return out
}

// BenchmarkFullIndicesGoSide measures the Go side of a full recompute of
// every index over about 60,000 visits (the storage benchmark's volume),
// the rows already read.
func BenchmarkFullIndicesGoSide(b *testing.B) {
	cat := &survey.Catalog{}
	for o := range 8 {
		opd := survey.OPD{Code: fmt.Sprintf("opd%02d", o)}
		for s := range 5 {
			opd.Services = append(opd.Services, survey.Service{Code: fmt.Sprintf("svc%02d_%d", o, s), OPDCode: opd.Code})
		}
		cat.OPDs = append(cat.OPDs, opd)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	to := time.Date(2026, 11, 27, 12, 0, 0, 0, loc)
	from := to.AddDate(-1, 0, 0)
	src := memIndexSource{rows: memSummaries(cat, from, 60_000)}
	rc := &Recomputer{Indices: src, Catalog: cat, Location: loc}
	kinds := []survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rc.Full(context.Background(), kinds, from, to); err != nil {
			b.Fatal(err)
		}
	}
}
