package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/report"
	"github.com/kotasolok/egovpulse/report/reporttest"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// TestSummaryCountsOpenAndOverdueFollowUps: two open items of the city,
// one past its due date; a third is done. The city's summary counts them
// and alerts the overdue one; an OPD's summary only its own.
func TestSummaryCountsOpenAndOverdueFollowUps(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		loc := jakarta(t)
		now := time.Date(2026, 11, 26, 14, 0, 0, 0, loc)
		reporttest.Scenario(t, st, now, loc)
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			_, err := tx.AddFollowUps([]storage.FollowUp{
				{ServiceCode: "ktp", OPDCode: "disdukcapil", PeriodKey: "2026-Q3", Element: "waktu", Score: 60, Mutu: "D"},
				{ServiceCode: "nib", OPDCode: "dpmptsp", PeriodKey: "2026-Q3", Element: "pengaduan", Score: 70, Mutu: "C"},
				{ServiceCode: "kk", OPDCode: "disdukcapil", PeriodKey: "2026-Q3", Element: "biaya", Score: 66, Mutu: "C"},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		items, _ := st.FollowUps(ctx, storage.FollowUpFilter{})
		due := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		done := storage.FollowUpDone
		for _, it := range items {
			c := storage.FollowUpChange{DueDate: &due}
			if it.ServiceCode == "kk" {
				c.Status = &done
			}
			if it.ServiceCode == "nib" {
				later := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
				c.DueDate = &later
			}
			if _, err := st.UpdateFollowUp(ctx, it.ID, c); err != nil {
				t.Fatal(err)
			}
		}
		sz := summarizer(t, st, testkit.NewClock(now), loc)
		sz.FollowUps = report.StoredFollowUps{Store: st, Location: loc}
		text := render(t, sz, summary.Request{})
		mustContain(t, text, "Tindak lanjut (unsur mutu C/D): 2 terbuka, 1 lewat tenggat; lihat /tindaklanjut")
		mustContain(t, text, "⚠️ Tindak lanjut lewat tenggat: 1")
		opd := render(t, sz, summary.Request{OPD: "dpmptsp"})
		mustContain(t, opd, "Tindak lanjut (unsur mutu C/D): 1 terbuka, 0 lewat tenggat")
		if strings.Contains(opd, "⚠️ Tindak lanjut lewat tenggat") {
			t.Errorf("dpmptsp's summary alerts another OPD's overdue follow-up:\n%s", opd)
		}
	})
}

func render(t *testing.T, sz *report.Summarizer, req summary.Request) string {
	t.Helper()
	text, _, err := sz.Render(context.Background(), req, survey.LangID, false)
	if err != nil {
		t.Fatal(err)
	}
	return text
}
