package scoring

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/kotasolok/egovpulse/survey"
)

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
	wait := r.readStoredIKM(ctx, periods, composed, services) // while the answers are read
	rows, err := r.Source.ResponseScores(ctx, lo, hi, elementKeys(w), services)
	stored := wait()
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

// readStoredIKM starts reading, at once, each period's stored IKM
// aggregates and, for a period composed of months, the run's services'
// stored months; wait returns them, in the order of periods.
func (r *Recomputer) readStoredIKM(ctx context.Context, periods []survey.Period, composed func(survey.PeriodKind) bool,
	services []string) (wait func() []storedIKM) {
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
	return func() []storedIKM {
		wg.Wait()
		return stored
	}
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

// ikmAcc accumulates IKM answers: per weighted element, and per
// respondent.
type ikmAcc struct {
	els  []ElementAgg
	resp RespondentAgg
}

func (a *ikmAcc) add(els []ElementAgg, resp RespondentAgg) {
	for i, e := range els {
		a.els[i] = a.els[i].Add(e)
	}
	a.resp = a.resp.Add(resp)
}

// dayService is a service's local day (yyyymmdd).
type dayService struct {
	day     int
	service string
}

// rollUp sums the responses into (period, service) aggregates; with keep
// non-nil only the listed (period id → service) pairs are kept. Each
// response is added once, to its (local day, service); the days are then
// added to their periods (periods never split a day).
func (r *Recomputer) rollUp(rows []ResponseScore, kinds []survey.PeriodKind, w Weights,
	keep map[string]map[string]bool) map[string]map[string]IKMAggregates {
	days, dayPeriods := r.dayTotals(rows, kinds, w)
	keys := slices.Collect(maps.Keys(days)) // a fixed order: the same sums every run
	slices.SortFunc(keys, func(a, b dayService) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return strings.Compare(a.service, b.service)
	})
	accs := map[string]map[string]*ikmAcc{}
	for _, k := range keys {
		for _, id := range dayPeriods[k.day] {
			if keep != nil && !keep[id][k.service] {
				continue
			}
			if accs[id] == nil {
				accs[id] = map[string]*ikmAcc{}
			}
			a := accs[id][k.service]
			if a == nil {
				a = &ikmAcc{els: make([]ElementAgg, len(w))}
				accs[id][k.service] = a
			}
			a.add(days[k].els, days[k].resp)
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

// dayTotals sums the responses with an answer per (local day, service),
// and lists each day's period ids of kinds.
func (r *Recomputer) dayTotals(rows []ResponseScore, kinds []survey.PeriodKind, w Weights) (map[dayService]*ikmAcc, map[int][]string) {
	days := map[dayService]*ikmAcc{}
	dayPeriods := map[int][]string{}
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
			a = &ikmAcc{els: make([]ElementAgg, len(w))}
			days[k] = a
		}
		y25 := 25 * sum / float64(cnt)
		a.add(row.Elements, RespondentAgg{N: 1, SumY: y25, SumY2: y25 * y25})
	}
	return days, dayPeriods
}
