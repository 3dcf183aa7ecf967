package scoring

import "fmt"

// PoolAggregates sums the aggregates of several scopes: the pooled
// respondents of an OPD are all the respondents of its services.
func PoolAggregates(parts ...IKMAggregates) IKMAggregates {
	out := IKMAggregates{Elements: map[string]ElementAgg{}}
	for _, p := range parts {
		out = out.Add(p)
	}
	return out
}

// PoolIKM is the IKM of all the respondents of parts pooled together (an
// OPD's IKM from its services). population is the pooled number of users
// served, 0 when unknown.
func PoolIKM(parts []IKMAggregates, w Weights, population int) IKMResult {
	a := PoolAggregates(parts...)
	return IKMFromAggregates(a.Elements, a.Respondents, w, population)
}

// CityResult is the city IKM: the mean of the OPD IKMs (the headline, a
// design choice stated in reports), with the IKM of all respondents pooled
// beside it.
type CityResult struct {
	Valid   bool
	Err     error
	Value   float64 // mean of the valid OPD IKMs, full precision
	Rounded float64
	Mutu    Mutu
	Kinerja Kinerja
	OPDs    int // OPDs with a figure, the denominator of Value
	N       int // respondents over those OPDs
	Pooled  IKMResult
}

// CityIKM computes the city IKM from the OPD results. OPDs without a figure
// are left out of the mean. The pooled figure sums the OPDs' aggregates and
// uses the weights of the first OPD with a figure; its population is the
// sum of the OPD populations, or unknown (0) if any OPD's is unknown.
func CityIKM(opds []IKMResult) CityResult {
	var res CityResult
	var parts []IKMAggregates
	var w Weights
	population, sum := 0, 0.0
	for _, o := range opds {
		if !o.Valid {
			continue
		}
		if w == nil {
			w = o.Weights
		}
		if o.Population <= 0 || population < 0 {
			population = -1
		} else {
			population += o.Population
		}
		parts = append(parts, o.Aggregates)
		sum += o.Value
		res.OPDs++
		res.N += o.N
	}
	if res.OPDs == 0 {
		res.Err = fmt.Errorf("city IKM: %w", ErrNoResponses)
		return res
	}
	if population < 0 {
		population = 0
	}
	res.Valid = true
	res.Value = sum / float64(res.OPDs)
	res.Rounded = Round2(res.Value)
	res.Mutu = MutuOf(res.Value)
	res.Kinerja = res.Mutu.Kinerja()
	res.Pooled = PoolIKM(parts, w, population)
	return res
}
