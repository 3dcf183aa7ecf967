package report_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/report"
	"github.com/kotasolok/egovpulse/report/reporttest"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/scoring/summary/chart"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
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

// summarizer is the Summarizer of a process on st, its clock at now.
func summarizer(tb testing.TB, st *storage.Store, clk *testkit.Clock, loc *time.Location) *report.Summarizer {
	tb.Helper()
	reg, err := survey.LoadRegistry("")
	if err != nil {
		tb.Fatal(err)
	}
	cat := survey.BuiltinCatalog()
	sc := jobs.NewScorer(st, reg, cat, loc, nil, nil)
	sc.Now = clk.Now
	return &report.Summarizer{Store: st, Catalog: cat, Location: loc, Registry: reg, Now: clk.Now,
		Refresh: func(ctx context.Context) error { _, err := sc.Refresh(ctx); return err }}
}

// snaps reads the stored snapshots of a period by "index|scope|code".
func snaps(tb testing.TB, st *storage.Store, p survey.Period, loc *time.Location) map[string]scoring.Snapshot {
	tb.Helper()
	rows, err := st.PeriodSnapshots(context.Background(), p)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]scoring.Snapshot{}
	for _, r := range rows {
		s, err := r.Snapshot(loc)
		if err != nil {
			tb.Fatal(err)
		}
		out[r.IndexName+"|"+r.ScopeKind+"|"+r.ScopeCode] = s
	}
	return out
}

func TestSummaryFiguresEqualTheSnapshots(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		loc := jakarta(t)
		now := time.Date(2026, 11, 26, 14, 0, 0, 0, loc) // Thursday of 2026-W48, in Q4
		clk := testkit.NewClock(now)
		reporttest.Scenario(t, st, now, loc)
		sz := summarizer(t, st, clk, loc)
		sum, err := sz.Build(context.Background(), summary.Request{})
		if err != nil {
			t.Fatal(err)
		}
		text := summary.Text(sum, survey.LangID)
		q := survey.PeriodOf(survey.PeriodQuarter, now, loc)
		stored := snaps(t, st, q, loc)

		city := stored["ikm|city|"]
		if !city.Valid {
			t.Fatalf("no city IKM stored for %s (the summary should have brought it up to date)", q.Key())
		}
		want := "IKM Triwulan IV 2026 (sejauh ini): " + scoring.FormatNumber(city.Value, 2, "id") + " mutu " + string(city.Mutu)
		mustContain(t, text, want)
		mustContain(t, text, "n "+scoring.FormatNumber(float64(city.N), 0, "id"))
		for _, opd := range []struct{ code, name string }{{"disdukcapil", "Dinas Kependudukan"}, {"dpmptsp", "Penanaman Modal"}} {
			s := stored["ikm|opd|"+opd.code]
			line := lineOf(t, text, opd.name)
			mustContain(t, line, scoring.FormatNumber(s.Value, 2, "id")+" mutu "+string(s.Mutu))
			mustContain(t, line, "n "+scoring.FormatNumber(float64(s.N), 0, "id"))
		}
		// dinkes has 3 respondents: no figure, in the text or the chart.
		dinkes := lineOf(t, text, "Dinas Kesehatan")
		if !strings.HasSuffix(dinkes, ": < 5 responden") {
			t.Errorf("dinkes line = %q, want only \"< 5 responden\"", dinkes)
		}
		// "belajar dari": for the city's weakest unsur, the OPD (n ≥ 5)
		// scoring best on it, found here from the snapshots.
		weak, bestOPD, bestNRR := city.Details.Lowest, "", 0.0
		for k, s := range stored {
			if !strings.HasPrefix(k, "ikm|opd|") || s.N < scoring.MinReportN {
				continue
			}
			for _, e := range s.Details.Elements {
				if e.Key == weak && e.Count >= scoring.MinReportN && e.NRR > bestNRR {
					bestOPD, bestNRR = s.ScopeCode, e.NRR
				}
			}
		}
		o, _ := survey.BuiltinCatalog().OPD(bestOPD)
		mustContain(t, text, "Belajar dari: "+o.Name.In("id")+" untuk unsur "+unsurName(weak)+" (NRR "+scoring.FormatNumber(bestNRR, 2, "id"))
		if weak != "waktu" || bestOPD != "dpmptsp" {
			t.Errorf("weakest unsur %q, best OPD %q; the scenario makes them waktu and dpmptsp", weak, bestOPD)
		}
		mustContain(t, text, "⚠️ Waktu Penyelesaian turun dari 100,00 ke ")
		mustContain(t, text, "ASN: 6 dari 14 pegawai menjawab (42,9 %)")
		mustContain(t, text, "Kendala utama: Anggaran 100,0 %, Internet/jaringan 100,0 %")
		mustContain(t, text, "Per 26 November 2026 14.00 WIB")

		checkChart(t, sum, stored, snaps(t, st, survey.PeriodOf(survey.PeriodWeek, now, loc), loc))
	})
}

// checkChart checks the chart's data against the snapshots, and the PNG's size.
func checkChart(t *testing.T, sum summary.Summary, quarter, week map[string]scoring.Snapshot) {
	t.Helper()
	ser := summary.SeriesOf(sum, "id")
	for _, b := range ser.Bars {
		s, ok := quarter["ikm|opd|"+b.Code]
		switch {
		case ok && s.Valid && s.N >= scoring.MinReportN:
			if !b.Shown || scoring.Round2(b.Value) != scoring.Round2(s.Value) || b.N != s.N {
				t.Errorf("bar %s = %+v, want %.2f with n %d", b.Code, b, s.Value, s.N)
			}
		case b.Shown || b.Value != 0:
			t.Errorf("bar %s = %+v, want no value (n %d)", b.Code, b, s.N)
		}
	}
	if len(ser.Trend) != summary.TrendLen {
		t.Fatalf("trend has %d weeks, want %d", len(ser.Trend), summary.TrendLen)
	}
	last, city := ser.Trend[len(ser.Trend)-1], week["ikm|city|"]
	if !last.Shown || scoring.Round2(last.Value) != scoring.Round2(city.Value) || last.N != city.N || last.Week != "2026-W48" {
		t.Errorf("last trend point = %+v, want 2026-W48 %.2f with n %d", last, city.Value, city.N)
	}
	if p := ser.Trend[len(ser.Trend)-3]; p.Shown || p.N != 0 {
		t.Errorf("trend point of a week without answers = %+v, want none", p)
	}
	data, err := chart.PNG(sum, "id")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != chart.Width || cfg.Height != chart.Height {
		t.Errorf("PNG = %dx%d, %v; want %dx%d", cfg.Width, cfg.Height, err, chart.Width, chart.Height)
	}
}

func TestSummaryReflectsAnswersSubmittedBeforeIt(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		loc := jakarta(t)
		now := time.Date(2026, 11, 26, 14, 0, 0, 0, loc)
		clk := testkit.NewClock(now)
		reporttest.Scenario(t, st, now, loc)
		sz := summarizer(t, st, clk, loc)
		first, err := sz.Build(context.Background(), summary.Request{})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		reporttest.Resident(t, st, "kk", clk.Now().Add(-time.Second), 4, nil)
		second, err := sz.Build(context.Background(), summary.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if first.Responses != 17 || second.Responses != 18 {
			t.Errorf("responses this week = %d, then %d after one more answer; want 17 then 18", first.Responses, second.Responses)
		}
	})
}

func TestSummaryOfAnOPDIsPerService(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		loc := jakarta(t)
		now := time.Date(2026, 11, 26, 14, 0, 0, 0, loc)
		reporttest.Scenario(t, st, now, loc)
		sz := summarizer(t, st, testkit.NewClock(now), loc)
		req, err := sz.Parse([]string{"bulan", "disdukcapil"})
		if err != nil {
			t.Fatal(err)
		}
		text, pngData, err := sz.Render(context.Background(), req, survey.LangEN, true)
		if err != nil {
			t.Fatal(err)
		}
		ktp := snaps(t, st, survey.PeriodOf(survey.PeriodQuarter, now, loc), loc)["ikm|service|ktp"]
		mustContain(t, text, "📊 Summary November 2026 — Population and Civil Registration")
		mustContain(t, text, "By service:")
		mustContain(t, lineOf(t, text, "Electronic ID card"), scoring.FormatNumber(ktp.Value, 2, "en")+" grade "+string(ktp.Mutu))
		mustContain(t, lineOf(t, text, "Family card"), ": no answers yet")
		if len(pngData) == 0 {
			t.Error("no chart")
		}
	})
}

func unsurName(key string) string {
	for _, u := range scoring.Unsur() {
		if u.Key == key {
			return u.Name.In("id")
		}
	}
	return key
}

func mustContain(t *testing.T, text, sub string) {
	t.Helper()
	if !strings.Contains(text, sub) {
		t.Errorf("summary lacks %q:\n%s", sub, text)
	}
}

// lineOf returns the summary's line naming name.
func lineOf(t *testing.T, text, name string) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "• ") && strings.Contains(l, name) {
			return l
		}
	}
	t.Fatalf("no line for %q in:\n%s", name, text)
	return ""
}
