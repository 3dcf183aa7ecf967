package scoring

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomRespondents draws n respondents; each element is skipped with
// probability skip.
func randomRespondents(rng *rand.Rand, n int, skip float64) []Respondent {
	rs := make([]Respondent, n)
	for i := range rs {
		r := Respondent{}
		for _, k := range UnsurKeys() {
			if rng.Float64() >= skip {
				r[k] = 1 + rng.IntN(4)
			}
		}
		rs[i] = r
	}
	return rs
}

func TestPropertyCompleteResponsesGrandMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2026))
	for trial := range 300 {
		rs := randomRespondents(rng, 1+rng.IntN(200), 0)
		sum, count := 0, 0
		for _, r := range rs {
			for _, v := range r {
				sum += v
				count++
			}
		}
		want := 25 * float64(sum) / float64(count)
		if got := IKMFromAnswers(rs, DefaultWeights(), 0); !got.Valid || math.Abs(got.Value-want) > 1e-9 {
			t.Fatalf("trial %d: IKM = %v, want 25 × grand mean = %v", trial, got.Value, want)
		}
	}
}

// sqlStyleAggregates computes the aggregates the way the SQL path does,
// element by element (GROUP BY unsur) and respondent by respondent with
// AVG, independently of AggregateAnswers.
func sqlStyleAggregates(rs []Respondent) (map[string]ElementAgg, RespondentAgg) {
	elems := map[string]ElementAgg{}
	for _, k := range UnsurKeys() {
		var a ElementAgg
		for _, r := range rs {
			if v, ok := r[k]; ok {
				a.Sum += float64(v)
				a.Count++
			}
		}
		if a.Count > 0 {
			elems[k] = a
		}
	}
	var resp RespondentAgg
	for _, r := range rs {
		if len(r) == 0 {
			continue
		}
		s := 0.0
		for _, v := range r {
			s += float64(v)
		}
		y := 25 * (s / float64(len(r)))
		resp.N++
		resp.SumY += y
		resp.SumY2 += y * y
	}
	return elems, resp
}

func TestAggregateAndAnswerPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 200 {
		rs := randomRespondents(rng, 1+rng.IntN(300), 0.15)
		pop := []int{0, 50, 400, 100000}[trial%4]
		a := IKMFromAnswers(rs, DefaultWeights(), pop)
		elems, resp := sqlStyleAggregates(rs)
		b := IKMFromAggregates(elems, resp, DefaultWeights(), pop)
		if a.Valid != b.Valid || a.N != b.N || a.Mutu != b.Mutu || a.Status != b.Status {
			t.Fatalf("trial %d: answers %+v vs aggregates %+v", trial, a, b)
		}
		for _, d := range [][2]float64{{a.Value, b.Value}, {a.CILow, b.CILow}, {a.CIHigh, b.CIHigh}} {
			if math.Abs(d[0]-d[1]) > 1e-9 {
				t.Fatalf("trial %d: %v vs %v", trial, d[0], d[1])
			}
		}
		for i := range a.Elements {
			if math.Abs(a.Elements[i].NRR-b.Elements[i].NRR) > 1e-9 || a.Elements[i].Count != b.Elements[i].Count {
				t.Fatalf("trial %d: element %s differs", trial, a.Elements[i].Key)
			}
		}
	}
}
