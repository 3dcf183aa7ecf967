package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/report/reporttest"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// BenchmarkSummary makes the week's city summary over 1,200 residents'
// answers spread over 12 weeks and every service, and 60 officials', on
// each backend: "build" refreshes the snapshots (nothing new after the
// first run) and loads and composes them; "render" adds the text and the
// chart PNG, as /ringkasan sends them.
func BenchmarkSummary(b *testing.B) {
	for _, name := range []string{"sqlite", "mysql"} {
		b.Run(name, func(b *testing.B) {
			be := storagetest.SQLiteBackend(b)
			if name == "mysql" {
				be = storagetest.MySQLBackend(b)
			}
			st := be.MustOpen(b)
			loc := jakarta(b)
			now := time.Date(2026, 11, 26, 14, 0, 0, 0, loc)
			services := survey.BuiltinCatalog().Services()
			for i := range 1200 {
				at := now.Add(-time.Duration(i) * 2 * time.Hour)
				reporttest.Resident(b, st, services[i%len(services)].Code, at, float64(2+i%3), map[string]float64{"waktu": float64(1 + i%4)})
			}
			for i := range 60 {
				reporttest.Official(b, st, "disdukcapil", now.Add(-time.Duration(i)*time.Hour), "internet")
			}
			sz := summarizer(b, st, testkit.NewClock(now), loc)
			ctx := context.Background()
			if _, err := sz.Build(ctx, summary.Request{}); err != nil { // the first refresh computes everything
				b.Fatal(err)
			}
			b.Run("build", func(b *testing.B) {
				for b.Loop() {
					if _, err := sz.Build(ctx, summary.Request{}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("render", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := sz.Render(ctx, summary.Request{}, "id", true); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
