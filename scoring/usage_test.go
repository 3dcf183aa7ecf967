package scoring

import (
	"math"
	"testing"
)

func TestIndeksPemanfaatan(t *testing.T) {
	tests := []struct {
		name  string
		f     []int
		want  float64
		n     int
		level Level
		valid bool
	}{
		{"mixed", []int{1, 5, 3}, 50, 3, LevelSedang, true}, // (0 + 100 + 50)/3
		{"out of range dropped", []int{0, 6, 5}, 100, 1, LevelSangatTinggi, true},
		{"two and four", []int{2, 4, 4}, (25 + 75 + 75) / 3.0, 3, LevelSedang, true},
		{"none", nil, 0, 0, LevelNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IndeksPemanfaatan(tt.f)
			if got.Valid != tt.valid || got.N != tt.n || !near(got.Value, tt.want) || got.Level != tt.level {
				t.Errorf("= %+v, want %v over %d, %q", got, tt.want, tt.n, tt.level)
			}
		})
	}
}

func TestDigitalTakeUp(t *testing.T) {
	if got := DigitalTakeUp(30, 120); !got.Valid || !near(got.Value, 25) {
		t.Errorf("30 of 120 = %+v, want 25 %%", got)
	}
	if got := DigitalTakeUp(0, 0); got.Valid || got.Value != 0 || math.IsNaN(got.Value) {
		t.Errorf("0 of 0 = %+v, want no figure", got)
	}
}

func TestOnlineChoice(t *testing.T) {
	got := OnlineChoice([]ChannelAnswer{
		{Aware: true, UsedOnline: true},
		{Aware: true},
		{Aware: true},
		{},
		{},
	})
	// Online among the 3 aware: 1/3. Not aware: 2 of 5.
	if !near(got.OnlineChoice.Value, 100.0/3) || got.OnlineChoice.Whole != 3 {
		t.Errorf("online choice = %+v, want 33.33 of 3", got.OnlineChoice)
	}
	if !near(got.AwarenessGap.Value, 40) || got.AwarenessGap.Whole != 5 {
		t.Errorf("awareness gap = %+v, want 40 of 5", got.AwarenessGap)
	}
	none := OnlineChoice([]ChannelAnswer{{}, {}})
	if none.OnlineChoice.Valid || !near(none.AwarenessGap.Value, 100) {
		t.Errorf("nobody aware = %+v, want no online choice, gap 100", none)
	}
}

func TestInternalUsage(t *testing.T) {
	got := InternalUsage([]map[string]int{
		{"srikandi": ASNDaily, "sipd": ASNRarely},
		{"srikandi": ASNWeekly, "sipd": ASNWeekly, "ekinerja": ASNMonthly},
		{"srikandi": ASNNever, "sipd": 0},
	})
	want := []struct {
		sys   string
		part  int
		whole int
	}{{"srikandi", 2, 3}, {"sipd", 1, 2}, {"ekinerja", 0, 1}}
	if len(got) != len(want) {
		t.Fatalf("got %d systems, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].System != w.sys || got[i].Weekly.Part != w.part || got[i].Weekly.Whole != w.whole {
			t.Errorf("rank %d = %+v, want %s %d/%d", i, got[i], w.sys, w.part, w.whole)
		}
	}
}

func TestDigitalWorkShare(t *testing.T) {
	if got := DigitalWorkShare([]float64{50, 100, 150, -1, 0}); !got.Valid || got.N != 3 || !near(got.Value, 50) {
		t.Errorf("= %+v, want 50 over 3", got)
	}
}

func TestRankObstacles(t *testing.T) {
	got := RankObstacles([][]string{
		{KendalaInternet, KendalaAnggaran},
		{KendalaInternet, KendalaInternet}, // counted once
		{},
		{KendalaIntegrasi, KendalaAnggaran},
	})
	want := []struct {
		key string
		n   int
		pct float64
	}{{KendalaAnggaran, 2, 50}, {KendalaInternet, 2, 50}, {KendalaIntegrasi, 1, 25}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if got[i].Key != w.key || got[i].Share.Part != w.n || !near(got[i].Share.Value, w.pct) {
			t.Errorf("rank %d = %+v, want %s %d (%v %%)", i, got[i], w.key, w.n, w.pct)
		}
	}
}
