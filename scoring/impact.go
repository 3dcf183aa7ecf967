package scoring

import (
	"math"
	"sort"
)

// Impact items (Dampak), agreement 1–5 (Sangat tidak setuju … Sangat
// setuju) plus "Tidak tahu", stored as [DontKnow] and excluded. The
// sub-scores group them as follows:
//
//	Efisiensi     hemat_waktu, hemat_biaya, kurang_kunjungan
//	Transparansi  transparansi, kepastian_waktu
//	Integritas    integritas
//	Kepercayaan   kepercayaan
//
// bermanfaat ("overall beneficial") is an overall judgement, not trust, so
// it counts in the Indeks Dampak only, in no sub-score.
const (
	ItemHematWaktu      = "hemat_waktu"      // saves time
	ItemHematBiaya      = "hemat_biaya"      // saves money
	ItemKurangKunjungan = "kurang_kunjungan" // fewer office visits
	ItemTransparansi    = "transparansi"     // process status is clear
	ItemKepastianWaktu  = "kepastian_waktu"  // certainty of completion time
	ItemIntegritas      = "integritas"       // nothing asked or given beyond the fee
	ItemKepercayaan     = "kepercayaan"      // trust in the city government increased
	ItemBermanfaat      = "bermanfaat"       // overall beneficial
)

// Officials' impact items, agreement 1–5, scored with [AgreementIndex].
const (
	ItemASNHematWaktu      = "hemat_waktu"      // time saved
	ItemASNKurangKertas    = "kurang_kertas"    // less paper
	ItemASNKoordinasi      = "koordinasi"       // faster coordination between OPDs
	ItemASNKurangKesalahan = "kurang_kesalahan" // fewer errors
)

// DontKnow is the stored value of a "Tidak tahu" answer. It, and any value
// outside 1–5, is excluded.
const DontKnow = 0

// Agreement scale bounds.
const (
	MinAgreement = 1
	MaxAgreement = 5
)

// ImpactItems returns the resident impact item keys in questionnaire order.
func ImpactItems() []string {
	return []string{ItemHematWaktu, ItemHematBiaya, ItemKurangKunjungan, ItemTransparansi,
		ItemKepastianWaktu, ItemIntegritas, ItemKepercayaan, ItemBermanfaat}
}

// OfficialImpactItems returns the officials' impact item keys.
func OfficialImpactItems() []string {
	return []string{ItemASNHematWaktu, ItemASNKurangKertas, ItemASNKoordinasi, ItemASNKurangKesalahan}
}

// ImpactResult is the Indeks Dampak with its sub-scores.
type ImpactResult struct {
	Index        Index
	Efisiensi    Index
	Transparansi Index
	Integritas   Index
	Kepercayaan  Index
}

// IndeksDampak computes the Indeks Dampak and its sub-scores (see the item
// constants for the mapping) from resident answers, item key → 1–5.
func IndeksDampak(answers []map[string]int) ImpactResult {
	return ImpactResult{
		Index:        AgreementIndex(answers, ImpactItems()),
		Efisiensi:    AgreementIndex(answers, []string{ItemHematWaktu, ItemHematBiaya, ItemKurangKunjungan}),
		Transparansi: AgreementIndex(answers, []string{ItemTransparansi, ItemKepastianWaktu}),
		Integritas:   AgreementIndex(answers, []string{ItemIntegritas}),
		Kepercayaan:  AgreementIndex(answers, []string{ItemKepercayaan}),
	}
}

// AgreementIndex is the mean over respondents of (mean of their scored items
// − 1)/4 × 100, over the given items. "Tidak tahu" and out-of-range answers
// are excluded; a respondent with no scored item is excluded.
func AgreementIndex(answers []map[string]int, items []string) Index {
	scores := make([]float64, 0, len(answers))
	for _, a := range answers {
		sum, k := 0, 0
		for _, it := range items {
			if v, ok := a[it]; ok && v >= MinAgreement && v <= MaxAgreement {
				sum += v
				k++
			}
		}
		if k > 0 {
			scores = append(scores, scaleTo100(float64(sum)/float64(k), MinAgreement, MaxAgreement))
		}
	}
	return indexOf(scores)
}

// Median is the median of N values; Valid is false when N = 0. For an even
// N it is the mean of the two middle values.
type Median struct {
	Value float64
	N     int
	Valid bool
}

// finite returns the finite values of vs, sorted, in a new slice.
func finite(vs []float64) []float64 {
	out := make([]float64, 0, len(vs))
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	sort.Float64s(out)
	return out
}

// MedianOf returns the median of the finite values of vs.
func MedianOf(vs []float64) Median {
	s := finite(vs)
	n := len(s)
	if n == 0 {
		return Median{}
	}
	m := s[n/2]
	if n%2 == 0 {
		m = (s[n/2-1] + s[n/2]) / 2
	}
	return Median{Value: m, N: n, Valid: true}
}

// Percentile returns the p-th percentile (1–100) of the finite values of vs
// by the nearest-rank method: the value at rank ⌈p/100 × n⌉ in ascending
// order (computed in integers). ok is false when there is no value or p is
// out of range.
func Percentile(vs []float64, p int) (v float64, ok bool) {
	s := finite(vs)
	if len(s) == 0 || p < 1 || p > 100 {
		return 0, false
	}
	rank := (p*len(s) + 99) / 100
	return s[rank-1], true
}

// Winsorise returns a copy of the finite values of vs (sorted) with every
// value above the p-th nearest-rank percentile replaced by that percentile.
func Winsorise(vs []float64, p int) []float64 {
	s := finite(vs)
	limit, ok := Percentile(s, p)
	if !ok {
		return s
	}
	for i, v := range s {
		if v > limit {
			s[i] = limit
		}
	}
	return s
}

// RupiahWinsorPercentile is where rupiah savings are winsorised.
const RupiahWinsorPercentile = 95

// Quantified holds the quantified impacts reported by residents.
type Quantified struct {
	MinutesSaved Median // median minutes saved per use
	// RupiahSaved is the median of the rupiah saved after winsorising at the
	// 95th nearest-rank percentile. (Winsorising at p95 never moves a median;
	// it is applied as specified, and matters for RupiahSavedMean.)
	RupiahSaved     Median
	RupiahSavedMean Mean // mean of the winsorised values
	OfficeVisits    Mean // mean number of office visits
}

// QuantifiedImpact computes the quantified impacts; non-finite values are
// dropped.
func QuantifiedImpact(minutes, rupiah, visits []float64) Quantified {
	w := Winsorise(rupiah, RupiahWinsorPercentile)
	return Quantified{
		MinutesSaved:    MedianOf(minutes),
		RupiahSaved:     MedianOf(w),
		RupiahSavedMean: meanOf(w),
		OfficeVisits:    meanOf(finite(visits)),
	}
}
