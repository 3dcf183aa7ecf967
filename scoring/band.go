package scoring

import "math"

// Round rounds v to the given number of decimals for display and banding:
// v is first snapped to 6 decimals, removing binary floating-point noise
// (88.305 is stored as 88.30499999999999972 but means 88.305), then rounded
// half away from zero. For decimals ≥ 6 it is plain math.Round at that scale.
func Round(v float64, decimals int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	if decimals < 0 {
		decimals = 0
	}
	scale := math.Pow10(decimals)
	if decimals >= 6 {
		return math.Round(v*scale) / scale
	}
	micro := math.Round(v * 1e6) // integer number of millionths
	r := math.Round(micro/math.Pow10(6-decimals)) / scale
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// Round2 is Round(v, 2), the precision of published IKM figures.
func Round2(v float64) float64 { return Round(v, 2) }

// Mutu is the SKM service quality grade.
type Mutu string

// Grades of PermenPANRB 14/2017. MutuNone is the grade of no figure.
const (
	MutuNone Mutu = ""
	MutuA    Mutu = "A"
	MutuB    Mutu = "B"
	MutuC    Mutu = "C"
	MutuD    Mutu = "D"
)

// Kinerja is the performance label that goes with a Mutu grade.
type Kinerja string

// Performance labels.
const (
	KinerjaNone       Kinerja = ""
	KinerjaSangatBaik Kinerja = "Sangat Baik"
	KinerjaBaik       Kinerja = "Baik"
	KinerjaKurangBaik Kinerja = "Kurang Baik"
	KinerjaTidakBaik  Kinerja = "Tidak Baik"
)

// Lower bounds of the IKM (25–100 scale) bands, tested on Round2(value).
const (
	IKMLowerA = 88.31
	IKMLowerB = 76.61
	IKMLowerC = 65.00
)

// MutuOf grades a value on the 25–100 scale (an IKM, or an NRR × 25). The
// value is rounded to 2 decimals, then tested from the top band down with
// "≥ lower bound", so 88.305 → 88.31 → A and 88.3049 → 88.30 → B.
func MutuOf(ikm float64) Mutu {
	r := Round2(ikm)
	switch {
	case math.IsNaN(r):
		return MutuNone
	case r >= IKMLowerA:
		return MutuA
	case r >= IKMLowerB:
		return MutuB
	case r >= IKMLowerC:
		return MutuC
	default:
		return MutuD
	}
}

// Kinerja returns the performance label of the grade.
func (m Mutu) Kinerja() Kinerja {
	switch m {
	case MutuA:
		return KinerjaSangatBaik
	case MutuB:
		return KinerjaBaik
	case MutuC:
		return KinerjaKurangBaik
	case MutuD:
		return KinerjaTidakBaik
	}
	return KinerjaNone
}

// Level is the band of a 0–100 index (Indeks Pemanfaatan, Indeks Dampak and
// their sub-scores), a local convention.
type Level string

// Levels. Each edge belongs to the upper band: ≥ 80 Sangat Tinggi,
// ≥ 60 Tinggi, ≥ 40 Sedang, ≥ 20 Rendah, below 20 Sangat Rendah, tested on
// the value rounded to 2 decimals.
const (
	LevelNone         Level = ""
	LevelSangatTinggi Level = "Sangat Tinggi"
	LevelTinggi       Level = "Tinggi"
	LevelSedang       Level = "Sedang"
	LevelRendah       Level = "Rendah"
	LevelSangatRendah Level = "Sangat Rendah"
)

// LevelOf bands a 0–100 index value; see [Level].
func LevelOf(v float64) Level {
	r := Round2(v)
	switch {
	case math.IsNaN(r):
		return LevelNone
	case r >= 80:
		return LevelSangatTinggi
	case r >= 60:
		return LevelTinggi
	case r >= 40:
		return LevelSedang
	case r >= 20:
		return LevelRendah
	default:
		return LevelSangatRendah
	}
}
