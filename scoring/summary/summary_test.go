package summary_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/scoring/summary/chart"
	"github.com/kotasolok/egovpulse/survey"
)

var jakarta = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

var now = time.Date(2026, 11, 26, 14, 0, 0, 0, jakarta)

func isOPD(code string) bool { return code == "dinkes" || code == "disdukcapil" }

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args    string
		want    summary.Request
		problem string
	}{
		{"", summary.Request{}, ""},
		{"bulan dinkes", summary.Request{Kind: survey.PeriodMonth, OPD: "dinkes"}, ""},
		{"DINKES 2026-q4 Triwulan", summary.Request{Kind: survey.PeriodQuarter, OPD: "dinkes", Key: "2026-Q4"}, ""},
		{"2026-W48", summary.Request{Key: "2026-W48"}, ""},
		{"year 2025", summary.Request{Kind: survey.PeriodYear, Key: "2025"}, ""},
		{"minggu bulan", summary.Request{}, summary.ProblemTwice},
		{"dinkes disdukcapil", summary.Request{}, summary.ProblemTwice},
		{"dishub", summary.Request{}, summary.ProblemUnknown},
		{"2026-13x", summary.Request{}, summary.ProblemUnknown},
	} {
		got, err := summary.ParseArgs(strings.Fields(c.args), isOPD)
		var ae *summary.ArgError
		switch {
		case c.problem == "" && (err != nil || got != c.want):
			t.Errorf("%q = %+v, %v; want %+v", c.args, got, err, c.want)
		case c.problem != "" && (!errors.As(err, &ae) || ae.Problem != c.problem || !errors.Is(err, summary.ErrBadArgs)):
			t.Errorf("%q: err = %v, want problem %s", c.args, err, c.problem)
		}
	}
}

func TestRequestPeriod(t *testing.T) {
	for _, c := range []struct {
		req     summary.Request
		key     string
		problem string
	}{
		{summary.Request{}, "2026-W48", ""},
		{summary.Request{Kind: survey.PeriodMonth}, "2026-11", ""},
		{summary.Request{Key: "2026-Q3"}, "2026-Q3", ""},
		{summary.Request{Kind: survey.PeriodMonth, Key: "2026-Q3"}, "", summary.ProblemMismatch},
		{summary.Request{Key: "2026-12"}, "", summary.ProblemFuture},
		{summary.Request{Key: "2026-W60"}, "", summary.ProblemUnknown},
	} {
		p, err := c.req.Period(now, jakarta)
		var ae *summary.ArgError
		switch {
		case c.problem == "" && (err != nil || p.Key() != c.key):
			t.Errorf("%+v = %s, %v; want %s", c.req, p.Key(), err, c.key)
		case c.problem != "" && (!errors.As(err, &ae) || ae.Problem != c.problem):
			t.Errorf("%+v: err = %v, want %s", c.req, err, c.problem)
		}
	}
	if f := summary.FiguresPeriod(survey.PeriodOf(survey.PeriodWeek, now, jakarta), now); f.Key() != "2026-Q4" {
		t.Errorf("figures of a week = %s, want its quarter", f.Key())
	}
	weeks := summary.TrendWeeks(survey.PeriodOf(survey.PeriodMonth, now, jakarta), now)
	if len(weeks) != 12 || weeks[11].Key() != "2026-W48" || weeks[0].Key() != "2026-W37" {
		t.Errorf("trend weeks of the running month: %s … %s", weeks[0].Key(), weeks[len(weeks)-1].Key())
	}
}

// ikm is an IKM snapshot of a scope with every unsur's NRR base, except
// those in nrr, answered by n respondents.
func ikm(kind scoring.ScopeKind, code string, p survey.Period, n int, base float64, nrr map[string]float64, status scoring.Status, ci float64) scoring.Snapshot {
	s := scoring.Snapshot{Index: scoring.IndexIKM, Scope: kind, ScopeCode: code, Period: p, Valid: true, N: n,
		Status: status, HasCI: ci > 0}
	sum, lo, hi, lowV, highV := 0.0, "", "", 5.0, 0.0
	for _, k := range scoring.UnsurKeys() {
		v := base
		if x, ok := nrr[k]; ok {
			v = x
		}
		sum += v
		s.Details.Elements = append(s.Details.Elements, scoring.ElementDetail{Key: k, Weight: 1.0 / 9, Sum: v * float64(n),
			Count: n, NRR: v, Mutu: scoring.MutuOf(v * 25)})
		if v < lowV {
			lo, lowV = k, v
		}
		if v >= highV {
			hi, highV = k, v
		}
	}
	s.Value = 25 * sum / 9
	s.Mutu = scoring.MutuOf(s.Value)
	s.CILow, s.CIHigh = s.Value-ci, s.Value+ci
	s.Details.Lowest, s.Details.Highest = lo, hi
	return s
}

func units() []summary.Unit {
	return []summary.Unit{
		{Kind: scoring.ScopeOPD, Code: "a", Name: survey.Text{"id": "Dinas A", "en": "Office A"}},
		{Kind: scoring.ScopeOPD, Code: "b", Name: survey.Text{"id": "Dinas B", "en": "Office B"}},
		{Kind: scoring.ScopeOPD, Code: "c", Name: survey.Text{"id": "Dinas C", "en": "Office C"}},
		{Kind: scoring.ScopeOPD, Code: "d", Name: survey.Text{"id": "Dinas D", "en": "Office D"}},
	}
}

// TestComposeSuppressesAndLearnsFromTheBestShownOPD: an OPD of 4
// respondents has no figure (text and chart) and cannot be the one to
// learn from even if it scores best; 5 respondents are shown.
func TestComposeSuppressesAndLearnsFromTheBestShownOPD(t *testing.T) {
	week := survey.PeriodOf(survey.PeriodWeek, now, jakarta)
	q := summary.FiguresPeriod(week, now)
	in := summary.Input{Period: week, Figures: q, AsOf: now, Scope: summary.Unit{Kind: scoring.ScopeCity}, Units: units(),
		Weeks: summary.TrendWeeks(week, now), OverdueFollowUps: 2}
	in.FigureSnaps = []scoring.Snapshot{
		ikm(scoring.ScopeCity, "", q, 1234, 3.5, map[string]float64{"waktu": 2.5}, scoring.StatusMemenuhi, 1),
		ikm(scoring.ScopeOPD, "a", q, 5, 3.5, map[string]float64{"waktu": 2.9}, scoring.StatusSementara, 2),
		ikm(scoring.ScopeOPD, "b", q, 4, 4, nil, scoring.StatusSementara, 2),
		ikm(scoring.ScopeOPD, "c", q, 200, 3.2, map[string]float64{"waktu": 2.9}, scoring.StatusMemenuhi, 2),
	}
	in.Current = []scoring.Snapshot{
		ikm(scoring.ScopeCity, "", week, 20, 3.5, map[string]float64{"waktu": 2.5}, "", 3),
		ikm(scoring.ScopeOPD, "a", week, 5, 3.5, nil, "", 1), ikm(scoring.ScopeOPD, "b", week, 4, 4, nil, "", 1),
		ikm(scoring.ScopeOPD, "c", week, 11, 3.2, nil, "", 1),
	}
	in.Previous = []scoring.Snapshot{ikm(scoring.ScopeCity, "", week.Prev(), 30, 3.5, map[string]float64{"waktu": 3.0}, "", 3)}
	in.WeekSnaps = []scoring.Snapshot{in.Current[0], ikm(scoring.ScopeCity, "", week.Prev(), 3, 3, nil, "", 1)}
	s := summary.Compose(in)
	text := summary.Text(s, "id")
	for _, want := range []string{
		"Respons: 20; −10 (−33,3 %) dibanding Minggu 47 2026 (30)",
		"n 1.234, IK 95 % ", "Memenuhi",
		"• Dinas A: 85,83 mutu B (Baik), n 5, IK 95 % 83,83–87,83, Sementara",
		"• Dinas B: < 5 responden\n",
		"• Dinas D: belum ada jawaban\n",
		"Belajar dari: Dinas A untuk unsur Waktu Penyelesaian (NRR 2,90, C; kota 2,50)",
		"⚠️ Waktu Penyelesaian turun dari 75,00 ke 62,50 dibanding Minggu 47 2026 (lebih dari IK ±3,00)",
		"⚠️ Belum ada jawaban pada Minggu 48 2026: Dinas D\n",
		"⚠️ Tindak lanjut lewat tenggat: 2",
		"Angka berstatus Sementara",
		"Per 26 November 2026 14.00 WIB",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "100,00") {
		t.Errorf("the suppressed OPD's 100,00 shows:\n%s", text)
	}
	ser := summary.SeriesOf(s, "id")
	if b := ser.Bars[1]; b.Shown || b.Value != 0 || !b.Suppressed {
		t.Errorf("bar of the 4-respondent OPD = %+v, want no value", b)
	}
	if b := ser.Bars[0]; !b.Shown || scoring.Round2(b.Value) != 85.83 || b.N != 5 {
		t.Errorf("bar of the 5-respondent OPD = %+v", b)
	}
	last, prev := ser.Trend[11], ser.Trend[10]
	if !last.Shown || last.N != 20 || prev.Shown || !prev.Suppressed {
		t.Errorf("trend ends %+v, %+v; want 20 respondents shown, the week of 3 suppressed", prev, last)
	}
	en := summary.Text(s, "en")
	for _, want := range []string{"Responses: 20; −10 (−33.3 %) vs Week 47 2026 (30)", "n 1,234", "• Office B: < 5 respondents", "Memenuhi (sample met)", "As of 26 November 2026 14:00 WIB"} {
		if !strings.Contains(en, want) {
			t.Errorf("English summary lacks %q:\n%s", want, en)
		}
	}
}

// TestFallWithinTheIntervalIsNoAlert: a drop of exactly the CI
// half-width is no alert; more is.
func TestFallWithinTheIntervalIsNoAlert(t *testing.T) {
	week := survey.PeriodOf(survey.PeriodWeek, now, jakarta)
	for _, c := range []struct {
		before float64
		alert  bool
	}{{3.1, false}, {3.11, true}} {
		in := summary.Input{Period: week, Figures: summary.FiguresPeriod(week, now), AsOf: now, Scope: summary.Unit{Kind: scoring.ScopeCity},
			Current:  []scoring.Snapshot{ikm(scoring.ScopeCity, "", week, 20, 3.5, map[string]float64{"waktu": 3.0}, "", 2.5)},
			Previous: []scoring.Snapshot{ikm(scoring.ScopeCity, "", week.Prev(), 20, 3.5, map[string]float64{"waktu": c.before}, "", 2.5)}}
		s := summary.Compose(in)
		if got := len(s.Alerts.Falls) == 1; got != c.alert {
			t.Errorf("waktu %v → 3,0 with CI ±2,5: alert %v, want %v (%+v)", c.before, got, c.alert, s.Alerts.Falls)
		}
	}
}

// TestEmptySummaryAndChart: no data at all still makes a text and a PNG.
func TestEmptySummaryAndChart(t *testing.T) {
	week := survey.PeriodOf(survey.PeriodWeek, now, jakarta)
	s := summary.Compose(summary.Input{Period: week, Figures: summary.FiguresPeriod(week, now), AsOf: now,
		Scope: summary.Unit{Kind: scoring.ScopeCity}, Weeks: summary.TrendWeeks(week, now)})
	text := summary.Text(s, "id")
	if !strings.Contains(text, "IKM Triwulan IV 2026 (sejauh ini): belum ada jawaban SKM") || !strings.Contains(text, "Tidak ada peringatan.") {
		t.Errorf("empty summary:\n%s", text)
	}
	if _, err := chart.PNG(s, "en"); err != nil {
		t.Errorf("chart of nothing: %v", err)
	}
}
