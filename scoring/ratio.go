package scoring

// Percent is a share of a whole, in percent (0–100 when Part ≤ Whole).
// Valid is false when Whole is zero or either count is negative: such a
// ratio has no figure, never 0 or NaN.
type Percent struct {
	Part  int
	Whole int
	Value float64 // Part / Whole × 100, full precision
	Valid bool
}

// PercentOf returns part/whole × 100. A part larger than the whole is
// returned as is (above 100), so inconsistent counts show rather than hide.
func PercentOf(part, whole int) Percent {
	p := Percent{Part: part, Whole: whole}
	if whole <= 0 || part < 0 {
		return p
	}
	p.Valid = true
	p.Value = float64(part) / float64(whole) * 100
	return p
}

// Mean is the average of N values; Valid is false when N = 0.
type Mean struct {
	Value float64
	N     int
	Valid bool
}

// meanOf averages vs.
func meanOf(vs []float64) Mean {
	if len(vs) == 0 {
		return Mean{}
	}
	s := 0.0
	for _, v := range vs {
		s += v
	}
	return Mean{Value: s / float64(len(vs)), N: len(vs), Valid: true}
}

// Index is a 0–100 index over N respondents (Indeks Pemanfaatan, Indeks
// Dampak and its sub-scores) with its band. Valid is false when N = 0.
type Index struct {
	Value float64 // full precision
	N     int
	Valid bool
	Level Level // LevelOf(Value); LevelNone when not valid
}

// indexOf makes an Index from per-respondent 0–100 scores.
func indexOf(scores []float64) Index {
	m := meanOf(scores)
	if !m.Valid {
		return Index{}
	}
	return Index{Value: m.Value, N: m.N, Valid: true, Level: LevelOf(m.Value)}
}

// scaleTo100 maps a score on lo…hi to 0–100: (v − lo)/(hi − lo) × 100.
func scaleTo100(v, lo, hi float64) float64 { return (v - lo) / (hi - lo) * 100 }
