package scoring

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// IndexIKM names the IKM in score snapshots.
const IndexIKM = "ikm"

// ScopeKind is what a snapshot describes: one service, one OPD (its
// services pooled) or the whole city.
type ScopeKind string

// Snapshot scopes.
const (
	ScopeService ScopeKind = "service"
	ScopeOPD     ScopeKind = "opd"
	ScopeCity    ScopeKind = "city"
)

// CityMethod states how the city figure is made, for reports.
const CityMethod = "mean of OPD IKMs; pooled figure of all respondents beside it"

// ResponseScore is one submitted response's answers to the weighted
// elements, aggregated in SQL: per element the sum of its 1–4 scores and
// how many of them (0 or 1 for one response).
type ResponseScore struct {
	ResponseID  int64
	Service     string
	SubmittedAt time.Time
	Elements    []ElementAgg // aligned with the element keys asked for
}

// ResponseSource is what a recompute reads; storage.Store implements it.
type ResponseSource interface {
	// ResponseScores returns, ordered by response id, the responses
	// submitted in [from, to) that answered at least one of elements with
	// a score from 1 to 4, for the given services (nil: every service).
	ResponseScores(ctx context.Context, from, to time.Time, elements, services []string) ([]ResponseScore, error)
	// StoredAggregates returns the aggregates kept in the service
	// snapshots of one period, by service code (empty when none), of the
	// services listed (nil: all).
	StoredAggregates(ctx context.Context, index string, p survey.Period, services []string) (map[string]IKMAggregates, error)
	// StoredAggregatesIn is StoredAggregates for every period of one kind
	// starting in [from, to), in one read: by period start (Unix
	// milliseconds), then service code.
	StoredAggregatesIn(ctx context.Context, index string, kind survey.PeriodKind, from, to time.Time,
		services []string) (map[int64]map[string]IKMAggregates, error)
}

// Snapshot is one computed figure, ready to be stored. Valid false means
// no figure (stored as NULL, never as zero).
type Snapshot struct {
	Index     string
	Scope     ScopeKind
	ScopeCode string // "" for the city
	Period    survey.Period
	Valid     bool
	Value     float64 // full precision
	N         int
	NRequired int
	Status    Status
	HasCI     bool
	CILow     float64
	CIHigh    float64
	Mutu      Mutu
	Band      string // the band of an index other than the IKM
	Uncertain bool
	Details   SnapshotDetails
}

// SnapshotDetails is what is kept beside a figure (stored as JSON): the
// per-element scores with their sums, the respondent aggregates (so stored
// figures can be pooled again exactly), the extremes and, for the city,
// the pooled figure.
type SnapshotDetails struct {
	Elements     []ElementDetail `json:"elements,omitempty"`
	Respondents  RespondentAgg   `json:"respondents"`
	Lowest       string          `json:"lowest,omitempty"`
	Highest      string          `json:"highest,omitempty"`
	Missing      []string        `json:"missing,omitempty"`
	Population   int             `json:"population"`
	Interpolated bool            `json:"interpolated,omitempty"`
	Error        string          `json:"error,omitempty"`
	City         *CityDetails    `json:"city,omitempty"`
	// Agg is the aggregate of an index other than the IKM, kept so that
	// stored figures pool exactly; Ranked its ranked items (obstacles).
	Agg    *IndexAgg `json:"agg,omitempty"`
	Ranked []Ranked  `json:"ranked,omitempty"`
}

// ElementDetail is one element of a snapshot.
type ElementDetail struct {
	Key    string  `json:"key"`
	Weight float64 `json:"weight"`
	Sum    float64 `json:"sum"`
	Count  int     `json:"count"`
	NRR    float64 `json:"nrr,omitempty"` // 0 when nobody answered
	Mutu   Mutu    `json:"mutu,omitempty"`
}

// CityDetails describes the city figure: the mean of OPDs beside the
// pooled IKM of all respondents.
type CityDetails struct {
	Method      string  `json:"method"`
	OPDs        int     `json:"opds"`
	PooledValue float64 `json:"pooled_value"`
	PooledMutu  Mutu    `json:"pooled_mutu"`
	PooledCILow float64 `json:"pooled_ci_low,omitempty"`
	PooledCIHi  float64 `json:"pooled_ci_high,omitempty"`
}

// Aggregates rebuilds the inputs of a snapshot from its details.
func (d SnapshotDetails) Aggregates() IKMAggregates {
	out := IKMAggregates{Elements: make(map[string]ElementAgg, len(d.Elements)), Respondents: d.Respondents}
	for _, e := range d.Elements {
		if e.Count > 0 {
			out.Elements[e.Key] = ElementAgg{Sum: e.Sum, Count: e.Count}
		}
	}
	return out
}

// snapshotOf turns an IKM result into a snapshot.
func snapshotOf(scope ScopeKind, code string, p survey.Period, res IKMResult) Snapshot {
	s := Snapshot{Index: IndexIKM, Scope: scope, ScopeCode: code, Period: p, Valid: res.Valid}
	s.Details = detailsOf(res)
	if !res.Valid {
		return s
	}
	s.Value, s.N, s.NRequired, s.Status = res.Value, res.N, res.RequiredN, res.Status
	s.HasCI, s.CILow, s.CIHigh, s.Uncertain = res.HasCI, res.CILow, res.CIHigh, res.Uncertain
	s.Mutu = res.Mutu
	return s
}

// detailsOf builds the stored details of an IKM result.
func detailsOf(res IKMResult) SnapshotDetails {
	d := SnapshotDetails{Respondents: res.Aggregates.Respondents, Population: res.Population,
		Interpolated: res.Interpolated, Missing: res.MissingElements}
	if res.Err != nil {
		d.Error = res.Err.Error()
	}
	if !res.Valid {
		return d
	}
	d.Lowest, d.Highest = res.Lowest.Key, res.Highest.Key
	for _, e := range res.Elements {
		a := res.Aggregates.Elements[e.Key]
		d.Elements = append(d.Elements, ElementDetail{Key: e.Key, Weight: e.Weight, Sum: a.Sum,
			Count: a.Count, NRR: e.NRR, Mutu: e.Mutu})
	}
	return d
}

// citySnapshot turns the city result into a snapshot: the value is the
// mean of OPDs; n, the sample status and the elements are the pooled ones.
func citySnapshot(p survey.Period, c CityResult) Snapshot {
	s := snapshotOf(ScopeCity, "", p, c.Pooled)
	s.HasCI, s.CILow, s.CIHigh, s.Uncertain = false, 0, 0, false
	if !c.Valid {
		s.Valid, s.Value, s.Mutu = false, 0, MutuNone
		return s
	}
	s.Valid, s.Value, s.Mutu = true, c.Value, c.Mutu
	s.Details.City = &CityDetails{Method: CityMethod, OPDs: c.OPDs, PooledValue: c.Pooled.Value,
		PooledMutu: c.Pooled.Mutu, PooledCILow: c.Pooled.CILow, PooledCIHi: c.Pooled.CIHigh}
	return s
}

// SameFigure reports whether two snapshots of one scope and period carry
// the same figures, floats compared within tol (a recompute over unchanged
// data must not rewrite a row).
func SameFigure(a, b Snapshot, tol float64) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= tol*math.Max(1, math.Abs(y)) }
	if a.Details.Agg != nil || b.Details.Agg != nil {
		return a.Index == b.Index && a.Valid == b.Valid && a.N == b.N && a.Status == b.Status &&
			a.Band == b.Band && near(a.Value, b.Value) && sameAgg(a.Details.Agg, b.Details.Agg, near)
	}
	if a.Valid != b.Valid || a.N != b.N || a.NRequired != b.NRequired || a.Status != b.Status ||
		a.HasCI != b.HasCI || a.Mutu != b.Mutu || a.Uncertain != b.Uncertain ||
		!near(a.Value, b.Value) || !near(a.CILow, b.CILow) || !near(a.CIHigh, b.CIHigh) {
		return false
	}
	da, db := a.Details, b.Details
	if da.Lowest != db.Lowest || da.Highest != db.Highest || da.Error != db.Error ||
		len(da.Elements) != len(db.Elements) || da.Respondents.N != db.Respondents.N ||
		!near(da.Respondents.SumY, db.Respondents.SumY) || !near(da.Respondents.SumY2, db.Respondents.SumY2) ||
		(da.City == nil) != (db.City == nil) {
		return false
	}
	for i := range da.Elements {
		x, y := da.Elements[i], db.Elements[i]
		if x.Key != y.Key || x.Count != y.Count || !near(x.Sum, y.Sum) || !near(x.Weight, y.Weight) {
			return false
		}
	}
	return da.City == nil || (da.City.OPDs == db.City.OPDs && near(da.City.PooledValue, db.City.PooledValue))
}

// sameAgg compares two index aggregates, sums within near.
func sameAgg(a, b *IndexAgg, near func(x, y float64) bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.N != b.N || a.Part != b.Part || a.Neg != b.Neg || !near(a.Sum, b.Sum) ||
		!slices.Equal(a.Values, b.Values) || !slices.Equal(a.Counts, b.Counts) || len(a.Items) != len(b.Items) {
		return false
	}
	for k, x := range a.Items {
		if y, ok := b.Items[k]; !ok || x.Count != y.Count || !near(x.Sum, y.Sum) {
			return false
		}
	}
	return true
}
