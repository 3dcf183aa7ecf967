package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/report/reporttest"
	"github.com/kotasolok/egovpulse/scoring/summary/chart"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// TestSummaryPrintsTheTextAndWritesTheChart: `summary` prints what
// /ringkasan sends (the same functions) and writes the chart; bad
// arguments are usage errors.
func TestSummaryPrintsTheTextAndWritesTheChart(t *testing.T) {
	vars := sqliteVars(t)
	st, err := storage.Open(context.Background(), storage.DriverSQLite, strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://"), storage.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	// The answers of the week before: none can lie in the future.
	seeded := time.Now().AddDate(0, 0, -7)
	reporttest.Scenario(t, st, seeded, loc)
	st.Close()
	quarter := survey.PeriodOf(survey.PeriodQuarter, seeded, loc).Key()

	file := filepath.Join(t.TempDir(), "chart.png")
	code, out, errOut := runCmd(t, vars, nil, "summary", "--lang", "en", quarter, "--chart", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"📊 Summary Quarter ", "By OPD:", "• Health Office: < 5 respondents", "Learn from: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != chart.Width || cfg.Height != chart.Height {
		t.Errorf("chart = %+v, %v", cfg, err)
	}
	for _, args := range [][]string{{"summary", "kemarin"}, {"summary", "--lang", "fr"}, {"summary", "--chart"}, {"summary", "--x"}} {
		if code, _, errOut := runCmd(t, vars, nil, args...); code != 2 || !strings.Contains(errOut, "usage: summary") && !strings.Contains(errOut, "--lang") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
}
