package scoring

import (
	"fmt"
	"testing"
)

func TestRound(t *testing.T) {
	tests := []struct {
		v    float64
		d    int
		want float64
	}{
		{88.305, 2, 88.31},  // binary 88.30499999… still means 88.305
		{88.3049, 2, 88.30}, // below the half
		{2.675, 2, 2.68},    // binary 2.67499999…
		{76.605, 2, 76.61},
		{64.995, 2, 65.00},
		{-0.004, 2, 0},
		{-1.005, 2, -1.01}, // half away from zero
		{1234.5, 0, 1235},
		{0.1234567, 7, 0.1234567},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.v, "/", tt.d), func(t *testing.T) {
			if got := Round(tt.v, tt.d); got != tt.want {
				t.Errorf("Round(%v, %d) = %v, want %v", tt.v, tt.d, got, tt.want)
			}
		})
	}
}

func TestMutuOfEdges(t *testing.T) {
	tests := []struct {
		ikm  float64
		want Mutu
		kin  Kinerja
	}{
		{100, MutuA, KinerjaSangatBaik},
		{88.31, MutuA, KinerjaSangatBaik},
		{88.305, MutuA, KinerjaSangatBaik}, // rounds to 88.31; a gapped test (≤ 88.30, ≥ 88.31) loses it
		{88.3049, MutuB, KinerjaBaik},      // rounds to 88.30
		{88.30, MutuB, KinerjaBaik},
		{76.61, MutuB, KinerjaBaik},
		{76.605, MutuB, KinerjaBaik},
		{76.60, MutuC, KinerjaKurangBaik},
		{65.00, MutuC, KinerjaKurangBaik},
		{64.995, MutuC, KinerjaKurangBaik},
		{64.99, MutuD, KinerjaTidakBaik},
		{25, MutuD, KinerjaTidakBaik},
		{3.9, MutuD, KinerjaTidakBaik}, // a 1–4 NRR compared against 25–100 bands is D: callers must scale
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.ikm), func(t *testing.T) {
			got := MutuOf(tt.ikm)
			if got != tt.want || got.Kinerja() != tt.kin {
				t.Errorf("MutuOf(%v) = %q/%q, want %q/%q", tt.ikm, got, got.Kinerja(), tt.want, tt.kin)
			}
		})
	}
}

func TestElementBandEdges(t *testing.T) {
	// NRR interval edges of the regulation's table, banded on NRR × 25.
	tests := []struct {
		nrr  float64
		want Mutu
	}{
		{4.00, MutuA},
		{3.5324, MutuA},
		{3.5320, MutuB},
		{3.0644, MutuB},
		{3.0640, MutuC},
		{2.60, MutuC},
		{2.5996, MutuD},
		{1.00, MutuD},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.nrr), func(t *testing.T) {
			// 10,000 respondents whose answers sum to nrr × 10,000.
			elems := map[string]ElementAgg{"waktu": {Sum: tt.nrr * 10000, Count: 10000}}
			w := EqualWeights([]string{"waktu"})
			r := IKMFromAggregates(elems, RespondentAgg{N: 10000, SumY: 25 * tt.nrr * 10000}, w, 0)
			if !r.Valid || len(r.Elements) != 1 {
				t.Fatalf("no figure: %+v", r)
			}
			if got := r.Elements[0].Mutu; got != tt.want {
				t.Errorf("NRR %v: band %q, want %q", tt.nrr, got, tt.want)
			}
		})
	}
}

func TestLevelOf(t *testing.T) {
	tests := []struct {
		v    float64
		want Level
	}{
		{100, LevelSangatTinggi},
		{80, LevelSangatTinggi},
		{79.995, LevelSangatTinggi}, // rounds to 80.00
		{79.99, LevelTinggi},
		{60, LevelTinggi},
		{59.99, LevelSedang},
		{40, LevelSedang},
		{39.99, LevelRendah},
		{20, LevelRendah},
		{19.99, LevelSangatRendah},
		{0, LevelSangatRendah},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.v), func(t *testing.T) {
			if got := LevelOf(tt.v); got != tt.want {
				t.Errorf("LevelOf(%v) = %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}

func TestNKPBandOf(t *testing.T) {
	tests := []struct {
		v    float64
		want NKPBand
	}{
		{-4, NKPSangatBuruk},
		{-2.41, NKPSangatBuruk},
		{-2.4, NKPBuruk},
		{-0.81, NKPBuruk},
		{-0.8, NKPCukup},
		{0.99, NKPCukup},
		{1.0, NKPBaik},
		{2.39, NKPBaik},
		{2.4, NKPSangatBaik},
		{4, NKPSangatBaik},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.v), func(t *testing.T) {
			if got := NKPBandOf(tt.v); got != tt.want {
				t.Errorf("NKPBandOf(%v) = %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}
