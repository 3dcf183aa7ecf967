package scoring

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
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

// incrementalIKM is Incremental for the IKM (residents' touches only).
func (r *Recomputer) incrementalIKM(ctx context.Context, kinds []survey.PeriodKind, touches []Touch) (RecomputeResult, error) {
	touched := map[string]map[string]bool{} // period id → services
	var periods []survey.Period
	var services []string
	for _, t := range touches {
		if t.Official || (t.Survey != "" && t.Survey != SurveySKM) {
			continue
		}
		if !slices.Contains(services, t.Service) {
			services = append(services, t.Service)
		}
		periods = r.touchPeriods(touched, periods, kinds, t.At, t.Service)
	}
	if len(periods) == 0 {
		return RecomputeResult{}, nil
	}
	slices.SortStableFunc(periods, func(a, b survey.Period) int { return kindRank(a.Kind) - kindRank(b.Kind) })
	composed := func(k survey.PeriodKind) bool {
		return slices.Contains(kinds, survey.PeriodMonth) && (k == survey.PeriodQuarter || k == survey.PeriodYear)
	}
	var direct []survey.Period
	var directKinds []survey.PeriodKind
	for _, p := range periods {
		if !composed(p.Kind) {
			direct = append(direct, p)
		}
	}
	for _, k := range kinds {
		if !composed(k) {
			directKinds = append(directKinds, k)
		}
	}
	lo, hi := span(direct)
	w := r.weights()
	// Each period's stored aggregates (and a composed period's stored
	// months) are read at once, while the answers are.
	stored := make([]storedIKM, len(periods))
	var wg sync.WaitGroup
	for i, p := range periods {
		wg.Go(func() {
			st := &stored[i]
			if st.aggs, st.err = r.Source.StoredAggregates(ctx, IndexIKM, p, nil); st.err == nil && composed(p.Kind) {
				st.months, st.err = r.Source.StoredAggregatesIn(ctx, IndexIKM, survey.PeriodMonth, p.Start, p.End, services)
			}
		})
	}
	rows, err := r.Source.ResponseScores(ctx, lo, hi, elementKeys(w), services)
	wg.Wait()
	if err != nil {
		return RecomputeResult{}, fmt.Errorf("recompute: %w", err)
	}
	buckets := r.rollUp(rows, directKinds, w, touched)
	months := map[string]map[string]IKMAggregates{} // month id → service aggregates after this run
	var res RecomputeResult
	for i, p := range periods {
		id := periodID(p)
		aggs, err := stored[i].aggs, stored[i].err
		if err != nil {
			return RecomputeResult{}, fmt.Errorf("recompute %s: %w", p.Key(), err)
		}
		for svc := range touched[id] {
			delete(aggs, svc)
			a, ok := buckets[id][svc]
			if composed(p.Kind) {
				a = r.fromMonths(p, svc, months, stored[i].months)
				ok = a.Respondents.N > 0
			}
			if ok {
				aggs[svc] = a
			}
		}
		if p.Kind == survey.PeriodMonth {
			months[id] = aggs
		}
		res.Snapshots = append(res.Snapshots, r.periodSnapshots(p, aggs, touched[id], w)...)
	}
	return res, nil
}

// storedIKM is what a period's stored IKM aggregates read gave: the
// services', and for a period composed of months, the stored months' of
// the run's services by month start.
type storedIKM struct {
	aggs   map[string]IKMAggregates
	months map[int64]map[string]IKMAggregates
	err    error
}

// fromMonths sums a service's month aggregates over the months of p, read
// from months (this run's) or from stored (the stored month snapshots).
func (r *Recomputer) fromMonths(p survey.Period, svc string, months map[string]map[string]IKMAggregates,
	stored map[int64]map[string]IKMAggregates) IKMAggregates {
	out := IKMAggregates{Elements: map[string]ElementAgg{}}
	for m := survey.PeriodOf(survey.PeriodMonth, p.Start, r.loc()); m.Start.Before(p.End); m = m.Next() {
		ma, ok := months[periodID(m)]
		if !ok {
			ma = stored[m.Start.UnixMilli()]
		}
		if a, ok := ma[svc]; ok {
			out = out.Add(a)
		}
	}
	return out
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

// rollUp sums the responses into (period, service) aggregates; with keep
// non-nil only the listed (period id → service) pairs are kept. Each
// response is added once, to its (local day, service); the days are then
// added to their periods (periods never split a day).
func (r *Recomputer) rollUp(rows []ResponseScore, kinds []survey.PeriodKind, w Weights,
	keep map[string]map[string]bool) map[string]map[string]IKMAggregates {
	type acc struct {
		els  []ElementAgg
		resp RespondentAgg
	}
	type dayService struct {
		day     int // yyyymmdd, local
		service string
	}
	days := map[dayService]*acc{}
	dayPeriods := map[int][]string{} // local day → period ids
	for _, row := range rows {
		sum, cnt := 0.0, 0
		for _, e := range row.Elements {
			sum += e.Sum
			cnt += e.Count
		}
		if cnt == 0 {
			continue
		}
		local := row.SubmittedAt.In(r.loc())
		y, m, d := local.Date()
		k := dayService{y*10000 + int(m)*100 + d, row.Service}
		if _, ok := dayPeriods[k.day]; !ok {
			ids := make([]string, 0, len(kinds))
			for _, kind := range kinds {
				ids = append(ids, periodID(survey.PeriodOf(kind, local, r.loc())))
			}
			dayPeriods[k.day] = ids
		}
		a := days[k]
		if a == nil {
			a = &acc{els: make([]ElementAgg, len(w))}
			days[k] = a
		}
		for i, e := range row.Elements {
			a.els[i] = a.els[i].Add(e)
		}
		y25 := 25 * sum / float64(cnt)
		a.resp = a.resp.Add(RespondentAgg{N: 1, SumY: y25, SumY2: y25 * y25})
	}
	keys := slices.Collect(maps.Keys(days)) // a fixed order: the same sums every run
	slices.SortFunc(keys, func(a, b dayService) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return strings.Compare(a.service, b.service)
	})
	accs := map[string]map[string]*acc{}
	for _, k := range keys {
		day := days[k]
		for _, id := range dayPeriods[k.day] {
			if keep != nil && !keep[id][k.service] {
				continue
			}
			if accs[id] == nil {
				accs[id] = map[string]*acc{}
			}
			a := accs[id][k.service]
			if a == nil {
				a = &acc{els: make([]ElementAgg, len(w))}
				accs[id][k.service] = a
			}
			for i, e := range day.els {
				a.els[i] = a.els[i].Add(e)
			}
			a.resp = a.resp.Add(day.resp)
		}
	}
	out := make(map[string]map[string]IKMAggregates, len(accs))
	for id, m := range accs {
		out[id] = make(map[string]IKMAggregates, len(m))
		for svc, a := range m {
			ia := IKMAggregates{Elements: make(map[string]ElementAgg, len(w)), Respondents: a.resp}
			for i, x := range w {
				if a.els[i].Count > 0 {
					ia.Elements[x.Element] = a.els[i]
				}
			}
			out[id][svc] = ia
		}
	}
	return out
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
