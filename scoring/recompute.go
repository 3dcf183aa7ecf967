package scoring

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// Touch is a service that received a submitted response at a time:
// incremental recomputes redo the periods containing At.
type Touch struct {
	Service  string
	OPD      string // the OPD of an officials' response
	Official bool   // an officials' response (asn): no service, an OPD
	Survey   string // "" when unknown (an IKM element was answered)
	At       time.Time
}

// RecomputeResult is what a recompute produced. Complete lists the periods
// recomputed for every scope: stored snapshots of those periods that are
// not in Snapshots no longer have data.
type RecomputeResult struct {
	Snapshots []Snapshot
	Complete  []survey.Period
}

// Recomputer turns stored answers into IKM snapshots per service, OPD and
// the city.
type Recomputer struct {
	Source   ResponseSource
	Catalog  *survey.Catalog // service → OPD
	Weights  Weights         // from the skm survey; empty: DefaultWeights
	Location *time.Location  // periods are calendar periods here
	// Population returns the users served by a service in a period (0 =
	// unknown, the default while officials do not report it).
	Population func(service string, p survey.Period) int
	// Indices, when set, adds every index beside the IKM (IndexDefs) to
	// each recompute, read in the same pass.
	Indices IndexSource
	// Counts returns the digital and all transactions officials reported
	// for a service and period; ok false (or Counts nil, until officials
	// report them) leaves digital take-up absent, never zero.
	Counts func(service string, p survey.Period) (digital, all int, ok bool)
}

// Periods lists the periods of each kind that overlap [from, to).
func (r *Recomputer) Periods(kinds []survey.PeriodKind, from, to time.Time) []survey.Period {
	var out []survey.Period
	for _, k := range kinds {
		for p := survey.PeriodOf(k, from, r.loc()); p.Start.Before(to); p = p.Next() {
			out = append(out, p)
		}
	}
	return out
}

// Full recomputes every scope of every period of the given kinds that
// overlaps [from, to), reading the answers once. With Indices, the IKM
// snapshots and the other indices' are then computed at once, in two
// goroutines (see Incremental for what must be safe for concurrent use).
func (r *Recomputer) Full(ctx context.Context, kinds []survey.PeriodKind, from, to time.Time) (RecomputeResult, error) {
	periods := r.Periods(kinds, from, to)
	if len(periods) == 0 {
		return RecomputeResult{}, nil
	}
	w := r.weights()
	var starts []Start
	var startsErr error
	var wg sync.WaitGroup
	if r.Indices != nil { // read while the summaries are
		lo, hi := span(periods)
		wg.Go(func() { starts, startsErr = r.Indices.UnsubmittedStarts(ctx, lo, hi, nil) })
	}
	rows, x, err := r.readFull(ctx, periods, kinds, w)
	wg.Wait()
	if err = cmp.Or(err, startsErr); err != nil {
		return RecomputeResult{}, fmt.Errorf("recompute: %w", err)
	}
	var more []Snapshot
	if r.Indices != nil {
		wg.Go(func() { more = r.fullIndices(nil, periods, x, starts) })
	}
	buckets := r.rollUp(rows, kinds, w, nil)
	var ikm []Snapshot
	for _, p := range periods {
		ikm = append(ikm, r.periodSnapshots(p, buckets[periodID(p)], nil, w)...)
	}
	wg.Wait()
	// The other indices' snapshots (most of them) first: one copy less.
	return RecomputeResult{Snapshots: append(more, ikm...), Complete: periods}, nil
}

// Incremental recomputes, for each period of the given kinds containing a
// touch, the touched services, their OPDs and the city; untouched services
// are taken from their stored snapshots. When months are among the kinds,
// a touched service's quarter and year are the sums of its month
// aggregates (months partition them exactly), so only the touched weeks
// and months are read from the answers.
//
// With Indices, the IKM and the other indices are recomputed at once, in
// two goroutines (they read and write nothing in common; most of their
// time is spent waiting for the database). Source, Indices, Population
// and Counts must then be safe for concurrent use.
func (r *Recomputer) Incremental(ctx context.Context, kinds []survey.PeriodKind, touches []Touch) (RecomputeResult, error) {
	if r.Indices == nil {
		return r.incrementalIKM(ctx, kinds, touches)
	}
	var more []Snapshot
	var moreErr error
	var wg sync.WaitGroup
	wg.Go(func() { more, moreErr = r.incrementalIndices(ctx, kinds, touches, r.weights()) })
	res, err := r.incrementalIKM(ctx, kinds, touches)
	wg.Wait()
	if err != nil {
		return RecomputeResult{}, err
	}
	if moreErr != nil {
		return RecomputeResult{}, moreErr
	}
	res.Snapshots = append(res.Snapshots, more...)
	return res, nil
}

// touchPeriods marks scope touched in each period of kinds containing at
// (period id → scope), appending the periods met first to periods.
func (r *Recomputer) touchPeriods(touched map[string]map[string]bool, periods []survey.Period, kinds []survey.PeriodKind,
	at time.Time, scope string) []survey.Period {
	for _, k := range kinds {
		p := survey.PeriodOf(k, at, r.loc())
		id := periodID(p)
		if touched[id] == nil {
			touched[id] = map[string]bool{}
			periods = append(periods, p)
		}
		touched[id][scope] = true
	}
	return periods
}

// kindRank orders period kinds from the shortest.
func kindRank(k survey.PeriodKind) int {
	return slices.Index([]survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}, k)
}

// periodSnapshots computes the snapshots of one period from the service
// aggregates: every service (only the touched ones when touched is
// non-nil), their OPDs, and the city.
func (r *Recomputer) periodSnapshots(p survey.Period, aggs map[string]IKMAggregates,
	touched map[string]bool, w Weights) []Snapshot {
	var out []Snapshot
	svcCodes := make([]string, 0, len(aggs)+len(touched))
	for s := range aggs {
		svcCodes = append(svcCodes, s)
	}
	for s := range touched {
		if _, ok := aggs[s]; !ok {
			svcCodes = append(svcCodes, s) // touched but now empty: no figure
		}
	}
	slices.Sort(svcCodes)
	for _, s := range svcCodes {
		if touched != nil && !touched[s] {
			continue
		}
		a := aggs[s]
		res := IKMFromAggregates(a.Elements, a.Respondents, w, r.population(s, p))
		out = append(out, snapshotOf(ScopeService, s, p, res))
	}
	var opds []IKMResult
	var catalogOPDs []survey.OPD
	if r.Catalog != nil {
		catalogOPDs = r.Catalog.OPDs
	}
	for _, o := range catalogOPDs {
		var parts []IKMAggregates
		pop, hit := 0, false
		for _, s := range o.Services {
			a, ok := aggs[s.Code]
			hit = hit || touched[s.Code]
			if !ok {
				continue
			}
			parts = append(parts, a)
			sp := r.population(s.Code, p)
			if sp <= 0 || pop < 0 {
				pop = -1
			} else {
				pop += sp
			}
		}
		if len(parts) == 0 && !hit {
			continue
		}
		res := PoolIKM(parts, w, max(pop, 0))
		if touched == nil || hit {
			out = append(out, snapshotOf(ScopeOPD, o.Code, p, res))
		}
		opds = append(opds, res)
	}
	if city := CityIKM(opds); city.Valid || len(opds) > 0 {
		out = append(out, citySnapshot(p, city))
	}
	return out
}

func (r *Recomputer) weights() Weights {
	if len(r.Weights) == 0 {
		return DefaultWeights()
	}
	return r.Weights
}

func (r *Recomputer) loc() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

func (r *Recomputer) population(service string, p survey.Period) int {
	if r.Population == nil {
		return 0
	}
	return r.Population(service, p)
}

// elementKeys lists the weighted element keys, in weights order.
func elementKeys(w Weights) []string {
	keys := make([]string, len(w))
	for i, x := range w {
		keys[i] = x.Element
	}
	return keys
}

// periodID identifies a period across kinds.
func periodID(p survey.Period) string { return string(p.Kind) + "/" + p.Key() }

// span is the smallest range covering the periods.
func span(ps []survey.Period) (lo, hi time.Time) {
	lo, hi = ps[0].Start, ps[0].End
	for _, p := range ps[1:] {
		if p.Start.Before(lo) {
			lo = p.Start
		}
		if p.End.After(hi) {
			hi = p.End
		}
	}
	return lo, hi
}
