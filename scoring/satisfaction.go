package scoring

// NKPBand is a band of the NKP (KemenPANRB pilot for digital services).
type NKPBand string

// NKP bands, tested on the NKP rounded to 2 decimals: below −2.4 Sangat
// Buruk, below −0.8 Buruk, below 1.0 Cukup, below 2.4 Baik, else Sangat Baik.
// Each edge belongs to the upper band (−0.8 is Cukup, 2.4 is Sangat Baik).
const (
	NKPNone        NKPBand = ""
	NKPSangatBuruk NKPBand = "Sangat Buruk"
	NKPBuruk       NKPBand = "Buruk"
	NKPCukup       NKPBand = "Cukup"
	NKPBaik        NKPBand = "Baik"
	NKPSangatBaik  NKPBand = "Sangat Baik"
)

// NKPBandOf bands an NKP value; see [NKPBand].
func NKPBandOf(v float64) NKPBand {
	r := Round2(v)
	switch {
	case r < -2.4:
		return NKPSangatBuruk
	case r < -0.8:
		return NKPBuruk
	case r < 1.0:
		return NKPCukup
	case r < 2.4:
		return NKPBaik
	default:
		return NKPSangatBaik
	}
}

// NKPResult is nk − nb with its parts.
type NKPResult struct {
	NK    float64 // mean of the benefit item means, 1–5
	NB    float64 // mean of the cost/risk item means, 1–5
	Value float64 // NK − NB, −4…+4
	N     int     // respondents with at least one scored item
	Valid bool    // both NK and NB have answers
	Band  NKPBand
}

// NKP computes nk − nb. Like the NRR of the IKM, each item's mean is taken
// over the respondents who answered it; nk is the unweighted mean of the
// benefit item means, nb of the cost/risk item means (items nobody answered
// are left out). Cost/risk items must be given as magnitudes (5 = a large
// cost or risk); reverse-code positively worded ones with [Reverse5] first.
// Answers outside 1–5 are excluded.
func NKP(answers []map[string]int, benefit, cost []string) NKPResult {
	items := map[string]ElementAgg{}
	n := 0
	for _, a := range answers {
		scored := false
		for _, set := range []struct {
			prefix string
			items  []string
		}{{"b:", benefit}, {"c:", cost}} {
			for _, it := range set.items {
				if v, ok := a[it]; ok && v >= MinAgreement && v <= MaxAgreement {
					items[set.prefix+it] = items[set.prefix+it].Add(ElementAgg{Sum: float64(v), Count: 1})
					scored = true
				}
			}
		}
		if scored {
			n++
		}
	}
	res := nkpFromItems(items, "b:", "c:")
	res.N = n
	return res
}

// Reverse5 reverse-codes a 1–5 answer (1 ↔ 5); other values are returned
// unchanged so they stay excluded.
func Reverse5(v int) int {
	if v < MinAgreement || v > MaxAgreement {
		return v
	}
	return MinAgreement + MaxAgreement - v
}

// CSAT is the share answering 4 or 5 on a 1–5 overall-satisfaction item,
// among valid 1–5 answers.
func CSAT(scores []int) Percent {
	top, n := 0, 0
	for _, s := range scores {
		if s < 1 || s > 5 {
			continue
		}
		n++
		if s >= 4 {
			top++
		}
	}
	return PercentOf(top, n)
}

// CES is the mean of a 1–7 ease item; other values are excluded.
func CES(scores []int) Mean {
	vs := make([]float64, 0, len(scores))
	for _, s := range scores {
		if s >= 1 && s <= 7 {
			vs = append(vs, float64(s))
		}
	}
	return meanOf(vs)
}

// NPSResult is a Net Promoter Score.
type NPSResult struct {
	Promoters  Percent // 9–10
	Detractors Percent // 0–6
	Value      float64 // Promoters − Detractors, −100…+100
	N          int
	Valid      bool
}

// NPS computes % promoters (9–10) minus % detractors (0–6) over valid 0–10
// answers. Report it only for discretionary apps.
func NPS(scores []int) NPSResult {
	prom, detr, n := 0, 0, 0
	for _, s := range scores {
		if s < 0 || s > 10 {
			continue
		}
		n++
		switch {
		case s >= 9:
			prom++
		case s <= 6:
			detr++
		}
	}
	res := NPSResult{Promoters: PercentOf(prom, n), Detractors: PercentOf(detr, n), N: n}
	if n == 0 {
		return res
	}
	res.Valid = true
	res.Value = float64(prom-detr) / float64(n) * 100
	return res
}
