package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

type fixedCounts []storage.ServiceCount

func (f fixedCounts) ServiceCounts(context.Context) ([]storage.ServiceCount, error) { return f, nil }

func TestServiceCountsRollUp(t *testing.T) {
	c := NewServiceCounts(fixedCounts{
		{ServiceCode: "ktp", PeriodKey: "2026-Q1", Total: 100, Online: 10},
		{ServiceCode: "ktp", PeriodKey: "2026-04", Total: 30, Online: 3},
		{ServiceCode: "ktp", PeriodKey: "2026-05", Total: 30, Online: 3},
		{ServiceCode: "ktp", PeriodKey: "2026-06", Total: 40, Online: 4},
		{ServiceCode: "ktp", PeriodKey: "2026-07", Total: 50, Online: 5}, // Q3 lacks two months
		{ServiceCode: "ktp", PeriodKey: "2026-Q4", Total: 90, Online: 9},
		{ServiceCode: "ktp", PeriodKey: "2026-10", Total: 1, Online: 1}, // the quarter's own row wins
	})
	if err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	loc := time.UTC
	for _, tc := range []struct {
		key           string
		online, total int
		ok            bool
	}{
		{"2026-Q1", 10, 100, true}, {"2026-Q2", 10, 100, true}, {"2026-Q3", 0, 0, false},
		{"2026-Q4", 9, 90, true}, {"2026-07", 5, 50, true}, {"2026", 0, 0, false}, {"2026-W20", 0, 0, false},
	} {
		p, err := survey.ParsePeriodKey(tc.key, loc)
		if err != nil {
			t.Fatal(err)
		}
		online, total, ok := c.Counts("ktp", p)
		if online != tc.online || total != tc.total || ok != tc.ok || c.Population("ktp", p) != tc.total {
			t.Errorf("%s: %d/%d %v, want %d/%d %v", tc.key, online, total, ok, tc.online, tc.total, tc.ok)
		}
	}
	if _, _, ok := c.Counts("kk", survey.PeriodOf(survey.PeriodQuarter, time.Date(2026, 2, 1, 0, 0, 0, 0, loc), loc)); ok {
		t.Error("kk has counts, want none")
	}
}
