package scoring

import (
	"math"
	"testing"
)

func TestIndeksDampak(t *testing.T) {
	all5 := map[string]int{}
	for _, k := range ImpactItems() {
		all5[k] = 5
	}
	mixed := map[string]int{
		ItemHematWaktu: 4, ItemHematBiaya: 2, ItemKurangKunjungan: DontKnow,
		ItemTransparansi: 3, ItemKepastianWaktu: 3, ItemIntegritas: 1,
		ItemKepercayaan: DontKnow, ItemBermanfaat: 4,
	}
	dontKnow := map[string]int{ItemHematWaktu: DontKnow, ItemIntegritas: DontKnow}
	got := IndeksDampak([]map[string]int{all5, mixed, dontKnow})
	// mixed: scored 4,2,3,3,1,4 → mean 17/6 → (17/6 − 1)/4 × 100 = 1100/24.
	// Index = (100 + 1100/24)/2 = 3500/48; dontKnow is excluded.
	tests := []struct {
		name  string
		got   Index
		want  float64
		n     int
		level Level
	}{
		{"Indeks Dampak", got.Index, 3500.0 / 48, 2, LevelTinggi},
		{"Efisiensi", got.Efisiensi, 75, 2, LevelTinggi},       // mixed (4+2)/2 = 3 → 50
		{"Transparansi", got.Transparansi, 75, 2, LevelTinggi}, // mixed 3 → 50
		{"Integritas", got.Integritas, 50, 2, LevelSedang},     // mixed 1 → 0
		{"Kepercayaan", got.Kepercayaan, 100, 1, LevelSangatTinggi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got.Valid || tt.got.N != tt.n || !near(tt.got.Value, tt.want) || tt.got.Level != tt.level {
				t.Errorf("= %+v, want %v over %d, %q", tt.got, tt.want, tt.n, tt.level)
			}
		})
	}
	if none := IndeksDampak([]map[string]int{dontKnow}); none.Index.Valid || none.Efisiensi.Valid {
		t.Errorf("only Tidak tahu gave a figure: %+v", none)
	}
}

func TestOfficialAgreementIndex(t *testing.T) {
	got := AgreementIndex([]map[string]int{
		{ItemASNHematWaktu: 5, ItemASNKurangKertas: 3},    // mean 4 → 75
		{ItemASNKoordinasi: 1, ItemASNKurangKesalahan: 2}, // mean 1.5 → 12.5
	}, OfficialImpactItems())
	if !near(got.Value, 43.75) || got.N != 2 || got.Level != LevelSedang {
		t.Errorf("= %+v, want 43.75 over 2, Sedang", got)
	}
}

func TestMedianAndPercentile(t *testing.T) {
	seq := func(n int, scale float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i+1) * scale
		}
		return out
	}
	medians := []struct {
		name string
		vs   []float64
		want float64
		ok   bool
	}{
		{"odd", []float64{3, 1, 2}, 2, true},
		{"even", []float64{4, 1, 3, 2}, 2.5, true},
		{"NaN dropped", []float64{5, math.NaN(), 1, math.Inf(1)}, 3, true},
		{"empty", nil, 0, false},
	}
	for _, tt := range medians {
		t.Run("median "+tt.name, func(t *testing.T) {
			if got := MedianOf(tt.vs); got.Valid != tt.ok || got.Value != tt.want {
				t.Errorf("= %+v, want %v", got, tt.want)
			}
		})
	}
	percentiles := []struct {
		vs   []float64
		p    int
		want float64
	}{
		{seq(20, 1), 95, 19}, // rank ⌈19⌉ = 19
		{seq(20, 1), 50, 10},
		{seq(20, 1), 100, 20},
		{seq(10, 1), 95, 10}, // rank ⌈9.5⌉ = 10
		{seq(12, 1), 95, 12}, // rank ⌈11.4⌉ = 12, not a rounded 11
		{seq(1, 7), 95, 7},
		{seq(100, 1), 95, 95},
	}
	for _, tt := range percentiles {
		if got, ok := Percentile(tt.vs, tt.p); !ok || got != tt.want {
			t.Errorf("Percentile(1..%d, %d) = %v, want %v", len(tt.vs), tt.p, got, tt.want)
		}
	}
	if _, ok := Percentile(nil, 95); ok {
		t.Error("Percentile of nothing must not be ok")
	}
}

func TestQuantifiedImpact(t *testing.T) {
	rupiah := make([]float64, 0, 20)
	for i := 1; i <= 19; i++ {
		rupiah = append(rupiah, float64(i)*1000)
	}
	rupiah = append(rupiah, 1e9) // an outlier, capped at p95 = 19,000
	got := QuantifiedImpact([]float64{30, 10, 20, 60}, rupiah, []float64{1, 2, 3, math.NaN()})
	if !near(got.MinutesSaved.Value, 25) || got.MinutesSaved.N != 4 {
		t.Errorf("minutes = %+v, want 25 over 4", got.MinutesSaved)
	}
	if !near(got.RupiahSaved.Value, 10500) || !near(got.RupiahSavedMean.Value, (190000+19000)/20.0) {
		t.Errorf("rupiah median %v mean %v, want 10500 and 10450", got.RupiahSaved.Value, got.RupiahSavedMean.Value)
	}
	if !near(got.OfficeVisits.Value, 2) || got.OfficeVisits.N != 3 {
		t.Errorf("visits = %+v, want 2 over 3", got.OfficeVisits)
	}
	if empty := QuantifiedImpact(nil, nil, nil); empty.MinutesSaved.Valid || empty.RupiahSaved.Valid || empty.OfficeVisits.Valid {
		t.Errorf("no data gave figures: %+v", empty)
	}
}
