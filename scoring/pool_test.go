package scoring

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestPoolIKMEqualsAllRespondents(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s1 := randomRespondents(rng, 40, 0.1)
	s2 := randomRespondents(rng, 7, 0.3)
	e1, r1 := AggregateAnswers(s1, DefaultWeights())
	e2, r2 := AggregateAnswers(s2, DefaultWeights())
	got := PoolIKM([]IKMAggregates{{e1, r1}, {e2, r2}}, DefaultWeights(), 500)
	want := IKMFromAnswers(append(append([]Respondent{}, s1...), s2...), DefaultWeights(), 500)
	if got.N != 47 || math.Abs(got.Value-want.Value) > 1e-9 || math.Abs(got.CIHigh-want.CIHigh) > 1e-9 {
		t.Errorf("pooled %v (n=%d) CI high %v, want %v (n=47) %v", got.Value, got.N, got.CIHigh, want.Value, want.CIHigh)
	}
}

func TestCityIKM(t *testing.T) {
	w := DefaultWeights()
	opdA := IKMFromAnswers([]Respondent{uniform(4)}, w, 10)                         // 100, n=1
	opdB := IKMFromAnswers([]Respondent{uniform(3), uniform(3), uniform(3)}, w, 20) // 75, n=3
	empty := IKMFromAnswers(nil, w, 30)

	c := CityIKM([]IKMResult{opdA, empty, opdB})
	// Mean of OPD IKMs: (100 + 75)/2 = 87.5 (B). Pooled: NRR (4+9)/4 = 3.25,
	// 81.25 (B), over 4 respondents and a population of 10 + 20.
	if !c.Valid || c.OPDs != 2 || c.N != 4 || !near(c.Value, 87.5) || c.Mutu != MutuB {
		t.Errorf("city = %v over %d OPDs n=%d %q, want 87.5 over 2, n=4, B", c.Value, c.OPDs, c.N, c.Mutu)
	}
	if !c.Pooled.Valid || !near(c.Pooled.Value, 81.25) || c.Pooled.N != 4 || c.Pooled.Population != 30 {
		t.Errorf("pooled = %v n=%d N=%d, want 81.25 n=4 N=30", c.Pooled.Value, c.Pooled.N, c.Pooled.Population)
	}

	unknown := IKMFromAnswers([]Respondent{uniform(2)}, w, 0)
	if c := CityIKM([]IKMResult{opdA, unknown}); c.Pooled.Population != 0 || c.Pooled.Status != StatusUnknown {
		t.Errorf("an unknown OPD population must make the pooled one unknown: %d %q", c.Pooled.Population, c.Pooled.Status)
	}
	if c := CityIKM([]IKMResult{empty}); c.Valid || !errors.Is(c.Err, ErrNoResponses) {
		t.Errorf("no OPD with a figure gave %+v", c)
	}
}
