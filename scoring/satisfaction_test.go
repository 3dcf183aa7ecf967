package scoring

import "testing"

func TestNKP(t *testing.T) {
	benefit, cost := []string{"b1", "b2"}, []string{"c1"}
	tests := []struct {
		name    string
		answers []map[string]int
		nk, nb  float64
		band    NKPBand
		valid   bool
	}{
		// b1 (5+3)/2 = 4, b2 4 (the 0 is excluded): nk 4; nb (1+2)/2 = 1.5.
		{"fixture", []map[string]int{{"b1": 5, "b2": 4, "c1": 1}, {"b1": 3, "b2": 0, "c1": 2}}, 4, 1.5, NKPSangatBaik, true},
		{"cost above benefit", []map[string]int{{"b1": 2, "b2": 1, "c1": 5}}, 1.5, 5, NKPSangatBuruk, true},
		{"middle", []map[string]int{{"b1": 3, "b2": 3, "c1": 3}}, 3, 3, NKPCukup, true},
		{"no cost answers", []map[string]int{{"b1": 5}}, 0, 0, NKPNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NKP(tt.answers, benefit, cost)
			if got.Valid != tt.valid || got.Band != tt.band {
				t.Fatalf("= %+v, want valid=%v band %q", got, tt.valid, tt.band)
			}
			if tt.valid && (!near(got.NK, tt.nk) || !near(got.NB, tt.nb) || !near(got.Value, tt.nk-tt.nb)) {
				t.Errorf("nk %v nb %v NKP %v, want %v %v %v", got.NK, got.NB, got.Value, tt.nk, tt.nb, tt.nk-tt.nb)
			}
		})
	}
	if Reverse5(1) != 5 || Reverse5(4) != 2 || Reverse5(DontKnow) != DontKnow {
		t.Error("Reverse5 must map 1↔5, 4↔2 and leave Tidak tahu excluded")
	}
}

func TestCSATCESNPS(t *testing.T) {
	if got := CSAT([]int{5, 4, 3, 1, 0, 6}); !got.Valid || got.Whole != 4 || !near(got.Value, 50) {
		t.Errorf("CSAT = %+v, want 50 %% of 4", got)
	}
	if got := CSAT(nil); got.Valid {
		t.Errorf("CSAT of nothing = %+v", got)
	}
	if got := CES([]int{7, 1, 4, 8, 0}); !got.Valid || got.N != 3 || !near(got.Value, 4) {
		t.Errorf("CES = %+v, want 4 over 3", got)
	}
	tests := []struct {
		name   string
		scores []int
		want   float64
		n      int
		valid  bool
	}{
		{"balanced", []int{10, 9, 8, 7, 6, 0, 11, -1}, 0, 6, true},
		{"positive", []int{10, 10, 9, 5}, 50, 4, true}, // 75 − 25
		{"all passive", []int{7, 8}, 0, 2, true},
		{"detractors", []int{0, 6, 3, 9}, -50, 4, true}, // 25 − 75
		{"empty", nil, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run("NPS "+tt.name, func(t *testing.T) {
			got := NPS(tt.scores)
			if got.Valid != tt.valid || got.N != tt.n || !near(got.Value, tt.want) {
				t.Errorf("= %+v, want %v over %d", got, tt.want, tt.n)
			}
		})
	}
}
