package scoring

import (
	"fmt"
	"math"
)

// Score range of an SKM element answer.
const (
	MinElementScore = 1
	MaxElementScore = 4
)

// z95 is the normal quantile of the 95 % confidence interval.
const z95 = 1.96

// fpcThreshold is the sampling fraction n/N above which the finite
// population correction is applied.
const fpcThreshold = 0.05

// ElementAgg aggregates the answers to one element: the sum of the 1–4
// scores and the number of respondents who answered it. In SQL:
// SUM(score), COUNT(*) GROUP BY unsur.
type ElementAgg struct {
	Sum   float64
	Count int
}

// Add returns the pooled aggregate of a and b.
func (a ElementAgg) Add(b ElementAgg) ElementAgg {
	return ElementAgg{Sum: a.Sum + b.Sum, Count: a.Count + b.Count}
}

// RespondentAgg aggregates per-respondent scores y = 25 × mean of that
// respondent's answered (weighted) elements: N respondents with at least one
// answer, SUM(y) and SUM(y·y). In SQL: per-respondent AVG(score) in a
// subquery, then COUNT(*), SUM(25*m), SUM((25*m)*(25*m)).
type RespondentAgg struct {
	N     int
	SumY  float64
	SumY2 float64
}

// Add returns the pooled aggregate of a and b.
func (a RespondentAgg) Add(b RespondentAgg) RespondentAgg {
	return RespondentAgg{N: a.N + b.N, SumY: a.SumY + b.SumY, SumY2: a.SumY2 + b.SumY2}
}

// ElementScore is one element's result.
type ElementScore struct {
	Key    string
	Weight float64
	Count  int     // respondents who answered this element
	Valid  bool    // Count > 0
	NRR    float64 // Sum / Count, 1–4, full precision
	Value  float64 // NRR × 25, 25–100
	Mutu   Mutu    // MutuOf(Value)
}

// IKMResult is an IKM with everything reported beside it.
type IKMResult struct {
	// Valid is false when there is no figure (no respondents, unusable
	// weights); Err then says why and every number is zero.
	Valid bool
	Err   error

	Value   float64 // 25 × Σ NRR_u × w_u, full precision
	Rounded float64 // Round2(Value), the published figure
	Mutu    Mutu    // on Rounded
	Kinerja Kinerja
	N       int // respondents

	Elements []ElementScore // in weights order
	Lowest   ElementScore   // lowest NRR; ties go to the earlier element
	Highest  ElementScore   // highest NRR; ties go to the earlier element
	// MissingElements lists weighted elements nobody answered. The IKM is
	// then computed over the answered elements with their weights rescaled
	// to sum to 1, and reports should say so.
	MissingElements []string

	Population   int // N users served; 0 = unknown
	RequiredN    int // Krejcie–Morgan; 0 when Population is unknown
	Interpolated bool
	Status       Status

	// HasCI is false for n = 1. The interval is mean(y) ± 1.96·sd(y)/√n,
	// times the finite population correction when FPC is true.
	HasCI     bool
	MeanY     float64
	CILow     float64
	CIHigh    float64
	FPC       bool
	Uncertain bool // "belum pasti": CILow and CIHigh fall in different grades

	// Aggregates and Weights are the inputs, kept so results can be pooled.
	Aggregates IKMAggregates
	Weights    Weights
}

// IKMAggregates are the inputs of an IKM for one scope.
type IKMAggregates struct {
	Elements    map[string]ElementAgg
	Respondents RespondentAgg
}

// Add returns the pooled aggregates of a and b (an OPD's respondents are
// the union of its services' respondents).
func (a IKMAggregates) Add(b IKMAggregates) IKMAggregates {
	out := IKMAggregates{
		Elements:    make(map[string]ElementAgg, len(a.Elements)),
		Respondents: a.Respondents.Add(b.Respondents),
	}
	for k, v := range a.Elements {
		out.Elements[k] = v
	}
	for k, v := range b.Elements {
		out.Elements[k] = out.Elements[k].Add(v)
	}
	return out
}

// IKMFromAggregates computes the IKM of one scope from aggregates:
// NRR_u = Sum_u / Count_u (over the respondents who answered u, never
// rounded), IKM = 25 × Σ NRR_u × w_u. population is the number of users
// served in the period (0 = unknown). Elements in elems without a weight
// are ignored.
func IKMFromAggregates(elems map[string]ElementAgg, resp RespondentAgg, w Weights, population int) IKMResult {
	res := IKMResult{
		Population: population,
		Aggregates: IKMAggregates{Elements: elems, Respondents: resp},
		Weights:    w,
	}
	if err := w.Validate(); err != nil {
		res.Err = err
		return res
	}
	if resp.N <= 0 {
		res.Err = fmt.Errorf("IKM: %w", ErrNoResponses)
		return res
	}
	res.N = resp.N
	res.RequiredN, res.Interpolated, res.Status = SampleStatus(resp.N, population)
	weighted, answeredWeight := 0.0, 0.0
	for _, x := range w {
		es := elementScore(x, elems[x.Element])
		res.Elements = append(res.Elements, es)
		if !es.Valid {
			res.MissingElements = append(res.MissingElements, x.Element)
			continue
		}
		weighted += es.NRR * x.Value
		answeredWeight += x.Value
	}
	if answeredWeight <= 0 {
		res.Err = fmt.Errorf("IKM: no answers to any weighted element: %w", ErrNoResponses)
		return IKMResult{Population: population, Aggregates: res.Aggregates, Weights: w, Err: res.Err}
	}
	if len(res.MissingElements) > 0 {
		weighted /= answeredWeight // rescale only when needed: keeps 1/9 exact otherwise
	}
	res.Valid = true
	res.Value = 25 * weighted
	res.Rounded = Round2(res.Value)
	res.Mutu = MutuOf(res.Value)
	res.Kinerja = res.Mutu.Kinerja()
	res.Lowest, res.Highest = extremes(res.Elements)
	res.confidence(resp)
	return res
}

// elementScore turns one element's aggregate into its score.
func elementScore(w Weight, a ElementAgg) ElementScore {
	es := ElementScore{Key: w.Element, Weight: w.Value, Count: a.Count}
	if a.Count <= 0 {
		return es
	}
	es.Valid = true
	es.NRR = a.Sum / float64(a.Count)
	es.Value = 25 * es.NRR
	es.Mutu = MutuOf(es.Value)
	return es
}

// extremes returns the valid elements with the lowest and highest NRR;
// ties go to the element listed first.
func extremes(els []ElementScore) (lo, hi ElementScore) {
	first := true
	for _, e := range els {
		if !e.Valid {
			continue
		}
		if first || e.NRR < lo.NRR {
			lo = e
		}
		if first || e.NRR > hi.NRR {
			hi = e
		}
		first = false
	}
	return lo, hi
}

// confidence fills the 95 % confidence interval of mean(y): sample standard
// deviation (n − 1), finite population correction √((N−n)/(N−1)) only when N
// is known and n/N > 5 % (n ≥ N gives a zero-width interval: a census).
func (r *IKMResult) confidence(a RespondentAgg) {
	n := float64(a.N)
	r.MeanY = a.SumY / n
	if a.N < 2 {
		return
	}
	variance := (a.SumY2 - a.SumY*a.SumY/n) / (n - 1)
	if variance < 0 { // rounding when every y is equal
		variance = 0
	}
	half := z95 * math.Sqrt(variance) / math.Sqrt(n)
	if N := r.Population; N > 0 && n/float64(N) > fpcThreshold {
		r.FPC = true
		if a.N >= N {
			half = 0
		} else {
			half *= math.Sqrt(float64(N-a.N) / float64(N-1))
		}
	}
	r.HasCI = true
	r.CILow = r.MeanY - half
	r.CIHigh = r.MeanY + half
	r.Uncertain = MutuOf(r.CILow) != MutuOf(r.CIHigh)
}

// Respondent is one respondent's SKM answers: element key → score 1–4.
// Missing keys and scores outside 1–4 are unanswered elements.
type Respondent map[string]int

// IKMFromAnswers is the pure path: it builds the aggregates from raw answers
// exactly as the SQL path must (only weighted elements, scores 1–4; y over
// the respondent's answered weighted elements; respondents with no such
// answer are not counted) and calls [IKMFromAggregates].
func IKMFromAnswers(rs []Respondent, w Weights, population int) IKMResult {
	elems, resp := AggregateAnswers(rs, w)
	return IKMFromAggregates(elems, resp, w, population)
}

// AggregateAnswers builds the per-element and per-respondent aggregates of
// raw answers; see [IKMFromAnswers].
func AggregateAnswers(rs []Respondent, w Weights) (map[string]ElementAgg, RespondentAgg) {
	elems := make(map[string]ElementAgg, len(w))
	var resp RespondentAgg
	for _, r := range rs {
		sum, k := 0, 0
		for _, x := range w {
			s, ok := r[x.Element]
			if !ok || s < MinElementScore || s > MaxElementScore {
				continue
			}
			elems[x.Element] = elems[x.Element].Add(ElementAgg{Sum: float64(s), Count: 1})
			sum += s
			k++
		}
		if k == 0 {
			continue
		}
		y := 25 * float64(sum) / float64(k)
		resp = resp.Add(RespondentAgg{N: 1, SumY: y, SumY2: y * y})
	}
	return elems, resp
}
